package io.blinkstore.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The output cap's warnings ({@link ConnectionLimits#OUTPUT_CAP_WARNING_NANOS}): the first at once, then at most one
 * per interval, each telling how many were held back since the last; on clock values given, not on time passing.
 */
class WarningRateTest {
  private static final long INTERVAL = 1_000;
  private static final long START = Long.MAX_VALUE - 1_500; // nanoTime may be anywhere, and wraps

  @Test
  void theFirstWarningIsLoggedAtOnceAndLaterOnesAtMostOncePerIntervalWithTheCountHeldBack() {
    WarningRate rate = new WarningRate(INTERVAL, START);
    assertEquals(0, rate.admit(START), "the first: none held back");
    assertEquals(-1, rate.admit(START + 1));
    assertEquals(-1, rate.admit(START + INTERVAL - 1), "one nanosecond before the interval has passed");
    assertEquals(2, rate.admit(START + INTERVAL), "the two held back are told with the next");
    assertEquals(-1, rate.admit(START + INTERVAL + 1));
    assertEquals(1, rate.admit(START + 5 * INTERVAL), "past the wrap of the clock");
    assertEquals(0, rate.admit(START + 7 * INTERVAL));
  }
}
