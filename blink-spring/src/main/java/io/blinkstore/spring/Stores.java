package io.blinkstore.spring;

import io.blinkstore.BlinkStore;
import io.blinkstore.client.BlinkClient;
import io.blinkstore.redis.BlinkRedis;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Opens the store an address names, as {@code blink.address} documents. */
final class Stores {
  private static final Set<String> SIDECAR = Set.of("blink", "blink-socket", "redis-socket");
  private static final Set<String> REDIS = Set.of("redis", "rediss", "redis-sentinel", "rediss-sentinel",
      "redis-cluster", "rediss-cluster");

  private Stores() {}

  /**
   * Returns a new store: in-process with {@code memoryLimit} when {@code address} is empty, otherwise the one the
   * address names.
   *
   * @throws IllegalArgumentException if the address has no scheme this module knows
   * @throws IllegalStateException if it is a Redis address and blink-redis is not on the class path
   */
  static BlinkStore open(@Nullable String address, long memoryLimit) {
    if (address == null || address.isBlank()) {
      return BlinkStore.builder().memoryLimit(memoryLimit).build();
    }
    int end = address.indexOf("://");
    String scheme = end < 0 ? "" : address.substring(0, end).toLowerCase(Locale.ROOT);
    if (SIDECAR.contains(scheme)) {
      return BlinkClient.connect(address);
    }
    if (REDIS.contains(scheme)) {
      if (!blinkRedisPresent()) {
        throw new IllegalStateException("blink.address " + scheme + "://... is a Redis address, reached through"
            + " blink-redis: add the dependency io.blinkstore:blink-redis");
      }
      return OnRedis.open(address);
    }
    throw new IllegalArgumentException("blink.address must be empty (an in-process store), blink://host:port or"
        + " blink-socket:///path (the sidecar), or a Redis address (redis://, rediss://, redis-sentinel://,"
        + " redis-cluster://), but its scheme was '" + scheme + "'");
  }

  static boolean isRedis(@Nullable String address) {
    if (address == null) {
      return false;
    }
    int end = address.indexOf("://");
    return end > 0 && REDIS.contains(address.substring(0, end).toLowerCase(Locale.ROOT));
  }

  /** Apart, so that this class loads (and is verified) without blink-redis on the class path. */
  private static final class OnRedis {
    static BlinkStore open(String address) {
      return BlinkRedis.connect(address);
    }
  }

  private static boolean blinkRedisPresent() {
    try {
      Class.forName("io.blinkstore.redis.BlinkRedis", false, Stores.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
