package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * EVAL, EVALSHA, their read-only forms and SCRIPT, sent to our server and to a real {@code redis-server} (started
 * here on a Unix socket), get byte-for-byte the same replies, in RESP2 and RESP3: conversions both ways, every
 * error path Redis 7.0 words (numkeys, NOSCRIPT, compile errors, shebang flags, {@code redis.call} of an unknown,
 * wrong-arity, no-script or write command, raised and returned errors with their {@code script: <sha>, on
 * @user_script:N.} suffix), the sandbox's errors (globals read and written, read-only tables) and the script cache.
 * Compile errors are left out: luaj's parser words them its own way (docs/resp.md). Skipped where
 * {@code redis-server} is not installed.
 */
@Timeout(60)
class ScriptParityIT {
  private static final List<List<String>> REQUESTS = List.of(
      List.of("EVAL", "return 1", "0"),
      List.of("EVAL", "return 'hello'", "0"),
      List.of("EVAL", "return 3.99", "0"),
      List.of("EVAL", "return -3.99", "0"),
      List.of("EVAL", "return {1, 2, 3.7, 'x', nil, 5}", "0"),
      List.of("EVAL", "return {1, {2, {3, 'a'}}, 'b'}", "0"),
      List.of("EVAL", "return true", "0"),
      List.of("EVAL", "return false", "0"),
      List.of("EVAL", "return nil", "0"),
      List.of("EVAL", "return {}", "0"),
      List.of("EVAL", "return {err='My Error'}", "0"),
      List.of("EVAL", "return {ok='FINE'}", "0"),
      List.of("EVAL", "return redis.error_reply('My Error')", "0"),
      List.of("EVAL", "return redis.error_reply('-WRONGTYPE bad')", "0"),
      List.of("EVAL", "return redis.status_reply('FINE')", "0"),
      List.of("EVAL", "return redis.status_reply(1)", "0"),
      List.of("EVAL", "return {double=3.5}", "0"),
      List.of("EVAL", "return {big_number='12345678901234567890'}", "0"),
      List.of("EVAL", "return {map={a=1}}", "0"),
      List.of("EVAL", "return {set={a=true}}", "0"),
      List.of("EVAL", "return {verbatim_string={format='txt', string='hi'}}", "0"),
      List.of("EVAL", "return KEYS[1] .. ARGV[1] .. ARGV[2]", "1", "k", "a", "b"),
      List.of("EVAL", "return #KEYS + 10 * #ARGV", "2", "k1", "k2", "a"),
      List.of("EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", "k", "v"),
      List.of("EVAL", "return redis.call('GET', KEYS[1])", "1", "k"),
      List.of("EVAL", "return redis.call('GET', 'missing')", "0"),
      List.of("EVAL", "return type(redis.call('GET', 'missing'))", "0"),
      List.of("EVAL", "return redis.call('INCR', 'n')", "0"),
      List.of("EVAL", "return redis.call('INCRBY', 'n', 2.5)", "0"),
      List.of("EVAL", "return redis.call('SET', 'f', 3.25)", "0"),
      List.of("GET", "f"),
      List.of("EVAL", "return redis.call('SET', 'f', 0.1)", "0"),
      List.of("GET", "f"),
      List.of("EVAL", "return redis.call('SET', 'f', 1e20)", "0"),
      List.of("GET", "f"),
      List.of("EVAL", "return redis.call('INCR', KEYS[1])", "1", "k"),
      List.of("EVAL", "return redis.pcall('INCR', KEYS[1])", "1", "k"),
      List.of("EVAL", "local r = redis.pcall('INCR', KEYS[1]); return r['err']", "1", "k"),
      List.of("EVAL", "return redis.call('nosuch')", "0"),
      List.of("EVAL", "return redis.pcall('nosuch')", "0"),
      List.of("EVAL", "return redis.call('GET')", "0"),
      List.of("EVAL", "return redis.call('GET', 'a', 'b')", "0"),
      List.of("EVAL", "return redis.call()", "0"),
      List.of("EVAL", "return redis.call('GET', {})", "0"),
      List.of("EVAL", "return redis.call('MULTI')", "0"),
      List.of("EVAL", "return redis.call('EVAL', 'return 1', '0')", "0"),
      List.of("EVAL", "return redis.call('BLPOP', 'nolist', 0)", "0"),
      List.of("EVAL", "return redis.call('LPUSH', 'l', 'a', 'b')", "0"),
      List.of("EVAL", "return redis.call('LRANGE', 'l', 0, -1)", "0"),
      List.of("EVAL", "return redis.call('HSET', 'h', 'f', 'v')", "0"),
      List.of("EVAL", "return redis.call('HGETALL', 'h')", "0"),
      List.of("EVAL", "return redis.call('PING')", "0"),
      List.of("EVAL", "return redis.call('TYPE', 'h')", "0"),
      List.of("EVAL", "return redis.call('GET', 'h')", "0"),
      List.of("EVAL", "return redis.call('EXISTS', 'h', 'k')", "0"),
      List.of("EVAL", "redis.setresp(3); return redis.call('HGETALL', 'h')", "0"),
      List.of("EVAL", "redis.setresp(3); return redis.call('GET', 'missing')", "0"),
      List.of("EVAL", "redis.setresp(3); return type(redis.call('GET', 'missing'))", "0"),
      List.of("EVAL", "redis.setresp(4)", "0"),
      List.of("EVAL", "redis.setresp()", "0"),
      List.of("EVAL", "redis.setresp(3); return true", "0"),
      List.of("EVAL", "redis.setresp(3); return false", "0"),
      List.of("EVAL", "return redis.sha1hex('')", "0"),
      List.of("EVAL", "return redis.sha1hex('abc')", "0"),
      List.of("EVAL", "return redis.sha1hex()", "0"),
      List.of("EVAL", "return redis.log(redis.LOG_WARNING, 'from a script')", "0"),
      List.of("EVAL", "return redis.log(redis.LOG_WARNING)", "0"),
      List.of("EVAL", "return redis.log('x', 'y')", "0"),
      List.of("EVAL", "return redis.log(9, 'y')", "0"),
      List.of("EVAL", "return redis.replicate_commands()", "0"),
      List.of("EVAL", "return redis.set_repl(redis.REPL_ALL)", "0"),
      List.of("EVAL", "return redis.set_repl(99)", "0"),
      List.of("EVAL", "return redis.set_repl(-1)", "0"),
      List.of("EVAL", "return redis.set_repl('x')", "0"),
      List.of("EVAL", "return redis.set_repl('2')", "0"),
      List.of("EVAL", "return redis.set_repl(2.5)", "0"),
      List.of("EVAL", "return redis.set_repl()", "0"),
      List.of("EVAL", "return redis.set_repl(1, 2)", "0"),
      List.of("EVAL", "return redis.breakpoint()", "0"),
      List.of("EVAL", "return redis.debug('x')", "0"),
      List.of("EVAL", "return redis.REDIS_VERSION_NUM > 0", "0"),
      List.of("EVAL", "return a", "0"),
      List.of("EVAL", "a = 5", "0"),
      List.of("EVAL", "string.x = 5", "0"),
      List.of("EVAL", "redis.call = nil", "0"),
      List.of("EVAL", "rawset(_G, 'x', 1)", "0"),
      List.of("EVAL", "setmetatable(_G, nil)", "0"),
      List.of("EVAL", "getmetatable('').__index = {}", "0"),
      List.of("EVAL", "table.insert(string, 'x')", "0"),
      List.of("EVAL", "return print", "0"),
      List.of("EVAL", "return loadfile", "0"),
      List.of("EVAL", "return dofile", "0"),
      List.of("EVAL", "return os", "0"),
      List.of("EVAL", "return io", "0"),
      List.of("EVAL", "return debug", "0"),
      List.of("EVAL", "return require", "0"),
      List.of("EVAL", "local t = {}; t.x = 1; return t.x", "0"),
      List.of("EVAL", "error('boom')", "0"),
      List.of("EVAL", "error({err='MY boom'})", "0"),
      List.of("EVAL", "\n\nerror('on line three')", "0"),
      List.of("EVAL", "local ok, e = pcall(function() error('inner') end); return e", "0"),
      List.of("EVAL", "local ok, e = pcall(function() return a end); return e", "0"),
      List.of("EVAL", "local ok, e = pcall(redis.call, 'nosuch'); return e", "0"),
      List.of("EVAL", "return pcall(function() return 1 end)", "0"),
      List.of("EVAL", "return 1", "-1"),
      List.of("EVAL", "return 1", "2", "a"),
      List.of("EVAL", "return 1", "x"),
      List.of("EVAL", "return 1"),
      List.of("EVALSHA", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"),
      List.of("EVALSHA", "abc", "0"),
      List.of("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "0"),
      List.of("EVALSHA", "ffffffffffffffffffffffffffffffffffffffff", "x"),
      List.of("SCRIPT", "LOAD", "return 'loaded'"),
      List.of("EVALSHA", "c2ac0c83a00d8ef21e1ac7a43ad0838a08ae1ba2", "0"),
      List.of("EVALSHA", "C2AC0C83A00D8EF21E1AC7A43AD0838A08AE1BA2", "0"),
      List.of("EVALSHA_RO", "c2ac0c83a00d8ef21e1ac7a43ad0838a08ae1ba2", "0"),
      List.of("SCRIPT", "EXISTS", "c2ac0c83a00d8ef21e1ac7a43ad0838a08ae1ba2", "ffff",
          "C2AC0C83A00D8EF21E1AC7A43AD0838A08AE1BA2"),
      List.of("SCRIPT", "LOAD"),
      List.of("SCRIPT", "EXISTS"),
      List.of("SCRIPT", "FLUSH", "BOGUS"),
      List.of("SCRIPT", "FLUSH", "SYNC", "x"),
      List.of("SCRIPT", "KILL"),
      List.of("SCRIPT", "KILL", "x"),
      List.of("SCRIPT", "HELP"),
      List.of("SCRIPT", "BOGUS"),
      List.of("SCRIPT"),
      List.of("SCRIPT", "FLUSH"),
      List.of("SCRIPT", "EXISTS", "c2ac0c83a00d8ef21e1ac7a43ad0838a08ae1ba2"),
      List.of("SCRIPT", "FLUSH", "ASYNC"),
      List.of("EVAL_RO", "return redis.call('GET', 'k')", "0"),
      List.of("EVAL_RO", "return redis.call('SET', 'k', 'x')", "0"),
      List.of("EVAL", "#!lua flags=no-writes\nreturn redis.call('SET', 'k', 'x')", "0"),
      List.of("EVAL", "#!lua flags=no-writes\nreturn redis.call('GET', 'k')", "0"),
      List.of("EVAL_RO", "#!lua\nreturn 1", "0"),
      List.of("EVAL_RO", "#!lua flags=no-writes\nreturn 1", "0"),
      List.of("EVAL", "#!lua flags=allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn 1", "0"),
      List.of("EVAL", "#!lua flags=\nreturn 2", "0"),
      List.of("EVAL", "#!lua flags=bogus\nreturn 1", "0"),
      List.of("EVAL", "#!lua bogus=1\nreturn 1", "0"),
      List.of("EVAL", "#!python\nreturn 1", "0"),
      List.of("EVAL", "#!lua", "0"),
      List.of("EVAL", "#!lua\nerror('line two')", "0"),
      List.of("SCRIPT", "LOAD", "#!lua flags=bogus\nreturn 1"),
      List.of("MULTI"),
      List.of("EVAL", "return redis.call('INCR', 'counter')", "0"),
      List.of("EVAL", "return redis.call('GET', 'counter')", "0"),
      List.of("EXEC"),
      List.of("SELECT", "2"),
      List.of("EVAL", "return redis.call('SET', 'indb2', 'v')", "0"),
      List.of("EXISTS", "indb2"),
      List.of("SELECT", "0"),
      List.of("EXISTS", "indb2"));

  @TempDir Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void scriptsAndTheirErrorsMatchRedisByteForByte() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20)) {
      RedisParityIT.assertRepliesMatch(redis.socket(), server, REQUESTS, false);
    }
  }

  /**
   * {@code MONITOR} shows a script's commands as Redis does: the {@code EVAL} (or {@code EVALSHA}) first, then each
   * command its script calls, from {@code [0 lua]}, with its arguments as the script gave them.
   */
  @Test
  void monitorShowsAScriptsCommandsAsRedisDoes() throws Exception {
    List<List<String>> requests = List.of(
        List.of("EVAL", "redis.call('SET', KEYS[1], 'v') return redis.call('get', KEYS[1])", "1", "k"),
        List.of("EVALSHA", "d4a98d6910be5bdad201be85028db99eb00833a0", "0"),
        List.of("EVAL", "return redis.pcall('INCR', 'k')", "0"),
        List.of("PING"));
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20)) {
      assertEquals(monitorLines(LineClient.unix(redis.socket()), LineClient.unix(redis.socket()), requests),
          monitorLines(LineClient.unix(server.unixPath()), LineClient.unix(server.unixPath()), requests));
    }
  }

  /** What a monitor sees of {@code requests} sent by another client up to a last PING, the time masked. */
  private static List<String> monitorLines(LineClient monitor, LineClient client, List<List<String>> requests)
      throws Exception {
    try (monitor; client) {
      monitor.send(RespIT.resp("MONITOR"));
      assertEquals("+OK\r\n", RespIT.readReply(monitor));
      for (List<String> request : requests) {
        client.send(RespIT.resp(request.toArray(String[]::new)));
        RespIT.readReply(client);
      }
      List<String> lines = new ArrayList<>();
      for (String line = monitor.readLine(); !line.endsWith("\"PING\"\r"); line = monitor.readLine()) {
        lines.add(line.contains("[0 lua]") ? line.substring(line.indexOf("[0 lua]")) : line.substring(
            line.indexOf("] ") + 2));
      }
      return lines;
    }
  }

  @Test
  void scriptsInRespThreeMatchRedisByteForByte() throws Exception {
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("HELLO", "3"));
    requests.addAll(REQUESTS);
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20)) {
      RedisParityIT.assertRepliesMatch(redis.socket(), server, requests, false);
    }
  }
}
