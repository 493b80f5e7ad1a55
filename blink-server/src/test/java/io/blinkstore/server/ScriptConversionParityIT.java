package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lua scripts sent to our server and to a real {@code redis-server} (started here on a Unix socket) get
 * byte-for-byte the same replies, in RESP2 and in RESP3: every conversion of a Lua value to a reply (integers and
 * truncated floats, nil, false and true, strings, tables with holes, nested tables, status and error tables,
 * {@code redis.error_reply}, {@code redis.status_reply}, RESP3's double, map, set, big number and verbatim tables),
 * every conversion of a command's reply to Lua and back (with {@code redis.setresp(3)} too), the numbers
 * {@code redis.call} turns into arguments, {@code redis.pcall}'s error tables and {@code redis.call}'s raised errors
 * with their {@code @user_script:N} texts, the sandbox's globals, KEYS and ARGV holding binary data, and the
 * {@code EVAL}, {@code EVALSHA}, {@code EVAL_RO} and {@code SCRIPT} commands with their errors. Each case is one line
 * of {@link #CASES}; every case that differs is reported, not only the first. The cases where ours differs today are
 * {@link #KNOWN_DIFFERENCES}, run only when asked. Skipped where {@code redis-server} is not installed.
 */
@Timeout(120)
class ScriptConversionParityIT {
  private static final String BINARY = "a\u0000b\r\nc\u00ff\u0080";

  /**
   * The requests, in order on one connection to each server; both start empty. A request's strings are sent as
   * ISO-8859-1, one byte per character, so that {@code \u00ff} is the byte 0xff.
   */
  private static final List<List<String>> CASES = List.of(
      List.of("SET", "str", "abc"),
      List.of("HSET", "h", "f", "v"),
      List.of("RPUSH", "l", "a", "b"),
      // Lua numbers to integer replies, truncated toward zero
      eval("return 1"),
      eval("return -7"),
      eval("return 3.99"),
      eval("return -3.99"),
      eval("return 10/3"),
      eval("return 2^53"),
      eval("return {1.5, -2.5, 0.1}"),
      // C's (long long) of NaN and of a double past long's range is LLONG_MIN on x86-64
      eval("return 0/0"),
      eval("return 1e300"),
      eval("return -1e300"),
      eval("return 2^63"),
      eval("return -2^63"),
      eval("return 2^63 - 1024"),
      eval("return {1/0, -1/0, 0/0}"),
      // nil, false, true, strings
      eval("return nil"),
      eval("return false"),
      eval("return true"),
      eval("return 'str'"),
      eval("return ''"),
      eval("return tostring(3.0)"),
      eval("return string.format('%d', 3.7)"),
      // numbers written into strings by .. and table.concat as Lua 5.1 writes them (%.14g)
      eval("return 0.0003 .. ''"),
      eval("return 'a' .. 1/3 .. 'b' .. 1e15 .. 2^53 .. -7 .. 1e100"),
      eval("local x = 0.5 local y = x .. '' return {x * 2, y}"),
      eval("return table.concat({0.0003, 1023.2, 1e100, 2^53, 5, 'x'}, ',')"),
      eval("return table.concat({1, 2, 3}, ',', 2, 3)"),
      eval("return table.concat({1, 2, {}})"),
      eval("return table.concat({'a', 'b'}, ',', 1, 3)"),
      eval("return table.concat(cjson.decode('[0.0, -5e3, -1, 0.3e-3, 1023.2, 0e10]'), ' ')"),
      eval("return tostring(2^53)"),
      eval("return tostring(1/3)"),
      // Lua 5.1's global unpack and loadstring (5.2: table.unpack, load)
      eval("return select('#', unpack({1, 2, 3}))"),
      eval("return unpack({1, 2, 3})"),
      eval("return type(unpack)"),
      eval("return type(loadstring)"),
      // tables: arrays end at the first nil, nested, status and error tables at any depth
      eval("return {1, 2, 3}"),
      eval("return {1, 2, nil, 4}"),
      eval("return {'a', nil, 'c'}"),
      eval("local t = {} t[1] = 'a' t[3] = 'c' return t"),
      eval("return {[2] = 'b'}"),
      eval("return {}"),
      eval("return {{}}"),
      eval("return {1, 'a', {2, {3, 'b'}}, {}}"),
      eval("return {true, false, 1}"),
      eval("return {1, {err = 'nested'}, 3}"),
      eval("return {1, {ok = 'fine'}, 'x'}"),
      eval("return {ok = 'fine'}"),
      eval("return {ok = 'a\\r\\nb'}"),
      eval("return {err = 'bad'}"),
      eval("return {err = 'ERR custom'}"),
      eval("return {err = 'a\\r\\nb'}"),
      eval("return {err = 'x', ok = 'y'}"),
      eval("return {ok = 1}"),
      eval("return {err = 1}"),
      eval("return redis.error_reply('My Error')"),
      eval("return redis.error_reply('ERR my error')"),
      eval("return redis.status_reply('FINE')"),
      eval("return type(redis.error_reply('x'))"),
      eval("return redis.error_reply('x').err"),
      // RESP3 tables; under a RESP2 caller each has its RESP2 form
      eval("return {double = -0.5}"),
      eval("return {double = 3.14}"),
      eval("return {double = 0.1}"),
      eval("return {double = 1e300}"),
      eval("return {double = 1.5e-7}"),
      eval("return {double = 100}"),
      eval("return {double = 1/0}"),
      eval("return {double = 'x'}"),
      eval("return {map = {a = 1}}"),
      eval("return {map = {}}"),
      eval("return {map = {a = {1, 2}}}"),
      eval("return {set = {a = true}}"),
      eval("return {set = {}}"),
      eval("return {big_number = '1234567890123456789012345678901234567890'}"),
      eval("return {big_number = '12\\r\\n34'}"),
      eval("return {verbatim_string = {format = 'txt', string = 'hello'}}"),
      eval("return {verbatim_string = {format = 'txt'}}"),
      eval("redis.setresp(3) return true"),
      eval("redis.setresp(3) return false"),
      eval("redis.setresp(2) return false"),
      eval("redis.setresp(3) return {true, false, nil}"),
      eval("redis.setresp(4)"),
      eval("redis.setresp()"),
      eval("redis.setresp('x')"),
      // a command's reply to Lua and back, RESP2 and RESP3
      eval("return redis.call('SET', 'k', 'v')"),
      eval("return type(redis.call('SET', 'k', 'v'))"),
      eval("return redis.call('SET', 'k', 'v').ok"),
      eval("return redis.call('PING')"),
      eval("return redis.call('GET', 'k')"),
      eval("return redis.call('GET', 'missing')"),
      eval("return type(redis.call('GET', 'missing'))"),
      eval("return redis.call('DEL', 'missing')"),
      eval("return redis.call('LRANGE', 'l', 0, -1)"),
      eval("return redis.call('HGETALL', 'h')"),
      eval("return redis.call('HGETALL', 'missing')"),
      eval("return redis.call('INCRBYFLOAT', 'f', '1.5')"),
      eval("redis.setresp(3) return redis.call('HGETALL', 'h')"),
      eval("redis.setresp(3) return redis.call('HGETALL', 'h').map.f"),
      eval("redis.setresp(3) return type(redis.call('HGETALL', 'h').map)"),
      eval("redis.setresp(3) return redis.call('HGETALL', 'missing')"),
      eval("redis.setresp(3) return redis.call('HRANDFIELD', 'h', 1, 'WITHVALUES')"),
      eval("redis.setresp(3) return redis.call('GET', 'missing')"),
      eval("redis.setresp(3) return type(redis.call('GET', 'missing'))"),
      eval("redis.setresp(3) return redis.call('SET', 'k', 'v')"),
      eval("redis.setresp(3) return redis.call('LRANGE', 'l', 0, -1)"),
      eval("redis.setresp(3) return redis.call('INCR', 'str')"),
      eval("redis.setresp(3) return redis.pcall('INCR', 'str')"),
      // numbers as command arguments: %.17g
      eval("redis.call('SET', 'n1', 3.7) return redis.call('GET', 'n1')"),
      eval("redis.call('SET', 'n2', 1e15) return redis.call('GET', 'n2')"),
      eval("redis.call('SET', 'n3', 100) return redis.call('GET', 'n3')"),
      eval("redis.call('SET', 'n4', -0.5) return redis.call('GET', 'n4')"),
      eval("return redis.call('INCRBY', 'n3', 2.9)"),
      // redis.pcall's error tables, redis.call's raised errors, error() and their texts
      eval("return redis.pcall('INCR', 'str')"),
      eval("return type(redis.pcall('INCR', 'str'))"),
      eval("return redis.pcall('INCR', 'str').err"),
      eval("return redis.pcall('NOSUCH')"),
      eval("return redis.pcall('INCR')"),
      eval("return redis.pcall('SET', 'k', 'v', 'EX', '0')"),
      eval("return redis.call('INCR', 'str')"),
      eval("local a = 1\nlocal b = 2\nreturn redis.call('INCR', 'str')"),
      eval("return redis.call('NOSUCH')"),
      eval("return redis.call('INCR')"),
      eval("return redis.call()"),
      eval("return redis.pcall()"),
      eval("return redis.call('GET', {})"),
      eval("return redis.call('GET', nil)"),
      eval("return redis.call('MULTI')"),
      eval("return redis.call('EVAL', 'return 1', 0)"),
      eval("return redis.call('SCRIPT', 'FLUSH')"),
      eval("return redis.call('BLPOP', 'none', 0)"),
      eval("local ok, e = pcall(redis.call, 'INCR', 'str') return e"),
      eval("local ok, e = pcall(redis.call, 'INCR', 'str') return type(e)"),
      eval("local ok, e = pcall(error, 'x') return e"),
      eval("error('boom')"),
      eval("\n\nerror('on line three')"),
      eval("error({err = 'MYERR custom'})"),
      eval("error(redis.error_reply('E2 from error_reply'))"),
      // runtime errors of a value of the wrong type where Lua 5.1 names no variable, as pcall sees them too
      eval("return ('a')()"),
      eval("return loadstring(string.dump(function() return 1 end))()"),
      eval("return {} + 1"),
      eval("return 1 - {}"),
      eval("return 'x' * 2"),
      eval("return 1 .. {}"),
      eval("return {} .. 'a'"),
      eval("return {} < {}"),
      eval("return {} < 1"),
      eval("return #(function() end)"),
      eval("return select(2, pcall(function() return {} + 1 end))"),
      // the sandbox: protected globals, the libraries Redis leaves out
      eval("x = 1"),
      eval("return y"),
      eval("rawset(_G, 'x', 1)"),
      eval("return _G.foo"),
      eval("return type(os)"),
      eval("return type(io)"),
      eval("return type(debug)"),
      eval("return type(dofile)"),
      eval("return type(loadfile)"),
      eval("return type(print)"),
      eval("return type(setfenv)"),
      eval("return type(require)"),
      eval("return type(collectgarbage)"),
      eval("return redis.sha1hex('')"),
      eval("return redis.sha1hex('abc')"),
      eval("return redis.sha1hex()"),
      eval("return redis.log(redis.LOG_WARNING, 'from a parity test')"),
      eval("return {redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}"),
      // KEYS and ARGV, binary data both ways
      List.of("EVAL", "return {KEYS[1], ARGV[1], #KEYS, #ARGV}", "1", BINARY, BINARY + "\u0001"),
      List.of("EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", BINARY, BINARY),
      List.of("GET", BINARY),
      List.of("EVAL", "return redis.call('GET', KEYS[1])", "1", BINARY),
      List.of("EVAL", "return {KEYS, ARGV}", "2", "k1", "k2", "a1"),
      List.of("EVAL", "return KEYS[3]", "2", "k1", "k2", "a1"),
      List.of("EVAL", "return string.len(ARGV[1])", "0", BINARY),
      List.of("EVAL", "return 1", "1"),
      List.of("EVAL", "return 1", "-1"),
      List.of("EVAL", "return 1", "x"),
      List.of("EVAL", "return 1"),
      List.of("EVAL"),
      // EVALSHA, SCRIPT LOAD / EXISTS / FLUSH / KILL
      List.of("EVALSHA", sha1("return 'cached'"), "0"),
      eval("return 'cached'"),
      List.of("EVALSHA", sha1("return 'cached'"), "0"),
      List.of("EVALSHA", sha1("return 'cached'").toUpperCase(Locale.ROOT), "0"),
      List.of("EVALSHA", "notasha", "0"),
      List.of("EVALSHA", sha1("return 'cached'"), "x"),
      List.of("SCRIPT", "LOAD", "return KEYS[1]"),
      List.of("SCRIPT", "LOAD"),
      List.of("EVALSHA", sha1("return KEYS[1]"), "1", "key"),
      List.of("SCRIPT", "EXISTS", sha1("return KEYS[1]"), sha1("return 'absent'"), sha1("return 'cached'"),
          sha1("return KEYS[1]").toUpperCase(Locale.ROOT), "notasha"),
      List.of("SCRIPT", "EXISTS"),
      List.of("SCRIPT", "KILL"),
      List.of("SCRIPT", "KILL", "x"),
      List.of("SCRIPT", "FLUSH", "BOGUS"),
      List.of("SCRIPT", "FLUSH", "SYNC"),
      List.of("SCRIPT", "EXISTS", sha1("return KEYS[1]"), sha1("return 'cached'")),
      List.of("EVALSHA", sha1("return KEYS[1]"), "1", "key"),
      List.of("SCRIPT", "LOAD", "return 2"),
      List.of("SCRIPT", "FLUSH", "ASYNC"),
      List.of("SCRIPT", "FLUSH"),
      List.of("SCRIPT", "EXISTS", sha1("return 2")),
      List.of("SCRIPT", "BOGUS"),
      List.of("SCRIPT"),
      // the read-only variants
      List.of("EVAL_RO", "return redis.call('GET', KEYS[1])", "1", "k"),
      List.of("EVAL_RO", "return redis.call('SET', KEYS[1], 'w')", "1", "k"),
      List.of("EVAL_RO", "return redis.pcall('SET', KEYS[1], 'w')", "1", "k"),
      List.of("SCRIPT", "LOAD", "return redis.call('GET', KEYS[1])"),
      List.of("EVALSHA_RO", sha1("return redis.call('GET', KEYS[1])"), "1", "k"),
      List.of("EVALSHA_RO", sha1("return 'absent'"), "0"),
      List.of("GET", "k"),
      List.of("DBSIZE"));

  /**
   * The cases where our replies differ from redis-server 7.0.15's today, listed in docs/resp.md ("Lua scripts: known
   * differences"); left out of the default run and compared, each listed when it differs, with
   * {@code -Dscript.parity.known=true}. A case fixed moves to {@link #CASES} (and out of docs/resp.md).
   */
  private static final List<List<String>> KNOWN_DIFFERENCES = List.of(
      // the length of a table with holes is any border: Lua 5.1 finds 4 here, luaj 2
      eval("return #{1, 2, nil, 4}"),
      // error() with no value, and luaj's compile errors' texts
      eval("error()"),
      eval("return ("),
      eval("return 1 +"),
      List.of("SCRIPT", "LOAD", "return ("));

  @TempDir Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void scriptRepliesMatchRedisByteForByte() throws Exception {
    assertRepliesMatchRedis(CASES);
  }

  @Test
  void scriptRepliesInRespThreeMatchRedisByteForByte() throws Exception {
    assertRepliesMatchRedis(respThree(CASES));
  }

  @Test
  @EnabledIfSystemProperty(named = "script.parity.known", matches = "true")
  void knownDifferencesMatchRedisByteForByte() throws Exception {
    assertRepliesMatchRedis(KNOWN_DIFFERENCES);
    assertRepliesMatchRedis(respThree(KNOWN_DIFFERENCES));
  }

  private static List<List<String>> respThree(List<List<String>> cases) {
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("HELLO", "3"));
    requests.addAll(cases);
    return requests;
  }

  /** {@code EVAL script 0}: a script with no keys and no arguments. */
  private static List<String> eval(String script) {
    return List.of("EVAL", script, "0");
  }

  private static String sha1(String script) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.ISO_8859_1)));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-1", e);
    }
  }

  /**
   * Sends {@code requests} to each server in one write, reads every reply as bytes, and fails listing every
   * request whose replies differ (HELLO's are not compared: their version and id differ by design).
   */
  private void assertRepliesMatchRedis(List<List<String>> requests) throws Exception {
    List<String> differences = new ArrayList<>();
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 16 << 20);
        RawRespClient ours = RawRespClient.unix(server.unixPath());
        RawRespClient theirs = RawRespClient.unix(redis.socket())) {
      List<String> expected = theirs.exchange(requests);
      List<String> actual = ours.exchange(requests);
      for (int i = 0; i < requests.size(); i++) {
        if (!requests.get(i).get(0).equals("HELLO") && !expected.get(i).equals(actual.get(i))) {
          differences.add(RawRespClient.escape(String.join(" ", requests.get(i)))
              + "\n    redis-server: " + expected.get(i) + "\n    ours:         " + actual.get(i));
        }
      }
    }
    assertTrue(differences.isEmpty(),
        () -> differences.size() + " of " + requests.size() + " replies differ:\n" + String.join("\n", differences));
  }
}
