package io.blinkstore;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.StampedLock;

/**
 * The gate that makes transactions atomic and isolated against every other caller of the store, on either protocol
 * or in process (docs/design-keyspace-transactions.md, section 3): one reader-writer gate whose shared side is
 * striped, one {@link StampedLock} per stripe. An operation holds one stripe shared ({@link #enter}/{@link #exit};
 * {@link IsolatedStore} picks its calling thread's stripe, so event loops never write each other's lock word); a
 * transaction holds every stripe exclusive ({@link #lockAll}), in ascending order, so two of them cannot deadlock.
 * The shared side is an uncontended compare-and-set on a lock that, with a fixed set of event-loop threads, each
 * thread has to itself, so an operation never writes a cache line that operations of other threads write, and an
 * {@code EXEC} excludes all of them. Simpler than the per-key stripes the design first chose, as correct (it excludes
 * everything, keyless commands included), and measured no slower (docs/BENCHMARKS.md).
 * {@code StampedLock} is not reentrant: a holder must not enter again (a transaction runs on a view of the store
 * that skips the gate).
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

  /** The stripe of a caller whose hash is {@code hash}. */
  static int stripe(int hash) {
    int h = hash * 0x9E3779B9; // Fibonacci hashing: the high bits of the product, folded down, pick the stripe
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  /** Holds one stripe shared, waiting for an exclusive holder to finish; {@link #exit} with the stamp. */
  long enter(int stripe) {
    return locks[stripe].readLock();
  }

  /** As {@link #enter}, waiting at most {@code nanos}; 0 if the stripe was not had in time (or the wait interrupted). */
  long tryEnter(int stripe, long nanos) {
    if (nanos <= 0) {
      return locks[stripe].tryReadLock();
    }
    try {
      return locks[stripe].tryReadLock(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  void exit(int stripe, long stamp) {
    locks[stripe].unlockRead(stamp);
  }

  /** Holds every stripe exclusive, in ascending order: no operation runs until the hold is closed. */
  Hold lockAll() {
    long[] stamps = new long[STRIPES];
    for (int i = 0; i < STRIPES; i++) {
      stamps[i] = locks[i].writeLock();
    }
    return new Hold(stamps);
  }

  /** Every stripe held exclusive; released in reverse order by {@link #close}, exactly once. */
  final class Hold implements AutoCloseable {
    private final long[] stamps;
    private boolean closed;

    private Hold(long[] stamps) {
      this.stamps = stamps;
    }

    @Override
    public void close() {
      if (closed) {
        throw new IllegalStateException("released twice");
      }
      closed = true;
      for (int i = STRIPES - 1; i >= 0; i--) {
        locks[i].unlock(stamps[i]);
      }
    }
  }
}
