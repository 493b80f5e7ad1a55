package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.ClockPairing;
import io.blinkstore.internal.Deadlines;
import java.time.Clock;

/**
 * Unix times in milliseconds ({@code EXPIREAT}, {@code SET ... PXAT}, {@code PEXPIRETIME}) as the store's deadlines,
 * through one anchor taken when the server starts: the wall clock's reading then, paired with the store's clock.
 * A Unix time set is therefore the Unix time read back, exactly (issue 23's B2), and every deadline a command sets
 * falls on a whole millisecond of that time line, as Redis's millisecond deadlines do. Expiry keeps to the store's
 * monotonic clock: if the system's wall clock is set, or drifts from it, while the server runs, keys still expire
 * after the time they were given, and the Unix times shown are off by what the wall clock moved since the start.
 */
final class UnixTime {
  private static final long NANOS_PER_MILLI = 1_000_000;
  private static final long MAX_TTL_MILLIS = BlinkStore.MAX_TTL.toMillis();

  private final Deadlines deadlines;
  private final long anchorDeadline;
  private final long anchorUnixNanos;

  UnixTime(Deadlines deadlines, Clock clock) {
    this.deadlines = deadlines;
    ClockPairing anchor = ClockPairing.take(deadlines::now, clock::instant); // as the snapshots pair them
    this.anchorDeadline = anchor.storeNanos();
    this.anchorUnixNanos = anchor.unixNanos();
  }

  /** The Unix time now, in whole milliseconds. */
  long nowMillis() {
    return unixMillis(deadlines.now());
  }

  /** The Unix time, in whole milliseconds (rounded down), of a store deadline. */
  long unixMillis(long deadline) {
    return Math.floorDiv(anchorUnixNanos + (deadline - anchorDeadline), NANOS_PER_MILLI);
  }

  /**
   * The store deadline of the Unix time {@code unixMillis}: exactly that millisecond's start, or, for a time
   * already past, the start of this millisecond (not after now: a key given it is deleted). A time more than
   * {@link BlinkStore#MAX_TTL} ahead must have been refused before.
   */
  long deadline(long unixMillis) {
    long clamped = Math.min(Math.max(unixMillis, nowMillis()), nowMillis() + MAX_TTL_MILLIS);
    return anchorDeadline + (clamped * NANOS_PER_MILLI - anchorUnixNanos);
  }
}
