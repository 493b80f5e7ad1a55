package io.blinkstore.spring;

import io.blinkstore.BlinkStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.Cache;
import org.springframework.cache.support.AbstractCacheManager;

/**
 * A Spring {@link org.springframework.cache.CacheManager} whose caches ({@link BlinkCache}) share one
 * {@link BlinkStore}: the in-process store, the host's sidecar, or Redis, so the same {@code @Cacheable} code moves
 * from one to the other by changing the store. Spring Boot makes one from the {@code blink.*} properties
 * ({@link BlinkCacheAutoConfiguration}).
 *
 * <pre>{@code
 * BlinkStore store = BlinkClient.connect("blink://127.0.0.1:8765");   // or BlinkStore.builder().build()
 * BlinkCacheManager caches = BlinkCacheManager.builder(store)
 *     .defaultTimeToLive(Duration.ofMinutes(10))
 *     .timeToLive("sessions", Duration.ofMinutes(30))
 *     .build();
 * }</pre>
 *
 * <p>The manager does not close the store: its owner does (a Spring bean's {@code close()} is called by the
 * container). Thread-safe.
 */
public final class BlinkCacheManager extends AbstractCacheManager {
  private final BlinkStore store;
  private final @Nullable Duration defaultTimeToLive;
  private final Map<String, Duration> timesToLive;
  private final @Nullable Set<String> fixedNames;
  private final boolean allowNullValues;
  private final ValueCodec codec;
  private final AsyncStore async;

  private BlinkCacheManager(Builder builder) {
    this.store = builder.store;
    this.defaultTimeToLive = builder.defaultTimeToLive;
    this.timesToLive = Map.copyOf(builder.timesToLive);
    this.fixedNames = builder.cacheNames == null ? null : Set.copyOf(builder.cacheNames);
    this.allowNullValues = builder.allowNullValues == null || builder.allowNullValues;
    this.codec = builder.codec != null ? builder.codec : ValueCodec.serialization(null);
    this.async = AsyncStore.of(store, builder.asyncExecutor != null ? builder.asyncExecutor : Runnable::run);
  }

  /** Returns a builder of a manager whose caches keep their entries in {@code store}. */
  public static Builder builder(BlinkStore store) {
    return new Builder(Objects.requireNonNull(store, "store"));
  }

  /** Does nothing: {@link Builder#build()} has made the caches already (making them again would reset counts). */
  @Override
  public void afterPropertiesSet() {}

  /** Returns the store every cache of this manager shares. */
  public BlinkStore getStore() {
    return store;
  }

  /** The caches named to the builder ({@link Builder#cacheNames}, {@link Builder#timeToLive}), made at start. */
  @Override
  protected Collection<? extends Cache> loadCaches() {
    Set<String> names = new LinkedHashSet<>(timesToLive.keySet());
    if (fixedNames != null) {
      names.addAll(fixedNames);
    }
    List<Cache> caches = new ArrayList<>();
    for (String name : names) {
      caches.add(newCache(name));
    }
    return caches;
  }

  /** A cache first asked for: made, unless the builder fixed the set of names. */
  @Override
  protected @Nullable Cache getMissingCache(String name) {
    return fixedNames == null ? newCache(name) : null;
  }

  private BlinkCache newCache(String name) {
    return new BlinkCache(name, store, async, timesToLive.getOrDefault(name, defaultTimeToLive), codec,
        allowNullValues);
  }

  /** Builds a {@link BlinkCacheManager}. Each option may be set once; a bad value fails at once, naming it. */
  public static final class Builder {
    private final BlinkStore store;
    private @Nullable Duration defaultTimeToLive;
    private final Map<String, Duration> timesToLive = new LinkedHashMap<>();
    private @Nullable Collection<String> cacheNames;
    private @Nullable Boolean allowNullValues;
    private @Nullable ValueCodec codec;
    private @Nullable Executor asyncExecutor;

    private Builder(BlinkStore store) {
      this.store = store;
    }

    /**
     * Sets how long an entry of every cache without a time to live of its own lives; default: for ever (until
     * evicted).
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive or is longer than {@link BlinkStore#MAX_TTL}
     * @throws IllegalStateException if it was already set
     */
    public Builder defaultTimeToLive(Duration ttl) {
      once(defaultTimeToLive, "defaultTimeToLive");
      defaultTimeToLive = checked(ttl, "defaultTimeToLive");
      return this;
    }

    /**
     * Sets how long an entry of the cache {@code name} lives, and makes that cache when the manager starts.
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive or is longer than {@link BlinkStore#MAX_TTL}
     * @throws IllegalStateException if it was already set for that cache
     */
    public Builder timeToLive(String name, Duration ttl) {
      once(timesToLive.get(Objects.requireNonNull(name, "name")), "timeToLive of cache " + name);
      timesToLive.put(name, checked(ttl, "timeToLive of cache " + name));
      return this;
    }

    /**
     * Fixes the set of caches: these (and those given a {@link #timeToLive}) are made when the manager starts,
     * and no other is ever made ({@code getCache} of another name answers {@code null}, as Spring's fixed managers
     * do). Default: a cache is made when first asked for.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder cacheNames(Collection<String> names) {
      once(cacheNames, "cacheNames");
      cacheNames = List.copyOf(names);
      return this;
    }

    /**
     * Sets whether caches store {@code null} values (default {@code true}, as Spring's own caches); without,
     * putting {@code null} throws {@link IllegalArgumentException}.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder allowNullValues(boolean allow) {
      once(allowNullValues, "allowNullValues");
      allowNullValues = allow;
      return this;
    }

    /**
     * Sets how values become bytes; default {@link ValueCodec#serialization Java serialization}.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder codec(ValueCodec codec) {
      once(this.codec, "codec");
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Sets where {@link BlinkCache#retrieve} runs the store's blocking calls, for stores without asynchronous
     * commands of their own (all but {@code BlinkClient}); default: the calling thread, which suits the
     * in-process store, whose calls never wait on I/O. For a store on Redis, give a pool.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder asyncExecutor(Executor executor) {
      once(asyncExecutor, "asyncExecutor");
      asyncExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** Returns a started manager: the caches named to this builder are made. */
    public BlinkCacheManager build() {
      BlinkCacheManager manager = new BlinkCacheManager(this);
      manager.initializeCaches();
      return manager;
    }

    private static void once(@Nullable Object current, String option) {
      if (current != null) {
        throw new IllegalStateException(option + " was already set to " + current);
      }
    }

    private static Duration checked(Duration ttl, String option) {
      Objects.requireNonNull(ttl, option);
      if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(BlinkStore.MAX_TTL) > 0) {
        throw new IllegalArgumentException(option + " must be positive and at most " + BlinkStore.MAX_TTL
            + ", but was " + ttl);
      }
      return ttl;
    }
  }
}
