package io.blinkstore.internal;

import java.time.Instant;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Not API: a reading of the store's clock ({@link Deadlines#now()}) and of the wall clock taken together, to convert
 * between a store deadline and a Unix time: blink-server's {@code PXAT}/{@code PEXPIRETIME} and the snapshots' saved
 * deadlines. The wall clock is read between two readings of the store clock; when the thread was held up between
 * them (a busy machine can hold it for milliseconds), the pair is read again, so that two pairings taken apart
 * (the server's at its start, a snapshot's at its save or load) agree to within {@link #MAX_WINDOW_NANOS}, and a
 * deadline set from a Unix time is saved as that Unix time.
 *
 * @param storeNanos the store clock's reading, the middle of the window the wall clock was read in
 * @param unixNanos the wall clock's reading, in nanoseconds since the Unix epoch
 */
public record ClockPairing(long storeNanos, long unixNanos) {
  /** The widest window between the two store-clock readings that is taken at once. */
  public static final long MAX_WINDOW_NANOS = 20_000;

  /** Readings tried before the narrowest window seen is taken. */
  static final int TRIES = 64;

  /** A pairing of {@code storeClock} and the system's wall clock. */
  public static ClockPairing take(LongSupplier storeClock) {
    return take(storeClock, Instant::now);
  }

  /** A pairing of {@code storeClock} and {@code wallClock}: the narrowest window of at most {@link #TRIES}. */
  public static ClockPairing take(LongSupplier storeClock, Supplier<Instant> wallClock) {
    Reading best = Reading.of(storeClock, wallClock);
    for (int i = 1; i < TRIES && best.window() > MAX_WINDOW_NANOS; i++) {
      Reading next = Reading.of(storeClock, wallClock);
      if (next.window() < best.window()) {
        best = next;
      }
    }
    return new ClockPairing(best.storeNanos(), best.unixNanos());
  }

  /** One reading: the wall clock between two readings of the store clock, {@code window} apart. */
  private record Reading(long storeNanos, long unixNanos, long window) {
    static Reading of(LongSupplier storeClock, Supplier<Instant> wallClock) {
      long before = storeClock.getAsLong();
      Instant wall = wallClock.get();
      long window = storeClock.getAsLong() - before;
      return new Reading(before + window / 2, wall.getEpochSecond() * 1_000_000_000L + wall.getNano(), window);
    }
  }
}
