package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis 7.0's functions ({@code FUNCTION LOAD|DELETE|FLUSH|LIST|RESTORE|STATS|KILL|HELP}, {@code FCALL},
 * {@code FCALL_RO}), sent to our server and to a real {@code redis-server} (on a Unix socket), get byte-for-byte
 * the same replies in RESP2 and RESP3: the same library bytes loaded on both, every load error of Redis's
 * ({@code functions.c}, {@code function_lua.c}: metadata, names, engine, registration arguments, flags, the load
 * run's globals and time limit), calls with their keys, arguments, flags and errors, and the listing. Compile
 * errors are left out (luaj's parser words them its own way), and {@code FUNCTION DUMP}'s bytes (Redis compresses
 * the code with LZF): its payloads are restored across the two servers instead. Skipped where {@code redis-server}
 * is not installed.
 */
@Timeout(60)
class FunctionParityIT {
  private static final String LIB = "#!lua name=mylib\n"
      + "redis.register_function('hello', function(keys, args) return 'hello ' .. (args[1] or 'nobody') end)\n"
      + "redis.register_function{function_name='setter', callback=function(keys, args)\n"
      + "  return redis.call('SET', keys[1], args[1]) end, description='sets a key'}\n"
      + "redis.register_function{function_name='getter', callback=function(keys, args)\n"
      + "  return redis.call('GET', keys[1]) end, flags={'no-writes'}}\n"
      + "redis.register_function{function_name='writer_ro', callback=function(keys, args)\n"
      + "  return redis.call('SET', keys[1], 'x') end, flags={'no-writes', 'ALLOW-STALE'}}\n"
      + "redis.register_function('boom', function(keys, args)\n  error('boom')\nend)\n"
      + "redis.register_function('raise', function(keys, args) return redis.call('INCR', keys[1]) end)\n"
      + "redis.register_function('globals', function(keys, args) return KEYS end)\n"
      + "redis.register_function('nested', function(keys, args) return {1, {2, 'x'}, #keys, #args} end)\n"
      + "redis.register_function('modify', function(keys, args) x = 1 end)\n"
      + "redis.register_function('errtable', function(keys, args) return {err='MY custom'} end)\n";

  /** A library of one function: Redis lists a library's functions, and libraries, in its hash tables' order. */
  private static final String SINGLE = "#!lua name=single\n"
      + "redis.register_function{function_name='described', callback=function(keys, args) return 1 end,\n"
      + "  description='one function', flags={'no-writes', 'allow-oom'}}\n";

  private static String lib(String name, String body) {
    return "#!lua name=" + name + "\n" + body;
  }

  private static String one(String name, String function, String body) {
    return lib(name, "redis.register_function('" + function + "', function(keys, args) " + body + " end)");
  }

  private static final List<List<String>> REQUESTS = List.of(
      List.of("FUNCTION", "FLUSH"),
      List.of("FUNCTION", "LIST"),
      List.of("FUNCTION", "STATS"),
      List.of("FUNCTION", "LOAD", SINGLE),
      List.of("FUNCTION", "LIST"),
      List.of("FUNCTION", "LIST", "WITHCODE"),
      List.of("FUNCTION", "LIST", "LIBRARYNAME", "sin*"),
      List.of("FUNCTION", "LIST", "LIBRARYNAME", "SIN*", "WITHCODE"),
      List.of("FUNCTION", "LIST", "WITHCODE", "LIBRARYNAME", "s?ngle"),
      List.of("FUNCTION", "LIST", "LIBRARYNAME", "other*"),
      List.of("FUNCTION", "LOAD", LIB),
      List.of("FUNCTION", "LOAD", LIB),
      List.of("FUNCTION", "LIST", "LIBRARYNAME", "single"),
      List.of("FUNCTION", "LIST", "LIBRARYNAME"),
      List.of("FUNCTION", "LIST", "bogus"),
      List.of("FUNCTION", "LIST", "WITHCODE", "WITHCODE"),
      List.of("FUNCTION", "LIST", "LIBRARYNAME", "a", "LIBRARYNAME", "b"),
      List.of("FUNCTION", "STATS"),
      List.of("FCALL", "hello", "0"),
      List.of("FCALL", "HELLO", "0", "you"),
      List.of("FCALL", "setter", "1", "k", "v"),
      List.of("FCALL", "getter", "1", "k"),
      List.of("FCALL_RO", "getter", "1", "k"),
      List.of("FCALL_RO", "setter", "1", "k", "v"),
      List.of("FCALL", "writer_ro", "1", "k"),
      List.of("FCALL", "boom", "0"),
      List.of("FCALL", "raise", "1", "k"),
      List.of("FCALL", "globals", "0"),
      List.of("FCALL", "nested", "2", "a", "b", "c"),
      List.of("FCALL", "modify", "0"),
      List.of("FCALL", "errtable", "0"),
      List.of("FCALL", "nosuch", "0"),
      List.of("FCALL", "hello", "x"),
      List.of("FCALL", "hello", "2", "a"),
      List.of("FCALL", "hello", "-1"),
      List.of("FCALL", "hello"),
      List.of("FCALL_RO", "nosuch", "0"),
      List.of("FUNCTION", "LOAD", "REPLACE", one("mylib", "hello", "return 'replaced'")),
      List.of("FCALL", "hello", "0"),
      List.of("FCALL", "setter", "1", "k", "v"),
      List.of("FUNCTION", "LOAD", one("other", "HELLO", "return 1")),
      List.of("FUNCTION", "LOAD", "bogus", one("other", "f", "return 1")),
      List.of("FUNCTION", "LOAD", "REPLACE", "REPLACE", one("other", "f", "return 1")),
      List.of("FUNCTION", "LOAD", "return 1"),
      List.of("FUNCTION", "LOAD", "#!lua name=x"),
      List.of("FUNCTION", "LOAD", "#!lua\nreturn 1"),
      List.of("FUNCTION", "LOAD", "#!lua name=a name=b\nreturn 1"),
      List.of("FUNCTION", "LOAD", "#!lua name=a foo=bar\nreturn 1"),
      List.of("FUNCTION", "LOAD", "#! name=a\nreturn 1"),
      List.of("FUNCTION", "LOAD", "#!python name=a\nreturn 1"),
      List.of("FUNCTION", "LOAD", "#!lua name=bad-name\nreturn 1"),
      List.of("FUNCTION", "LOAD", "#!lua name=\"quoted\"\n"
          + "redis.register_function('quoted_f', function() return 1 end)"),
      List.of("FUNCTION", "LOAD", "#!lua name=\"unbalanced\nreturn 1"),
      List.of("FUNCTION", "LOAD", "#!LUA NAME=upper\nredis.register_function('upper_f', function() return 2 end)"),
      List.of("FCALL", "upper_f", "0"),
      List.of("FUNCTION", "LOAD", lib("empty", "return 1")),
      List.of("FUNCTION", "LOAD", lib("e1", "redis.register_function()")),
      List.of("FUNCTION", "LOAD", lib("e2", "redis.register_function('f1')")),
      List.of("FUNCTION", "LOAD", lib("e3", "redis.register_function('f1', function() end, 'x')")),
      List.of("FUNCTION", "LOAD", lib("e4", "redis.register_function(nil, function() end)")),
      List.of("FUNCTION", "LOAD", lib("e5", "redis.register_function('f1', 'nope')")),
      List.of("FUNCTION", "LOAD", lib("e6", "redis.register_function('bad name', function() end)")),
      List.of("FUNCTION", "LOAD", lib("e7", "redis.register_function('', function() end)")),
      List.of("FUNCTION", "LOAD", lib("e8",
          "redis.register_function('d', function() end)\nredis.register_function('d', function() end)")),
      List.of("FUNCTION", "LOAD", lib("e9", "redis.register_function{function_name=function() end, "
          + "callback=function() end}")),
      List.of("FUNCTION", "LOAD", lib("e10", "redis.register_function{function_name='f', callback='x'}")),
      List.of("FUNCTION", "LOAD", lib("e11", "redis.register_function{function_name='f', callback=function() end,"
          + " description={}}")),
      List.of("FUNCTION", "LOAD", lib("e12", "redis.register_function{function_name='f', callback=function() end,"
          + " other=1}")),
      List.of("FUNCTION", "LOAD", lib("e13", "redis.register_function{callback=function() end}")),
      List.of("FUNCTION", "LOAD", lib("e14", "redis.register_function{function_name='f'}")),
      List.of("FUNCTION", "LOAD", lib("e15", "redis.register_function{function_name='f', callback=function() end,"
          + " flags='no-writes'}")),
      List.of("FUNCTION", "LOAD", lib("e16", "redis.register_function{function_name='f', callback=function() end,"
          + " flags={'bogus'}}")),
      List.of("FUNCTION", "LOAD", lib("e17", "redis.register_function{function_name='f', callback=function() end,"
          + " flags={function() end}}")),
      List.of("FUNCTION", "LOAD", lib("e18", "redis.register_function({1, 2})")),
      List.of("FUNCTION", "LOAD", lib("e19", "return math.random()")),
      List.of("FUNCTION", "LOAD", lib("e20", "return redis.call('ping')")),
      List.of("FUNCTION", "LOAD", lib("e21", "return redis.setresp(3)")),
      List.of("FUNCTION", "LOAD", lib("e22", "a = 1")),
      List.of("FUNCTION", "LOAD", lib("e23", "error('at load')")),
      List.of("FUNCTION", "LOAD", lib("e24", "error({err='MY load'})")),
      List.of("FUNCTION", "LOAD", lib("e25", "\n\nlocal x = getmetatable(_G)")),
      List.of("FUNCTION", "LOAD", lib("e26", "redis.math.random()")),
      List.of("FUNCTION", "LOAD", lib("e27", "local v = redis.REDIS_VERSION_NUM\n"
          + "redis.log(redis.LOG_WARNING, 'loading')\n"
          + "redis.register_function('version', function() return v > 0 end)")),
      List.of("FCALL", "version", "0"),
      List.of("FUNCTION", "LOAD", lib("e28", "local lib = redis\n"
          + "lib.register_function('late', function() lib.register_function('later', function() end) end)\n"
          + "redis.register_function('touch', function() lib.x = 1 end)")),
      List.of("FCALL", "late", "0"),
      List.of("FCALL", "touch", "0"),
      List.of("FUNCTION", "LOAD", lib("e29", "redis.register_function('call_register', function() "
          + "return redis.register_function('x', function() end) end)")),
      List.of("FUNCTION", "LOAD", lib("e30", "local t = {}\n"
          + "redis.register_function('counter', function(keys) t[1] = (t[1] or 0) + 1 return t[1] end)")),
      List.of("FCALL", "counter", "0"),
      List.of("FUNCTION", "LOAD", lib("e31", "redis.register_function{function_name='flagged', "
          + "callback=function() return 1 end, flags={'no-writes', 'allow-oom', 'allow-stale', 'no-cluster', "
          + "'allow-cross-slot-keys'}}")),
      List.of("FUNCTION", "LIST", "LIBRARYNAME", "e31"),
      List.of("FCALL_RO", "flagged", "0"),
      List.of("FUNCTION", "STATS"),
      List.of("FUNCTION", "DELETE", "e31"),
      List.of("FUNCTION", "DELETE", "e31"),
      List.of("FUNCTION", "DELETE"),
      List.of("FUNCTION", "KILL"),
      List.of("FUNCTION", "KILL", "x"),
      List.of("FUNCTION", "HELP"),
      List.of("FUNCTION", "BOGUS"),
      List.of("FUNCTION"),
      List.of("FUNCTION", "FLUSH", "BOGUS"),
      List.of("FUNCTION", "FLUSH", "SYNC", "x"),
      List.of("FUNCTION", "RESTORE", "bad_payload"),
      List.of("FUNCTION", "RESTORE", "x", "BOGUS"),
      List.of("FUNCTION", "RESTORE", "x", "FLUSH", "extra"),
      List.of("FUNCTION", "DUMP", "x"),
      List.of("MULTI"),
      List.of("FCALL", "setter", "1", "tx", "1"),
      List.of("FCALL", "getter", "1", "tx"),
      List.of("EXEC"),
      List.of("SELECT", "3"),
      List.of("FCALL", "setter", "1", "indb3", "v"),
      List.of("EXISTS", "indb3"),
      List.of("SELECT", "0"),
      List.of("EXISTS", "indb3"),
      List.of("COMMAND", "GETKEYS", "FCALL", "f", "2", "a", "b", "c"),
      List.of("COMMAND", "GETKEYS", "FCALL_RO", "f", "1", "a", "b"),
      List.of("FUNCTION", "FLUSH", "ASYNC"),
      List.of("FUNCTION", "STATS"),
      List.of("FCALL", "hello", "0"));

  @TempDir Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void functionsAndTheirErrorsMatchRedisByteForByte() throws Exception {
    assertRepliesMatch(REQUESTS);
  }

  @Test
  void functionsInRespThreeMatchRedisByteForByte() throws Exception {
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("HELLO", "3"));
    requests.addAll(REQUESTS);
    assertRepliesMatch(requests);
  }

  /** A library whose code runs past 500 ms is refused, on both, with Redis's {@code FUNCTION LOAD timeout}. */
  @Test
  void aLoadRunningPastItsTimeLimitIsRefusedAsRedisRefusesIt() throws Exception {
    assertRepliesMatch(List.of(
        List.of("FUNCTION", "LOAD", lib("slow", "local a = 1\nwhile 1 do a = a + 1 end")),
        List.of("FUNCTION", "LIST")));
  }

  /** Sends each request to both servers and compares the replies' bytes ({@code HELLO}'s excepted). */
  private void assertRepliesMatch(List<List<String>> requests) throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        RawClient ours = new RawClient(server.unixPath());
        RawClient theirs = new RawClient(redis.socket())) {
      for (List<String> request : requests) {
        byte[][] args = request.stream().map(arg -> arg.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        String expected = theirs.call(args);
        String actual = ours.call(args);
        if (!request.get(0).equals("HELLO")) {
          assertEquals(expected, actual, String.join(" ", request));
        }
      }
    }
  }

  /**
   * {@code FUNCTION DUMP}'s payload of either server restores on the other ({@code APPEND}, {@code REPLACE},
   * {@code FLUSH}), and the restores' errors match: a library or a function that exists.
   */
  @Test
  void dumpsRestoreAcrossTheTwoServers() throws Exception {
    String second = one("second", "two", "return 2");
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        RawClient ours = new RawClient(server.unixPath());
        RawClient theirs = new RawClient(redis.socket())) {
      for (RawClient client : List.of(ours, theirs)) {
        client.call("FUNCTION", "LOAD", LIB);
        client.call("FUNCTION", "LOAD", second);
      }
      byte[] ourDump = ours.bulk("FUNCTION", "DUMP");
      byte[] theirDump = theirs.bulk("FUNCTION", "DUMP");
      List<List<String>> steps = List.of(
          List.of("FUNCTION", "RESTORE", "<dump>"),
          List.of("FUNCTION", "RESTORE", "<dump>", "REPLACE"),
          List.of("FUNCTION", "DELETE", "second"),
          List.of("FUNCTION", "LOAD", one("third", "two", "return 3")),
          List.of("FUNCTION", "RESTORE", "<dump>", "REPLACE"),
          List.of("FUNCTION", "RESTORE", "<dump>", "FLUSH"),
          List.of("FCALL", "two", "0"),
          List.of("FUNCTION", "LIST", "LIBRARYNAME", "second"));
      for (List<String> step : steps) {
        String onOurs = ours.call(withDump(step, theirDump));
        String onTheirs = theirs.call(withDump(step, ourDump));
        assertEquals(onTheirs, onOurs, step.toString());
      }
      ours.call("FUNCTION", "FLUSH");
      assertEquals("+OK\r\n", ours.call(withDump(List.of("FUNCTION", "RESTORE", "<dump>"), ourDump)));
      assertTrue(ours.call("FUNCTION", "LIST").contains("mylib"));
    }
  }

  private static byte[][] withDump(List<String> step, byte[] dump) {
    return step.stream().map(part -> part.equals("<dump>") ? dump : part.getBytes(StandardCharsets.UTF_8))
        .toArray(byte[][]::new);
  }
}
