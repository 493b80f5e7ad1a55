package io.blinkstore;

/**
 * Thrown when one entry (key bytes plus value bytes) is larger than the store's whole memory limit, so no
 * amount of eviction could make room for it; or, as its subclass {@link StoreFullException}, when a store that does
 * not evict ({@link BlinkStore.Builder#noEviction}) has no room left for it. The store is left unchanged.
 */
public class EntryTooLargeException extends BlinkException {
  private static final long serialVersionUID = 1L;

  private final long entryBytes;
  private final long memoryLimit;

  /** Creates the exception for an entry of {@code entryBytes} against a limit of {@code memoryLimit}. */
  public EntryTooLargeException(long entryBytes, long memoryLimit) {
    this("entry of " + entryBytes + " bytes (key + value) exceeds the memory limit of " + memoryLimit + " bytes",
        entryBytes, memoryLimit);
  }

  /** Creates the exception with its own message, for a subclass. */
  protected EntryTooLargeException(String message, long entryBytes, long memoryLimit) {
    super(message);
    this.entryBytes = entryBytes;
    this.memoryLimit = memoryLimit;
  }

  /** Returns the size of the refused entry, key bytes plus value bytes. */
  public long entryBytes() {
    return entryBytes;
  }

  /** Returns the memory limit it was refused against. */
  public long memoryLimit() {
    return memoryLimit;
  }
}
