package io.blinkstore.spring;

import java.util.concurrent.atomic.LongAdder;

/**
 * What one cache did in this process, for {@link BlinkCacheMetrics}: the store's own statistics cover every cache
 * and every process sharing it, so each cache counts its own calls.
 */
final class CacheCounters {
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder puts = new LongAdder();
  final LongAdder evictions = new LongAdder();
  final LongAdder loadSuccesses = new LongAdder();
  final LongAdder loadFailures = new LongAdder();
  final LongAdder loadNanos = new LongAdder();

  void lookup(boolean hit) {
    (hit ? hits : misses).increment();
  }

  void load(long startNanos, boolean succeeded) {
    loadNanos.add(System.nanoTime() - startNanos);
    (succeeded ? loadSuccesses : loadFailures).increment();
  }
}
