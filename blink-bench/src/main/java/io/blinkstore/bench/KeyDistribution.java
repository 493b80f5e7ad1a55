package io.blinkstore.bench;

import java.util.SplittableRandom;

/**
 * How a workload picks the next key index out of a key space; draws come from the caller's seeded random. Public
 * only so the JMH store benchmark, which sits in blink-core's package, can use it too.
 */
public enum KeyDistribution {
  /** Every key equally likely. */
  UNIFORM,
  /** Zipf with skew 0.99 (YCSB's default): a few keys take most requests. */
  ZIPF;

  /** The skew used for {@link #ZIPF}, as in YCSB and in Caffeine's own benchmarks. */
  static final double ZIPF_THETA = 0.99;

  /** Returns a chooser over {@code keys} keys; for {@link #ZIPF} this sums a series of {@code keys} terms once. */
  public Chooser over(long keys) {
    if (keys < 1) {
      throw new IllegalArgumentException("the key space must hold at least one key, but was " + keys);
    }
    if (this == UNIFORM || keys == 1) {
      return random -> random.nextLong(keys);
    }
    Zipf zipf = new Zipf(keys, ZIPF_THETA);
    return random -> zipf.rank(random.nextDouble());
  }

  /** Picks key indexes; thread-safe as long as each thread passes its own random. */
  @FunctionalInterface
  public interface Chooser {
    long next(SplittableRandom random);
  }
}
