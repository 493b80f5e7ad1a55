package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Text;
import java.time.Duration;

/**
 * The largest key and the largest value one write may store ({@code --max-key-bytes}, {@code --max-value-bytes}),
 * checked by {@link #wrap the store the protocols write through}, so that every write command of both protocols is
 * held to them. A key is measured as {@code USAGE} counts it (its UTF-8 bytes), a value by its bytes. A write past
 * either limit throws {@link TooLarge}, whose message is the reply ({@code key too long}, {@code value too long});
 * nothing is stored then. Reads need no check: no stored key can be longer.
 */
public record EntrySizeLimits(int maxKeyBytes, int maxValueBytes) {
  /** No limits of their own: the request size and the memory limit still bound every entry. */
  public static final EntrySizeLimits NONE = new EntrySizeLimits(Integer.MAX_VALUE, Integer.MAX_VALUE);

  /** A write refused for its key's or its value's size; the message is the error reply. */
  static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String reply;

    TooLarge(String reply) {
      super(reply, null, false, false);
      this.reply = reply;
    }

    /** The reply's text, as given: never null. */
    @Override
    public String getMessage() {
      return reply;
    }
  }

  private static final TooLarge KEY_TOO_LONG = new TooLarge("key too long");
  private static final TooLarge VALUE_TOO_LONG = new TooLarge("value too long");

  /**
   * @throws IllegalArgumentException if either limit is not positive
   */
  public EntrySizeLimits {
    if (maxKeyBytes <= 0) {
      throw new IllegalArgumentException("maxKeyBytes must be positive, but was " + maxKeyBytes);
    }
    if (maxValueBytes <= 0) {
      throw new IllegalArgumentException("maxValueBytes must be positive, but was " + maxValueBytes);
    }
  }

  /**
   * Checks a key that a write would create.
   *
   * @throws TooLarge if it is longer than the key limit
   */
  void checkKey(String key) {
    // A char is at most 3 UTF-8 bytes (a surrogate pair: 4 bytes for 2 chars), so short keys need no count.
    if ((long) key.length() * 3 > maxKeyBytes && Text.utf8Length(key) > maxKeyBytes) {
      throw KEY_TOO_LONG;
    }
  }

  /**
   * Checks one entry a write would store.
   *
   * @throws TooLarge if its key or its value is past its limit
   */
  void check(String key, byte[] value) {
    checkKey(key);
    if (value.length > maxValueBytes) {
      throw VALUE_TOO_LONG;
    }
  }

  /**
   * Checks an entry of {@code valueBytes} a write would make for {@code key}, before its value is built.
   *
   * @throws TooLarge if its key or its value would be past its limit
   */
  void checkLength(String key, long valueBytes) {
    checkKey(key);
    if (valueBytes > maxValueBytes) {
      throw VALUE_TOO_LONG;
    }
  }

  /** Returns {@code store}, its writes checked against these limits first. */
  BlinkStore wrap(BlinkStore store) {
    return this.equals(NONE) ? store : new Checked(store, this);
  }


  private static final class Checked extends ForwardingBlinkStore {
    private final EntrySizeLimits limits;

    Checked(BlinkStore store, EntrySizeLimits limits) {
      super(store);
      this.limits = limits;
    }

    @Override
    public void set(String key, byte[] value) {
      limits.check(key, value);
      super.set(key, value);
    }

    @Override
    public void set(String key, byte[] value, Duration ttl) {
      limits.check(key, value);
      super.set(key, value, ttl);
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value) {
      limits.check(key, value);
      return super.setIfAbsent(key, value);
    }

    @Override
    public boolean setIfAbsent(String key, byte[] value, Duration ttl) {
      limits.check(key, value);
      return super.setIfAbsent(key, value, ttl);
    }

    @Override
    public void setUntil(String key, byte[] value, long deadline) {
      limits.check(key, value);
      super.setUntil(key, value, deadline);
    }

    @Override
    public boolean setIfAbsentUntil(String key, byte[] value, long deadline) {
      limits.check(key, value);
      return super.setIfAbsentUntil(key, value, deadline);
    }

    @Override
    public long incrementBy(String key, long delta) {
      limits.checkKey(key);
      return super.incrementBy(key, delta);
    }
  }
}
