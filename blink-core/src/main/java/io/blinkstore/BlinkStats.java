package io.blinkstore;

/**
 * Counters of a {@link BlinkStore} since it was created, and how many of its entries have a time to live.
 *
 * @param hits reads that found a value
 * @param misses reads that found nothing
 * @param evictions entries removed to stay within the memory limit (or the entry bound)
 * @param expirations entries removed because their time to live had passed
 * @param expiring entries held now that have a time to live (Redis's {@code INFO keyspace} {@code expires}); not
 *     a counter: it falls as they expire, are removed or lose their time to live
 */
public record BlinkStats(long hits, long misses, long evictions, long expirations, long expiring) {

  /**
   * Validates the figures.
   *
   * @throws IllegalArgumentException if any is negative
   */
  public BlinkStats {
    if (hits < 0 || misses < 0 || evictions < 0 || expirations < 0 || expiring < 0) {
      throw new IllegalArgumentException("counters must not be negative: hits=" + hits + " misses=" + misses
          + " evictions=" + evictions + " expirations=" + expirations + " expiring=" + expiring);
    }
  }

  /**
   * Counters of a store holding no entry with a time to live.
   *
   * @throws IllegalArgumentException if any counter is negative
   */
  public BlinkStats(long hits, long misses, long evictions, long expirations) {
    this(hits, misses, evictions, expirations, 0);
  }

  /**
   * Counters with no expirations, for stores (or servers) that do not report them.
   *
   * @throws IllegalArgumentException if any counter is negative
   */
  public BlinkStats(long hits, long misses, long evictions) {
    this(hits, misses, evictions, 0);
  }

  /** Returns the number of reads, hits plus misses. */
  public long requests() {
    return hits + misses;
  }

  /** Returns hits divided by reads, or 1.0 when there were no reads (as Caffeine does). */
  public double hitRatio() {
    long requests = requests();
    return requests == 0 ? 1.0 : (double) hits / requests;
  }
}
