package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code INFO errorstats} and {@code total_error_replies} after the same requests match a real {@code redis-server}
 * 7.0.15's: each error reply counted once under its first word, whether a command answered it, a transaction
 * queued or aborted it, or a script raised, returned or caught it ({@code redis.call}'s error is counted when the
 * command answers it, not again when the script raises it; {@code redis.error_reply}'s word is its own). The
 * protocol error counts too. The cases are Redis's own ({@code unit/scripting} "Consistent eval error reporting" without its {@code maxmemory}
 * part, "LUA redis.error_reply API", {@code unit/info} "errorstats: ...") and more. Each scenario starts from
 * {@code CONFIG RESETSTAT}; every scenario that differs is reported. Skipped where {@code redis-server} is not
 * installed.
 */
@Timeout(120)
class ErrorStatsParityIT {
  private static final Pattern TOTAL = Pattern.compile("total_error_replies:(\\d+)");

  private static final List<List<List<String>>> SCENARIOS = List.of(
      List.of(eval("return redis.error_reply('MY_ERR_CODE custom msg')")),
      List.of(eval("return redis.error_reply('')")),
      List.of(eval("return redis.error_reply('-LEADING_DASH x')")),
      List.of(eval("return redis.error_reply('" + "A".repeat(30) + " fits')"),
          eval("return redis.error_reply('" + "A".repeat(31) + " is too long')"),
          eval("return redis.error_reply('NOSPACE')")),
      List.of(eval("return redis.status_reply('MY_OK_CODE custom msg')")),
      // a command's error inside a script: counted once, raised, caught or returned
      List.of(eval("return redis.call('select', 99)")),
      List.of(eval("local t = redis.pcall('select', 99) if t['err'] then return 1 end return 0")),
      List.of(eval("return redis.pcall('select', 99)")),
      List.of(eval("return {1, redis.pcall('select', 99), 3}")),
      List.of(List.of("SET", "str", "v"), eval("return redis.call('lpush', 'str', 'a')")),
      List.of(List.of("SET", "str", "v"), eval("return redis.pcall('incr', 'str')")),
      // refused inside a script: counted when refused
      List.of(List.of("EVAL_RO", "return redis.call('set', 'x', 'y')", "1", "x")),
      List.of(List.of("EVAL_RO", "local t = redis.pcall('set', 'x', 'y') return 1", "1", "x")),
      List.of(eval("return redis.call('nosuchcommand')")),
      List.of(eval("local t = redis.pcall('nosuchcommand') return 1")),
      List.of(eval("return redis.call('get')")),
      List.of(eval("return redis.call('multi')")),
      // errors of the script itself and in its reply
      List.of(eval("return redis.call()")),
      List.of(eval("local t = redis.pcall() return 1")),
      List.of(eval("error('boom')")),
      List.of(eval("return nosuchglobal.x")),
      List.of(eval("return {1, {err = 'NESTED one'}, {{err = 'DEEPER two'}}}")),
      List.of(eval("return {err = 'PLAIN error table'}")),
      List.of(eval("return 1", "notanumber")),
      List.of(List.of("EVALSHA", "0000000000000000000000000000000000000000", "0")),
      List.of(List.of("EVAL", "return (", "0")),
      // commands and transactions
      List.of(List.of("NOSUCHCOMMAND", "a")),
      List.of(List.of("GET")),
      List.of(List.of("AUTH", "k")),
      List.of(List.of("SET", "str", "v"), List.of("INCR", "str"), List.of("LPUSH", "str", "a")),
      List.of(List.of("MULTI"), List.of("SET", "a", "b"), List.of("INCR", "a"), List.of("LPUSH", "a", "x"),
          List.of("EXEC")),
      List.of(List.of("MULTI"), List.of("NOSUCHCOMMAND"), List.of("SET", "a", "b"), List.of("EXEC")),
      List.of(List.of("MULTI"), List.of("GET"), List.of("EXEC")),
      List.of(List.of("EXEC")),
      List.of(List.of("MULTI"), List.of("MULTI"), List.of("DISCARD")),
      List.of(List.of("MULTI"), List.of("EVAL", "return redis.call('select', 99)", "0"), List.of("EXEC")),
      List.of(List.of("CONFIG", "SET", "nosuchsetting", "1")),
      List.of(List.of("CLIENT", "NOSUCHSUBCOMMAND")));

  @TempDir Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void errorStatsMatchRedis() throws Exception {
    List<String> differences = new ArrayList<>();
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 16 << 20)) {
      for (List<List<String>> scenario : SCENARIOS) {
        String expected = stats(redis.socket(), scenario);
        String actual = stats(server.unixPath(), scenario);
        if (!expected.equals(actual)) {
          differences.add(scenario + "\n    redis-server: " + expected + "\n    ours:         " + actual);
        }
      }
    }
    assertTrue(differences.isEmpty(), () -> differences.size() + " of " + SCENARIOS.size() + " differ:\n"
        + String.join("\n", differences));
  }

  @Test
  @Timeout(30)
  void aProtocolErrorIsCountedAsRedisCountsIt() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 16 << 20)) {
      for (String bad : List.of("*1\r\n$x\r\n", "*-5x\r\n", "*1\r\n$-7\r\n")) {
        String expected = afterProtocolError(redis.socket(), bad);
        String actual = afterProtocolError(server.unixPath(), bad);
        assertEquals(expected, actual, () -> RawRespClient.escape(bad));
      }
    }
  }

  /** RESETSTAT, {@code bad} sent on its own connection until the server closes it, then the error stats. */
  private static String afterProtocolError(Path socket, String bad) throws Exception {
    try (RawRespClient client = RawRespClient.unix(socket)) {
      client.exchange(List.of(List.of("CONFIG", "RESETSTAT")));
    }
    try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      channel.write(ByteBuffer.wrap(bad.getBytes(StandardCharsets.ISO_8859_1)));
      ByteBuffer reply = ByteBuffer.allocate(4096);
      while (channel.read(reply) >= 0 && reply.hasRemaining()) {
        // until the server closes the connection, as both do after a protocol error
      }
    }
    return stats(socket, List.of());
  }

  /** On a new connection: FLUSHALL, RESETSTAT, {@code requests}, then INFO errorstats and total_error_replies. */
  private static String stats(Path socket, List<List<String>> requests) throws Exception {
    List<List<String>> all = new ArrayList<>();
    if (!requests.isEmpty()) {
      all.add(List.of("FLUSHALL"));
      all.add(List.of("CONFIG", "RESETSTAT"));
    }
    all.addAll(requests);
    all.add(List.of("INFO", "errorstats"));
    all.add(List.of("INFO", "stats"));
    List<String> replies;
    try (RawRespClient client = RawRespClient.unix(socket)) {
      replies = client.exchange(all);
    }
    String errorstats = replies.get(replies.size() - 2);
    Matcher total = TOTAL.matcher(replies.get(replies.size() - 1));
    return RawRespClient.escape(errorstats) + " total=" + (total.find() ? total.group(1) : "missing");
  }

  private static List<String> eval(String script, String... numkeysOverride) {
    return List.of("EVAL", script, numkeysOverride.length == 0 ? "0" : numkeysOverride[0]);
  }
}
