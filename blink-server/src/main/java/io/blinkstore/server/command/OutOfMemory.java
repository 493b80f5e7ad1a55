package io.blinkstore.server.command;

import io.blinkstore.internal.MemoryLimitControl;
import org.jspecify.annotations.Nullable;

/**
 * Redis's out-of-memory state, in which {@link CommandFlag#DENYOOM} commands are answered {@code -OOM} before they
 * run ({@code processCommand} in Redis's {@code server.c}), and a script's first write is refused
 * ({@code scriptVerifyOOM}): the heap nearly full ({@link HeapGuard}), or, under {@code maxmemory-policy
 * noeviction}, the store holding more key and value bytes than its limit (a limit lowered under it: the store then
 * evicts nothing, and a write that would pass the limit is refused by the store itself). One volatile read and,
 * under {@code noeviction}, one read of the store's count: asked before every {@code DENYOOM} command.
 */
final class OutOfMemory {
  private final HeapGuard heap;
  private final @Nullable MemoryLimitControl store;

  /** @param store the in-process store's control, or null (a store whose limit is not ours) */
  OutOfMemory(HeapGuard heap, @Nullable MemoryLimitControl store) {
    this.heap = heap;
    this.store = store;
    if (store != null) {
      heap.relieveWith(store::evictForHeap, store::heapRelieved);
    }
  }

  /** Whether {@code DENYOOM} commands are refused now. */
  boolean now() {
    return refusal() != null;
  }

  /**
   * The reply to a {@code DENYOOM} command now, or null: {@link Dispatcher#OOM} for the heap,
   * {@link Dispatcher#AT_CAPACITY} for the store (the same bytes in RESP; the text protocol words the two apart).
   */
  Result.@Nullable Error refusal() {
    if (!heap.writesAllowed()) {
      return Dispatcher.OOM;
    }
    MemoryLimitControl control = store;
    return control != null && !control.evicts() && control.overLimit() ? Dispatcher.AT_CAPACITY : null;
  }
}
