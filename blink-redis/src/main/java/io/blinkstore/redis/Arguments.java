package io.blinkstore.redis;

import io.blinkstore.BlinkStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;

/** The contract's checks of keys and times to live, made before anything is sent. */
final class Arguments {
  private Arguments() {}

  /**
   * {@code ttl} in whole milliseconds, a partial one rounded up, as Redis's {@code PX} takes it.
   *
   * @throws IllegalArgumentException if {@code ttl} is not positive or is longer than {@link BlinkStore#MAX_TTL}
   */
  static long millis(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(BlinkStore.MAX_TTL) > 0) {
      throw new IllegalArgumentException("ttl must be positive and at most " + BlinkStore.MAX_TTL + ", but was " + ttl);
    }
    long millis = ttl.toMillis();
    return ttl.equals(Duration.ofMillis(millis)) ? millis : millis + 1;
  }

  /**
   * Checks {@code key}, copying nothing.
   *
   * @throws IllegalArgumentException if it is not {@linkplain BlinkStore#isValidKey valid}
   */
  static void checkKey(String key) {
    Objects.requireNonNull(key, "key");
    if (!BlinkStore.isValidKey(key)) {
      throw new IllegalArgumentException("invalid key (empty, or holding whitespace or an unpaired surrogate): "
          + (key.length() > 80 ? key.substring(0, 80) + "..." : key));
    }
  }

  /** The UTF-8 length of {@code key}, a valid key. */
  static int keyBytes(String key) {
    return key.getBytes(StandardCharsets.UTF_8).length;
  }
}
