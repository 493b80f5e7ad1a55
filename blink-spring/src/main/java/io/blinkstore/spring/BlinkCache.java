package io.blinkstore.spring;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.blinkstore.BlinkStore;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;

/**
 * A Spring {@link org.springframework.cache.Cache} on a {@link BlinkStore}: the in-process store, the host's
 * sidecar ({@code BlinkClient}) or Redis ({@code BlinkRedis}), several caches sharing one store. Made by
 * {@link BlinkCacheManager}.
 *
 * <ul>
 *   <li><b>Keys</b>: a cache key is known by its text (a string as it is, another object by its own
 *       {@code toString()}, as with Spring Data Redis), so {@code 1} and {@code "1"} name the same entry; a key
 *       whose class lacks a {@code toString()} is refused with {@link IllegalArgumentException}. Its store key is
 *       {@code cacheName:generation:key}, escaped (see {@link #clear()}).
 *   <li><b>Values</b> are encoded by the manager's {@link ValueCodec}; a null value, where the cache allows them,
 *       is stored as an empty value. Every put carries the cache's time to live, if it has one.
 *   <li><b>{@link #get(Object, Callable)}</b> (what {@code @Cacheable(sync = true)} calls) is
 *       {@link BlinkStore#getOrLoad}: one load at a time per key in this process, and across processes on the
 *       sidecar through its fill lease, or on Redis through blink-redis's lock key. A loader's exception reaches
 *       the caller as a {@link ValueRetrievalException}, and nothing is stored.
 *   <li><b>{@link #clear()}</b> starts a new generation of the cache: its earlier entries are out of reach for every
 *       process at once, and leave the store's memory by eviction or their time to live. Other caches, and other
 *       keys of the store, are untouched. Every call reads the generation (one more read of the store).
 *   <li><b>{@link #retrieve}</b> never blocks its caller: on a {@code BlinkClient} it uses the client's own
 *       asynchronous commands, on other stores the manager's executor. Its loads are single-flight within this
 *       process only.
 * </ul>
 *
 * <p>Counts its hits, misses, puts, evictions and loads in this process for {@link BlinkCacheMetrics}. Thread-safe.
 */
public final class BlinkCache extends AbstractValueAdaptingCache {
  private static final byte[] NULL_BYTES = new byte[0];

  private final String name;
  private final BlinkStore store;
  private final AsyncStore async;
  private final @Nullable Duration timeToLive;
  private final ValueCodec codec;
  private final CacheKeys keys;
  private final AsyncLoads asyncLoads = new AsyncLoads();
  final CacheCounters counters = new CacheCounters();

  BlinkCache(String name, BlinkStore store, AsyncStore async, @Nullable Duration timeToLive, ValueCodec codec,
      boolean allowNullValues) {
    super(allowNullValues);
    this.name = name;
    this.store = store;
    this.async = async;
    this.timeToLive = timeToLive;
    this.codec = codec;
    this.keys = new CacheKeys(store, name);
  }

  @Override
  public String getName() {
    return name;
  }

  /** Returns the store this cache keeps its entries in, shared with the manager's other caches. */
  @Override
  public BlinkStore getNativeCache() {
    return store;
  }

  /** Returns how long each entry lives, or {@code null} if entries never expire. */
  public @Nullable Duration getTimeToLive() {
    return timeToLive;
  }

  @Override
  protected @Nullable Object lookup(Object key) {
    return found(store.get(keys.entryKey(key)));
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
    String storeKey = keys.entryKey(key);
    Object[] loaded = new Object[1];
    BlinkStore.Loader loader = ignored -> {
      counters.lookup(false); // this call missed and loads, whether the load then succeeds or not
      Object value = load(key, valueLoader);
      loaded[0] = value == null ? NullValue.INSTANCE : value;
      return bytes(toStoreValue(value));
    };
    byte[] bytes = timeToLive == null ? store.getOrLoad(storeKey, loader)
        : store.getOrLoad(storeKey, timeToLive, loader);
    if (loaded[0] != null) {
      counters.puts.increment(); // the store holds what this call loaded, as retrieve's loads and Caffeine count
      return (T) fromStoreValue(loaded[0]); // this call loaded it: the caller gets the very object
    }
    counters.lookup(true);
    return (T) fromStoreValue(value(Objects.requireNonNull(bytes, "getOrLoad stored nothing")));
  }

  private <T> @Nullable T load(Object key, Callable<T> valueLoader) {
    long start = System.nanoTime();
    try {
      T value = valueLoader.call();
      counters.load(start, true);
      return value;
    } catch (Exception e) {
      counters.load(start, false);
      throw new ValueRetrievalException(key, valueLoader, e);
    }
  }

  @Override
  public void put(Object key, @Nullable Object value) {
    byte[] bytes = bytes(toStoreValue(value));
    String storeKey = keys.entryKey(key);
    if (timeToLive == null) {
      store.set(storeKey, bytes);
    } else {
      store.set(storeKey, bytes, timeToLive);
    }
    counters.puts.increment();
  }

  /**
   * {@inheritDoc} Atomic in the store ({@link BlinkStore#setIfAbsent}); with a time to live, the in-process store
   * pins the entry until it expires, as it does every {@code setIfAbsent} with one.
   */
  @Override
  public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
    byte[] bytes = bytes(toStoreValue(value));
    String storeKey = keys.entryKey(key);
    while (true) {
      boolean stored = timeToLive == null ? store.setIfAbsent(storeKey, bytes)
          : store.setIfAbsent(storeKey, bytes, timeToLive);
      if (stored) {
        counters.puts.increment();
        return null;
      }
      Object existing = found(store.get(storeKey));
      if (existing != null) {
        return toValueWrapper(existing);
      }
      // The entry present a moment ago was removed (or expired) since: try to store again.
    }
  }

  @Override
  public void evict(Object key) {
    evictIfPresent(key);
  }

  @Override
  public boolean evictIfPresent(Object key) {
    boolean removed = store.delete(keys.entryKey(key));
    if (removed) {
      counters.evictions.increment();
    }
    return removed;
  }

  /** Starts a new generation of this cache (see the class comment): every entry is out of reach at once. */
  @Override
  public void clear() {
    keys.clear();
  }

  @Override
  public @Nullable CompletableFuture<?> retrieve(Object key) {
    return entryKeyAsync(key).thenCompose(async::get).thenApply(bytes -> {
      Object value = found(bytes);
      return value == null ? null : isAllowNullValues() ? toValueWrapper(value) : fromStoreValue(value);
    });
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
    // The read is part of the shared flight: a caller that comes once a load is over (and so no longer shared)
    // reads what that load stored, which it stored before it was over.
    return entryKeyAsync(key).thenCompose(storeKey -> asyncLoads.load(storeKey,
        () -> async.get(storeKey).thenCompose(bytes -> {
          Object value = found(bytes);
          if (value != null) {
            return CompletableFuture.completedFuture((T) fromStoreValue(value));
          }
          return loadAsync(key, storeKey, valueLoader);
        }),
        () -> counters.lookup(true)));
  }

  private <T> CompletableFuture<T> loadAsync(Object key, String storeKey, Supplier<CompletableFuture<T>> loader) {
    long start = System.nanoTime();
    CompletableFuture<T> loading;
    try {
      loading = Objects.requireNonNull(loader.get(), "the value loader returned no future");
    } catch (RuntimeException e) {
      counters.load(start, false);
      return CompletableFuture.failedFuture(e);
    }
    return loading.whenComplete((value, failure) -> counters.load(start, failure == null))
        .thenCompose(value -> async.set(storeKey, bytes(toStoreValue(value)), timeToLive)
            .thenApply(done -> {
              counters.puts.increment();
              return value;
            }));
  }

  private CompletableFuture<String> entryKeyAsync(Object key) {
    String text;
    try {
      text = CacheKeys.text(key);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    return generationAsync().thenApply(generation -> keys.entryKey(generation, text));
  }

  private CompletableFuture<String> generationAsync() {
    String generationKey = keys.generationKey();
    return async.get(generationKey).thenCompose(current -> {
      if (current != null) {
        return CompletableFuture.completedFuture(new String(current, UTF_8));
      }
      String fresh = CacheKeys.newGeneration();
      return async.setIfAbsent(generationKey, fresh.getBytes(UTF_8))
          .thenCompose(stored -> stored ? CompletableFuture.completedFuture(fresh) : generationAsync());
    });
  }

  /** A lookup's result in the form {@link #fromStoreValue} takes, counting the hit or miss. */
  private @Nullable Object found(byte @Nullable [] bytes) {
    counters.lookup(bytes != null);
    return bytes == null ? null : value(bytes);
  }

  private Object value(byte[] bytes) {
    return bytes.length == 0 ? NullValue.INSTANCE : codec.decode(bytes);
  }

  private byte[] bytes(@Nullable Object storeValue) {
    if (storeValue == null || storeValue == NullValue.INSTANCE) {
      return NULL_BYTES;
    }
    byte[] bytes = codec.encode(storeValue);
    if (bytes.length == 0) {
      throw new IllegalStateException(codec + " encoded a value of " + storeValue.getClass().getName()
          + " as no bytes, which this cache keeps for null");
    }
    return bytes;
  }
}
