package io.blinkstore.redis;

import io.blinkstore.BlinkStore;
import io.blinkstore.BlinkStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link BlinkStoreContract} on a standalone {@code redis-server} that requires a password, through an ACL
 * user allowed only the commands the store sends ({@link TestRedis#ACL_USER_RULES}). One server for the class;
 * each store starts it empty with zeroed counters.
 */
class AclUserContractIT extends RedisStoreContract {
  @TempDir static Path dir;
  private static RedisProcess redis;

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

  @Override
  protected BlinkStore newStore(long memoryLimit) {
    TestRedis.emptyWithZeroedCounters(redis);
    return BlinkRedis.connect(TestRedis.aclUserAddress("redis", redis.port()), TestRedis.options().build());
  }
}
