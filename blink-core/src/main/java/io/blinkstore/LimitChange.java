package io.blinkstore;

import io.blinkstore.internal.MemoryLimitControl;

/**
 * The store's memory limit changed while it runs (blink-server's {@code CONFIG SET maxmemory}). Under the
 * over-limit lock ({@link ByteBudget#exclusively}), so that no slow-path write runs meanwhile and fast-path writes
 * fail their reservation against the new limit: the byte count's limit, Caffeine's maximum (less what pinned locks
 * reserve, {@link PinBudget#changeLimit}), which evicts the coldest entries down to it on this thread, then pinned
 * locks if they alone hold more than the new limit (Redis's {@code allkeys-*} policies evict locks too); a store that
 * does not evict ({@link ByteBudget#refusing}) only removes expired entries, and refuses writes while over. The heap
 * capacity ({@link EntryBound}) does not depend on the limit and keeps bounding what entries cost the heap.
 */
final class LimitChange implements MemoryLimitControl {
  private final CaffeineBlinkStore store;

  LimitChange(CaffeineBlinkStore store) {
    this.store = store;
  }

  @Override
  public long maxMemoryLimit() {
    return store.bound.capacity();
  }

  @Override
  public void changeMemoryLimit(long bytes) {
    store.ensureOpen();
    store.budget.exclusively(() -> {
      long current = store.budget.limit();
      if (bytes <= 0 || bytes > current && bytes > maxMemoryLimit()) {
        throw new IllegalArgumentException("a memory limit of " + bytes + " bytes is not positive or is more than"
            + " the store's heap capacity of " + maxMemoryLimit() + " bytes can hold");
      }
      store.budget.changeLimit(bytes);
      store.pins.changeLimit(bytes);
      evictDownToLimit();
    });
  }

  /** Removes expired entries, then, if the store evicts, the coldest ones until it holds no more than its limit. */
  private void evictDownToLimit() {
    store.expiry.reclaim();
    while (!store.budget.refusing() && store.budget.used() > store.budget.limit()) {
      store.cache.cleanUp();
      if (store.budget.used() > store.budget.limit() && !evictPinned()) {
        // A fast-path writer reserved bytes under the old limit that Caffeine has not seen yet; let it finish.
        Thread.yield();
      }
    }
  }

  @Override
  public boolean evicts() {
    return !store.budget.refusing();
  }

  /** Under the over-limit lock, as a limit change: a slow-path write sees one policy from start to end. */
  @Override
  public void evictWhenFull(boolean evict) {
    store.ensureOpen();
    store.budget.exclusively(() -> {
      store.budget.refuse(!evict);
      store.pins.evicting(evict);
      evictDownToLimit();
    });
  }

  /** Under the over-limit lock, as a limit change: writes that need room wait while the coldest entries go. */
  @Override
  public long evictForHeap(long bytes) {
    store.ensureOpen();
    long[] freed = {0};
    store.budget.exclusively(() -> freed[0] = store.bound.squeeze(bytes));
    return freed[0];
  }

  @Override
  public void heapRelieved() {
    store.bound.unsqueeze();
  }

  @Override
  public boolean overLimit() {
    return store.budget.used() > store.budget.limit();
  }

  /**
   * Removes one pinned lock if only pinned locks are left for Caffeine to keep (they weigh 0 there).
   *
   * @return whether one was removed
   */
  private boolean evictPinned() {
    if (store.cache.policy().eviction().orElseThrow().weightedSize().orElse(0) > 0) {
      return false;
    }
    for (Key stored : store.map.keySet()) {
      Object removed = store.removeIf(stored, ref -> ref instanceof Expiring holder && holder.pinned);
      if (removed != null) {
        store.released(removed);
        store.countEviction(removed);
        return true;
      }
    }
    return false;
  }
}
