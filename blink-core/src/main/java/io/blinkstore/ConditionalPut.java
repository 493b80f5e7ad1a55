package io.blinkstore;

/**
 * One {@code setIfAbsent}: stores a packed array or a holder unless the key has a live value, deciding in the
 * map's {@code compute}, so that one racer wins. Its bytes are reserved first, as for a set, and given back if
 * nothing is stored; an expired value it replaces leaves the count as an expiration. A lock (a holder to
 * {@code pin}) is pinned while the {@link PinBudget} has room, and stored as an ordinary entry otherwise.
 */
final class ConditionalPut implements Runnable {
  private final CaffeineBlinkStore store;
  private final Object ref;
  private final long weight;
  private final boolean pinned;
  private boolean won;

  private ConditionalPut(CaffeineBlinkStore store, Object stored, boolean pin) {
    this.store = store;
    this.weight = Key.weigh(stored); // checked when packed or copied
    this.pinned = pin && store.pins.tryPin(weight);
    this.ref = pinned ? ((Expiring) stored).pinned(true) : stored;
  }

  /** Stores {@code stored} if its key is absent (or expired), within the store's limit; whether it did. */
  static boolean run(CaffeineBlinkStore store, Object stored, boolean pin) {
    ConditionalPut put = new ConditionalPut(store, stored, pin);
    try {
      store.withRoomFor(put.weight, put);
    } finally {
      if (put.pinned && !put.won) {
        store.pins.unpin(put.weight);
      }
    }
    return put.won;
  }

  @Override
  public void run() {
    Object[] replaced = new Object[1];
    try {
      store.map.compute(Key.of(ref), (k, old) -> {
        if (old != null && store.isLive(old.ref)) {
          return old;
        }
        won = true;
        if (old == null) {
          store.counts.keyIn(ref);
          return k;
        }
        replaced[0] = old.ref;
        old.ref = ref;
        return old;
      });
    } finally {
      if (!won) {
        store.budget.add(-weight);
      }
    }
    if (won) {
      TypedValue typed = Key.typed(ref);
      if (typed != null) {
        store.typed.addOverhead(typed.overhead());
      }
      if (ref instanceof Expiring holder) {
        store.expiry.track(holder);
      }
      if (replaced[0] != null) {
        store.released(replaced[0]);
        store.countExpiration();
      }
    }
  }
}
