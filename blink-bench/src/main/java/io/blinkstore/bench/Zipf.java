package io.blinkstore.bench;

/**
 * Zipf-distributed ranks in {@code [0, n)}, rank 0 the most popular, by the method of Gray et al., "Quickly
 * Generating Billion-Record Synthetic Databases" (SIGMOD 1994) — the generator YCSB uses, so our skewed workloads
 * are the ones other stores are measured with. Immutable and thread-safe; the caller supplies the uniform draws,
 * and so the seed.
 */
final class Zipf {
  private final long n;
  private final double theta;
  private final double zetaN;
  private final double alpha;
  private final double eta;
  private final double halfPowTheta;

  /**
   * Prepares the distribution over {@code n} items with skew {@code theta} (0.99 is YCSB's default). Takes time
   * linear in {@code n} once, to sum the harmonic series.
   *
   * @throws IllegalArgumentException if {@code n < 2} or {@code theta} is not in (0, 1)
   */
  Zipf(long n, double theta) {
    if (n < 2) {
      throw new IllegalArgumentException("Zipf needs at least 2 items, but got " + n);
    }
    if (!(theta > 0 && theta < 1)) {
      throw new IllegalArgumentException("Zipf skew must be in (0, 1), but was " + theta);
    }
    this.n = n;
    this.theta = theta;
    double sum = 0;
    for (long i = 1; i <= n; i++) {
      sum += 1 / Math.pow(i, theta);
    }
    this.zetaN = sum;
    this.halfPowTheta = Math.pow(0.5, theta);
    double zeta2 = 1 + halfPowTheta;
    this.alpha = 1 / (1 - theta);
    this.eta = (1 - Math.pow(2.0 / n, 1 - theta)) / (1 - zeta2 / zetaN);
  }

  /** Maps a uniform draw {@code u} in [0, 1) to a rank in [0, n). */
  long rank(double u) {
    double uz = u * zetaN;
    if (uz < 1) {
      return 0;
    }
    if (uz < 1 + halfPowTheta) {
      return 1;
    }
    return Math.min(n - 1, (long) (n * Math.pow(eta * u - eta + 1, alpha)));
  }

  @Override
  public String toString() {
    return "Zipf(n=" + n + ", theta=" + theta + ")";
  }
}
