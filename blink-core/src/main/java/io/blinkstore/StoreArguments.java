package io.blinkstore;

import java.time.Duration;
import java.util.Objects;

/** The checks every {@link CaffeineBlinkStore} operation makes of its arguments before it touches the map. */
final class StoreArguments {
  private StoreArguments() {}

  /**
   * Validates a time to live and returns it in nanoseconds.
   *
   * @throws IllegalArgumentException if it is not positive or is longer than {@link BlinkStore#MAX_TTL}
   */
  static long ttlNanos(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(BlinkStore.MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          "ttl must be positive and at most " + BlinkStore.MAX_TTL + ", but was " + ttl);
    }
    return ttl.toNanos();
  }

  /**
   * Validates a key and returns its length in UTF-8 bytes.
   *
   * @throws IllegalArgumentException if it is empty, has whitespace or an unpaired surrogate
   */
  static int validate(String key) {
    int keyBytes = Utf8.keyBytes(Objects.requireNonNull(key, "key"));
    if (keyBytes < 0) {
      throw new IllegalArgumentException(
          "invalid key (must be non-empty, without whitespace or unpaired surrogates): " + quote(key));
    }
    return keyBytes;
  }

  private static String quote(String key) {
    String shown = key.length() > 64 ? key.substring(0, 64) + "..." : key;
    return '"' + shown.replace("\n", "\\n").replace("\r", "\\r") + '"';
  }

  /**
   * What {@link BlinkStore.Builder#build} throws when building the store failed for a class not found: an
   * explanation if Caffeine (which blink-client leaves out) is missing, else {@code e} itself.
   */
  static RuntimeException caffeineMissing(NoClassDefFoundError e) {
    try {
      Class.forName("com.github.benmanes.caffeine.cache.Caffeine", false, BlinkStore.class.getClassLoader());
    } catch (ClassNotFoundException missing) {
      return new IllegalStateException("the in-process store needs Caffeine on the class path"
          + " (com.github.ben-manes.caffeine:caffeine, a dependency of blink-core that blink-client leaves"
          + " out): depend on blink-core itself to build one", e);
    }
    throw e;
  }
}
