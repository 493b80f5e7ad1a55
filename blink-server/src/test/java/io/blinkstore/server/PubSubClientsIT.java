package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pub/sub through real clients, against our server and against {@code redis-server} alike (as
 * {@link RealClientsIT}): redis-py's {@code pubsub()} ({@code src/test/python/redis-py-pubsub.py}) and node-redis 5
 * with its default options ({@code src/test/node/node-pubsub.mjs}) each subscribe to a channel and a pattern and
 * receive what another connection publishes; and a message node-redis publishes is received by redis-py. Skipped
 * where the client is not installed.
 */
@Timeout(180)
class PubSubClientsIT {
  private static final Path NODE = Path.of("src/test/node");
  private static final Path PYTHON = Path.of("src/test/python");
  private static final String SYSTEM_PYTHON = "/usr/bin/python3";
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(60);

  @TempDir Path dir;

  private static void assumeRedisPy() throws Exception {
    assumeTrue(Files.isExecutable(Path.of(SYSTEM_PYTHON))
        && new ProcessBuilder(SYSTEM_PYTHON, "-c", "import redis").start().waitFor() == 0,
        "redis-py (python3-redis) is not installed");
  }

  private static void assumeNodeRedis() {
    assumeTrue(Files.isDirectory(NODE.resolve("node_modules/redis5")),
        "the npm packages are not installed: npm ci in " + NODE.toAbsolutePath());
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("io.blinkstore.server.RealClientsIT#peers")
  void redisPySubscribesAndReceives(RealClientsIT.Peer peer) throws Exception {
    assumeRedisPy();
    RealClientsIT.against(dir, peer, address -> {
      String output = RealClientsIT.run(PYTHON, CLIENT_TIMEOUT, SYSTEM_PYTHON, "redis-py-pubsub.py",
          address.getHostString(), Integer.toString(address.getPort()));
      assertTrue(output.contains("ok redis-py subscribe\nok redis-py unsubscribe\n"), output);
    });
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("io.blinkstore.server.RealClientsIT#peers")
  void nodeRedisSubscribesAndReceives(RealClientsIT.Peer peer) throws Exception {
    assumeNodeRedis();
    RealClientsIT.against(dir, peer, address -> {
      String output = RealClientsIT.run(NODE, CLIENT_TIMEOUT, "node", "node-pubsub.mjs",
          address.getHostString(), Integer.toString(address.getPort()));
      assertTrue(output.contains("ok node-redis subscribe\nok node-redis unsubscribe\n"), output);
    });
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("io.blinkstore.server.RealClientsIT#peers")
  void aMessageNodeRedisPublishesReachesRedisPy(RealClientsIT.Peer peer) throws Exception {
    assumeRedisPy();
    assumeNodeRedis();
    RealClientsIT.against(dir, peer, address -> {
      String host = address.getHostString();
      String port = Integer.toString(address.getPort());
      Process subscriber = new ProcessBuilder(SYSTEM_PYTHON, "redis-py-pubsub.py", host, port, "cross")
          .directory(PYTHON.toFile()).redirectErrorStream(true).start();
      try (BufferedReader lines = new BufferedReader(
          new InputStreamReader(subscriber.getInputStream(), StandardCharsets.UTF_8))) {
        assertEquals("ready", lines.readLine(), "redis-py subscribed");
        String output = RealClientsIT.run(NODE, CLIENT_TIMEOUT, "node", "node-pubsub.mjs", host, port, "cross",
            "from node-redis");
        assertTrue(output.contains("ok node-redis published"), output);
        assertEquals("received from node-redis", lines.readLine());
        assertTrue(subscriber.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS));
        assertEquals(0, subscriber.exitValue());
      } finally {
        subscriber.destroyForcibly();
      }
    });
  }
}
