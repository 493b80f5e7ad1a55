package io.blinkstore;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The store's own count of the key and value bytes it holds, kept within its limit. Caffeine adds an entry to its
 * map first and evicts later, in its maintenance cycle, so its weighted size can run well past the maximum while
 * writers race ahead of eviction. Here every byte is counted at the moment it enters or leaves the map, and the
 * limit is kept like this:
 *
 * <ul>
 *   <li><b>Fast path</b> (room available): a writer reserves its entry's bytes with a CAS that never lets the count
 *       pass the limit ({@link #tryReserve}), then puts. No lock.
 *   <li><b>Slow path</b> (no room, {@link #writeOverLimit}): the writer takes the over-limit lock, makes room
 *       (removes expired entries), puts (so Caffeine's W-TinyLFU policy decides what goes, possibly the new entry
 *       itself), and runs Caffeine's maintenance on its own thread until the count is back within the limit. Only
 *       here can the count pass the limit, and only while the lock is held; fast-path reservations fail
 *       meanwhile, so concurrent writers queue behind it.
 *   <li>{@link #settled()} reads the count without locking when it is within the limit, and otherwise waits for
 *       the slow path to finish, so no caller ever observes a value over the limit.
 * </ul>
 *
 * <p>A store that does not evict ({@link #refusing}, Redis's {@code noeviction}) has no slow path: a writer that
 * finds no room takes the over-limit lock, removes expired entries, and reserves again; if that fails too, the write
 * is refused ({@link StoreFullException}) and nothing is put, so the count never passes the limit. The policy
 * changes under the lock, so a slow-path writer sees one policy from start to end. The count may be over the limit
 * only after the limit was lowered under that policy ({@link LimitChange}), which evicts nothing: then every write
 * that needs room is refused until deletes and expiry bring the count under it.
 *
 * <p>Every stored array is counted in exactly once and out exactly once: by the writer that replaced it, by a
 * delete, by trimming to the entry bound, by whoever removes it once expired, or by Caffeine's eviction listener,
 * which runs atomically with the eviction.
 */
final class ByteBudget {
  /** Changed only under the over-limit lock ({@link LimitChange}); read without it. */
  private volatile long limit;
  private final AtomicLong used = new AtomicLong();
  private final ReentrantLock overLimitLock = new ReentrantLock();
  /** Whether a write that finds no room is refused instead of evicting; changed only under the over-limit lock. */
  private volatile boolean refusing;

  ByteBudget(long limit) {
    this.limit = limit;
  }

  long limit() {
    return limit;
  }

  /** Makes {@code bytes} the limit; the caller holds the over-limit lock and brings the count within it. */
  void changeLimit(long bytes) {
    limit = bytes;
  }

  /** Whether a write that finds no room is refused ({@link StoreFullException}) instead of evicting. */
  boolean refusing() {
    return refusing;
  }

  /** Makes writes that find no room refused or evicting; the caller holds the over-limit lock. */
  void refuse(boolean refuse) {
    refusing = refuse;
  }

  /** The count as it is now, possibly over the limit while a slow-path write runs. */
  long used() {
    return used.get();
  }

  /** Counts bytes in (positive) or out (negative). */
  void add(long bytes) {
    used.addAndGet(bytes);
  }

  /** Reserves {@code weight} bytes if that keeps the count within the limit. */
  boolean tryReserve(long weight) {
    for (;;) {
      long current = used.get();
      if (current + weight > limit) {
        return false;
      }
      if (used.compareAndSet(current, current + weight)) {
        return true;
      }
    }
  }

  /**
   * The slow path: under the over-limit lock, runs {@code makeRoom}, counts {@code bytes} in, runs {@code write},
   * then {@code evict} until the count is within the limit again. When {@link #refusing}: runs {@code makeRoom},
   * then {@code write} only if {@code bytes} can be reserved within the limit.
   *
   * @throws StoreFullException if refusing and {@code bytes} do not fit (nothing was written)
   */
  void writeOverLimit(long bytes, Runnable write, Runnable makeRoom, Runnable evict) {
    overLimitLock.lock();
    try {
      makeRoom.run();
      if (refusing) {
        if (!tryReserve(bytes)) {
          throw new StoreFullException(bytes, limit);
        }
        write.run();
        return;
      }
      used.addAndGet(bytes);
      write.run();
      while (used.get() > limit) {
        evict.run();
        if (used.get() > limit) {
          // A fast-path writer reserved bytes whose put Caffeine has not seen yet; let it finish.
          Thread.yield();
        }
      }
    } finally {
      overLimitLock.unlock();
    }
  }

  /** Runs {@code work} under the over-limit lock, so that no slow-path write runs meanwhile. */
  void exclusively(Runnable work) {
    overLimitLock.lock();
    try {
      work.run();
    } finally {
      overLimitLock.unlock();
    }
  }

  /** The count, waiting for a slow-path write under way to bring it back within the limit. */
  long settled() {
    long current = used.get();
    if (current <= limit) {
      return current;
    }
    overLimitLock.lock();
    try {
      return used.get();
    } finally {
      overLimitLock.unlock();
    }
  }
}
