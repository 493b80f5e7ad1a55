package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Races between writes, TTL changes, counters, expiry and eviction on the same keys. Each runs a fixed number of
 * rounds; afterwards the byte count, the expiration count and the expiry index must match the map exactly. The
 * timeout only turns a hang into a failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExpiryRaceTest {
  private static final Duration TTL = Duration.ofSeconds(10);
  private static final int ROUNDS = 2_000;

  private final FakeTicker clock = new FakeTicker();
  private final CaffeineBlinkStore store = ((IsolatedStore) clock.store(1 << 20)).unwrap();
  private final ExecutorService pool = Executors.newFixedThreadPool(3);

  @AfterEach
  void close() {
    pool.shutdownNow();
    store.close();
  }

  @Test
  void setsExpiresPersistsAndIncrementsOfOneKeyLeaveTheIndexMatchingTheMap() throws Exception {
    race(
        i -> store.set("k", Integer.toString(i), TTL),
        i -> store.expire("k", TTL.plusSeconds(1)),
        i -> {
          store.set("k", Integer.toString(i));
          store.persist("k");
          store.increment("k");
        });
    boolean expires = !store.ttl("k").equals(BlinkStore.NO_EXPIRY);
    assertEquals(expires ? 1 : 0, store.indexedHolders());
    int length = store.get("k").length;
    assertEquals(1 + length, store.usage());
    clock.advance(TTL.plusSeconds(1));
    assertEquals(expires ? 0 : 1 + length, store.usage());
    assertEquals(0, store.indexedHolders());
  }

  @Test
  void anExpiredEntryIsRemovedOnceAndAValueWrittenOverItIsNeverRemoved() throws Exception {
    byte[] fresh = "fresh".getBytes(StandardCharsets.UTF_8);
    for (int round = 0; round < ROUNDS / 10; round++) {
      store.set("k", "old", TTL);
      clock.advance(TTL);
      CyclicBarrier start = new CyclicBarrier(3);
      List<Future<?>> racers = List.of(
          pool.submit(() -> awaitThen(start, store::usage)),
          pool.submit(() -> awaitThen(start, () -> store.get("k"))),
          pool.submit(() -> awaitThen(start, () -> store.set("k", fresh))));
      for (Future<?> racer : racers) {
        racer.get();
      }
      assertArrayEquals(fresh, store.get("k"), "round " + round);
      assertEquals(1 + fresh.length, store.usage(), "round " + round);
      assertEquals(round + 1, store.stats().expirations(), "each expired entry counts once, round " + round);
      assertEquals(0, store.indexedHolders());
    }
  }

  @Test
  void countersRacingTheirOwnExpiryCountEachExpirationOnce() throws Exception {
    for (int round = 0; round < ROUNDS / 10; round++) {
      store.set("n", "1", TTL);
      clock.advance(TTL.minusNanos(1));
      CyclicBarrier start = new CyclicBarrier(3);
      List<Future<?>> racers = List.of(
          pool.submit(() -> awaitThen(start, () -> clock.advance(Duration.ofNanos(1)))),
          pool.submit(() -> awaitThen(start, store::size)),
          pool.submit(() -> awaitThen(start, () -> store.increment("n"))));
      for (Future<?> racer : racers) {
        racer.get();
      }
      String counter = store.getString("n");
      // Either the increment came first (2, expiring with the old deadline, so gone now) or after expiry (1).
      if (counter == null) {
        assertEquals(0, store.usage(), "round " + round);
      } else {
        assertEquals("1", counter, "round " + round);
        assertEquals(BlinkStore.NO_EXPIRY, store.ttl("n"));
        assertEquals(1 + 1, store.usage(), "round " + round);
        store.delete("n");
      }
      assertEquals(round + 1, store.stats().expirations(), "round " + round);
      assertEquals(0, store.indexedHolders());
    }
  }

  @Test
  void evictingAnEntryWithATtlTakesItOutOfTheIndex() {
    try (CaffeineBlinkStore small = ((IsolatedStore) clock.store(1000)).unwrap()) {
      for (int i = 0; i < 100; i++) {
        small.set("ttl" + i, new byte[10], TTL);
      }
      for (int i = 0; i < 1000; i++) {
        small.set("plain" + i, new byte[10]);
      }
      long stillThere = 0;
      for (int i = 0; i < 100; i++) {
        stillThere += small.ttl("ttl" + i) == null ? 0 : 1;
      }
      assertEquals(stillThere, small.indexedHolders());
      assertEquals(0, small.stats().expirations());
    }
  }

  /** Runs each action {@link #ROUNDS} times on its own thread, all three at once. */
  private void race(Action... actions) throws Exception {
    CyclicBarrier start = new CyclicBarrier(actions.length);
    List<Future<?>> racers = new ArrayList<>();
    for (Action action : actions) {
      racers.add(pool.submit(() -> awaitThen(start, () -> {
        for (int i = 0; i < ROUNDS; i++) {
          action.run(i);
        }
      })));
    }
    for (Future<?> racer : racers) {
      racer.get();
    }
  }

  private static Void awaitThen(CyclicBarrier start, Runnable action) throws Exception {
    start.await(10, TimeUnit.SECONDS);
    action.run();
    return null;
  }

  @FunctionalInterface
  private interface Action {
    void run(int round);
  }
}
