package io.blinkstore;

import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * One {@link TypedWrite} on the in-process store, run with the most it can add reserved (key bytes plus its
 * {@code growBytes}): the map's {@code compute} finds the live value of the key (creating an empty one if the write
 * creates), refuses it if the value could pass the store's limit or heap capacity, then changes it in place under
 * its monitor; the entry keeps its key object and ref, so Caffeine re-weighs it as the compute returns. A value left
 * empty is removed, as Redis removes an empty container. Then the reservation not used is given back and the
 * books are settled.
 */
final class TypedUpdate<T extends TypedValue, R> implements BiFunction<Key, @Nullable Key, @Nullable Key>, Runnable {
  private static final byte[] NO_VALUE = new byte[0];

  private final CaffeineBlinkStore store;
  private final String key;
  private final int keyBytes;
  private final TypedWrite<T, R> write;
  private final long reserved;
  private R result;
  private long grown;
  private long overheadGrown;
  /** An expired ref the write replaced, or a ref it removed because the write left it empty. */
  private @Nullable Object expired;
  private @Nullable Object emptied;

  TypedUpdate(CaffeineBlinkStore store, String key, int keyBytes, TypedWrite<T, R> write, long reserved) {
    this.store = store;
    this.key = key;
    this.keyBytes = keyBytes;
    this.write = write;
    this.reserved = reserved;
    this.result = write.absent();
  }

  R result() {
    return result;
  }

  @Override
  public void run() {
    try {
      store.map.compute(Key.lookup(key), this);
    } finally {
      store.budget.add(grown - reserved);
      store.typed.addOverhead(overheadGrown);
    }
    if (emptied != null) {
      store.released(emptied);
    }
    if (expired != null) {
      store.released(expired);
      store.countExpiration();
    }
  }

  @Override
  public @Nullable Key apply(Key lookup, @Nullable Key entry) {
    Object ref = entry == null ? null : entry.ref;
    boolean live = ref != null && store.isLive(ref);
    TypedValue current = ref != null && live ? TypedAccess.checked(key, ref, write.type()) : null;
    T value = current != null ? write.type().cast(current) : create();
    if (value == null) {
      return entry; // absent, and the write does not create
    }
    long before = current == null ? 0 : value.weight();
    long overheadBefore = current == null ? 0 : value.overhead();
    store.typed.checkRoom(value, write, ref instanceof Expiring && live);
    synchronized (value) {
      result = write.change().apply(value);
      if (value.elements() == 0) {
        return emptied(entry, ref, current, value, before, overheadBefore);
      }
      grown = value.weight() - before;
      overheadGrown = value.overhead() - overheadBefore;
    }
    if (current != null) {
      return entry; // changed in place: same key object, same ref
    }
    if (entry == null) {
      store.counts.keyIn(value);
      lookup.ref = value; // the lookup key becomes the stored one: same key bytes, same hash
      return lookup;
    }
    expired = ref; // an expired entry's key object takes the new value
    entry.ref = value;
    return entry;
  }

  private @Nullable T create() {
    var create = write.create();
    return create == null ? null : create.apply(Key.pack(key, keyBytes, NO_VALUE));
  }

  /** A write that left its value empty: a live one is removed; a created one is never stored. */
  private @Nullable Key emptied(@Nullable Key entry, @Nullable Object ref, @Nullable TypedValue current, T value,
      long before, long overheadBefore) {
    if (current == null) {
      return entry; // created empty: nothing stored, nothing counted
    }
    // Counted down to the value as it is now; released() then takes that out, the holder and the key count too.
    grown = value.weight() - before;
    overheadGrown = value.overhead() - overheadBefore;
    store.counts.keyOut(current);
    emptied = ref;
    return null;
  }
}
