package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The lease table on a hand-advanced clock. */
class LeasesTest {
  private final AtomicLong now = new AtomicLong(-5_000_000_000L); // nanoTime may be negative
  private final Leases leases = new Leases(Leases.DEFAULT_TABLE_BYTES, now::get);

  private void advanceMillis(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  private static long granted(Leases.Outcome outcome) {
    return assertInstanceOf(Leases.Granted.class, outcome).token();
  }

  @Test
  void theFirstCallerIsGrantedALeaseAndTheOthersAreToldToWait() {
    long token = granted(leases.acquire("k", 1000));
    assertTrue(leases.holds("k", token));
    assertEquals(new Leases.Held(10), leases.acquire("k", 1000));
    assertEquals(new Leases.Held(10), leases.acquire("k", 5));
  }

  @Test
  void theWaitHintIsTheTimeLeftWhenThatIsShorter() {
    leases.acquire("k", 1000);
    advanceMillis(997);
    assertEquals(new Leases.Held(3), leases.acquire("k", 1000));
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(3) - 1);
    assertEquals(new Leases.Held(1), leases.acquire("k", 1000));
  }

  @Test
  void leasesOnDifferentKeysAreIndependent() {
    granted(leases.acquire("a", 1000));
    granted(leases.acquire("b", 1000));
    assertEquals(2, leases.size());
  }

  @Test
  void anExpiredLeaseIsTakenOverWithANewToken() {
    long first = granted(leases.acquire("k", 100));
    advanceMillis(99);
    assertInstanceOf(Leases.Held.class, leases.acquire("k", 100));
    advanceMillis(1);
    assertFalse(leases.holds("k", first));
    long second = granted(leases.acquire("k", 100));
    assertNotEquals(first, second);
    assertFalse(leases.end("k", first), "the first holder's token no longer ends anything");
    assertTrue(leases.holds("k", second));
  }

  @Test
  void endingTheLeaseLetsTheNextCallerHaveOneAtOnce() {
    long token = granted(leases.acquire("k", 60_000));
    assertTrue(leases.end("k", token));
    assertFalse(leases.end("k", token));
    granted(leases.acquire("k", 60_000));
  }

  @Test
  void aWrongTokenNeitherHoldsNorEndsTheLease() {
    long token = granted(leases.acquire("k", 1000));
    assertFalse(leases.holds("k", token + 1));
    assertFalse(leases.end("k", token + 1));
    assertFalse(leases.holds("other", token));
    assertTrue(leases.holds("k", token));
  }

  @Test
  void aLeaseOfTheMaximumLengthLastsThatLong() {
    long token = granted(leases.acquire("k", Leases.MAX_LEASE_MILLIS));
    advanceMillis(Leases.MAX_LEASE_MILLIS - 1);
    assertTrue(leases.holds("k", token));
    advanceMillis(1);
    assertFalse(leases.holds("k", token));
  }

  @Test
  void aLongerLeaseIsCutToTheMaximum() {
    long token = granted(leases.acquire("k", Leases.MAX_LEASE_MILLIS + 1));
    advanceMillis(Leases.MAX_LEASE_MILLIS);
    assertFalse(leases.holds("k", token));
    granted(leases.acquire("k", Long.MAX_VALUE));
  }

  @Test
  void theTableTakesLeasesUpToItsBudgetAndRefusesTheNext() {
    long cost = Leases.costOf("k0");
    Leases small = new Leases(3 * cost, now::get);
    granted(small.acquire("k0", 1000));
    granted(small.acquire("k1", 1000));
    granted(small.acquire("k2", 1000)); // exactly at the budget
    assertInstanceOf(Leases.Full.class, small.acquire("k3", 1000)); // one past it
    assertEquals(3, small.size());
    assertInstanceOf(Leases.Held.class, small.acquire("k0", 1000), "keys already leased still answer");
  }

  @Test
  void aFullTableSweepsExpiredLeasesToMakeRoom() {
    long cost = Leases.costOf("k0");
    Leases small = new Leases(2 * cost, now::get);
    granted(small.acquire("k0", 100));
    long kept = granted(small.acquire("k1", 1000));
    advanceMillis(100);
    granted(small.acquire("k2", 1000));
    assertEquals(2, small.size());
    assertTrue(small.holds("k1", kept));
  }

  @Test
  void endedLeasesGiveTheirBudgetBack() {
    Leases small = new Leases(Leases.costOf("k0"), now::get);
    for (int i = 0; i < 100; i++) {
      assertTrue(small.end("k0", granted(small.acquire("k0", 1000))));
    }
    assertEquals(0, small.size());
  }

  @Test
  void aKeyTooLongForTheBudgetIsRefused() {
    Leases small = new Leases(Leases.costOf("k"), now::get);
    assertInstanceOf(Leases.Full.class, small.acquire("kk", 1000));
  }

  @Test
  void aFillRunsTheWriteOnlyUnderTheLiveLeaseAndEndsIt() {
    long token = granted(leases.acquire("k", 1000));
    int[] writes = new int[1];
    assertFalse(leases.fill("k", token + 1, () -> writes[0]++), "a wrong token");
    assertFalse(leases.fill("other", token, () -> writes[0]++), "another key");
    assertTrue(leases.fill("k", token, () -> writes[0]++));
    assertEquals(1, writes[0]);
    assertFalse(leases.fill("k", token, () -> writes[0]++), "a lease fills once");
    assertEquals(1, writes[0]);
    assertEquals(0, leases.size());
  }

  @Test
  void aFillAfterTheLeaseRanOutWritesNothing() {
    long token = granted(leases.acquire("k", 100));
    advanceMillis(100);
    assertFalse(leases.fill("k", token, () -> {
      throw new AssertionError("wrote under an expired lease");
    }));
    assertEquals(0, leases.size());
  }

  @Test
  void aWriteThatFailsEndsTheLeaseAndItsFailureReachesTheFiller() {
    long token = granted(leases.acquire("k", 1000));
    IllegalStateException failure = new IllegalStateException("too large");
    assertEquals(failure, assertThrows(IllegalStateException.class, () -> leases.fill("k", token, () -> {
      throw failure;
    })));
    granted(leases.acquire("k", 1000)); // the next worker may try
  }

  @Test
  void anInvalidatedLeaseCannotFillAndTheKeyCanBeLeasedAgain() {
    long token = granted(leases.acquire("k", 1000));
    leases.invalidate("k");
    leases.invalidate("never leased");
    assertFalse(leases.holds("k", token));
    assertFalse(leases.fill("k", token, () -> {
      throw new AssertionError("a stale fill wrote");
    }));
    granted(leases.acquire("k", 1000));
  }

  @Test
  void invalidatingEveryLeaseGivesTheWholeBudgetBack() {
    Leases small = new Leases(2 * Leases.costOf("k0"), now::get);
    granted(small.acquire("k0", 1000));
    granted(small.acquire("k1", 1000));
    assertInstanceOf(Leases.Full.class, small.acquire("k2", 1000));
    small.invalidateAll();
    assertEquals(0, small.size());
    granted(small.acquire("k2", 1000));
    granted(small.acquire("k3", 1000));
  }

  @Test
  void leasesNobodyEndedAreSweptOutASecondLaterWithoutWaitingForAFullTable() {
    granted(leases.acquire("a", 100));
    granted(leases.acquire("b", 100));
    advanceMillis(999);
    granted(leases.acquire("c", 100_000));
    assertEquals(3, leases.size(), "nothing expired yet at the last sweep");
    advanceMillis(1);
    granted(leases.acquire("d", 100_000));
    assertEquals(2, leases.size(), "a and b, long expired, are gone");
  }

  @Test
  void theBudgetMustBePositive() {
    assertThrows(IllegalArgumentException.class, () -> new Leases(0, now::get));
  }
}
