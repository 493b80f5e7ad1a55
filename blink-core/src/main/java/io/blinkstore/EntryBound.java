package io.blinkstore;

import com.github.benmanes.caffeine.cache.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bounds on what entries cost the heap beside the byte limit, which counts key and value bytes only: each entry
 * also costs the JVM about 114 bytes (Java 17; docs/BENCHMARKS.md), so many tiny entries would fill the heap long
 * before the limit. Two optional bounds, both enforced here after each write:
 *
 * <ul>
 *   <li>a <b>heap capacity</b> C: key and value bytes + {@code entries x bytesPerEntry} + {@code entries with a time
 *       to live x} {@link #EXPIRING_BYTES} + what the elements of hashes and lists cost beyond their bytes
 *       ({@link TypedValue#overhead()}) stay within C. Large entries are bounded by the limit, tiny ones by their
 *       real cost, and a larger capacity never holds fewer entries; a typed value's write that would take one
 *       container past C by itself is refused ({@link TypedAccess#checkRoom});
 *   <li>a <b>count</b> ({@code maximumEntries}), a cap the user chose.
 * </ul>
 *
 * <p>Caffeine bounds one weight only (the bytes, for the limit), so a writer that finds the store over either bound
 * removes the coldest entries, in Caffeine's own eviction order, until it is back within both. Pinned locks
 * ({@link PinBudget}) are not removed; their share is bounded there. It is a soft bound: concurrent writers may
 * pass it by a few entries for a moment.
 */
final class EntryBound {
  /**
   * Heap an entry with a time to live costs beyond one without: its {@link Expiring} holder and its node in the
   * expiry index, measured at about 75 bytes (docs/BENCHMARKS.md, "JVM heap per entry"), with margin.
   */
  static final int EXPIRING_BYTES = 80;

  private final CaffeineBlinkStore store;
  private final long maxEntries;
  private final long capacity;
  private final int bytesPerEntry;
  private final Policy.Eviction<Key, Key> eviction;
  private final boolean regionsWeighed;
  /**
   * Heap given back on the server's heap guard's request ({@link #squeeze}): entries are trimmed to the capacity less
   * it. At most half the capacity; 0 until asked.
   */
  private volatile long squeezed;

  /**
   * @param maxEntries the count bound, {@link Long#MAX_VALUE} for none
   * @param capacity the heap capacity, {@link Long#MAX_VALUE} for none
   * @param bytesPerEntry what an entry costs beyond its key and value bytes
   * @param regionsWeighed whether Caffeine's weights hold strings' region waste ({@link HeapRegions})
   */
  EntryBound(CaffeineBlinkStore store, long maxEntries, long capacity, int bytesPerEntry,
      Policy.Eviction<Key, Key> eviction, boolean regionsWeighed) {
    this.store = store;
    this.maxEntries = maxEntries;
    this.capacity = capacity;
    this.bytesPerEntry = bytesPerEntry;
    this.eviction = eviction;
    this.regionsWeighed = regionsWeighed;
  }

  /** The most entries the bounds allow, for the pin budget's share: the count, or the capacity in empty entries. */
  static long entriesAllowed(long maxEntries, long capacity, int bytesPerEntry) {
    return capacity == Long.MAX_VALUE ? maxEntries : Math.min(maxEntries, capacity / bytesPerEntry);
  }

  /** The count bound, {@link Long#MAX_VALUE} for none. */
  long maxEntries() {
    return maxEntries;
  }

  /** The heap capacity, {@link Long#MAX_VALUE} for none. */
  long capacity() {
    return capacity;
  }

  /**
   * For a store that does not evict ({@link ByteBudget#refusing}): refuses a write of {@code bytes} that, as a new
   * entry, would take the store past either bound. A soft check as trimming is: concurrent writers may pass a bound
   * by a few entries. Does nothing for a store that evicts.
   *
   * @throws StoreFullException if it would
   */
  void refuseIfFull(long bytes) {
    if (!store.budget.refusing()) {
      return;
    }
    boolean counted = maxEntries != Long.MAX_VALUE && store.map.size() >= maxEntries;
    if (counted || capacity != Long.MAX_VALUE && costWithRegionWaste(cost() + cost(bytes, false)) > capacity) {
      throw new StoreFullException(bytes, store.budget.limit());
    }
  }

  /**
   * {@code cost} plus what strings' arrays waste of the collector's regions, for a store built with a region size
   * ({@link HeapRegions}): Caffeine's weight holds that waste, but bounds nothing in a store that does not evict,
   * where 512 KiB values filled a 64 MiB limit's 92 MiB G1 heap to an OutOfMemoryError at write 130 (REV7). An
   * array wastes less than its own size, so below half the capacity there is nothing to read; above it, Caffeine's
   * weighted size is read under its eviction lock, as a write over the limit takes it (less what pinned locks
   * weigh there: they weigh 0).
   */
  private long costWithRegionWaste(long cost) {
    if (!regionsWeighed || cost <= capacity / 2) {
      return cost;
    }
    long weighed = eviction.weightedSize().orElse(0);
    return cost + Math.max(0, weighed - store.budget.used());
  }

  /** Trims the store if it is over either bound (a store that does not evict only removes expired entries). */
  void trimIfOver() {
    if (countExcess() > 0 || costExcess() > 0) {
      store.budget.exclusively(this::trim);
    }
  }

  /** The entries over the count bound, or a number {@code <= 0}. */
  private long countExcess() {
    return maxEntries == Long.MAX_VALUE ? 0 : store.map.size() - maxEntries;
  }

  /** The bytes the store's entries cost the heap over the capacity (less what was squeezed), or {@code <= 0}. */
  long costExcess() {
    return capacity == Long.MAX_VALUE ? 0 : cost() - (capacity - squeezed);
  }

  /**
   * For a store that evicts and has a heap capacity: holds its entries to {@code bytes} less than they cost now (at
   * most half the capacity less), removing the coldest down to it now and after later writes, until
   * {@link #unsqueeze}. For memory outside the store (scripts, functions, clients' buffers) that leaves the heap
   * nearly full while the store is within its own bounds, which would otherwise refuse writes for good.
   *
   * @return what the entries removed now cost by this bound's reckoning
   */
  long squeeze(long bytes) {
    if (capacity == Long.MAX_VALUE || store.budget.refusing() || bytes <= 0) {
      return 0;
    }
    long before = cost();
    squeezed = Math.min(capacity / 2, Math.max(squeezed, capacity - Math.max(0, before - bytes)));
    trim();
    return Math.max(0, before - cost());
  }

  /** Gives the entries their whole capacity again. */
  void unsqueeze() {
    squeezed = 0;
  }

  /** What {@link #squeeze} holds back now. */
  long squeezed() {
    return squeezed;
  }

  /** What the entries cost the heap by this bound's reckoning (tests check it against the capacity). */
  long cost() {
    return store.budget.used() + store.map.size() * bytesPerEntry + store.expiry.indexed() * EXPIRING_BYTES
        + store.typed.overhead();
  }

  /**
   * What an entry's stored ref costs by this bound's reckoning: key and value bytes, the heap figure per entry the
   * store was built with ({@code heapCapacity}; 1 without one), and a holder's for a time to live.
   */
  long cost(Object stored) {
    TypedValue typed = Key.typed(stored);
    return cost(Key.weigh(stored), stored instanceof Expiring) + (typed == null ? 0 : typed.overhead());
  }

  /** What an entry of {@code weight} key and value bytes costs, with a time to live if {@code expires}. */
  long cost(long weight, boolean expires) {
    return weight + bytesPerEntry + (expires ? EXPIRING_BYTES : 0);
  }

  /**
   * Removes expired entries, then the coldest ones that are not pinned, until the store is within both bounds.
   */
  private void trim() {
    store.expiry.reclaim();
    if (store.budget.refusing()) {
      return;
    }
    for (;;) {
      long count = countExcess();
      long bytes = costExcess();
      if (count <= 0 && bytes <= 0) {
        return;
      }
      List<Key> coldest = eviction.coldest(entries -> {
        List<Key> taken = new ArrayList<>();
        long freed = 0;
        for (var it = entries.map(Map.Entry::getValue).iterator();
            it.hasNext() && (taken.size() < count || freed < bytes); ) {
          Key stored = it.next();
          Object ref = stored.ref;
          if (!(ref instanceof Expiring holder && holder.pinned)) {
            taken.add(stored);
            freed += cost(ref);
          }
        }
        return taken;
      });
      if (coldest.isEmpty()) {
        return;
      }
      for (Key stored : coldest) {
        Object removed = store.removeIf(stored, ref -> !(ref instanceof Expiring holder && holder.pinned));
        if (removed != null) {
          store.released(removed);
          store.countEviction(removed);
        }
      }
    }
  }

  /** How the store's {@code toString} shows the bounds: nothing for a bound it does not have. */
  @Override
  public String toString() {
    return (maxEntries == Long.MAX_VALUE ? "" : ", maxEntries=" + maxEntries)
        + (capacity == Long.MAX_VALUE ? "" : ", heapCapacity=" + capacity + " (" + bytesPerEntry + " B/entry)");
  }
}
