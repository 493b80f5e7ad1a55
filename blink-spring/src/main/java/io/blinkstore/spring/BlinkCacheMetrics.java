package io.blinkstore.spring;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer's cache meters for a {@link BlinkCache}, under the names Micrometer gives every cache (so dashboards
 * made for Caffeine's work unchanged): {@code cache.gets} tagged {@code result=hit} or {@code miss},
 * {@code cache.puts}, {@code cache.evictions}, {@code cache.size}, and the load meters of Micrometer's Caffeine
 * binder, {@code cache.load} tagged {@code result=success} or {@code failure} and {@code cache.load.duration}, each
 * tagged with the cache's name. Spring Boot binds them through {@link BlinkCacheMeterBinderProvider}, as it binds
 * its own caches'.
 *
 * <p>What they count is this process's calls on this cache: a read that found an entry is a hit, one that did not
 * a miss (a {@code get(key, loader)} that waited for another's load finds its value: a hit); a put is a value this
 * process stored ({@code put}, {@code putIfAbsent}, or a load's value); an eviction is an entry this process removed with {@code evict}. {@code cache.size} is the
 * number of entries in the whole store the cache shares, as the store counts them ({@link
 * io.blinkstore.BlinkStore#size()}; one request to a remote store at each reading): a store's caches cannot be
 * told apart without a scan of its keys.
 */
public final class BlinkCacheMetrics extends CacheMeterBinder<BlinkCache> {
  private final BlinkCache cache;

  /** Meters for {@code cache}, tagged {@code cache=<its name>} and with {@code tags}. */
  public BlinkCacheMetrics(BlinkCache cache, Iterable<Tag> tags) {
    super(cache, cache.getName(), tags);
    this.cache = cache;
  }

  @Override
  protected @Nullable Long size() {
    return cache.getNativeCache().size();
  }

  @Override
  protected long hitCount() {
    return cache.counters.hits.sum();
  }

  @Override
  protected @Nullable Long missCount() {
    return cache.counters.misses.sum();
  }

  @Override
  protected @Nullable Long evictionCount() {
    return cache.counters.evictions.sum();
  }

  @Override
  protected long putCount() {
    return cache.counters.puts.sum();
  }

  @Override
  protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
    CacheCounters counters = cache.counters;
    TimeGauge.builder("cache.load.duration", counters, TimeUnit.NANOSECONDS, c -> c.loadNanos.sum())
        .tags(getTagsWithCacheName())
        .description("The time the cache has spent loading new values")
        .register(registry);
    FunctionCounter.builder("cache.load", counters, c -> c.loadSuccesses.sum())
        .tags(getTagsWithCacheName()).tag("result", "success")
        .description("The number of times cache lookup methods have successfully loaded a new value or failed to"
            + " load a new value, either because no value was found or an exception was thrown while loading")
        .register(registry);
    FunctionCounter.builder("cache.load", counters, c -> c.loadFailures.sum())
        .tags(getTagsWithCacheName()).tag("result", "failure")
        .description("The number of times cache lookup methods have successfully loaded a new value or failed to"
            + " load a new value, either because no value was found or an exception was thrown while loading")
        .register(registry);
  }
}
