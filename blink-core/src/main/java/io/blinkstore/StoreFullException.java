package io.blinkstore;

/**
 * Thrown by a store built with {@link BlinkStore.Builder#noEviction} when a write does not fit in what is left of
 * its memory limit (Redis's {@code noeviction} policy: the write is refused, nothing is evicted). A write needs room
 * for its whole new entry before what it replaces is given back, so an overwrite is refused as well once the store
 * is full. The store is left unchanged; the write fits once deletes or expiry have freed room.
 */
public class StoreFullException extends EntryTooLargeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for an entry of {@code entryBytes} that did not fit in {@code memoryLimit}. */
  public StoreFullException(long entryBytes, long memoryLimit) {
    super("entry of " + entryBytes + " bytes (key + value) does not fit in what is left of the memory limit of "
        + memoryLimit + " bytes, and the store does not evict", entryBytes, memoryLimit);
  }
}
