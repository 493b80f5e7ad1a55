package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DEBUG} behind {@code enable-debug-command}, and inline requests on a RESP connection, byte for byte beside
 * a real {@code redis-server} started here with the same setting: the replies that do not depend on addresses or
 * timing, errors included. Skipped where {@code redis-server} is not installed.
 */
@Timeout(120)
class DebugParityIT {
  @TempDir Path dir;

  private static List<String> command(String... args) {
    return List.of(args);
  }

  /** Every reply to {@code requests} on ours and on Redis, with {@code setting}, each request one line if unequal. */
  private List<String> differences(String setting, List<List<String>> requests) throws Exception {
    assumeTrue(RedisServerProcess.installed(), RedisServerProcess.REDIS_SERVER + " is not installed");
    Path redisDir = Files.createDirectory(dir.resolve("redis-" + setting));
    Path socket = redisDir.resolve("redis.sock");
    Path oursDir = Files.createDirectory(dir.resolve("ours-" + setting));
    List<String> differences = new ArrayList<>();
    try (RedisServerProcess redis =
            RedisServerProcess.startOnUnixSocket(redisDir, socket, "--enable-debug-command", setting);
        BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, oursDir, 16 << 20,
            builder -> builder.snapshot(oursDir.resolve("blink.snapshot"))
                .enableDebugCommand(DebugCommandAccess.valueOf(setting.toUpperCase(java.util.Locale.ROOT))));
        RawRespClient ours = RawRespClient.unix(server.unixPath());
        RawRespClient theirs = RawRespClient.unix(socket)) {
      List<String> expected = theirs.exchange(requests);
      List<String> actual = ours.exchange(requests);
      for (int i = 0; i < requests.size(); i++) {
        if (!expected.get(i).equals(actual.get(i))) {
          differences.add(String.join(" ", requests.get(i)) + "\n    redis-server: " + expected.get(i)
              + "\n    ours:         " + actual.get(i));
        }
      }
    }
    return differences;
  }

  @Test
  void debugSubcommandsTheSuiteUsesAnswerAsRedisWithDebugEnabled() throws Exception {
    List<List<String>> requests = List.of(
        command("CONFIG", "GET", "enable-debug-command"),
        command("CONFIG", "SET", "enable-debug-command", "no"),
        command("DEBUG", "SET-ACTIVE-EXPIRE", "0"),
        command("PSETEX", "lazy", "1", "v"),
        command("DEBUG", "SLEEP", "0.01"),
        command("DBSIZE"),
        command("EXISTS", "lazy"),
        command("DBSIZE"),
        command("DEBUG", "set-active-expire", "1"),
        command("DEBUG", "CHANGE-REPL-ID"),
        command("DEBUG", "SLEEP", "0"),
        command("DEBUG", "SLEEP", "abc"),
        command("DEBUG", "POPULATE", "5"),
        command("DBSIZE"),
        command("GET", "key:3"),
        command("DEBUG", "POPULATE", "3", "p", "10"),
        command("GET", "p:2"),
        command("DEBUG", "POPULATE", "2", "q", "3"),
        command("GET", "q:1"),
        command("DEBUG", "POPULATE", "0"),
        command("DEBUG", "POPULATE", "-1"),
        command("DEBUG", "POPULATE", "x"),
        command("DEBUG", "POPULATE", "1", "k", "-5"),
        command("DEBUG", "POPULATE", "1", "2", "3", "4"),
        command("DEBUG", "OBJECT", "nosuch"),
        command("DEBUG", "RELOAD", "x"),
        command("HSET", "h", "f", "v"),
        command("PEXPIRE", "h", "100000"),
        command("DEBUG", "RELOAD"),
        command("GET", "key:3"),
        command("HGETALL", "h"),
        command("DBSIZE"),
        command("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"),
        command("DBSIZE"),
        command("MULTI"),
        command("DEBUG", "SLEEP", "0"),
        command("EXEC"),
        command("DEBUG", "nosuch"),
        command("DEBUG", "SLEEP"),
        command("DEBUG"));
    List<String> differences = differences("yes", requests);
    assertTrue(differences.isEmpty(),
        () -> differences.size() + " of " + requests.size() + " replies differ:\n" + String.join("\n", differences));
  }

  @Test
  void withDebugDisabledARefusedDebugAbortsItsTransactionAsRedis() throws Exception {
    List<List<String>> requests = List.of(
        command("CONFIG", "GET", "enable-debug-command"),
        command("DEBUG", "SET-ACTIVE-EXPIRE", "0"),
        command("MULTI"),
        command("DEBUG", "SLEEP", "0"),
        command("SET", "k", "v"),
        command("EXEC"),
        command("EXISTS", "k"));
    List<String> differences = differences("no", requests);
    assertTrue(differences.isEmpty(),
        () -> differences.size() + " of " + requests.size() + " replies differ:\n" + String.join("\n", differences));
  }

  /**
   * {@code local}: the Unix socket and 127.0.0.1 may, 127.0.0.2 (loopback too, but not Redis's local) may not, on
   * both servers.
   */
  @Test
  void localAdmitsTheUnixSocketAnd127001Only() throws Exception {
    assumeTrue(RedisServerProcess.installed(), RedisServerProcess.REDIS_SERVER + " is not installed");
    List<List<String>> sleep = List.of(command("DEBUG", "SLEEP", "0"));
    Path redisDir = Files.createDirectory(dir.resolve("redis"));
    try (RedisServerProcess redis = RedisServerProcess.start(redisDir, "--enable-debug-command", "local",
            "--protected-mode", "no");
        BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 16 << 20,
            builder -> builder.enableDebugCommand(DebugCommandAccess.LOCAL))) {
      for (String from : List.of("127.0.0.1", "127.0.0.2")) {
        InetAddress source = InetAddress.getByName(from);
        try (RawRespClient ours = RawRespClient.tcp(server.tcpAddress(), source);
            RawRespClient theirs = RawRespClient.tcp(redis.address(), source)) {
          List<String> expected = theirs.exchange(sleep);
          assertEquals(expected, ours.exchange(sleep), "from " + from);
          assertEquals(from.equals("127.0.0.1"), expected.get(0).equals("+OK\\r\\n"), expected.get(0));
        }
      }
      try (RawRespClient ours = RawRespClient.unix(server.unixPath())) {
        assertEquals(List.of("+OK\\r\\n"), ours.exchange(sleep));
      }
    }
  }

  /**
   * Inline commands after a RESP one (the connection chose RESP by its first byte): keyspace's "Commands
   * pipelining", quoting, blank lines, then unbalanced quotes, which close the connection, on both servers.
   */
  @Test
  void inlineRequestsOnARespConnectionAnswerAsRedis() throws Exception {
    List<String> expected = sameRawReplies("*1\r\n$4\r\nPING\r\nSET k1 xyzk\r\nGET k1\r\nPING\r\n\r\n   \r\n"
        + "SET k2 \"a\\x41 \\\"b\\\"\" 'c'\r\nGET k2\nSET k3 a\"b c\"\r\nGET k3\r\nECHO \"\"\r\nnosuch 'x y'\r\n"
        + "GET 'k1\r\nPING\r\n", 12);
    assertEquals("-ERR Protocol error: unbalanced quotes in request\\r\\n", expected.get(10));
    assertTrue(expected.get(11).startsWith("<no reply"), "the connection was closed: " + expected.get(11));
  }

  @Test
  void anInlineLinePast64KibIsRefusedAsRedis() throws Exception {
    List<String> expected = sameRawReplies("*1\r\n$4\r\nPING\r\nSET k " + "x".repeat(70_000), 2);
    assertEquals("-ERR Protocol error: too big inline request\\r\\n", expected.get(1));
  }

  /**
   * {@code --protocol resp}: Redis's {@code unit/protocol} tests that open a connection with something other than
   * an array ({@code Handle an empty query}, {@code Unbalanced number of quotes}, {@code Protocol desync regression
   * test #1} and {@code #3}) get Redis's replies, as the first bytes of a connection.
   */
  @Test
  void onARespOnlyServerAConnectionMayStartWithAnInlineCommandAsOnRedis() throws Exception {
    List<String> expected = sameRawReplies("\r\nPING\r\nSET k1 xyzk\r\nGET k1\r\n*1\r\n$4\r\nPING\r\n"
        + "set \"\"\"test-key\"\"\" test-value\r\nping\r\n", 6, true);
    assertEquals("+PONG\\r\\n", expected.get(0));
    assertEquals("-ERR Protocol error: unbalanced quotes in request\\r\\n", expected.get(4));
    assertTrue(expected.get(5).startsWith("<no reply"), "the connection was closed: " + expected.get(5));
  }

  @Test
  void onARespOnlyServerAFirstLineWithoutItsEndPast64KibIsRefusedAsRedis() throws Exception {
    for (String first : List.of("\u0000", "$\u0000")) {
      List<String> expected = sameRawReplies(first + "A".repeat(70_000), 1, true);
      assertEquals("-ERR Protocol error: too big inline request\\r\\n", expected.get(0));
    }
  }

  private List<String> sameRawReplies(String text, int count) throws Exception {
    return sameRawReplies(text, count, false);
  }

  /**
   * Sends {@code text}'s bytes to both servers (ours speaking only RESP if {@code respOnly}), checks that their
   * {@code count} replies are equal; Redis's.
   */
  private List<String> sameRawReplies(String text, int count, boolean respOnly) throws Exception {
    assumeTrue(RedisServerProcess.installed(), RedisServerProcess.REDIS_SERVER + " is not installed");
    Path redisDir = Files.createTempDirectory(dir, "redis");
    Path socket = redisDir.resolve("redis.sock");
    Path oursDir = Files.createTempDirectory(dir, "ours");
    try (RedisServerProcess redis = RedisServerProcess.startOnUnixSocket(redisDir, socket);
        BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, oursDir, 16 << 20,
            builder -> respOnly ? builder.respOnly() : builder);
        RawRespClient ours = RawRespClient.unix(server.unixPath());
        RawRespClient theirs = RawRespClient.unix(socket)) {
      byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
      List<String> expected = theirs.exchangeRaw(bytes, count);
      assertEquals(expected, ours.exchangeRaw(bytes, count));
      return expected;
    }
  }
}
