package io.blinkstore.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.client.BlinkConnectionException;
import io.blinkstore.client.BlinkServerException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Logging in to a {@code redis-server} with {@code requirepass} and an ACL user, and what is refused. */
class ConnectIT {
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

  @Test
  void aPasswordAloneLogsInAsTheDefaultUser() {
    try (BlinkStore store = BlinkRedis.connect("redis://:" + TestRedis.ADMIN_PASSWORD + "@127.0.0.1:" + redis.port())) {
      store.set("by-password", "yes");
      assertEquals("yes", store.getString("by-password"));
    }
  }

  /**
   * An address's database number is the database the store uses for everything: its keys, {@code size()},
   * {@code clear()} and {@code stats()}'s count of keys with a time to live, which Redis gives per database.
   */
  @Test
  void theAddressDatabaseIsTheOneTheStoreUses() throws Exception {
    TestRedis.emptyWithZeroedCounters(redis);
    try (BlinkStore inDatabase3 = BlinkRedis.connect(TestRedis.aclUserAddress("redis", redis.port()) + "/3");
        BlinkStore inDatabase0 = BlinkRedis.connect(TestRedis.aclUserAddress("redis", redis.port()))) {
      inDatabase0.set("in-0", "x");
      inDatabase3.set("in-3", "x", Duration.ofHours(1));
      String keyspace = redis.command("INFO", "keyspace");
      assertTrue(keyspace.contains("db3:keys=1,expires=1,"), keyspace);
      assertEquals(null, inDatabase3.get("in-0"));
      assertEquals(1, inDatabase3.size());
      assertEquals(1, inDatabase3.stats().expiring());
      assertEquals(0, inDatabase0.stats().expiring());
      inDatabase3.clear();
      assertEquals(0, inDatabase3.size());
      assertEquals("x", inDatabase0.getString("in-0"));
    } finally {
      TestRedis.emptyWithZeroedCounters(redis);
    }
  }

  @Test
  void aWrongPasswordIsRefusedWithoutShowingIt() {
    BlinkConnectionException e = assertThrows(BlinkConnectionException.class,
        () -> BlinkRedis.connect("redis://blink:not-the-password@127.0.0.1:" + redis.port()));
    assertTrue(e.getMessage().contains("WRONGPASS"), e.getMessage());
    assertFalse(e.getMessage().contains("not-the-password"), e.getMessage());
  }

  @Test
  void noPasswordIsRefused() {
    BlinkConnectionException e = assertThrows(BlinkConnectionException.class,
        () -> BlinkRedis.connect("redis://127.0.0.1:" + redis.port()));
    assertTrue(e.getMessage().contains("NOAUTH"), e.getMessage());
  }

  @Test
  void aPortNoOneListensOnIsRefused() throws Exception {
    int port = RedisProcess.freePort();
    BlinkConnectionException e = assertThrows(BlinkConnectionException.class, () -> BlinkRedis.connect(
        "redis://127.0.0.1:" + port, BlinkRedisOptions.builder().connectTimeout(Duration.ofSeconds(1)).build()));
    assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
  }

  /** A call that needs a right the ACL user lacks (here, a user that may only read) says NOPERM. */
  @Test
  void aCommandTheAclUserMayNotRunIsABlinkServerException() throws Exception {
    redis.command("ACL", "SETUSER", "reader", "on", ">reader-secret", "~*", "+@read", "+@connection");
    try (BlinkStore store = BlinkRedis.connect("redis://reader:reader-secret@127.0.0.1:" + redis.port())) {
      assertEquals(null, store.get("anything"));
      BlinkServerException e = assertThrows(BlinkServerException.class, () -> store.set("k", "v"));
      assertTrue(e.serverMessage().startsWith("NOPERM"), e.serverMessage());
    }
  }
}
