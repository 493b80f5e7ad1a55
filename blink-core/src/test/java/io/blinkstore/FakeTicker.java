package io.blinkstore;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock for expiry tests: it stands still until a test advances it. */
final class FakeTicker implements Ticker {
  // Starts far from zero, so that no code can mistake a raw reading for an elapsed time.
  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

  @Override
  public long read() {
    return nanos.get();
  }

  void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  /** Returns a store of {@code limit} bytes timed by this clock. */
  BlinkStore store(long limit) {
    return BlinkStore.builder().memoryLimit(limit).ticker(this).build();
  }
}
