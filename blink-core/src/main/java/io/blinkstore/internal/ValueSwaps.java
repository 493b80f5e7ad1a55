package io.blinkstore.internal;

import org.jspecify.annotations.Nullable;

/**
 * Not API: compare-and-set of one key's value and deadline, for blink-server's commands that read a key and then
 * write it ({@code GETDEL}, {@code GETSET}, {@code SET ... GET}, {@code APPEND}, {@code SETRANGE}, ...), so that no
 * other write of that key, by any client or in-process caller, lands between the read and the write. A command
 * {@link #read}s the key, computes, and {@link #swap}s; a swap that finds the key changed does nothing and the
 * command reads again: lock-free, one key's lock in the map held only for the comparison and the store.
 *
 * <p>The store {@code BlinkStore.builder()} builds is a {@link Source} of one (its {@linkplain Isolation#view()
 * view} without the gate, too); a swap marks the key's {@linkplain Watches watchers} as any write does.
 */
public interface ValueSwaps {
  /** What gives {@link ValueSwaps}: the in-process store and its view. */
  interface Source {
    ValueSwaps swaps();
  }

  /** {@link Entry#deadline} of a value without a time to live. */
  long NO_DEADLINE = Long.MAX_VALUE;

  /** {@link #swap}'s {@code ttlNanos}: the new value keeps the deadline of the value it replaces. */
  long KEEP_TTL = -1;

  /**
   * A live value and its deadline, as one write left them.
   *
   * @param value a copy of the stored bytes
   * @param deadline the store's nanosecond time at which it expires, {@link #NO_DEADLINE} if never
   * @param ttlNanos the time it had left when read, {@link #NO_DEADLINE} if it never expires
   */
  record Entry(byte[] value, long deadline, long ttlNanos) {
    /** Whether the value has a time to live. */
    public boolean expires() {
      return deadline != NO_DEADLINE;
    }
  }

  /** The live value of {@code key} and its deadline, or {@code null} if it has none. */
  @Nullable Entry read(String key);

  /**
   * Replaces the value of {@code key} by {@code next}, or removes the key if {@code next} is {@code null}, if and
   * only if the key still holds {@code expected} (the same bytes and deadline), or has no live value when
   * {@code expected} is {@code null}. The new value expires {@code ttlNanos} from now, never if 0, or at
   * {@code expected}'s deadline if {@link #KEEP_TTL}. Decided under the key's lock in the map; the bytes of
   * {@code next} are reserved first, as for a set.
   *
   * @return whether the key held {@code expected} (and so was written)
   * @throws io.blinkstore.EntryTooLargeException if key and {@code next} exceed the store's limit
   */
  boolean swap(String key, @Nullable Entry expected, byte @Nullable [] next, long ttlNanos);

  /**
   * As {@link #swap}, the new value expiring at the store's time {@code deadline} ({@link Deadlines}'s clock), not
   * after a time to live counted when the swap runs: what an absolute time ({@code EXAT}, {@code PXAT}) needs to be
   * read back exactly.
   */
  boolean swapUntil(String key, @Nullable Entry expected, byte[] next, long deadline);
}
