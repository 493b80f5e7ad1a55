package io.blinkstore;

import com.github.benmanes.caffeine.cache.Policy;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The share of the store that locks may hold out of size eviction. A lock written with
 * {@code setIfAbsent(key, value, ttl)} (Redis's {@code SET key value NX PX ms}) is pinned: Caffeine weighs it 0,
 * which excludes it from size eviction, so its caller can rely on it until it expires, is deleted or is
 * overwritten; W-TinyLFU would otherwise reject a fresh key (seen once) in favour of the entries already there,
 * and a second caller would take the lock too. The store's own byte count still counts a pinned entry: to keep
 * {@code usage() <= limit}, Caffeine's maximum is lowered by what pinned entries may hold ({@link #reserved},
 * raised and lowered in steps, so that a lock costs a {@code setMaximum} only when it crosses a step).
 *
 * <p>Bounded: pinned entries hold at most {@link #SHARE_PERCENT}% of the memory limit and of the entry bound; a lock
 * written beyond that is stored as an ordinary entry, which eviction may take like any other (as Redis may evict a
 * lock under {@code allkeys-*} policies).
 *
 * <p>Never called from inside a map operation or Caffeine's maintenance: {@code setMaximum} takes Caffeine's
 * eviction lock and evicts, which must not nest in a key's lock. Pinned entries weigh 0, so eviction never
 * removes one, and their removals (expiry, delete, overwrite) reach {@link #unpin} after the map operation.
 */
final class PinBudget {
  /** The most of the memory limit (and of the entry bound) that pinned entries may hold, in percent. */
  static final int SHARE_PERCENT = 10;

  /** Reservations move in steps of this share of the limit (1/64), so most locks do not touch Caffeine. */
  private static final int STEPS = 64;

  private volatile long limit;
  private volatile long maxBytes;
  private final long maxCount;
  private volatile long step;
  private final Policy.Eviction<Key, Key> eviction;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong count = new AtomicLong();
  /** What Caffeine's maximum leaves out for pinned entries: always at least {@link #bytes}. */
  private volatile long reserved;
  /** Whether Caffeine evicts at all: a store that does not ({@link ByteBudget#refusing}) sets no maximum. */
  private volatile boolean evicting = true;

  PinBudget(long limit, long maxEntries, Policy.Eviction<Key, Key> eviction) {
    this.maxCount = maxEntries == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, maxEntries / 100 * SHARE_PERCENT);
    this.eviction = eviction;
    shares(limit);
  }

  private void shares(long limit) {
    this.limit = limit;
    this.maxBytes = limit / 100 * SHARE_PERCENT + limit % 100 * SHARE_PERCENT / 100;
    this.step = Math.max(1, limit / STEPS);
  }

  /**
   * Follows a new memory limit ({@link LimitChange}): the share and steps are recomputed and Caffeine's maximum set
   * to the new limit less the reservation, which evicts down to it. Locks pinned already stay pinned, also past the
   * new share; new ones are pinned only within it.
   */
  synchronized void changeLimit(long newLimit) {
    shares(newLimit);
    long held = bytes.get();
    resize(Math.min(newLimit, (held / step + 1) * step));
  }

  /**
   * Takes {@code weight} bytes of the share for a new pinned entry, making room for them in the store first.
   *
   * @return whether the entry may be pinned; if not, nothing was taken
   */
  boolean tryPin(long weight) {
    if (count.incrementAndGet() > maxCount) {
      count.decrementAndGet();
      return false;
    }
    for (;;) {
      long current = bytes.get();
      if (current + weight > maxBytes) {
        count.decrementAndGet();
        return false;
      }
      if (bytes.compareAndSet(current, current + weight)) {
        break;
      }
    }
    synchronized (this) {
      long needed = bytes.get();
      if (needed > reserved) {
        resize(Math.min(limit, (needed / step + 1) * step));
      }
    }
    return true;
  }

  /** Gives back the share of a pinned entry that left the store or stopped being pinned. */
  void unpin(long weight) {
    count.decrementAndGet();
    long now = bytes.addAndGet(-weight);
    if (reserved - now > 2 * step) {
      synchronized (this) {
        long held = bytes.get();
        if (reserved - held > 2 * step) {
          resize((held / step + 1) * step);
        }
      }
    }
  }

  /**
   * Lets Caffeine evict down to the limit less the reservation, or never ({@code evicting} false: its maximum is
   * then as large as Caffeine takes, and the byte count alone bounds the store).
   */
  synchronized void evicting(boolean on) {
    evicting = on;
    resize(reserved);
  }

  private void resize(long reserve) {
    reserved = reserve;
    eviction.setMaximum(evicting ? Math.max(0, limit - reserve) : Long.MAX_VALUE);
  }

  /** The bytes pinned entries hold now. */
  long bytes() {
    return bytes.get();
  }
}
