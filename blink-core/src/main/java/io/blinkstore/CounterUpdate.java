package io.blinkstore;

import io.blinkstore.internal.Decimal;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * One {@code incrementBy}, run with the most an entry can grow by reserved (key bytes plus the 20 digits of the
 * longest {@code long}): the map's {@code compute} parses, adds and stores under the key's lock, then the rest of
 * the reservation is given back, so counters keep the same limit promise as sets. As many digits as before are
 * written in place, with no garbage; a live holder keeps its deadline and its place in the expiry index.
 */
final class CounterUpdate implements BiFunction<Key, Key, Key>, Runnable {
  private final CaffeineBlinkStore store;
  private final String key;
  private final int keyBytes;
  private final long delta;
  private final long reserved;
  private long result;
  private long grown;
  private @Nullable Object replaced;
  private boolean wasLive;

  private CounterUpdate(CaffeineBlinkStore store, String key, int keyBytes, long delta, long reserved) {
    this.store = store;
    this.key = key;
    this.keyBytes = keyBytes;
    this.delta = delta;
    this.reserved = reserved;
  }

  /** Runs one {@code incrementBy} on {@code store}; the counter's value after it. */
  static long run(CaffeineBlinkStore store, String key, long delta) {
    store.ensureOpen();
    int keyBytes = StoreArguments.validate(key);
    long reserved = (long) keyBytes + Decimal.MAX_LENGTH;
    if (reserved > store.budget.limit()) {
      throw new EntryTooLargeException(reserved, store.budget.limit());
    }
    CounterUpdate update = new CounterUpdate(store, key, keyBytes, delta, reserved);
    store.withRoomFor(reserved, update);
    return update.result;
  }

  @Override
  public void run() {
    try {
      store.map.compute(Key.lookup(key), this);
    } finally {
      store.budget.add(grown - reserved);
    }
    if (replaced instanceof Expiring holder) {
      // Its bytes left the count in grown; an expired one leaves the index, a pinned one its share.
      if (!wasLive) {
        store.expiry.unindex(holder);
        store.countExpiration();
      }
      if (holder.pinned) {
        store.pins.unpin(Key.weight(holder.packed));
      }
    }
  }

  @Override
  public Key apply(Key lookup, Key stored) {
    Object old = stored == null ? null : stored.ref;
    byte[] oldPacked = store.liveValue(old);
    long current = oldPacked == null ? 0 : parse(oldPacked);
    result = Math.addExact(current, delta);
    byte[] digits = Decimal.format(result);
    byte[] updated;
    if (oldPacked != null && Key.valueLength(oldPacked) == digits.length) {
      store.locks.overwrite(key, oldPacked, digits); // as many digits as before: in place, no garbage
      updated = oldPacked;
    } else {
      updated = oldPacked != null ? Key.repack(oldPacked, digits) : Key.pack(key, keyBytes, digits);
    }
    grown = Key.weight(updated) - (old == null ? 0 : Key.weight(Key.packed(old)));
    replaced = old;
    wasLive = oldPacked != null;
    // A live holder stays, or its successor keeps its deadline and its place in the index.
    Object next = old instanceof Expiring holder && oldPacked != null
        ? (updated == oldPacked && !holder.pinned ? holder : holder.withValue(updated))
        : updated;
    if (stored == null) {
      lookup.ref = next; // the lookup key becomes the stored one: same key bytes, same hash
      store.counts.keyIn(next);
      return lookup;
    }
    stored.ref = next;
    return stored;
  }

  private long parse(byte[] packed) {
    try {
      return Decimal.parse(packed, Key.valueOffset(packed));
    } catch (NumberFormatException e) {
      throw new NotAnIntegerException(key);
    }
  }
}
