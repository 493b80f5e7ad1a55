package io.blinkstore;

import org.jspecify.annotations.Nullable;

/**
 * The {@link Key#ref} of an entry with a time to live: its packed array (or its {@link TypedValue} and that value's
 * key-only packed array), its deadline, and whether it is pinned
 * (a lock written with {@code setIfAbsent} and a time to live, which size eviction leaves alone until it expires;
 * see {@link PinBudget}). Its identity, in the expiry index and for conditional removal, is its sequence number:
 * unique per time to live set, shared by updates that keep it (counters, a new time to live for a pinned lock).
 * Equality is the object's own, never by content.
 */
final class Expiring implements Comparable<Expiring> {
  /** The packed key and value; the key bytes also find the entry in the map again. */
  final byte[] packed;
  /** The hash, list, set or sorted set this holder gives a time to live, {@code null} for a string. */
  final @Nullable TypedValue typed;
  /** Nanoseconds after the store's epoch at which the entry expires. */
  final long deadline;
  final long seq;
  final boolean pinned;

  /** A holder of {@code value}: a packed array or a {@link TypedValue} (never pinned). */
  Expiring(Object value, long deadline, long seq, boolean pinned) {
    TypedValue typedValue = value instanceof TypedValue held ? held : null;
    this.typed = typedValue;
    this.packed = typedValue != null ? typedValue.key : (byte[]) value;
    this.deadline = deadline;
    this.seq = seq;
    this.pinned = pinned;
  }

  /** The same entry pinned or not, keeping its identity. */
  Expiring pinned(boolean pin) {
    return pin == pinned ? this : new Expiring(bare(), deadline, seq, pin);
  }

  /** What this holder holds: its typed value, else its packed array. */
  Object bare() {
    return typed != null ? typed : packed;
  }

  boolean isLive(long now) {
    return now < deadline;
  }

  /** The same entry with another value, no longer pinned (a lock is not a counter), keeping deadline and seq. */
  Expiring withValue(byte[] updated) {
    return new Expiring(updated, deadline, seq, false);
  }

  @Override
  public int compareTo(Expiring other) {
    int byDeadline = Long.compare(deadline, other.deadline);
    return byDeadline != 0 ? byDeadline : Long.compare(seq, other.seq);
  }
}
