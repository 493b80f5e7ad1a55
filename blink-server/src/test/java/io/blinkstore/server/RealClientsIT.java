package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.TransactionResult;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.Transaction;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Redis clients nobody here wrote, each with what an application sends through it: a transaction, a SCAN
 * iteration, a pipeline of 10,000 commands and a 2 MiB value. node-redis 6 with its default options and ioredis
 * (npm, {@code src/test/node/node-clients.mjs}; skipped where {@code npm ci} has not run there, as
 * {@code .ci/run} does), redis-py (Debian's {@code python3-redis}, {@code src/test/python/redis-py-client.py}), Jedis
 * and Lettuce (Maven). Every client runs against a real {@code redis-server} too: the checks are Redis's behaviour,
 * not ours.
 */
@Timeout(180)
class RealClientsIT {
  private static final Path NODE = Path.of("src/test/node");
  private static final Path PYTHON = Path.of("src/test/python");
  private static final Path SYSTEM_PYTHON = Path.of("/usr/bin/python3");
  private static final int SCAN_KEYS = 1000;
  private static final int PIPELINE = 10_000;
  private static final int BIG = 2 * 1024 * 1024;
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  enum Peer { BLINK, REDIS }

  static Stream<Arguments> peers() {
    return Stream.of(Peer.values()).map(Arguments::of);
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("peers")
  void nodeRedisWithDefaultOptionsAndIoredis(Peer peer) throws Exception {
    assumeTrue(Files.isDirectory(NODE.resolve("node_modules/ioredis")),
        "the npm packages are not installed: npm ci in " + NODE.toAbsolutePath());
    against(dir, peer, address -> {
      String output = run(NODE, CLIENT_TIMEOUT, "node", "node-clients.mjs",
          address.getHostString(), Integer.toString(address.getPort()));
      for (String client : List.of("node-redis", "ioredis")) {
        assertChecksPassed(client, output);
      }
    });
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("peers")
  void redisPy(Peer peer) throws Exception {
    assumeTrue(Files.isExecutable(SYSTEM_PYTHON)
        && new ProcessBuilder(SYSTEM_PYTHON.toString(), "-c", "import redis").start().waitFor() == 0,
        "redis-py (python3-redis) is not installed");
    against(dir, peer, address -> assertChecksPassed("redis-py",
        run(PYTHON, CLIENT_TIMEOUT, SYSTEM_PYTHON.toString(), "redis-py-client.py",
            address.getHostString(), Integer.toString(address.getPort()))));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("peers")
  void jedis(Peer peer) throws Exception {
    against(dir, peer, address -> {
      try (Jedis jedis = new Jedis(address.getHostString(), address.getPort(), 30_000)) {
        jedis.del("jedis:tx", "jedis:ctr");
        Transaction tx = jedis.multi();
        tx.set("jedis:tx", "1");
        tx.incr("jedis:ctr");
        assertEquals(List.of("OK", 1L), tx.exec());

        Set<String> wanted = scanKeys("jedis:");
        jedis.mset(wanted.stream().flatMap(k -> Stream.of(k, "v")).toArray(String[]::new));
        Set<String> seen = new HashSet<>();
        ScanParams match = new ScanParams().match("jedis:scan:*").count(100);
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
          ScanResult<String> page = jedis.scan(cursor, match);
          seen.addAll(page.getResult());
          cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        assertEquals(wanted, seen);

        Pipeline pipeline = jedis.pipelined();
        List<Response<String>> replies = new ArrayList<>();
        for (int i = 0; i < PIPELINE; i++) {
          replies.add(i % 2 == 0 ? pipeline.set("jedis:p:" + i, Integer.toString(i)) : pipeline.get("jedis:p:" + (i - 1)));
        }
        pipeline.sync();
        for (int i = 0; i < PIPELINE; i++) {
          assertEquals(i % 2 == 0 ? "OK" : Integer.toString(i - 1), replies.get(i).get(), "reply " + i);
        }

        byte[] big = bigValue();
        byte[] key = "jedis:big".getBytes(StandardCharsets.UTF_8);
        assertEquals("OK", jedis.set(key, big));
        assertArrayEquals(big, jedis.get(key));
      }
    });
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("peers")
  void lettuce(Peer peer) throws Exception {
    against(dir, peer, address -> {
      RedisClient client = RedisClient.create(
          RedisURI.builder().withHost(address.getHostString()).withPort(address.getPort())
              .withTimeout(Duration.ofSeconds(30)).build());
      try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
        RedisCommands<byte[], byte[]> sync = connection.sync();
        sync.del(bytes("lettuce:tx"), bytes("lettuce:ctr"));
        sync.multi();
        sync.set(bytes("lettuce:tx"), bytes("1"));
        sync.incr(bytes("lettuce:ctr"));
        TransactionResult result = sync.exec();
        assertEquals(List.of("OK", 1L), List.of(result.get(0), result.get(1)));

        Set<String> wanted = scanKeys("lettuce:");
        for (String key : wanted) {
          sync.set(bytes(key), bytes("v"));
        }
        Set<String> seen = new HashSet<>();
        ScanArgs match = ScanArgs.Builder.matches("lettuce:scan:*").limit(100);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
          KeyScanCursor<byte[]> page = sync.scan(cursor, match);
          page.getKeys().forEach(k -> seen.add(new String(k, StandardCharsets.UTF_8)));
          cursor = page;
        } while (!cursor.isFinished());
        assertEquals(wanted, seen);

        RedisAsyncCommands<byte[], byte[]> async = connection.async();
        connection.setAutoFlushCommands(false);
        List<RedisFuture<?>> replies = new ArrayList<>();
        for (int i = 0; i < PIPELINE; i++) {
          replies.add(i % 2 == 0 ? async.set(bytes("lettuce:p:" + i), bytes(Integer.toString(i)))
              : async.get(bytes("lettuce:p:" + (i - 1))));
        }
        connection.flushCommands();
        connection.setAutoFlushCommands(true);
        for (int i = 0; i < PIPELINE; i++) {
          Object reply = replies.get(i).get(30, TimeUnit.SECONDS);
          Object expected = i % 2 == 0 ? "OK" : Integer.toString(i - 1);
          assertEquals(expected, reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : reply,
              "reply " + i);
        }

        byte[] big = bigValue();
        assertEquals("OK", sync.set(bytes("lettuce:big"), big));
        assertArrayEquals(big, sync.get(bytes("lettuce:big")));
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
      }
    });
  }

  /** Runs {@code client} against a server of {@code peer}'s kind, started in {@code dir} and stopped after. */
  static void against(Path dir, Peer peer, ThrowingConsumer<InetSocketAddress> client) throws Exception {
    if (peer == Peer.REDIS) {
      assumeTrue(RedisServerProcess.installed(), RedisServerProcess.REDIS_SERVER + " is not installed");
      try (RedisServerProcess redis = RedisServerProcess.start(dir)) {
        client.accept(redis.address());
      }
    } else {
      try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 256L << 20)) {
        client.accept(server.tcpAddress());
      }
    }
  }

  private static void assertChecksPassed(String client, String output) {
    for (String check : List.of("transaction", "scan", "pipeline", "big-value")) {
      assertTrue(output.contains("ok " + client + " " + check + "\n"),
          () -> client + " did not pass its " + check + " check:\n" + output);
    }
  }

  /** Runs a command in {@code directory}, and returns its output once it has exited with status 0. */
  static String run(Path directory, Duration timeout, String... command) throws Exception {
    Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    StringBuilder output = new StringBuilder();
    Thread reader = new Thread(() -> {
      try {
        output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException ended) {
        // the process is gone; what was read is what there is
      }
    }, "client-output");
    reader.start();
    boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!exited) {
      process.destroyForcibly().waitFor();
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    String text = output.toString();
    assertTrue(exited, () -> String.join(" ", command) + " did not end within " + timeout + ":\n" + text);
    assertEquals(0, process.exitValue(), () -> String.join(" ", command) + " failed:\n" + text);
    return text;
  }

  /** The keys each client's SCAN check writes and expects back, under {@code prefix}. */
  static Set<String> scanKeys(String prefix) {
    Set<String> keys = new HashSet<>();
    for (int i = 0; i < SCAN_KEYS; i++) {
      keys.add(prefix + "scan:" + i);
    }
    return keys;
  }

  /** The 2 MiB value each client writes and reads back. */
  static byte[] bigValue() {
    byte[] value = new byte[BIG];
    new Random(BIG).nextBytes(value);
    return value;
  }

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @FunctionalInterface
  interface ThrowingConsumer<T> {
    void accept(T value) throws Exception;
  }
}
