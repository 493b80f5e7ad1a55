package io.blinkstore;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A clock for expiry tests: it stands still until a test advances it. */
final class FakeTicker implements LongSupplier {
  // Starts far from zero, so that no code can mistake a raw reading for an elapsed time.
  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);
  private volatile long stepPerRead;

  @Override
  public long getAsLong() {
    return stepPerRead == 0 ? nanos.get() : nanos.getAndAdd(stepPerRead);
  }

  /** From now on, every reading moves the clock on by {@code step}: time passes between two reads of one call. */
  void tickOnEveryRead(Duration step) {
    stepPerRead = step.toNanos();
  }

  void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  /** Returns a store of {@code limit} bytes timed by this clock. */
  BlinkStore store(long limit) {
    return BlinkStore.builder().memoryLimit(limit).ticker(this).build();
  }
}
