package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

/**
 * A deadline survives a save and a load to the millisecond although each side pairs the store clock with the wall
 * clock at its own instant: the server's {@code UnixTime} pairs them once at its start, the save and the load again,
 * and the pairings differ by the time between two clock reads. A deadline set from {@code PXAT T} must be saved as T
 * and, loaded, must answer {@code PEXPIRETIME} T (SnapshotProcessIT saw T - 1 when the load put it at the start of
 * its millisecond and T + 1 when the save rounded up).
 */
class SnapshotClockProperties {
  private static final long MILLI = 1_000_000;

  @Property(tries = 2_000)
  void aDeadlineSetFromAUnixMillisecondIsSavedAsThatMillisecond(
      @ForAll @LongRange(min = 0, max = 1L << 50) long anchorNow,
      @ForAll @LongRange(min = 1_600_000_000_000L * MILLI, max = 2_000_000_000_000L * MILLI) long anchorUnixNanos,
      @ForAll @LongRange(min = 1, max = 3_153_600_000_000L) long millisAhead,
      @ForAll @LongRange(min = 0, max = 1_000_000 * MILLI) long elapsed,
      @ForAll @LongRange(min = -249_999, max = 249_999) long pairingSkew) {
    long t = Math.floorDiv(anchorUnixNanos, MILLI) + millisAhead;
    long deadline = anchorNow + (t * MILLI - anchorUnixNanos); // UnixTime.deadline(t): the start of millisecond t
    long saveNow = anchorNow + elapsed;
    long saveUnixNanos = anchorUnixNanos + elapsed + pairingSkew;
    assertEquals(t, SnapshotFormat.unixMillis(deadline, saveNow, saveUnixNanos));
  }

  @Property(tries = 2_000)
  void aLoadedDeadlineAnswersTheSavedMillisecondThroughAnotherPairing(
      @ForAll @LongRange(min = 0, max = 1L << 50) long loadNow,
      @ForAll @LongRange(min = 1_600_000_000_000L * MILLI, max = 2_000_000_000_000L * MILLI) long loadUnixNanos,
      @ForAll @LongRange(min = 1, max = 3_153_600_000_000L) long millisAhead,
      @ForAll @LongRange(min = -249_999, max = 249_999) long pairingSkew) {
    long t = Math.floorDiv(loadUnixNanos, MILLI) + millisAhead;
    long deadline = SnapshotFormat.deadline(t, loadNow, loadUnixNanos);
    // The server's UnixTime, anchored a moment before with a pairing off by pairingSkew, reads it back.
    long anchorNow = loadNow - 1_000;
    long anchorUnixNanos = loadUnixNanos - 1_000 + pairingSkew;
    assertEquals(t, Math.floorDiv(anchorUnixNanos + (deadline - anchorNow), MILLI));
    // And a second save, through yet another pairing, writes the same millisecond.
    assertEquals(t, SnapshotFormat.unixMillis(deadline, loadNow + 5 * MILLI, loadUnixNanos + 5 * MILLI - pairingSkew));
  }
}
