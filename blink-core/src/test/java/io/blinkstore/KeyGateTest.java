package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyGate}: transactions ({@link KeyGate#lockAll}) neither deadlock nor interleave with each other, and a
 * reader holding its own stripe shared sees only their before or after, never a state between (a bank of plain,
 * unsynchronized balances whose sum a torn view would get wrong). The timeout guards against a deadlock only: the
 * work is bounded in count.
 */
class KeyGateTest {
  private static final int ACCOUNTS = 16;
  private static final int TRANSFERS = 4_000;
  private static final int AUDITS = 20_000;

  @Test
  void transactionsAreIsolatedFromEachOtherAndFromReaders() {
    KeyGate gate = new KeyGate();
    long[] balances = new long[ACCOUNTS];
    Arrays.fill(balances, 100);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Random random = new Random(t);
      threads.add(new Thread(() -> {
        for (int i = 0; i < TRANSFERS; i++) {
          int from = random.nextInt(ACCOUNTS);
          int to = random.nextInt(ACCOUNTS);
          try (KeyGate.Hold hold = gate.lockAll()) {
            balances[from] -= 7;
            Thread.yield(); // a torn view would see the money in flight
            balances[to] += 7;
          }
        }
      }));
    }
    for (int t = 0; t < 2; t++) {
      int stripe = KeyGate.stripe(t);
      threads.add(new Thread(() -> {
        for (int i = 0; i < AUDITS && failure.get() == null; i++) {
          long stamp = gate.enter(stripe);
          try {
            long sum = 0;
            for (long balance : balances) {
              sum += balance;
            }
            if (sum != 100L * ACCOUNTS) {
              failure.set(new AssertionError("a reader saw a transaction half-applied: sum " + sum));
            }
          } finally {
            gate.exit(stripe, stamp);
          }
        }
      }));
    }
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      threads.forEach(Thread::start);
      for (Thread thread : threads) {
        thread.join();
      }
    });
    assertEquals(null, failure.get());
  }

  @Test
  void anExclusiveHoldKeepsEveryStripeOutUntilItIsReleasedOnce() throws Exception {
    KeyGate gate = new KeyGate();
    KeyGate.Hold hold = gate.lockAll();
    AtomicBoolean entered = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    Thread reader = new Thread(() -> {
      long stamp = gate.enter(KeyGate.STRIPES - 1);
      entered.set(true);
      gate.exit(KeyGate.STRIPES - 1, stamp);
      done.countDown();
    });
    reader.start();
    assertFalse(done.await(200, TimeUnit.MILLISECONDS), "entered a stripe held exclusive");
    assertFalse(entered.get());
    hold.close();
    assertTrue(done.await(10, TimeUnit.SECONDS), "still kept out after the hold was closed");
    assertThrows(IllegalStateException.class, hold::close);
  }

  /** {@link KeyGate#tryEnter} gives up while the gate is held exclusive, at once or after its wait, and enters once free. */
  @Test
  void aTimedEnterGivesUpWhileTheGateIsHeldExclusiveAndEntersOnceFree() {
    KeyGate gate = new KeyGate();
    KeyGate.Hold hold = gate.lockAll();
    assertEquals(0, gate.tryEnter(3, 0));
    assertEquals(0, gate.tryEnter(3, TimeUnit.MILLISECONDS.toNanos(20)));
    hold.close();
    long stamp = gate.tryEnter(3, 0);
    assertTrue(stamp != 0);
    gate.exit(3, stamp);
    stamp = gate.tryEnter(3, TimeUnit.MILLISECONDS.toNanos(20));
    assertTrue(stamp != 0);
    gate.exit(3, stamp);
  }
}
