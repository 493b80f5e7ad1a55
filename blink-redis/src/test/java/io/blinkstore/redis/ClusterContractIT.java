package io.blinkstore.redis;

import io.blinkstore.BlinkStore;
import io.blinkstore.BlinkStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link BlinkStoreContract} on a six-node Redis Cluster (three primaries, three replicas) started by the test,
 * through the ACL user, from a {@code redis-cluster://} address naming two of its nodes. One cluster for the class;
 * each store finds every primary empty and every node's counters zeroed.
 */
class ClusterContractIT extends BlinkStoreContract {
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

  /** Each node's {@code used_memory} is all it allocates, and its limit is its operator's {@code maxmemory}. */
  @Override
  protected boolean exactAccounting() {
    return false;
  }

  /** Redis counts {@code PTTL} as a keyspace hit or miss. */
  @Override
  protected boolean onlyGetsCountAsReads() {
    return false;
  }
}
