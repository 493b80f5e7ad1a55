package io.blinkstore.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.BlinkStoreContract;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link BlinkStoreContract} on a six-node Redis Cluster (three primaries, three replicas) started by the test,
 * through the ACL user, from a {@code redis-cluster://} address naming two of its nodes. One cluster for the class;
 * each store finds every primary empty and every node's counters zeroed.
 */
class ClusterContractIT extends RedisStoreContract {
  @TempDir static Path dir;
  private static RedisCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    cluster = RedisCluster.start(dir, 3);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Override
  protected BlinkStore newStore(long memoryLimit) {
    cluster.emptyWithZeroedCounters();
    return BlinkRedis.connect(cluster.address("redis-cluster"), TestRedis.options().build());
  }

  /**
   * {@code usage()} adds up every primary's {@code used_memory}: with 15 MiB of values spread over the three
   * primaries by their keys' slots, it is at least those bytes, and within 10% of the sum of what each primary says
   * right after (a single primary holds about a third).
   */
  @Test
  void usageAddsUpEveryPrimary() throws IOException {
    try (BlinkStore store = newStore(0)) {
      byte[] value = new byte[512 * 1024];
      for (int i = 0; i < 30; i++) {
        store.set("big-" + i, value);
      }
      long usage = store.usage();
      long sum = sumOverPrimaries("used_memory");
      assertTrue(usage >= 30L * value.length && Math.abs(usage - sum) < sum / 10, usage + " against " + sum);
    }
  }

  /**
   * {@code memoryLimit()} adds up every primary's {@code maxmemory} (64 MiB each here), and is unlimited when any
   * primary has none.
   */
  @Test
  void memoryLimitAddsUpEveryPrimaryAndIsUnlimitedIfOneHasNone() throws IOException {
    try (BlinkStore store = newStore(0)) {
      assertEquals(sumOverPrimaries("maxmemory"), store.memoryLimit());
      assertEquals(3 * 64L * 1024 * 1024, store.memoryLimit());
      RedisProcess unlimited = cluster.primaries().get(1);
      TestRedis.expect("OK", unlimited.command("CONFIG", "SET", "maxmemory", "0"));
      try {
        assertEquals(Long.MAX_VALUE, store.memoryLimit());
      } finally {
        TestRedis.expect("OK", unlimited.command("CONFIG", "SET", "maxmemory", "64mb"));
      }
    }
  }

  private static long sumOverPrimaries(String field) throws IOException {
    long sum = 0;
    List<RedisProcess> primaries = cluster.primaries();
    assertEquals(3, primaries.size());
    for (RedisProcess primary : primaries) {
      sum += InfoFields.parse(primary.command("INFO", "memory")).get(field);
    }
    return sum;
  }
}
