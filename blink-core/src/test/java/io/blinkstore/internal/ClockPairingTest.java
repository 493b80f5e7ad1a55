package io.blinkstore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A model of two clocks on one time line, the wall clock {@code OFFSET} ahead of the store's, read by a thread that
 * a busy machine may hold up between two readings: a pairing must not carry the hold-up into the conversion.
 */
class ClockPairingTest {
  private static final long OFFSET = 1_700_000_000_000_000_000L;

  /** The true time (store-clock nanoseconds); each reading of either clock may first advance it by a hold-up. */
  private long time = 5_000_000_000L;
  private long[] holdUps = {};
  private int readings;

  private long storeClock() {
    advance();
    return time;
  }

  private Instant wallClock() {
    advance();
    long unix = time + OFFSET;
    return Instant.ofEpochSecond(unix / 1_000_000_000L, unix % 1_000_000_000L);
  }

  private void advance() {
    time += readings < holdUps.length ? holdUps[readings] : 100; // 100 ns per reading otherwise
    readings++;
  }

  private ClockPairing take() {
    return ClockPairing.take(this::storeClock, this::wallClock);
  }

  @Test
  void aThreadHeldUpBetweenTheReadingsReadsThePairAgain() {
    holdUps = new long[] {0, 9_000_000, 0}; // 9 ms between the store clock's reading and the wall clock's
    ClockPairing pairing = take();
    assertEquals(OFFSET, pairing.unixNanos() - pairing.storeNanos(),
        "the second reading's pair, whose wall clock is read in the middle of its window, not 9 ms after its store clock");
    assertEquals(6, readings, "a second reading of the pair");
  }

  @Test
  void aQuietReadingIsTakenAtOnce() {
    ClockPairing pairing = take();
    assertEquals(OFFSET, pairing.unixNanos() - pairing.storeNanos());
    assertEquals(3, readings);
  }

  @Test
  void aMachineThatHoldsEveryReadingUpGetsTheNarrowestWindowOfItsTries() {
    holdUps = new long[3 * ClockPairing.TRIES];
    for (int i = 0; i < holdUps.length; i++) {
      // the eighth reading's window is the narrowest, 40 us (wider than taken at once), its wall clock in the middle
      holdUps[i] = i == 3 * 7 + 1 || i == 3 * 7 + 2 ? 20_000 : 2_000_000;
    }
    ClockPairing pairing = take();
    assertEquals(3 * ClockPairing.TRIES, readings, "every try made");
    assertEquals(OFFSET, pairing.unixNanos() - pairing.storeNanos(), "the narrowest window's pair");
  }
}
