package io.blinkstore.internal;

/**
 * Not API: absolute deadlines, for blink-server's {@code EXPIREAT}, {@code SET ... PXAT}, {@code PEXPIRETIME} and
 * {@code RENAME}/{@code COPY}, which carry a key's deadline rather than a time left. A deadline is a reading of the
 * store's own clock ({@link #now()}: nanoseconds of its ticker since the store was built), the very number the store
 * keeps per entry, so a deadline set is the deadline read back, exactly (issue 23's B2), and costs no field more.
 * The store built by {@code BlinkStore.builder()} is one. Each operation is one atomic step on its key.
 */
public interface Deadlines {
  /** What {@link #deadline} answers for a key that holds no live value. */
  long ABSENT = Long.MIN_VALUE;

  /** What {@link #deadline} answers for a key that never expires, and the deadline of "no expiry". */
  long NEVER = Long.MAX_VALUE;

  /** The store's clock: nanoseconds since the store was built. */
  long now();

  /** The deadline of {@code key}: {@link #ABSENT}, {@link #NEVER}, or when it expires on {@link #now()}'s clock. */
  long deadline(String key);

  /**
   * Gives a live key the deadline {@code deadline} if its current one ({@link #NEVER} for none) and the new one meet
   * {@code condition}, in one step under the key's lock: no write of the key comes between the check and the
   * change. A deadline not after {@link #now()} deletes the key instead, as Redis's {@code EXPIRE} of a time past.
   *
   * @return whether the key was live and met the condition (so was changed or deleted)
   */
  boolean expireAt(String key, long deadline, Condition condition);

  /** Stores {@code value} under {@code key} until {@code deadline} ({@link #NEVER}: for ever), after {@link #now()}. */
  void setUntil(String key, byte[] value, long deadline);

  /** As {@link #setUntil}, only if the key has no live value; atomic. Whether it was stored. */
  boolean setIfAbsentUntil(String key, byte[] value, long deadline);

  /** Redis's {@code EXPIRE} conditions ({@code NX}, {@code XX}, {@code GT}, {@code LT}, and {@code XX LT}). */
  enum Condition {
    ALWAYS,
    /** Only a key that has no deadline. */
    NX,
    /** Only a key that has one. */
    XX,
    /** Only to a later deadline than the key's; a key without one has none later ("never" is latest). */
    GT,
    /** Only to an earlier deadline than the key's; always for a key without one. */
    LT,
    /** {@code XX} and {@code LT}: only to an earlier deadline than the key's own. */
    XX_LT;

    /** Whether a key whose deadline is {@code current} ({@link #NEVER}: none) may be given {@code next}. */
    public boolean allows(long current, long next) {
      boolean expires = current != NEVER;
      return switch (this) {
        case ALWAYS -> true;
        case NX -> !expires;
        case XX -> expires;
        case GT -> expires && next > current;
        case LT -> !expires || next < current;
        case XX_LT -> expires && next < current;
      };
    }
  }
}
