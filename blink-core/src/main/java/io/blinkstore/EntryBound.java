package io.blinkstore;

import com.github.benmanes.caffeine.cache.Policy;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The optional bound on the number of entries, which guards the heap against many tiny entries where the byte
 * limit alone does not (each entry costs the JVM about 114 bytes beyond its key and value on Java 17:
 * docs/BENCHMARKS.md). Caffeine cannot bound weight and count at once, so a writer that finds the count over the bound removes the coldest entries, in
 * Caffeine's own eviction order, until it is back under. It is a soft bound: concurrent writers may pass it by a
 * few entries for a moment.
 */
final class EntryBound {
  private final CaffeineBlinkStore store;
  private final long maxEntries;
  private final Policy.Eviction<Key, Key> eviction;

  EntryBound(CaffeineBlinkStore store, long maxEntries, Policy.Eviction<Key, Key> eviction) {
    this.store = store;
    this.maxEntries = maxEntries;
    this.eviction = eviction;
  }

  /** Trims the store if it holds more entries than the bound. */
  void trimIfOver() {
    if (maxEntries != Long.MAX_VALUE && store.map.size() > maxEntries) {
      store.budget.exclusively(this::trim);
    }
  }

  /** Removes expired entries, then the coldest ones that are not pinned, until the count is within the bound. */
  private void trim() {
    store.expiry.sweep();
    long excess;
    while ((excess = store.map.size() - maxEntries) > 0) {
      long limitTo = excess;
      List<Key> coldest = eviction.coldest(entries -> entries
          .map(Map.Entry::getValue)
          .filter(stored -> !(stored.ref instanceof Expiring holder && holder.pinned))
          .limit(limitTo)
          .collect(Collectors.toList()));
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

  /** How the store's {@code toString} shows the bound: nothing if there is none. */
  @Override
  public String toString() {
    return maxEntries == Long.MAX_VALUE ? "" : ", maxEntries=" + maxEntries;
  }
}
