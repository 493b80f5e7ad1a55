package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyGate}: transactions on overlapping stripes taken in any order neither deadlock nor interleave, and a
 * multi-stripe shared hold sees only their before or after, never a state between (a bank of plain, unsynchronized
 * balances whose sum a torn view would get wrong). The timeout guards against a deadlock only: the work is bounded
 * in count and takes about a second.
 */
class KeyGateTest {
  private static final int ACCOUNTS = 16;
  private static final int TRANSFERS = 40_000;

  @Test
  void transactionsAreIsolatedFromEachOtherAndFromMultiKeyReaders() {
    KeyGate gate = new KeyGate();
    long[] balances = new long[ACCOUNTS];
    int[] stripes = new int[ACCOUNTS];
    for (int i = 0; i < ACCOUNTS; i++) {
      balances[i] = 1_000;
      stripes[i] = KeyGate.stripe(i * 31 + 7);
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 3; t++) {
      int seed = t;
      threads.add(new Thread(() -> transfer(gate, balances, stripes, new Random(seed), failure)));
    }
    threads.add(new Thread(() -> audit(gate, balances, stripes, failure)));
    assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
      threads.forEach(Thread::start);
      for (Thread thread : threads) {
        thread.join();
      }
    }, "deadlocked");
    assertEquals(null, failure.get());
    assertEquals(1_000L * ACCOUNTS, sum(balances));
  }

  /** Moves amounts between accounts in transactions, locking the two stripes in the order of the accounts. */
  private static void transfer(KeyGate gate, long[] balances, int[] stripes, Random random,
      AtomicReference<Throwable> failure) {
    for (int i = 0; i < TRANSFERS && failure.get() == null; i++) {
      int from = random.nextInt(ACCOUNTS);
      int to = random.nextInt(ACCOUNTS);
      try (KeyGate.Hold hold = i % 1000 == 0 ? gate.lockAll() : gate.lock(stripes[to], stripes[from])) {
        long amount = random.nextInt(50);
        balances[from] -= amount;
        Thread.yield(); // widen the window in which a torn view would show
        balances[to] += amount;
      }
    }
  }

  /** Sums every balance under a shared hold of all their stripes: the total must never change. */
  private static void audit(KeyGate gate, long[] balances, int[] stripes, AtomicReference<Throwable> failure) {
    for (int i = 0; i < TRANSFERS / 10 && failure.get() == null; i++) {
      long total;
      try (KeyGate.Hold hold = gate.share(stripes)) {
        total = sum(balances);
      }
      if (total != 1_000L * ACCOUNTS) {
        failure.set(new AssertionError("a reader saw a transaction half done: total " + total));
      }
    }
  }

  private static long sum(long[] balances) {
    long total = 0;
    for (long balance : balances) {
      total += balance;
    }
    return total;
  }

  @Test
  void anExclusiveHoldInvalidatesOptimisticReadsOfItsStripesOnly() {
    KeyGate gate = new KeyGate();
    long onHeld = gate.optimistic(3);
    long onOther = gate.optimistic(4);
    try (KeyGate.Hold hold = gate.lock(3, 3, 200)) {
      assertTrue(hold.covers(3));
      assertTrue(hold.covers(200));
      assertFalse(hold.covers(4));
      assertEquals(0, gate.optimistic(3), "no stamp while the stripe is held");
      assertTrue(gate.validate(4, onOther));
    }
    assertFalse(gate.validate(3, onHeld), "a read that overlapped a transaction must be done again");
    assertTrue(gate.validate(4, onOther));
    long stamp = gate.enter(3);
    gate.exit(3, stamp);
  }

  @Test
  void aHoldIsReleasedOnceAndThenFreesItsStripes() {
    KeyGate gate = new KeyGate();
    KeyGate.Hold hold = gate.share(9, 1);
    hold.close();
    assertThrows(IllegalStateException.class, hold::close);
    try (KeyGate.Hold all = gate.lockAll()) {
      assertTrue(all.covers(0));
      assertTrue(all.covers(KeyGate.STRIPES - 1));
    }
  }
}
