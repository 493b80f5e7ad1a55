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
 * Hash slots moved from one primary to another ({@code redis-cli --cluster reshard}) while the store is under a
 * read/write load: no call fails and every read sees the last acknowledged write, as Lettuce follows the
 * {@code ASK} redirections of the slots being moved and the {@code MOVED} ones of the slots already moved (each
 * also refreshing its slot map). The figures are printed ({@code RESHARD ...}) and quoted in docs/scale-out.md.
 * {@code -Psoak} ({@code blink.soak}) moves ten times the slots, there and back, under a heavier load.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ClusterReshardingIT {
  static final boolean SOAK = Boolean.getBoolean("blink.soak");

  @TempDir Path dir;

  @Test
  void noCallFailsWhileSlotsMoveBetweenPrimaries() throws Exception {
    int threads = SOAK ? 16 : 4;
    int slots = SOAK ? 5000 : 500;
    try (RedisCluster cluster = RedisCluster.start(dir, 3);
        BlinkRedis store = BlinkRedis.connect(cluster.address("redis-cluster"), BlinkRedisOptions.builder()
            .topologyRefreshPeriod(Duration.ofSeconds(1)).build())) {
      BoundedLoad load = new BoundedLoad(store, threads, 1000, Duration.ofMinutes(5));
      TimeUnit.SECONDS.sleep(1);
      List<RedisProcess> primaries = cluster.primaries();
      long started = System.nanoTime();
      cluster.reshard(dir, primaries.get(0), primaries.get(1), slots);
      if (SOAK) {
        cluster.reshard(dir, primaries.get(1), primaries.get(0), slots);
      }
      long moved = System.nanoTime();
      TimeUnit.SECONDS.sleep(1);
      List<BoundedLoad.Call> calls = load.calls();
      List<BoundedLoad.Call> failed = calls.stream().filter(BoundedLoad.Call::failed).toList();
      long during = calls.stream().filter(call -> call.start() >= started && call.end() <= moved).count();
      long longest = calls.stream().mapToLong(call -> call.end() - call.start()).max().orElse(0);
      System.out.println("RESHARD " + threads + " threads, " + slots + " slots" + (SOAK ? " there and back" : "")
          + " in " + TimeUnit.NANOSECONDS.toMillis(moved - started) + " ms: " + calls.size() + " calls (" + during
          + " while slots moved), " + failed.size() + " failed " + failed.stream().limit(3).toList()
          + ", reads not seeing the last acknowledged write: " + load.staleReads().size() + ", longest call "
          + TimeUnit.NANOSECONDS.toMillis(longest) + " ms");
      assertTrue(during > 0, "the load ran while the slots moved");
      assertEquals(List.of(), failed);
      assertEquals(List.of(), load.staleReads());
    }
  }
}
