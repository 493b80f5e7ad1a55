package io.blinkstore;

/**
 * The room a load has in a store, taken entry by entry, hottest first, in the verify pass: the bytes left under the
 * memory limit, and the entries and heap left under the entry bounds ({@link EntryBound}), reckoned as the store
 * reckons them. So the entries kept are stored without evicting one another.
 */
final class SnapshotRoom {
  private long bytes;
  private long count;
  private long heap;
  private final EntryBound bound;

  SnapshotRoom(CaffeineBlinkStore store) {
    this.bound = store.bound;
    this.bytes = store.budget.limit() - store.budget.used();
    this.count = bound.maxEntries() == Long.MAX_VALUE ? Long.MAX_VALUE : bound.maxEntries() - store.map.size();
    this.heap = bound.capacity() == Long.MAX_VALUE ? Long.MAX_VALUE : bound.capacity() - bound.cost();
  }

  /**
   * Takes the room of an entry of {@code weight} key and value bytes and {@code elements} elements of
   * {@code type} ({@link SnapshotFormat#STRING} and the others), with a time to live if {@code expires}.
   *
   * @return whether it fits (and its room was taken)
   */
  boolean take(long weight, long elements, int type, boolean expires) {
    int perElement = type == SnapshotFormat.HASH ? HashValue.HEAP_PER_FIELD
        : type == SnapshotFormat.SET ? SetValue.HEAP_PER_MEMBER
        : type == SnapshotFormat.LIST ? ListValue.HEAP_BYTES_PER_ELEMENT
        : type == SnapshotFormat.ZSET ? ZSetValue.HEAP_PER_MEMBER : 0;
    long cost = heap == Long.MAX_VALUE ? 0 : bound.cost(weight, expires) + elements * perElement;
    if (weight > bytes || count < 1 || cost > heap) {
      return false;
    }
    bytes -= weight;
    if (count != Long.MAX_VALUE) {
      count--;
    }
    if (heap != Long.MAX_VALUE) {
      heap -= cost;
    }
    return true;
  }
}
