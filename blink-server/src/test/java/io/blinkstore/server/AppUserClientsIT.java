package io.blinkstore.server;

import static io.blinkstore.server.RealClientsIT.against;
import static io.blinkstore.server.RealClientsIT.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.blinkstore.server.RealClientsIT.Peer;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Redis clients nobody here wrote, each signed in as an app's own ACL user from its URL alone
 * ({@code redis://app:app-pass@host:port/1}, the user limited to keys matching {@code app:*}), doing what an app
 * does through it: a transaction, a SCAN iteration, a 2 MiB value, and a key outside {@code app:*} refused with
 * {@code NOPERM}. node-redis 6 with its default options and ioredis ({@code src/test/node/node-app-user.mjs}; skipped
 * where {@code npm ci} has not run there), redis-py ({@code src/test/python/redis-py-app-user.py}), Jedis and
 * Lettuce, each against a real {@code redis-server} too. After each client the {@code default} user checks that its
 * writes went to database 1 and nowhere else.
 */
@Timeout(180)
class AppUserClientsIT {
  private static final Path NODE = Path.of("src/test/node");
  private static final Path PYTHON = Path.of("src/test/python");
  private static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");
  private static final String USER = "app";
  private static final String PASSWORD = "app-pass";
  private static final int DATABASE = 1;
  private static final int BIG = 2 * 1024 * 1024;
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  static Stream<Arguments> peers() {
    return Stream.of(Peer.values()).map(Arguments::of);
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("peers")
  void nodeRedisWithDefaultOptionsAndIoredis(Peer peer) throws Exception {
    assumeTrue(Files.isDirectory(NODE.resolve("node_modules/ioredis")),
        "the npm packages are not installed: npm ci in " + NODE.toAbsolutePath());
    againstAppUser(peer, address -> {
      String output = run(NODE, CLIENT_TIMEOUT, "node", "node-app-user.mjs", url(address));
      for (String client : List.of("node-redis", "ioredis")) {
        assertChecksPassed(client, output);
        assertWentToItsDatabase(address, client);
      }
    });
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("peers")
  void redisPy(Peer peer) throws Exception {
    assumeTrue(Files.isExecutable(SYSTEM_PYTHON)
        && new ProcessBuilder(SYSTEM_PYTHON.toString(), "-c", "import redis").start().waitFor() == 0,
        "redis-py (python3-redis) is not installed");
    againstAppUser(peer, address -> {
      assertChecksPassed("redis-py",
          run(PYTHON, CLIENT_TIMEOUT, SYSTEM_PYTHON.toString(), "redis-py-app-user.py", url(address)));
      assertWentToItsDatabase(address, "redis-py");
    });
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("peers")
  void jedis(Peer peer) throws Exception {
    againstAppUser(peer, address -> {
      try (Jedis jedis = new Jedis(URI.create(url(address)), 30_000)) {
        String prefix = "app:jedis:";
        Transaction tx = jedis.multi();
        tx.set(prefix + "tx", "1");
        tx.incr(prefix + "ctr");
        assertEquals(List.of("OK", 1L), tx.exec());

        Set<String> wanted = RealClientsIT.scanKeys(prefix);
        jedis.mset(wanted.stream().flatMap(k -> Stream.of(k, "v")).toArray(String[]::new));
        Set<String> seen = new HashSet<>();
        ScanParams match = new ScanParams().match(prefix + "scan:*").count(100);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
          ScanResult<String> page = jedis.scan(cursor, match);
          seen.addAll(page.getResult());
          cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        assertEquals(wanted, seen);

        byte[] big = RealClientsIT.bigValue();
        byte[] key = RealClientsIT.bytes(prefix + "big");
        assertEquals("OK", jedis.set(key, big));
        assertArrayEquals(big, jedis.get(key));

        JedisDataException refused = assertThrows(JedisDataException.class, () -> jedis.get("other:jedis"));
        assertTrue(refused.getMessage().startsWith("NOPERM "), refused.getMessage());
      }
      assertWentToItsDatabase(address, "jedis");
    });
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("peers")
  void lettuce(Peer peer) throws Exception {
    againstAppUser(peer, address -> {
      RedisURI uri = RedisURI.create(url(address));
      uri.setTimeout(Duration.ofSeconds(30));
      RedisClient client = RedisClient.create(uri);
      try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
        RedisCommands<byte[], byte[]> sync = connection.sync();
        String prefix = "app:lettuce:";
        sync.multi();
        sync.set(RealClientsIT.bytes(prefix + "tx"), RealClientsIT.bytes("1"));
        sync.incr(RealClientsIT.bytes(prefix + "ctr"));
        TransactionResult result = sync.exec();
        assertEquals(List.of("OK", 1L), List.of(result.get(0), result.get(1)));

        Set<String> wanted = RealClientsIT.scanKeys(prefix);
        for (String key : wanted) {
          sync.set(RealClientsIT.bytes(key), RealClientsIT.bytes("v"));
        }
        Set<String> seen = new HashSet<>();
        ScanArgs match = ScanArgs.Builder.matches(prefix + "scan:*").limit(100);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
          KeyScanCursor<byte[]> page = sync.scan(cursor, match);
          page.getKeys().forEach(k -> seen.add(new String(k, StandardCharsets.UTF_8)));
          cursor = page;
        } while (!cursor.isFinished());
        assertEquals(wanted, seen);

        byte[] big = RealClientsIT.bigValue();
        assertEquals("OK", sync.set(RealClientsIT.bytes(prefix + "big"), big));
        assertArrayEquals(big, sync.get(RealClientsIT.bytes(prefix + "big")));

        RedisCommandExecutionException refused =
            assertThrows(RedisCommandExecutionException.class, () -> sync.get(RealClientsIT.bytes("other:lettuce")));
        assertTrue(refused.getMessage().startsWith("NOPERM "), refused.getMessage());
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
      }
      assertWentToItsDatabase(address, "lettuce");
    });
  }

  /** Runs {@code client} against a server of {@code peer}'s kind on which the {@code default} user made the app's. */
  private void againstAppUser(Peer peer, RealClientsIT.ThrowingConsumer<InetSocketAddress> client) throws Exception {
    against(dir, peer, address -> {
      try (Jedis admin = new Jedis(address.getHostString(), address.getPort(), 30_000)) {
        assertEquals("OK", admin.aclSetUser(USER, "on", ">" + PASSWORD, "~app:*", "+@all"));
      }
      client.accept(address);
    });
  }

  private static String url(InetSocketAddress address) {
    return "redis://" + USER + ":" + PASSWORD + "@" + address.getHostString() + ":" + address.getPort() + "/"
        + DATABASE;
  }

  /** The {@code default} user finds the client's transaction and 2 MiB value in database 1, not in database 0. */
  private static void assertWentToItsDatabase(InetSocketAddress address, String client) {
    String prefix = "app:" + client + ":";
    try (Jedis admin = new Jedis(address.getHostString(), address.getPort(), 30_000)) {
      admin.select(DATABASE);
      assertEquals("1", admin.get(prefix + "tx"), client + "'s transaction in database " + DATABASE);
      assertEquals(BIG, admin.strlen(prefix + "big"), client + "'s 2 MiB value in database " + DATABASE);
      admin.select(0);
      assertEquals(0, admin.exists(prefix + "tx", prefix + "big"), client + "'s keys in database 0");
    }
  }

  private static void assertChecksPassed(String client, String output) {
    for (String check : List.of("transaction", "scan", "big-value", "other-key-refused")) {
      assertTrue(output.contains("ok " + client + " " + check + "\n"),
          () -> client + " did not pass its " + check + " check:\n" + output);
    }
  }
}
