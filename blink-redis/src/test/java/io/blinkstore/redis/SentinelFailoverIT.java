package io.blinkstore.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primary that Sentinels manage killed with SIGKILL under a bounded read/write load: the Sentinels promote its
 * replica, and the store, which asks them where the primary is on each reconnect, follows without a restart. The
 * figures are printed ({@code SENTINEL FAILOVER ...}) and quoted in docs/scale-out.md.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SentinelFailoverIT {
  @TempDir Path dir;

  @Test
  void theStoreFollowsThePromotedReplica() throws Exception {
    try (RedisSentinels servers = RedisSentinels.start(dir);
        BlinkRedis store = BlinkRedis.connect(servers.address(), BlinkRedisOptions.builder()
            .commandTimeout(Duration.ofSeconds(2)).build())) {
      BoundedLoad load = new BoundedLoad(store, 4, 100, Duration.ofMinutes(3));
      TimeUnit.SECONDS.sleep(1);
      long killed = System.nanoTime();
      servers.primary().kill();
      long deadline = killed + TimeUnit.SECONDS.toNanos(60);
      while (!servers.replica().isPrimary()) {
        assertTrue(System.nanoTime() - deadline < 0, "the Sentinels did not promote the replica within 60 s");
        TimeUnit.MILLISECONDS.sleep(10);
      }
      long promoted = System.nanoTime();
      TimeUnit.SECONDS.sleep(4);
      List<BoundedLoad.Call> calls = load.calls();
      Failover figures = Failover.of(calls, killed, promoted, key -> true);
      System.out.println("SENTINEL FAILOVER 4 threads: " + figures + ", acknowledged writes not read back: "
          + load.staleReads().size());
      assertTrue(figures.callsAfterPromotion() > 0, "the load ran after the promotion");
      assertEquals(0, figures.failedStartingAfter(promoted + TimeUnit.SECONDS.toNanos(1)),
          "calls that started more than a second after the promotion and failed: " + figures);
    }
  }
}
