package io.blinkstore.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BlinkRedis#getOrLoad} across processes, each played by a store of its own (its own Lettuce client and
 * connection) on one {@code redis-server}: the lock key ({@code SET NX PX}) lets one of them load while the others
 * wait for its value, and is released by a script only while it still holds its taker's token.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class SharedLoadIT {
  private static final String KEY = "hot";
  private static final String LOCK = SharedLoad.LOCK_PREFIX + KEY;

  @TempDir static Path dir;
  private static RedisProcess redis;
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @BeforeAll
  static void startRedis() throws Exception {
    redis = TestRedis.startWithAclUser(dir, RedisProcess.freePort());
  }

  @AfterAll
  static void stopRedis() throws Exception {
    if (redis != null) {
      redis.close();
    }
  }

  @AfterEach
  void emptyRedis() {
    callers.shutdownNow();
    TestRedis.emptyWithZeroedCounters(redis);
  }

  private static BlinkRedis store(Duration leaseTime) {
    return BlinkRedis.connect(TestRedis.aclUserAddress("redis", redis.port()),
        TestRedis.options().leaseTime(leaseTime).build());
  }

  /** Starts {@code store.getOrLoad(KEY)} with a loader that counts itself, waits for {@code release}, and returns. */
  private CompletableFuture<String> load(BlinkRedis store, AtomicInteger loads, CountDownLatch release,
      String value) {
    return CompletableFuture.supplyAsync(() -> new String(store.getOrLoad(KEY, key -> {
      loads.incrementAndGet();
      assertTrue(release.await(60, TimeUnit.SECONDS));
      return value.getBytes(UTF_8);
    }), UTF_8), callers);
  }

  @Test
  void ofTwoProcessesMissingAKeyOneLoadsAndTheOtherGetsItsValue() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    try (BlinkRedis first = store(Duration.ofSeconds(30)); BlinkRedis second = store(Duration.ofSeconds(30))) {
      CompletableFuture<String> holder = load(first, loads, release, "loaded by the first");
      awaitThat(() -> loads.get() == 1, "the first store is loading");
      long lease = Long.parseLong(redis.command("PTTL", LOCK));
      assertTrue(lease > 0 && lease <= 30_000, "the lock lapses by itself within the lease: PTTL " + lease);
      CompletableFuture<String> waiter = load(second, loads, release, "loaded by the second");
      TimeUnit.MILLISECONDS.sleep(300);
      assertFalse(waiter.isDone(), "the second store waits while the first loads");
      assertEquals(1, loads.get(), "loads while the first store loads");
      release.countDown();
      assertEquals("loaded by the first", holder.get(30, TimeUnit.SECONDS));
      assertEquals("loaded by the first", waiter.get(30, TimeUnit.SECONDS));
      assertEquals(1, loads.get(), "loads");
      first.get("anything"); // on the same connection as the release, so the release has run by its reply
      assertEquals("0", redis.command("EXISTS", LOCK), "the lock is released");
    }
  }

  /**
   * The first store's lock lapses while it loads and a second store takes it; when the first finishes, its release
   * leaves the second's lock alone (its token is not the first's), so a third store still waits for the second.
   */
  @Test
  void aLapsedLockTakenByAnotherIsNotReleasedByItsFirstTaker() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch releaseSecond = new CountDownLatch(1);
    try (BlinkRedis first = store(Duration.ofMillis(200)); BlinkRedis second = store(Duration.ofSeconds(30))) {
      CompletableFuture<String> lapsed = load(first, loads, releaseFirst, "loaded by the first");
      awaitThat(() -> loads.get() == 1, "the first store is loading");
      awaitThat(() -> redis.command("EXISTS", LOCK).equals("0"), "the first store's lock lapsed");
      CompletableFuture<String> retaken = load(second, loads, releaseSecond, "loaded by the second");
      awaitThat(() -> loads.get() == 2, "the second store took the lapsed lock and is loading");
      releaseFirst.countDown();
      assertEquals("loaded by the first", lapsed.get(30, TimeUnit.SECONDS));
      first.get("anything"); // on the same connection as the release, so the release has run by its reply
      assertEquals("1", redis.command("EXISTS", LOCK), "the second store's lock survives the first's release");
      releaseSecond.countDown();
      assertEquals("loaded by the second", retaken.get(30, TimeUnit.SECONDS));
      assertEquals("loaded by the first", first.getString(KEY), "the value stored first is kept (SET NX)");
      second.get("anything"); // on the same connection as its release
      assertEquals("0", redis.command("EXISTS", LOCK), "the second store released its own lock");
    }
  }

  /** A loader that fails releases the lock at once, rather than holding the key up for the whole lease. */
  @Test
  void aFailedLoadReleasesTheLock() throws Exception {
    try (BlinkRedis store = store(Duration.ofSeconds(30))) {
      ExecutionException failed = assertThrows(ExecutionException.class, () -> CompletableFuture.supplyAsync(
          () -> store.getOrLoad(KEY, key -> {
            assertNotEquals("0", redis.command("EXISTS", LOCK), "the lock is held while loading");
            throw new IllegalStateException("the database is down");
          }), callers).get(30, TimeUnit.SECONDS));
      assertEquals("the database is down", failed.getCause().getMessage());
      store.get("anything"); // on the same connection as the release, so the release has run by its reply
      assertEquals("0", redis.command("EXISTS", LOCK));
    }
  }

  @FunctionalInterface
  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void awaitThat(Condition condition, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.holds()) {
      assertTrue(System.nanoTime() - deadline < 0, "timed out waiting until " + what);
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }
}
