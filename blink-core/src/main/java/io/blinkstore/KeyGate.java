package io.blinkstore;

import java.util.Arrays;
import java.util.concurrent.locks.StampedLock;

/**
 * The lock that makes transactions, scripts and blocking pops atomic and isolated against every other caller of
 * the store, on either protocol or in process: one {@link StampedLock} per stripe of keys
 * (docs/design-keyspace-transactions.md, section 3). Not yet used by the store.
 *
 * <ul>
 *   <li>A <b>single-key read</b> takes an {@linkplain #optimistic optimistic stamp} of its key's stripe (a volatile
 *       read), reads, and {@linkplain #validate validates}; only a read that overlapped an exclusive hold does it
 *       again under {@link #enter}.
 *   <li>A <b>single-key write</b> holds its stripe shared ({@link #enter}/{@link #exit}): writers of different keys
 *       never wait for each other here (the map orders writers of one key), only for an exclusive holder.
 *   <li>A <b>multi-key command</b> ({@code MSET}, {@code MGET}) holds its stripes shared with {@link #share}, a
 *       <b>transaction</b> exclusive with {@link #lock}, a command without known keys every stripe with
 *       {@link #lockAll}.
 * </ul>
 *
 * <p><b>No deadlock</b>: whoever holds more than one stripe takes them in ascending order, each once, so a waiter
 * only ever waits for a stripe above every stripe it holds, and no cycle of waiters can form. A holder of
 * several stripes must not take another one afterwards (a transaction runs on a view of the store that skips the
 * gate for the stripes its {@link Hold} covers; {@code StampedLock} is not reentrant).
 */
final class KeyGate {
  /** The number of stripes, a power of two. */
  static final int STRIPES = 256;

  private final StampedLock[] locks = new StampedLock[STRIPES];

  KeyGate() {
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new StampedLock();
    }
  }

  /** The stripe of a key whose {@link Object#hashCode()} is {@code hash}. */
  static int stripe(int hash) {
    int h = hash * 0x9E3779B9; // Fibonacci hashing: the high bits of the product, folded down, pick the stripe
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  /** A stamp to {@link #validate} after an unlocked read; 0 while the stripe is held exclusive. */
  long optimistic(int stripe) {
    return locks[stripe].tryOptimisticRead();
  }

  /** Whether no exclusive hold of the stripe began since {@code stamp} was taken (never for stamp 0). */
  boolean validate(int stripe, long stamp) {
    return locks[stripe].validate(stamp);
  }

  /** Holds one stripe shared, waiting for an exclusive holder to finish; {@link #exit} with the stamp. */
  long enter(int stripe) {
    return locks[stripe].readLock();
  }

  void exit(int stripe, long stamp) {
    locks[stripe].unlockRead(stamp);
  }

  /** Holds the given stripes shared (in any order, duplicates allowed), for a multi-key command. */
  Hold share(int... stripes) {
    return acquire(distinctAscending(stripes), false);
  }

  /** Holds the given stripes exclusive (in any order, duplicates allowed), for a transaction. */
  Hold lock(int... stripes) {
    return acquire(distinctAscending(stripes), true);
  }

  /** Holds every stripe exclusive: a transaction whose keys are not all known, or a command on all keys. */
  Hold lockAll() {
    int[] all = new int[STRIPES];
    Arrays.setAll(all, i -> i);
    return acquire(all, true);
  }

  private static int[] distinctAscending(int[] stripes) {
    return Arrays.stream(stripes).sorted().distinct().toArray();
  }

  private Hold acquire(int[] ascending, boolean exclusive) {
    long[] stamps = new long[ascending.length];
    for (int i = 0; i < ascending.length; i++) {
      StampedLock lock = locks[ascending[i]];
      stamps[i] = exclusive ? lock.writeLock() : lock.readLock();
    }
    return new Hold(ascending, stamps);
  }

  /** Stripes held together; released in reverse order by {@link #close}, exactly once. */
  final class Hold implements AutoCloseable {
    private final int[] stripes;
    private final long[] stamps;
    private boolean closed;

    private Hold(int[] stripes, long[] stamps) {
      this.stripes = stripes;
      this.stamps = stamps;
    }

    /** Whether this hold covers {@code stripe}: a key of it may be used without entering the gate again. */
    boolean covers(int stripe) {
      return Arrays.binarySearch(stripes, stripe) >= 0;
    }

    @Override
    public void close() {
      if (closed) {
        throw new IllegalStateException("released twice");
      }
      closed = true;
      for (int i = stripes.length - 1; i >= 0; i--) {
        locks[stripes[i]].unlock(stamps[i]);
      }
    }
  }
}
