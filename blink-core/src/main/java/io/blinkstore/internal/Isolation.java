package io.blinkstore.internal;

import io.blinkstore.BlinkStore;
import java.util.function.Function;

/**
 * Not API: what makes blink-server's transactions (and later scripts and blocking pops) atomic and isolated against
 * every other caller of the in-process store, on either protocol or in process (docs/design-keyspace-transactions.md,
 * section 3). The store built by {@code BlinkStore.builder()} is a {@link Source} of one.
 *
 * <p>Every operation of that store holds its gate shared for its duration; {@link #atomically} holds it exclusive.
 * A caller that runs several operations as one ({@code MGET}, a server command) may hold the gate shared itself
 * ({@link #enter}/{@link #exit}) and run them on {@link #view()}, which skips the gate (it is not reentrant: a
 * thread that holds it must not call the gated store, or it may wait for an {@code EXEC} that waits for it).
 */
public interface Isolation {
  /** What gives an {@link Isolation}: the in-process store. */
  interface Source {
    Isolation isolation();
  }

  /**
   * The store's operations without the gate, for a caller that holds it (shared or exclusive): they still mark
   * the {@linkplain #watches() watchers} of the keys they modify.
   */
  BlinkStore view();

  /** Holds the gate shared for this thread, waiting for an exclusive holder; {@link #exit} on the same thread. */
  long enter();

  /**
   * As {@link #enter}, waiting at most {@code nanos} (0: not at all) for an exclusive holder to finish: a server's
   * event loop must not wait out a script that runs for ever.
   *
   * @return the stamp for {@link #exit}, or 0 if the gate was not had in time (nothing to exit then)
   */
  long tryEnter(long nanos);

  /** Ends a shared hold of this thread's {@link #enter} or {@link #tryEnter}. */
  void exit(long stamp);

  /**
   * Runs {@code body} on the {@linkplain #view() view} with the gate held exclusive: no other operation of the store,
   * from any thread or path, runs meanwhile, so none observes the body half done. The caller must not hold the gate
   * shared. The store's clock stands still meanwhile, at the instant the body began: a key live then stays live
   * until the body ends, whatever its deadline (Redis 7.0 evaluates a transaction's keys so, and a script's), and
   * relative times set or read in the body count from that instant. Size eviction may still remove keys meanwhile
   * (as if they had been evicted at that instant); every value the body reads or writes is whole.
   */
  <T> T atomically(Function<BlinkStore, T> body);

  /** The registry of watched keys ({@code WATCH}) that every modification through this store marks. */
  Watches watches();
}
