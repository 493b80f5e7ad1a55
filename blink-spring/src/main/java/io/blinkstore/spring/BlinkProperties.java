package io.blinkstore.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code blink.*} properties of {@link BlinkCacheAutoConfiguration}.
 *
 * <pre>
 * blink.address=blink://127.0.0.1:8765      # none: an in-process store
 * blink.memory-limit=64MB                   # the in-process store's limit (default 10MB)
 * blink.cache.time-to-live=10m              # every cache's entries (default: no expiry)
 * blink.cache.caches.sessions.time-to-live=30m
 * blink.cache.cache-names=products,sessions # fixed set of caches (default: made on first use)
 * blink.cache.allow-null-values=true
 * </pre>
 */
@ConfigurationProperties("blink")
public class BlinkProperties {
  /**
   * Where the store is: none for an in-process store; {@code blink://host:port} or {@code blink-socket:///path}
   * for the sidecar (its fill lease makes {@code @Cacheable(sync = true)} single-flight across processes);
   * {@code redis://}, {@code rediss://}, {@code redis-sentinel://}, {@code redis-cluster://} ... for Redis or
   * Valkey, through blink-redis (which the application then depends on).
   */
  private @Nullable String address;

  /** The most key + value bytes the in-process store holds (powers of 1024: 64MB is 64 MiB). */
  private DataSize memoryLimit = DataSize.ofBytes(io.blinkstore.BlinkStore.DEFAULT_MEMORY_LIMIT);

  private final Cache cache = new Cache();

  public @Nullable String getAddress() {
    return address;
  }

  public void setAddress(@Nullable String address) {
    this.address = address;
  }

  public DataSize getMemoryLimit() {
    return memoryLimit;
  }

  public void setMemoryLimit(DataSize memoryLimit) {
    this.memoryLimit = memoryLimit;
  }

  public Cache getCache() {
    return cache;
  }

  /** The {@code blink.cache.*} properties. */
  public static class Cache {
    /** How long an entry lives in every cache without a time to live of its own; none: until evicted. */
    private @Nullable Duration timeToLive;

    /** The caches made at start (and bound to metrics); when set, no other cache is made. */
    private List<String> cacheNames = new ArrayList<>();

    /** Whether caches store null values. */
    private boolean allowNullValues = true;

    /** Per cache, by name: {@code blink.cache.caches.NAME.time-to-live}. */
    private final Map<String, CacheSpec> caches = new LinkedHashMap<>();

    public @Nullable Duration getTimeToLive() {
      return timeToLive;
    }

    public void setTimeToLive(@Nullable Duration timeToLive) {
      this.timeToLive = timeToLive;
    }

    public List<String> getCacheNames() {
      return cacheNames;
    }

    public void setCacheNames(List<String> cacheNames) {
      this.cacheNames = cacheNames;
    }

    public boolean isAllowNullValues() {
      return allowNullValues;
    }

    public void setAllowNullValues(boolean allowNullValues) {
      this.allowNullValues = allowNullValues;
    }

    public Map<String, CacheSpec> getCaches() {
      return caches;
    }
  }

  /** One cache's properties. */
  public static class CacheSpec {
    /** How long this cache's entries live. */
    private @Nullable Duration timeToLive;

    public @Nullable Duration getTimeToLive() {
      return timeToLive;
    }

    public void setTimeToLive(@Nullable Duration timeToLive) {
      this.timeToLive = timeToLive;
    }
  }
}
