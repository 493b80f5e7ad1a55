package io.blinkstore;

import io.blinkstore.internal.Deadlines;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * One write of a value, run with its bytes reserved: the map's {@code compute} decides under the key's lock, then
 * the books are settled. A stored value of the same length is overwritten in place, in the packed array the entry
 * already has ({@link ValueLocks}): no array is allocated, and none is left behind as garbage, which under a
 * cache's churn of overwrites would be old-generation garbage. Not a value of
 * {@link BlinkStore.StoredValue#IMMUTABLE_LENGTH} or more: a reader may be sending it in slices, so it never
 * changes. Otherwise the value is packed into a new array. The
 * key object stays either way; a time to live gets a new holder around the array.
 */
final class Overwrite implements BiFunction<Key, Key, Key>, Runnable {
  private final CaffeineBlinkStore store;
  private final String key;
  private final int keyBytes;
  private final byte[] value;
  /** When the value expires, {@link Deadlines#NEVER} for never. */
  private final long deadline;
  private final long weight;
  private @Nullable Object replaced;
  private @Nullable Object stored;

  Overwrite(CaffeineBlinkStore store, String key, int keyBytes, byte[] value, long deadline, long weight) {
    this.store = store;
    this.key = key;
    this.keyBytes = keyBytes;
    this.value = value;
    this.deadline = deadline;
    this.weight = weight;
  }

  @Override
  public void run() {
    try {
      store.map.compute(Key.lookup(key), this);
    } finally {
      if (stored == null) {
        store.budget.add(-weight); // the compute failed: nothing was stored or replaced
      }
    }
    settle(store, replaced, stored);
  }

  /**
   * Settles the books after a {@code compute} that replaced the ref {@code replaced} by {@code stored} (either may
   * be null: nothing was there, or the key was removed): the old bytes leave the count, an expired one counting as
   * an expiration (and told as one), and a new holder is indexed.
   */
  static void settle(CaffeineBlinkStore store, @Nullable Object replaced, @Nullable Object stored) {
    if (replaced != null) {
      store.released(replaced);
      if (!store.countIfExpired(replaced)) {
        store.removedWithoutWrite(replaced); // expired before this write, as Redis's lookup of the key finds it
      }
    }
    if (stored instanceof Expiring holder) {
      store.expiry.track(holder);
    }
  }

  @Override
  public Key apply(Key lookup, Key entry) {
    replaced = entry == null ? null : entry.ref;
    byte[] packed = replaced == null || Key.typed(replaced) != null ? null : Key.packed(replaced);
    if (packed != null && Key.valueLength(packed) == value.length
        && value.length < BlinkStore.StoredValue.IMMUTABLE_LENGTH) {
      Object next = deadline == Deadlines.NEVER ? packed : store.expiry.holderUntil(packed, deadline, false);
      stored = next;
      // The bytes and the ref (a new deadline, or none) under one write lock: a snapshot pairs them (SnapshotWriter).
      store.locks.overwrite(key, packed, value, entry, next);
      return entry;
    }
    packed = Key.pack(key, keyBytes, value);
    stored = deadline == Deadlines.NEVER ? packed : store.expiry.holderUntil(packed, deadline, false);
    // An absent key: the lookup key becomes the stored one (same key bytes, same hash).
    Key result = entry == null ? lookup : entry;
    if (entry == null) {
      store.counts.keyIn(stored);
    }
    result.ref = stored;
    return result;
  }
}
