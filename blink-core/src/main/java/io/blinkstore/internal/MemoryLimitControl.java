package io.blinkstore.internal;

/**
 * Not API: blink-server's {@code CONFIG SET maxmemory}, the in-process store's memory limit changed while it runs.
 * The store built by {@code BlinkStore.builder()} is a {@link Source} of one; the server asks
 * {@code store instanceof MemoryLimitControl.Source}.
 */
public interface MemoryLimitControl {
  /** What gives a {@link MemoryLimitControl}: the in-process store. */
  interface Source {
    MemoryLimitControl memoryLimitControl();
  }

  /**
   * The largest memory limit the store accepts: its heap capacity ({@code BlinkStore.Builder.heapCapacity}), which
   * key and value bytes alone can never pass; {@link Long#MAX_VALUE} for a store built without one.
   */
  long maxMemoryLimit();

  /**
   * Makes {@code bytes} the store's memory limit. Lowering it evicts before returning, coldest entries first (then
   * pinned locks, if they alone hold more), until the store holds no more than the new limit; writes that need room
   * wait meanwhile, reads do not. A store that does not evict ({@link #evicts()} false) only removes expired
   * entries, and may hold more than the new limit ({@link #overLimit()}).
   *
   * @throws IllegalArgumentException if {@code bytes} is not positive, or raises the limit over
   *     {@link #maxMemoryLimit()} (a store built with a larger limit may keep it, or lower it), with a message
   *     naming both
   */
  void changeMemoryLimit(long bytes);

  /**
   * Whether a write that finds the store full evicts (W-TinyLFU, Redis's {@code allkeys-lfu}) or is refused
   * ({@code noeviction}, {@code BlinkStore.Builder.noEviction}).
   */
  boolean evicts();

  /**
   * Makes writes that find the store full evict or be refused. Switching to evicting evicts before returning, as
   * {@link #changeMemoryLimit} does, if the store holds more than its limit (a limit lowered while it refused).
   */
  void evictWhenFull(boolean evict);

  /**
   * For blink-server's heap guard, when the heap stays nearly full with the store within its bounds (memory outside
   * it: scripts, functions, clients' buffers): a store that evicts and has a heap capacity holds its entries to
   * {@code bytes} less than they cost now (at most half its capacity less), removing the coldest now (never pinned
   * locks) and after later writes, until {@link #heapRelieved}. Writes that need room wait meanwhile. Any other
   * store does nothing.
   *
   * @return what the entries removed cost by the heap capacity's reckoning (key and value bytes and the per-entry
   *     figure)
   */
  long evictForHeap(long bytes);

  /** Ends {@link #evictForHeap}'s hold: the entries may cost the whole heap capacity again. */
  void heapRelieved();

  /**
   * Whether the store holds more key and value bytes than its limit: only after the limit was lowered while it
   * refuses writes (Redis's out-of-memory state under {@code noeviction}), or for a moment while a write evicts.
   * One read of the count, no sweep.
   */
  boolean overLimit();
}
