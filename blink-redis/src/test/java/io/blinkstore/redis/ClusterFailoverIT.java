package io.blinkstore.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary of a six-node cluster killed with SIGKILL while the store is in use: the store follows its replica's
 * promotion without being restarted. Each test has its own cluster (a failover leaves one node dead). The figures
 * are printed ({@code FAILOVER ...} lines) and quoted in docs/scale-out.md. {@code -Psoak} ({@code blink.soak})
 * runs a longer, heavier load.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClusterFailoverIT {
  static final boolean SOAK = Boolean.getBoolean("blink.soak");
  /** The store's {@link BlinkRedisOptions#topologyRefreshPeriod()} here. */
  static final Duration REFRESH_PERIOD = Duration.ofSeconds(1);
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

  @TempDir Path dir;
  private RedisCluster cluster;

  @BeforeEach
  void startCluster() throws Exception {
    cluster = RedisCluster.start(dir, 3);
  }

  @AfterEach
  void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private BlinkRedis connect(Duration leaseTime) {
    return BlinkRedis.connect(cluster.address("redis-cluster"), BlinkRedisOptions.builder()
        .commandTimeout(COMMAND_TIMEOUT).topologyRefreshPeriod(REFRESH_PERIOD).leaseTime(leaseTime).build());
  }

  @Test
  void noCallFailsOnceTheKilledPrimarysReplicaServesItsSlots() throws Exception {
    int threads = SOAK ? 16 : 4;
    Duration afterPromotion = SOAK ? Duration.ofSeconds(60) : Duration.ofSeconds(4);
    try (BlinkRedis store = connect(BlinkRedisOptions.DEFAULT_LEASE_TIME)) {
      BoundedLoad load = new BoundedLoad(store, threads, 100, Duration.ofMinutes(5));
      TimeUnit.SECONDS.sleep(1);
      RedisProcess victim = cluster.primaries().get(0);
      RedisProcess replica = cluster.replicaOf(victim);
      Predicate<String> onVictim = cluster.servedBy(victim);
      long killed = System.nanoTime();
      victim.kill();
      long promoted = awaitPrimary(replica);
      TimeUnit.MILLISECONDS.sleep(afterPromotion.toMillis());
      List<BoundedLoad.Call> calls = load.calls();
      Failover figures = Failover.of(calls, killed, promoted, onVictim);
      System.out.println("FAILOVER " + threads + " threads: " + figures + ", acknowledged writes not read back: "
          + load.staleReads().size() + " " + load.staleReads().stream().limit(3).toList());
      assertTrue(figures.callsAfterPromotion() > 0, "the load ran after the promotion");
      assertEquals(0, figures.failedStartingAfter(promoted), "calls that started after the promotion and failed: "
          + figures);
    }
  }

  /** Waits until {@code replica} says it is a primary, and returns when (nanoTime). */
  private static long awaitPrimary(RedisProcess replica) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!replica.isPrimary()) {
      assertTrue(System.nanoTime() - deadline < 0, "the replica was not promoted within 60 s");
      TimeUnit.MILLISECONDS.sleep(10);
    }
    return System.nanoTime();
  }

  /**
   * The lock that {@code getOrLoad} takes across processes, killed with its primary while its holder loads: once
   * the replica serves, a second process (a second store, its own Lettuce client) that misses the key waits for
   * the holder's value instead of loading it too. The lock had reached the replica before the kill (the test
   * waits for that): a lock taken within the replication lag of a crash is lost with it (docs/scale-out.md).
   */
  @Test
  void aLoadLockOnAKilledPrimaryStillHoldsOnItsPromotedReplica() throws Exception {
    String key = "hot";
    String lock = SharedLoad.LOCK_PREFIX + key;
    Duration leaseTime = Duration.ofSeconds(20);
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch finishLoad = new CountDownLatch(1);
    try (BlinkRedis holder = connect(leaseTime); BlinkRedis other = connect(leaseTime)) {
      CompletableFuture<byte[]> first = CompletableFuture.supplyAsync(() -> holder.getOrLoad(key, k -> {
        loads.incrementAndGet();
        loading.countDown();
        assertTrue(finishLoad.await(60, TimeUnit.SECONDS));
        return "loaded by the holder".getBytes(UTF_8);
      }));
      assertTrue(loading.await(30, TimeUnit.SECONDS));
      RedisProcess victim = cluster.primaryOf(lock);
      RedisProcess replica = cluster.replicaOf(victim);
      awaitReplicated(replica);
      victim.kill();
      awaitPrimary(replica);
      CompletableFuture<byte[]> second = CompletableFuture.supplyAsync(() -> other.getOrLoad(key, k -> {
        loads.incrementAndGet();
        return "loaded by the other".getBytes(UTF_8);
      }));
      TimeUnit.SECONDS.sleep(2);
      finishLoad.countDown();
      assertEquals("loaded by the holder", new String(first.get(60, TimeUnit.SECONDS), UTF_8));
      assertEquals("loaded by the holder", new String(second.get(60, TimeUnit.SECONDS), UTF_8));
      assertEquals(1, loads.get(), "loads");
    }
  }

  /** Waits until the replica holds a key (the lock: the only key its shard holds here). */
  private static void awaitReplicated(RedisProcess replica) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Long.parseLong(replica.command("DBSIZE")) == 0) {
      assertTrue(System.nanoTime() - deadline < 0, "the lock did not reach the replica");
      TimeUnit.MILLISECONDS.sleep(5);
    }
  }
}
