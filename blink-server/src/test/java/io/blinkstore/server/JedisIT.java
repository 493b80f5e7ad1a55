package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.SetParams;

/** Jedis, a Redis client nobody here wrote, against our server over TCP on NIO and epoll. */
@Timeout(60)
class JedisIT {
  @TempDir Path dir;

  static List<BlinkServer.Transport> transports() {
    return TestServers.transports();
  }

  /** Jedis waits {@link LineClient#TIMEOUT} for a reply, as our own test client does, not its default 2 s. */
  private static Jedis connect(BlinkServer server) {
    return new Jedis(server.tcpAddress().getAddress().getHostAddress(), server.tcpAddress().getPort(),
        (int) LineClient.TIMEOUT.toMillis());
  }

  /**
   * Asserts a {@code TTL} reply for an entry given {@code seconds} to live at {@code before} ({@link System#nanoTime})
   * or later: exactly {@code seconds} when asked within half a second of it (TTL rounds to the nearest second), and
   * on a machine stalled longer, no less than what can be left.
   */
  private static void assertTtl(long seconds, long ttl, long before) {
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before) + 1;
    long least = (seconds * 1000 - elapsedMillis + 500) / 1000;
    assertTrue(ttl >= least && ttl <= seconds,
        () -> "TTL " + ttl + ", expected " + seconds + " (at least " + least + " after " + elapsedMillis + " ms)");
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void createReadUpdateDelete(BlinkServer.Transport transport) {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        Jedis jedis = connect(server)) {
      assertEquals("PONG", jedis.ping());
      assertEquals("OK", jedis.set("user:1", "Ada"));
      assertEquals("Ada", jedis.get("user:1"));
      assertEquals("Ada", jedis.setGet("user:1", "Grace"));
      assertEquals("Grace", jedis.get("user:1"));
      assertNull(jedis.set("user:1", "x", SetParams.setParams().nx()));
      assertEquals("OK", jedis.mset("a", "1", "b", "2"));
      assertEquals(Arrays.asList("1", null, "2"), jedis.mget("a", "none", "b"));
      assertEquals(3L, jedis.exists("user:1", "a", "b"));
      assertEquals(3L, jedis.dbSize());
      assertEquals(2L, jedis.del("a", "b", "none"));
      assertTrue(jedis.info("keyspace").contains("db0:keys=1,"));
      assertEquals("OK", jedis.flushAll());
      assertNull(jedis.get("user:1"));
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void binaryValuesAndKeysRoundTrip(BlinkServer.Transport transport) {
    byte[] value = new byte[256];
    for (int i = 0; i < value.length; i++) {
      value[i] = (byte) i;
    }
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        Jedis jedis = connect(server)) {
      assertEquals("OK", jedis.set("bin".getBytes(UTF_8), value));
      assertArrayEquals(value, jedis.get("bin".getBytes(UTF_8)));
      // Keys are binary-safe too: these bytes hold a NUL, whitespace and invalid UTF-8.
      assertEquals("OK", jedis.set(value, "keyed by all 256 bytes".getBytes(UTF_8)));
      assertArrayEquals("keyed by all 256 bytes".getBytes(UTF_8), jedis.get(value));
      assertEquals(1, jedis.del(value));
      assertEquals(null, jedis.get(value));
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void aPipelineIsAnsweredInOrder(BlinkServer.Transport transport) {
    int count = 2_000;
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        Jedis jedis = connect(server)) {
      Pipeline pipeline = jedis.pipelined();
      List<Response<String>> sets = new ArrayList<>();
      List<Response<String>> gets = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        sets.add(pipeline.set("k" + i, "v" + i));
        gets.add(pipeline.get("k" + i));
      }
      pipeline.sync();
      for (int i = 0; i < count; i++) {
        assertEquals("OK", sets.get(i).get());
        assertEquals("v" + i, gets.get(i).get());
      }
      assertEquals(count, jedis.dbSize());
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void timesToLiveAndCounters(BlinkServer.Transport transport) {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        Jedis jedis = connect(server)) {
      long before = System.nanoTime();
      assertEquals("OK", jedis.set("session", "s", SetParams.setParams().ex(100)));
      assertTtl(100, jedis.ttl("session"), before);
      assertEquals(1L, jedis.persist("session"));
      assertEquals(-1L, jedis.ttl("session"));
      assertEquals("OK", jedis.setex("cached", 100, "v"));
      before = System.nanoTime();
      assertEquals(1L, jedis.expire("cached", 200));
      assertTtl(200, jedis.ttl("cached"), before);
      assertEquals(1L, jedis.expire("cached", 0));
      assertEquals(-2L, jedis.pttl("cached"));
      assertEquals(1L, jedis.incr("hits"));
      assertEquals(11L, jedis.incrBy("hits", 10));
      assertEquals(8L, jedis.decrBy("hits", 3));
      assertEquals("8", jedis.getDel("hits"));
      assertTrue(jedis.info("stats").contains("expired_keys:"));
    }
  }

  /** Issue 18: Jedis's hash calls, their map and scan replies, and a wrong type as Jedis reports it. */
  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void hashesWorkThroughJedis(BlinkServer.Transport transport) {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        Jedis jedis = connect(server)) {
      assertEquals(2, jedis.hset("user:1", java.util.Map.of("name", "ada", "lang", "en")));
      assertEquals("ada", jedis.hget("user:1", "name"));
      assertEquals(java.util.Map.of("name", "ada", "lang", "en"), jedis.hgetAll("user:1"));
      assertEquals(5, jedis.hincrBy("user:1", "visits", 5));
      assertEquals(3, jedis.hlen("user:1"));
      assertEquals(3, jedis.hscan("user:1", "0").getResult().size());
      assertEquals("hash", jedis.type("user:1"));
      JedisDataException wrongType = assertThrows(JedisDataException.class, () -> jedis.get("user:1"));
      assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", wrongType.getMessage());
      assertEquals(1, jedis.hdel("user:1", "name"));
    }
  }

  /** Issue 23: Jedis's set calls, their set and scan replies, and the store commands. */
  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void setsWorkThroughJedis(BlinkServer.Transport transport) {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        Jedis jedis = connect(server)) {
      assertEquals(3, jedis.sadd("tags", "a", "b", "c"));
      assertEquals(2, jedis.sadd("other", "b", "c", "c"));
      assertEquals(java.util.Set.of("a", "b", "c"), jedis.smembers("tags"));
      assertTrue(jedis.sismember("tags", "a"));
      assertEquals(java.util.List.of(true, false), jedis.smismember("tags", "a", "z"));
      assertEquals(java.util.Set.of("b", "c"), jedis.sinter("tags", "other"));
      assertEquals(java.util.Set.of("a"), jedis.sdiff("tags", "other"));
      assertEquals(3, jedis.sunionstore("both", "tags", "other"));
      assertEquals(2, jedis.sintercard("tags", "other"));
      assertEquals(1, jedis.smove("tags", "other", "a"));
      assertEquals(3, jedis.sscan("other", "0").getResult().size());
      assertEquals("set", jedis.type("both"));
      assertEquals(3, jedis.spop("both", 5).size());
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void errorsReachTheClientAsRedisWouldSendThem(BlinkServer.Transport transport) {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        Jedis jedis = connect(server)) {
      JedisDataException unknown = assertThrows(JedisDataException.class, () -> jedis.pfadd("s", "m"));
      assertEquals("ERR unknown command 'PFADD', with args beginning with: 's' 'm' ", unknown.getMessage());
      jedis.set("name", "ada");
      JedisDataException notANumber = assertThrows(JedisDataException.class, () -> jedis.incr("name"));
      assertEquals("ERR value is not an integer or out of range", notANumber.getMessage());
      JedisDataException db = assertThrows(JedisDataException.class, () -> jedis.select(16));
      assertEquals("ERR DB index is out of range", db.getMessage());
      assertEquals("PONG", jedis.ping(), "the connection stays usable after an error reply");
    }
  }
}
