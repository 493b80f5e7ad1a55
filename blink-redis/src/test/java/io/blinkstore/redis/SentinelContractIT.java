package io.blinkstore.redis;

import io.blinkstore.BlinkStore;
import io.blinkstore.BlinkStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link BlinkStoreContract} on a primary that three Sentinels manage ({@link RedisSentinels}), reached from a
 * {@code redis-sentinel://} address that names the Sentinels only, as the ACL user. One set of servers for the
 * class; each store finds the primary empty with zeroed counters.
 */
class SentinelContractIT extends RedisStoreContract {
  @TempDir static Path dir;
  private static RedisSentinels servers;

  @BeforeAll
  static void startServers() throws Exception {
    servers = RedisSentinels.start(dir);
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (servers != null) {
      servers.close();
    }
  }

  @Override
  protected BlinkStore newStore(long memoryLimit) {
    TestRedis.emptyWithZeroedCounters(servers.primary());
    return BlinkRedis.connect(servers.address(), TestRedis.options().build());
  }
}
