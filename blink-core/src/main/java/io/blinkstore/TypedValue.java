package io.blinkstore;

/**
 * A value that is not a string: a hash, a list, a set or a sorted set, one entry of the store as a string is
 * ({@link Key}), stored as the entry's {@link Key#ref} (or in the {@link Expiring} holder of an entry with a time to
 * live). It carries its key as a packed array without value bytes ({@link Key#pack} of an empty value), so the entry
 * is found, hashed and counted per namespace by its key bytes exactly as a string's is.
 *
 * <p><b>Weight</b>: its key bytes plus {@link #bytes()}, every field, value or element byte it holds: what
 * {@code usage()} and Caffeine count. <b>Heap</b>: the heap capacity ({@link EntryBound}) also counts
 * {@link #elements()} x {@link #heapPerElement()}, what each element costs the JVM beyond its bytes, so that a
 * container of a million one-byte elements is bounded by its real cost.
 *
 * <p><b>Locking</b>: the store mutates a typed value only inside the map's {@code compute} of its key (so Caffeine
 * re-weighs it after) and holding the value's own monitor; readers hold the monitor too ({@link TypedAccess}), so
 * no reader sees a change half made. Subclasses need no locking of their own; their methods are called with the
 * monitor held.
 */
abstract class TypedValue {
  /** The key as a packed array with no value bytes. */
  final byte[] key;

  TypedValue(byte[] key) {
    this.key = key;
  }

  /** What {@code TYPE} answers: {@code "hash"}, {@code "list"}, {@code "set"}, {@code "zset"}. */
  abstract String type();

  /** What {@code OBJECT ENCODING} answers, as Redis would for the same content. */
  abstract String encoding();

  /** The field, value or element bytes held, which {@code usage()} counts beside the key bytes. */
  abstract long bytes();

  /** The number of elements (fields of a hash, elements of a list, members of a set or sorted set). */
  abstract long elements();

  /** What one element costs the heap beyond its bytes (its array's header, its slot), for {@link EntryBound}. */
  abstract int heapPerElement();

  /** A deep copy under the key of the packed array {@code otherKey}: no array shared with this value. */
  abstract TypedValue copy(byte[] otherKey);

  /** Key bytes plus {@link #bytes()}: the entry's weight. */
  final long weight() {
    return Key.keyLength(key) + bytes();
  }

  /**
   * What the elements' arrays waste of a region-based collector's regions ({@link HeapRegions#waste(long)}): kept
   * by the subclasses as elements come and go, 0 for elements under an eighth of a region.
   */
  long regionWaste;

  /**
   * {@link #regionWaste}, never below 0 (an element added before {@link HeapRegions#use} and removed after takes
   * out more than it put in); a set holding its members in a hash table answers the table's.
   */
  long regionWaste() {
    return Math.max(0, regionWaste);
  }

  /** What the elements cost the heap beyond their bytes, with what large ones waste of the collector's regions. */
  final long overhead() {
    return elements() * heapPerElement() + regionWaste();
  }
}
