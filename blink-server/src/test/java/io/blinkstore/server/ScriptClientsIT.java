package io.blinkstore.server;

import static io.blinkstore.server.RealClientsIT.against;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * The script helpers of Redis clients nobody here wrote, as applications use them: redis-py's {@code Lock} across
 * two processes (mutual exclusion of a read-then-write counter, extend, reacquire, release, and a lock the other
 * process holds neither taken, extended nor released), a token bucket rate limiter ({@code src/test/lua}) through
 * redis-py's {@code register_script}, ioredis's {@code defineCommand} and node-redis's {@code defineScript} (default
 * options: RESP3), each decision checked against a model and a burst from four connections held to the capacity,
 * EVALSHA then EVAL after {@code SCRIPT FLUSH}, and Jedis's and Lettuce's {@code eval}/{@code evalsha}. Every client
 * runs against a real {@code redis-server} too: the checks are Redis's behaviour, not ours. The python and node
 * parts are skipped where redis-py or the npm packages are not installed ({@code .ci/run} installs both).
 */
@Timeout(180)
class ScriptClientsIT {
  private static final Path NODE = Path.of("src/test/node");
  private static final Path PYTHON = Path.of("src/test/python");
  private static final String SYSTEM_PYTHON = "/usr/bin/python3";
  private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(120);
  private static final int LOCKED_INCREMENTS = 300;
  private static final String INCR = "return redis.call('INCR', KEYS[1])";

  private static final String PEERS = "io.blinkstore.server.RealClientsIT#peers";

  @TempDir Path dir;

  @ParameterizedTest(name = "[{0}]")
  @MethodSource(PEERS)
  void redisPyLockExcludesAcrossTwoProcesses(RealClientsIT.Peer peer) throws Exception {
    assumeRedisPy();
    against(dir, peer, address -> {
      Process first = python(address, "lock-worker", Integer.toString(LOCKED_INCREMENTS));
      Process second = python(address, "lock-worker", Integer.toString(LOCKED_INCREMENTS));
      assertEquals("ok redis-py lock-worker\n", finish(first));
      assertEquals("ok redis-py lock-worker\n", finish(second));
      try (Jedis jedis = jedis(address)) {
        assertEquals(Integer.toString(2 * LOCKED_INCREMENTS), jedis.get("redis-py:counter"));
      }
    });
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource(PEERS)
  void redisPyLockHeldByOneProcessIsNotTakenNorReleasedByAnother(RealClientsIT.Peer peer) throws Exception {
    assumeRedisPy();
    against(dir, peer, address -> {
      Process holder = python(address, "lock-holder");
      BufferedReader holderOutput =
          new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
      assertEquals("held", holderOutput.readLine());
      assertEquals("ok redis-py lock-intruder\n", finish(python(address, "lock-intruder")));
      try (Writer go = holder.outputWriter(StandardCharsets.UTF_8)) {
        go.write("go\n");
      }
      assertEquals("ok redis-py lock-holder\n", finish(holder, holderOutput));
    });
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource(PEERS)
  void redisPyRegisterScriptRateLimiter(RealClientsIT.Peer peer) throws Exception {
    assumeRedisPy();
    against(dir, peer, address -> assertEquals("ok redis-py rate-limiter\n", finish(python(address, "rate-limiter"))));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource(PEERS)
  void ioredisDefineCommandAndNodeRedisDefineScript(RealClientsIT.Peer peer) throws Exception {
    assumeTrue(Files.isDirectory(NODE.resolve("node_modules/ioredis")),
        "the npm packages are not installed: npm ci in " + NODE.toAbsolutePath());
    against(dir, peer, address -> assertEquals(
        List.of("ok ioredis rate-limiter", "ok ioredis defineCommand", "ok ioredis burst",
            "ok node-redis rate-limiter", "ok node-redis defineScript", "ok node-redis burst"),
        RealClientsIT.run(NODE, CLIENT_TIMEOUT, "node", "node-scripts.mjs", address.getHostString(),
            Integer.toString(address.getPort())).lines().toList()));
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource(PEERS)
  void jedisEvalAndEvalsha(RealClientsIT.Peer peer) throws Exception {
    against(dir, peer, address -> {
      try (Jedis jedis = jedis(address)) {
        assertEquals(1L, jedis.eval(INCR, 1, "jedis:n"));
        String sha = jedis.scriptLoad(INCR);
        assertEquals(2L, jedis.evalsha(sha, 1, "jedis:n"));
        assertEquals(List.of(1L, "two", List.of(3L)), jedis.eval("return {1, 'two', {3}, nil, 5}"));
        assertEquals("OK", jedis.eval("return redis.call('SET', KEYS[1], ARGV[1])", 1, "jedis:s", "text"));
        JedisDataException notAnInteger =
            assertThrows(JedisDataException.class, () -> jedis.evalsha(sha, 1, "jedis:s"));
        assertEquals("ERR value is not an integer or out of range script: " + sha + ", on @user_script:1.",
            notAnInteger.getMessage());
        assertEquals(List.of(true, false), jedis.scriptExists(sha, "0".repeat(40)));
        assertEquals("OK", jedis.scriptFlush());
        assertThrows(JedisNoScriptException.class, () -> jedis.evalsha(sha, 1, "jedis:n"));
        assertEquals(3L, jedis.eval(INCR, 1, "jedis:n"));
      }
    });
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource(PEERS)
  void lettuceEvalAndEvalsha(RealClientsIT.Peer peer) throws Exception {
    against(dir, peer, address -> {
      RedisClient client = RedisClient.create(RedisURI.builder().withHost(address.getHostString())
          .withPort(address.getPort()).withTimeout(Duration.ofSeconds(30)).build());
      try (StatefulRedisConnection<String, String> connection = client.connect()) {
        RedisCommands<String, String> sync = connection.sync();
        assertEquals(1L, (Long) sync.eval(INCR, ScriptOutputType.INTEGER, "lettuce:n"));
        String sha = sync.scriptLoad(INCR);
        assertEquals(2L, (Long) sync.evalsha(sha, ScriptOutputType.INTEGER, "lettuce:n"));
        assertEquals("OK", sync.eval("return redis.call('SET', KEYS[1], ARGV[1])", ScriptOutputType.STATUS,
            new String[] {"lettuce:s"}, "text"));
        assertEquals("text", sync.eval("return redis.call('GET', KEYS[1])", ScriptOutputType.VALUE, "lettuce:s"));
        assertEquals(List.of(1L, "two", List.of(3L)),
            sync.eval("return {1, 'two', {3}}", ScriptOutputType.MULTI));
        assertEquals(Boolean.TRUE, sync.eval("return 1 == 1", ScriptOutputType.BOOLEAN));
        assertEquals(List.of(true, false), sync.scriptExists(sha, "0".repeat(40)));
        assertEquals("OK", sync.scriptFlush());
        assertThrows(RedisNoScriptException.class, () -> sync.evalsha(sha, ScriptOutputType.INTEGER, "lettuce:n"));
        assertEquals(3L, (Long) sync.eval(INCR, ScriptOutputType.INTEGER, "lettuce:n"));
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
      }
    });
  }

  private static void assumeRedisPy() throws Exception {
    assumeTrue(Files.isExecutable(Path.of(SYSTEM_PYTHON))
        && new ProcessBuilder(SYSTEM_PYTHON, "-c", "import redis").start().waitFor() == 0,
        "redis-py (python3-redis) is not installed");
  }

  /** Starts {@code src/test/python/redis-py-scripts.py} against {@code address} in {@code mode}. */
  private static Process python(InetSocketAddress address, String... mode) throws Exception {
    List<String> command = Stream.concat(Stream.of(SYSTEM_PYTHON, "redis-py-scripts.py", address.getHostString(),
        Integer.toString(address.getPort())), Stream.of(mode)).toList();
    return new ProcessBuilder(command).directory(PYTHON.toFile()).redirectErrorStream(true).start();
  }

  /** Waits for {@code process} to exit with status 0 and returns its output. */
  private static String finish(Process process) throws Exception {
    return finish(process,
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)));
  }

  private static String finish(Process process, BufferedReader output) throws Exception {
    if (!process.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
    StringBuilder text = new StringBuilder();
    output.lines().forEach(line -> text.append(line).append('\n'));
    assertEquals(0, process.exitValue(), text::toString);
    return text.toString();
  }

  private static Jedis jedis(InetSocketAddress address) {
    return new Jedis(address.getHostString(), address.getPort(), 30_000);
  }
}
