package io.blinkstore.server.transport;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How often a warning that many connections may cause at once is logged: at most once per interval, the first at
 * once; the ones held back meanwhile are counted and told with the next. Thread-safe, without locks: every event
 * loop may ask.
 */
final class WarningRate {
  private final long intervalNanos;
  private final AtomicLong nextNanos;
  private final AtomicLong heldBack = new AtomicLong();

  /** A rate of one warning per {@code intervalNanos}, the first allowed from {@code nowNanos}. */
  WarningRate(long intervalNanos, long nowNanos) {
    this.intervalNanos = intervalNanos;
    this.nextNanos = new AtomicLong(nowNanos);
  }

  /**
   * Whether a warning may be logged at {@code nowNanos} ({@code System.nanoTime()}): -1 if not (it is counted as
   * held back), else how many were held back since the last one logged.
   */
  long admit(long nowNanos) {
    long next = nextNanos.get();
    if (nowNanos - next >= 0 && nextNanos.compareAndSet(next, nowNanos + intervalNanos)) {
      return heldBack.getAndSet(0);
    }
    heldBack.incrementAndGet();
    return -1;
  }
}
