package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Deadlines;
import io.blinkstore.server.BlinkServer;
import io.blinkstore.server.protocol.resp.RespSession;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Absolute deadlines on the real wall clock (issue 23's B2: {@code PEXPIRETIME} after {@code SET ... PXAT T},
 * {@code PEXPIREAT T} or {@code EXPIREAT} was T+1 or T+2 in 22 of 50 tries, the Unix time having been stored as a
 * time to live), the whole milliseconds Redis's deadlines fall on (B3), and {@code EXPIRE}'s conditions decided in
 * one step with the change.
 */
class AbsoluteDeadlinesTest {
  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final Dispatcher dispatcher = new Dispatcher(store, new Leases(), Clock.systemUTC(), new ServerCounters(),
      HeapGuard.NONE, null, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, EntrySizeLimits.NONE);

  @AfterEach
  void close() {
    store.close();
  }

  private Result run(String... args) {
    return RespTester.run(new RespSession(dispatcher), args);
  }

  /** Failed before the fix: {@code PEXPIRETIME} answered T+1 (sometimes T+2) for many of these. */
  @Test
  void aUnixTimeSetIsExactlyTheUnixTimeReadBack() {
    for (int i = 0; i < 300; i++) {
      long t = System.currentTimeMillis() + 60_000 + 7L * i;
      assertEquals(Result.OK, run("SET", "k", "v", "PXAT", Long.toString(t)));
      assertEquals(integer(t), run("PEXPIRETIME", "k"), "SET PXAT, try " + i);
      assertEquals(integer(1), run("PEXPIREAT", "k", Long.toString(t + 1)));
      assertEquals(integer(t + 1), run("PEXPIRETIME", "k"), "PEXPIREAT, try " + i);
      long seconds = t / 1000 + 1;
      assertEquals(integer(1), run("EXPIREAT", "k", Long.toString(seconds)));
      assertEquals(integer(seconds * 1000), run("PEXPIRETIME", "k"), "EXPIREAT, try " + i);
      assertEquals(integer(seconds), run("EXPIRETIME", "k"), "EXPIREAT, try " + i);
      assertEquals(Result.OK, run("SET", "k", "w", "EXAT", Long.toString(seconds + 1)));
      assertEquals(integer((seconds + 1) * 1000), run("PEXPIRETIME", "k"), "SET EXAT, try " + i);
      assertEquals(Result.OK, run("SET", "k", "x", "KEEPTTL"));
      assertEquals(integer((seconds + 1) * 1000), run("PEXPIRETIME", "k"), "SET KEEPTTL, try " + i);
      // The read-then-write paths (a compare-and-set of the key) keep the exact deadline too.
      assertEquals(Result.OK, run("SET", "k", "y", "XX", "PXAT", Long.toString(t + 2)));
      assertEquals(integer(t + 2), run("PEXPIRETIME", "k"), "SET XX PXAT, try " + i);
      run("SET", "k", "z", "GET", "PXAT", Long.toString(t + 3));
      assertEquals(integer(t + 3), run("PEXPIRETIME", "k"), "SET GET PXAT, try " + i);
      run("GETEX", "k", "PXAT", Long.toString(t + 4));
      assertEquals(integer(t + 4), run("PEXPIRETIME", "k"), "GETEX PXAT, try " + i);
    }
  }

  /** The deadline of a time to live is the Unix time now plus it, in whole milliseconds, as Redis's. */
  @Test
  void aTimeToLiveEndsOnAWholeMillisecondOfTheUnixTimeLine() {
    long before = System.currentTimeMillis();
    run("SET", "k", "v", "PX", "5000");
    long deadline = ((Result.Int) run("PEXPIRETIME", "k")).value();
    long after = System.currentTimeMillis();
    assertTrue(deadline >= before + 5000 - 1 && deadline <= after + 5000 + 1, before + " " + deadline + " " + after);
  }

  /**
   * B3 on the anchor: two deadlines asked within one millisecond are the same, so {@code GT} and {@code LT}
   * with the same time to live fail the second time, as in Redis; a millisecond later, {@code GT} holds.
   */
  @Test
  void timesToLiveAskedWithinOneMillisecondGiveTheSameDeadline() {
    AtomicLong storeNow = new AtomicLong(5_000_000_000L);
    UnixTime time = new UnixTime(new FixedClockDeadlines(storeNow),
        Clock.fixed(Instant.ofEpochMilli(1_800_000_000_123L), ZoneOffset.UTC));
    storeNow.addAndGet(300_000); // 0.3 ms on
    long first = time.deadline(time.nowMillis() + 20_000);
    storeNow.addAndGet(600_000); // 0.9 ms on: the same millisecond
    long second = time.deadline(time.nowMillis() + 20_000);
    assertEquals(first, second);
    assertFalse(Deadlines.Condition.GT.allows(first, second));
    assertFalse(Deadlines.Condition.LT.allows(first, second));
    storeNow.addAndGet(200_000); // the next millisecond
    long third = time.deadline(time.nowMillis() + 20_000);
    assertTrue(Deadlines.Condition.GT.allows(first, third));
    assertEquals(1_800_000_020_124L, time.unixMillis(third));
  }

  /**
   * {@code EXPIRE key t NX} from many clients at once on a key without a time to live: exactly one sets it. Read,
   * then set, several saw "no time to live" and answered 1.
   */
  @Test
  void ofConcurrentExpireNxExactlyOneWins() throws Exception {
    int threads = 4;
    int rounds = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier barrier = new CyclicBarrier(threads);
      List<Future<long[]>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          RespSession session = new RespSession(dispatcher);
          long[] wins = new long[rounds];
          for (int round = 0; round < rounds; round++) {
            if (thread == 0) {
              RespTester.run(session, "SET", "k" + round, "v");
            }
            barrier.await();
            String ttl = Integer.toString(100 + thread);
            wins[round] = ((Result.Int) RespTester.run(session, "EXPIRE", "k" + round, ttl, "NX")).value();
          }
          return wins;
        }));
      }
      long[] total = new long[rounds];
      for (Future<long[]> result : results) {
        long[] wins = result.get();
        for (int round = 0; round < rounds; round++) {
          total[round] += wins[round];
        }
      }
      for (int round = 0; round < rounds; round++) {
        assertEquals(1, total[round], "round " + round + ": EXPIRE NX won by " + total[round] + " clients");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** A store clock the test moves by hand. */
  private record FixedClockDeadlines(AtomicLong clock) implements Deadlines {
    @Override
    public long now() {
      return clock.get();
    }

    @Override
    public long deadline(String key) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean expireAt(String key, long deadline, Condition condition) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void setUntil(String key, byte[] value, long deadline) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean setIfAbsentUntil(String key, byte[] value, long deadline) {
      throw new UnsupportedOperationException();
    }
  }
}
