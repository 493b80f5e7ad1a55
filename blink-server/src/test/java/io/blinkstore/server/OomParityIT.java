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
 * Redis's out-of-memory state under {@code maxmemory-policy noeviction}, sent to our server and to a real
 * {@code redis-server} (on a Unix socket), byte for byte in RESP2 and RESP3. Both are put over their limit the same
 * way: a key written, then {@code maxmemory} lowered to 1 (Redis counts its whole process, we key and value bytes,
 * so only a state over the limit on both compares). Then every {@code DENYOOM} command gets {@code -OOM}, reads,
 * deletes and {@code EXPIRE} still run, commands queued in {@code MULTI} are refused and the {@code EXEC} aborted,
 * scripts answer as Redis's (a writing script's first write refused, a shebang script without {@code no-writes} or
 * {@code allow-oom} refused before it runs), and {@code maxmemory 0} ends it. With a second connection: an
 * {@code EXEC} of a write queued before the limit was lowered is aborted, a read-only one runs, {@code DISCARD}
 * works. Skipped where {@code redis-server} is not installed.
 */
@Timeout(60)
class OomParityIT {
  private static final List<List<String>> REQUESTS = List.of(
      List.of("CONFIG", "SET", "maxmemory-policy", "noeviction"),
      List.of("CONFIG", "GET", "maxmemory-policy"),
      List.of("SET", "a", "1"),
      List.of("HSET", "h", "f", "v"),
      List.of("CONFIG", "SET", "maxmemory", "1"),
      List.of("SET", "b", "1"),
      List.of("SET", "a", "2"),
      List.of("GET", "a"),
      List.of("INCR", "a"),
      List.of("APPEND", "a", "x"),
      List.of("SETNX", "c", "1"),
      List.of("MSET", "c", "1", "d", "2"),
      List.of("LPUSH", "l", "1"),
      List.of("HSET", "h", "g", "v"),
      List.of("HGET", "h", "f"),
      List.of("SADD", "s", "m"),
      List.of("ZADD", "z", "1", "m"),
      List.of("EXISTS", "a", "h"),
      List.of("EXPIRE", "a", "100"),
      List.of("PERSIST", "a"),
      List.of("PING"),
      List.of("DBSIZE"),
      List.of("MULTI"),
      List.of("SET", "x", "1"),
      List.of("GET", "a"),
      List.of("EXEC"),
      List.of("MULTI"),
      List.of("GET", "a"),
      List.of("EXEC"),
      List.of("MULTI"),
      List.of("DISCARD"),
      List.of("EVAL", "return redis.call('set','k','v')", "0"),
      List.of("EVAL", "return redis.call('get','a')", "0"),
      List.of("EVAL", "return redis.pcall('set','k','v')", "0"),
      List.of("EVAL", "#!lua\nreturn 1", "0"),
      List.of("EVAL", "#!lua flags=no-writes\nreturn redis.call('get','a')", "0"),
      List.of("EVAL", "#!lua flags=allow-oom\nreturn redis.call('get','a')", "0"),
      List.of("EVAL_RO", "return redis.call('get','a')", "0"),
      List.of("SCRIPT", "LOAD", "#!lua\nreturn 2"),
      List.of("EVALSHA", "327e60b78547ebb77ec450ead371d5bd10cbdd69", "0"),
      List.of("DEL", "a"),
      List.of("CONFIG", "SET", "maxmemory", "0"),
      List.of("SET", "a", "3"),
      List.of("GET", "a"),
      List.of("EVAL", "#!lua\nreturn 1", "0"),
      List.of("FLUSHALL"));

  @TempDir Path dir;
  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void theOutOfMemoryStateMatchesRedisByteForByte() throws Exception {
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), REQUESTS);
  }

  @Test
  void theOutOfMemoryStateInRespThreeMatchesRedisByteForByte() throws Exception {
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("HELLO", "3"));
    requests.addAll(REQUESTS);
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), requests);
  }

  /** Steps on two connections ({@code 0}, {@code 1}) of each server, each step's reply compared before the next. */
  @Test
  void transactionsQueuedBeforeTheLimitWasLoweredAreJudgedAtExecAsInRedis() throws Exception {
    List<Object[]> steps = List.of(
        new Object[] {1, List.of("CONFIG", "SET", "maxmemory-policy", "noeviction")},
        new Object[] {0, List.of("SET", "a", "1")},
        new Object[] {0, List.of("MULTI")},
        new Object[] {0, List.of("SET", "x", "1")},
        new Object[] {0, List.of("GET", "a")},
        new Object[] {1, List.of("CONFIG", "SET", "maxmemory", "1")},
        new Object[] {0, List.of("EXEC")},
        new Object[] {0, List.of("GET", "x")},
        new Object[] {1, List.of("CONFIG", "SET", "maxmemory", "0")},
        new Object[] {0, List.of("MULTI")},
        new Object[] {0, List.of("GET", "a")},
        new Object[] {0, List.of("EXISTS", "a")},
        new Object[] {1, List.of("CONFIG", "SET", "maxmemory", "1")},
        new Object[] {0, List.of("EXEC")},
        new Object[] {1, List.of("CONFIG", "SET", "maxmemory", "0")},
        new Object[] {0, List.of("MULTI")},
        new Object[] {0, List.of("SET", "x", "1")},
        new Object[] {1, List.of("CONFIG", "SET", "maxmemory", "1")},
        new Object[] {0, List.of("DISCARD")},
        new Object[] {0, List.of("PING")},
        new Object[] {1, List.of("CONFIG", "SET", "maxmemory", "0")},
        new Object[] {0, List.of("MULTI")},
        new Object[] {0, List.of("EVAL", "return redis.call('set','y','1')", "0")},
        new Object[] {1, List.of("CONFIG", "SET", "maxmemory", "1")},
        new Object[] {0, List.of("EXEC")},
        new Object[] {1, List.of("CONFIG", "SET", "maxmemory", "0")},
        new Object[] {1, List.of("FLUSHALL")});
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient ours0 = LineClient.unix(server.unixPath());
        LineClient ours1 = LineClient.unix(server.unixPath());
        LineClient theirs0 = LineClient.unix(redis.socket());
        LineClient theirs1 = LineClient.unix(redis.socket())) {
      for (Object[] step : steps) {
        @SuppressWarnings("unchecked")
        List<String> request = (List<String>) step[1];
        byte[] bytes = RespIT.resp(request.toArray(String[]::new));
        LineClient ours = (int) step[0] == 0 ? ours0 : ours1;
        LineClient theirs = (int) step[0] == 0 ? theirs0 : theirs1;
        theirs.send(bytes);
        ours.send(bytes);
        assertEquals(RespIT.readReply(theirs), RespIT.readReply(ours), step[0] + ": " + String.join(" ", request));
      }
    }
  }
}
