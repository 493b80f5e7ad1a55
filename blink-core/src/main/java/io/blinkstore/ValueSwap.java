package io.blinkstore;

import io.blinkstore.internal.ValueSwaps;
import java.util.Arrays;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * One {@link ValueSwaps#swap} on the in-process store, run with the new value's bytes reserved: the map's
 * {@code compute} compares the live value and deadline with the expected ones under the key's lock, and stores
 * the new value (always in a new array: a reader of the old one keeps a whole value) or removes the key; then
 * the books are settled as {@link Overwrite} settles them. Writers of a key all run inside {@code compute}, so
 * the comparison reads the stored bytes directly, never torn.
 */
final class ValueSwap implements BiFunction<Key, Key, Key>, Runnable {
  private final CaffeineBlinkStore store;
  private final String key;
  private final int keyBytes;
  private final ValueSwaps.@Nullable Entry expected;
  private final byte @Nullable [] next;
  /** The time to live ({@link ValueSwaps#swap}'s), or the deadline itself if {@link #absolute}. */
  private final long ttlNanos;
  private final boolean absolute;
  private final long weight;
  private boolean won;
  private @Nullable Object replaced;
  private @Nullable Object stored;

  private ValueSwap(CaffeineBlinkStore store, String key, int keyBytes, ValueSwaps.@Nullable Entry expected,
      byte @Nullable [] next, long ttlNanos, boolean absolute, long weight) {
    this.store = store;
    this.key = key;
    this.keyBytes = keyBytes;
    this.expected = expected;
    this.next = next;
    this.ttlNanos = ttlNanos;
    this.absolute = absolute;
    this.weight = weight;
  }

  /** The live value of {@code key} and its deadline, copied whole. */
  static ValueSwaps.@Nullable Entry read(CaffeineBlinkStore store, String key) {
    store.ensureOpen();
    StoreArguments.validate(key);
    Key entry = store.map.get(Key.lookup(key));
    Object ref = entry == null ? null : entry.ref;
    byte[] packed = ref == null ? null : store.liveValue(ref);
    if (packed == null) {
      return null;
    }
    byte[] value = store.locks.read(key, packed, ValueLocks.COPY);
    if (ref instanceof Expiring holder) {
      return new ValueSwaps.Entry(value, holder.deadline, Math.max(1, holder.deadline - store.expiry.now()));
    }
    return new ValueSwaps.Entry(value, ValueSwaps.NO_DEADLINE, ValueSwaps.NO_DEADLINE);
  }

  /** Runs one swap; whether {@code key} held {@code expected}. */
  static boolean run(CaffeineBlinkStore store, String key, ValueSwaps.@Nullable Entry expected,
      byte @Nullable [] next, long ttlNanos) {
    if (ttlNanos == ValueSwaps.KEEP_TTL && expected == null || ttlNanos < ValueSwaps.KEEP_TTL) {
      throw new IllegalArgumentException("ttlNanos " + ttlNanos + " with expected " + expected);
    }
    return run(store, key, expected, next, ttlNanos, false);
  }

  /** Runs one swap whose new value expires at the store's time {@code deadline}; whether it won. */
  static boolean runUntil(CaffeineBlinkStore store, String key, ValueSwaps.@Nullable Entry expected, byte[] next,
      long deadline) {
    return run(store, key, expected, next, deadline, true);
  }

  private static boolean run(CaffeineBlinkStore store, String key, ValueSwaps.@Nullable Entry expected,
      byte @Nullable [] next, long ttlOrDeadline, boolean absolute) {
    store.ensureOpen();
    int keyBytes = StoreArguments.validate(key);
    long weight = next == null ? 0 : (long) keyBytes + next.length;
    if (weight > store.budget.limit() || weight > Integer.MAX_VALUE - 16) {
      throw new EntryTooLargeException(weight, store.budget.limit());
    }
    ValueSwap swap = new ValueSwap(store, key, keyBytes, expected, next, ttlOrDeadline, absolute, weight);
    if (next == null) {
      swap.run();
    } else {
      store.withRoomFor(weight, swap);
    }
    return swap.won;
  }

  @Override
  public void run() {
    try {
      store.map.compute(Key.lookup(key), this);
    } finally {
      if (stored == null) {
        store.budget.add(-weight); // nothing stored: the reservation goes back (0 for a removal)
      }
    }
    Overwrite.settle(store, replaced, stored);
  }

  @Override
  public @Nullable Key apply(Key lookup, @Nullable Key entry) {
    Object old = entry == null ? null : entry.ref;
    byte[] live = old == null ? null : store.liveValue(old);
    if (!holdsExpected(old, live)) {
      return entry;
    }
    won = true;
    replaced = old;
    if (next == null) {
      if (old != null) {
        store.counts.keyOut(old);
      }
      return null;
    }
    byte[] packed = Key.pack(key, keyBytes, next);
    ValueSwaps.Entry kept = expected;
    long deadline = absolute ? ttlNanos
        : ttlNanos == ValueSwaps.KEEP_TTL && kept != null ? kept.deadline()
        : ttlNanos == 0 ? ValueSwaps.NO_DEADLINE : store.expiry.now() + ttlNanos;
    stored = deadline == ValueSwaps.NO_DEADLINE ? packed : store.expiry.holderUntil(packed, deadline);
    if (entry == null) {
      store.counts.keyIn(stored);
      lookup.ref = stored; // the lookup key becomes the stored one: same key bytes, same hash
      return lookup;
    }
    entry.ref = stored;
    return entry;
  }

  /** Whether the entry's ref {@code old}, whose live packed array is {@code live}, holds {@link #expected}. */
  private boolean holdsExpected(@Nullable Object old, byte @Nullable [] live) {
    if (expected == null || live == null) {
      return expected == null && live == null;
    }
    long deadline = old instanceof Expiring holder ? holder.deadline : ValueSwaps.NO_DEADLINE;
    int offset = Key.valueOffset(live);
    byte[] value = expected.value();
    return deadline == expected.deadline()
        && Arrays.equals(live, offset, live.length, value, 0, value.length);
  }
}
