package io.blinkstore.spring;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.cache.metrics.CacheMeterBinderProvider;

/**
 * How Spring Boot's cache metrics ({@code CacheMetricsRegistrar}) bind a {@link BlinkCache}: with
 * {@link BlinkCacheMetrics}, tagged as Boot tags every cache ({@code cache}, {@code cache.manager}). The
 * auto-configuration declares one; Boot then binds each cache the manager has at start-up.
 */
public final class BlinkCacheMeterBinderProvider implements CacheMeterBinderProvider<BlinkCache> {
  @Override
  public MeterBinder getMeterBinder(BlinkCache cache, Iterable<Tag> tags) {
    return new BlinkCacheMetrics(cache, tags);
  }
}
