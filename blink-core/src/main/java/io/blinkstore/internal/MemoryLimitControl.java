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
   * wait meanwhile, reads do not.
   *
   * @throws IllegalArgumentException if {@code bytes} is not positive, or raises the limit over
   *     {@link #maxMemoryLimit()} (a store built with a larger limit may keep it, or lower it), with a message
   *     naming both
   */
  void changeMemoryLimit(long bytes);
}
