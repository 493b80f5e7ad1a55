package io.blinkstore.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis 7.0's list commands, the blocking ones where they do not block (an element is there, or inside
 * {@code MULTI}), sent to our server and to a real {@code redis-server} (started here on a Unix socket) get
 * byte-for-byte the same replies, in RESP2 and in RESP3: every command with its replies, errors (wrong arity,
 * syntax, integers, counts, ranks, timeouts, {@code WRONGTYPE} both ways) and Redis's argument order. Skipped where
 * {@code redis-server} is not installed.
 */
@Timeout(60)
class ListParityIT {
  private static final List<List<String>> REQUESTS = List.of(
      List.of("LPUSH", "l", "a", "b", "c"),
      List.of("RPUSH", "l", "d", "e"),
      List.of("LRANGE", "l", "0", "-1"),
      List.of("LPUSHX", "none", "x"),
      List.of("RPUSHX", "l", "f"),
      List.of("LLEN", "l"),
      List.of("LLEN", "none"),
      List.of("LPUSH", "l"),
      List.of("LINDEX", "l", "0"),
      List.of("LINDEX", "l", "-1"),
      List.of("LINDEX", "l", "100"),
      List.of("LINDEX", "l", "x"),
      List.of("LINDEX", "none", "x"),
      List.of("LRANGE", "l", "1", "2"),
      List.of("LRANGE", "l", "-100", "100"),
      List.of("LRANGE", "l", "5", "1"),
      List.of("LRANGE", "l", "-1", "-2"),
      List.of("LRANGE", "none", "0", "-1"),
      List.of("LRANGE", "none", "x", "1"),
      List.of("LSET", "l", "0", "A"),
      List.of("LSET", "l", "-1", "F"),
      List.of("LSET", "l", "100", "x"),
      List.of("LSET", "l", "x", "x"),
      List.of("LSET", "none", "0", "x"),
      List.of("LSET", "none", "x", "x"),
      List.of("LRANGE", "l", "0", "-1"),
      List.of("LPOP", "l"),
      List.of("RPOP", "l"),
      List.of("LPOP", "l", "2"),
      List.of("RPOP", "l", "0"),
      List.of("RPOP", "l", "-1"),
      List.of("RPOP", "l", "x"),
      List.of("LPOP", "l", "1", "2"),
      List.of("LPOP", "none"),
      List.of("LPOP", "none", "2"),
      List.of("RPOP", "l", "100"),
      List.of("EXISTS", "l"),
      List.of("RPUSH", "r", "a", "b", "a", "c", "a", "b"),
      List.of("LREM", "r", "1", "a"),
      List.of("LREM", "r", "-1", "a"),
      List.of("LREM", "r", "0", "b"),
      List.of("LREM", "r", "x", "b"),
      List.of("LREM", "none", "0", "b"),
      List.of("LRANGE", "r", "0", "-1"),
      List.of("LINSERT", "r", "BEFORE", "c", "x"),
      List.of("LINSERT", "r", "after", "c", "y"),
      List.of("LINSERT", "r", "before", "missing", "z"),
      List.of("LINSERT", "r", "middle", "c", "z"),
      List.of("LINSERT", "none", "before", "c", "z"),
      List.of("LRANGE", "r", "0", "-1"),
      List.of("RPUSH", "p", "a", "b", "c", "a", "b", "c", "a"),
      List.of("LPOS", "p", "a"),
      List.of("LPOS", "p", "a", "RANK", "2"),
      List.of("LPOS", "p", "a", "RANK", "-1"),
      List.of("LPOS", "p", "a", "RANK", "0"),
      List.of("LPOS", "p", "a", "RANK", "x"),
      List.of("LPOS", "p", "a", "COUNT", "0"),
      List.of("LPOS", "p", "a", "COUNT", "2"),
      List.of("LPOS", "p", "a", "COUNT", "-1"),
      List.of("LPOS", "p", "a", "COUNT", "x"),
      List.of("LPOS", "p", "a", "MAXLEN", "3", "COUNT", "0"),
      List.of("LPOS", "p", "a", "MAXLEN", "-1"),
      List.of("LPOS", "p", "a", "RANK", "-2", "COUNT", "0", "MAXLEN", "5"),
      List.of("LPOS", "p", "z"),
      List.of("LPOS", "p", "z", "COUNT", "1"),
      List.of("LPOS", "p", "a", "BOGUS"),
      List.of("LPOS", "p", "a", "RANK"),
      List.of("LPOS", "none", "a"),
      List.of("LPOS", "none", "a", "COUNT", "1"),
      List.of("LTRIM", "p", "1", "-2"),
      List.of("LRANGE", "p", "0", "-1"),
      List.of("LTRIM", "p", "x", "1"),
      List.of("LTRIM", "p", "5", "1"),
      List.of("EXISTS", "p"),
      List.of("LTRIM", "none", "0", "1"),
      List.of("RPUSH", "src", "1", "2", "3"),
      List.of("LMOVE", "src", "dst", "LEFT", "RIGHT"),
      List.of("LMOVE", "src", "dst", "right", "left"),
      List.of("LMOVE", "src", "src", "LEFT", "RIGHT"),
      List.of("LMOVE", "src", "dst", "UP", "RIGHT"),
      List.of("LMOVE", "none", "dst", "LEFT", "RIGHT"),
      List.of("RPOPLPUSH", "src", "dst"),
      List.of("RPOPLPUSH", "src", "dst"),
      List.of("LRANGE", "dst", "0", "-1"),
      List.of("EXISTS", "src"),
      List.of("RPUSH", "m1", "a", "b", "c"),
      List.of("LMPOP", "2", "none", "m1", "LEFT"),
      List.of("LMPOP", "2", "none", "m1", "RIGHT", "COUNT", "5"),
      List.of("LMPOP", "2", "none", "m1", "LEFT"),
      List.of("LMPOP", "0", "m1", "LEFT"),
      List.of("LMPOP", "x", "m1", "LEFT"),
      List.of("LMPOP", "5", "m1", "LEFT"),
      List.of("LMPOP", "1", "m1", "UP"),
      List.of("LMPOP", "1", "m1", "LEFT", "COUNT", "0"),
      List.of("LMPOP", "1", "m1", "LEFT", "COUNT", "1", "COUNT", "2"),
      List.of("LMPOP", "1", "m1", "LEFT", "BOGUS"),
      List.of("SET", "s", "v"),
      List.of("LPUSH", "s", "x"),
      List.of("LPUSHX", "s", "x"),
      List.of("LLEN", "s"),
      List.of("LINDEX", "s", "0"),
      List.of("LRANGE", "s", "0", "-1"),
      List.of("LPOP", "s"),
      List.of("LSET", "s", "0", "x"),
      List.of("LREM", "s", "0", "x"),
      List.of("LINSERT", "s", "before", "a", "b"),
      List.of("LPOS", "s", "a"),
      List.of("LTRIM", "s", "0", "1"),
      List.of("RPUSH", "w", "x"),
      List.of("LMOVE", "w", "s", "LEFT", "LEFT"),
      List.of("LMOVE", "s", "w", "LEFT", "LEFT"),
      List.of("LMOVE", "none", "s", "LEFT", "LEFT"), // a missing source answers nil before the destination's type
      List.of("RPOPLPUSH", "none", "s"),
      List.of("CONFIG", "SET", "notify-keyspace-events", "KEA"),
      List.of("LMOVE", "none", "s", "RIGHT", "LEFT"),
      List.of("RPOPLPUSH", "none", "s"),
      List.of("CONFIG", "SET", "notify-keyspace-events", ""),
      List.of("LRANGE", "w", "0", "-1"),
      List.of("LMPOP", "2", "none", "s", "LEFT"),
      List.of("GET", "w"),
      List.of("BLPOP", "w", "0"),
      List.of("RPUSH", "b", "1", "2", "3"),
      List.of("BLPOP", "none", "b", "0"),
      List.of("BRPOP", "none", "b", "0.5"),
      List.of("BLPOP", "b", "-1"),
      List.of("BLPOP", "b", "x"),
      List.of("BLPOP", "b", "1e3"),
      List.of("BLPOP", "s", "0"),
      List.of("BLPOP", "b"),
      List.of("RPUSH", "b", "4", "5"),
      List.of("BLMOVE", "b", "d2", "LEFT", "RIGHT", "0"),
      List.of("BLMOVE", "b", "d2", "LEFT", "RIGHT", "-1"),
      List.of("BLMOVE", "b", "d2", "UP", "RIGHT", "-1"),
      List.of("BRPOPLPUSH", "b", "d2", "0"),
      List.of("BRPOPLPUSH", "b", "d2", "x"),
      List.of("BLMPOP", "0", "2", "none", "d2", "LEFT", "COUNT", "10"),
      List.of("BLMPOP", "-1", "1", "d2", "LEFT"),
      List.of("BLMPOP", "0", "0", "d2", "LEFT"),
      List.of("BLMPOP", "x", "1", "d2", "UP"),
      List.of("MULTI"),
      List.of("BLPOP", "none", "0"),
      List.of("BRPOP", "none", "0"),
      List.of("BLMOVE", "none", "d2", "LEFT", "RIGHT", "0"),
      List.of("BRPOPLPUSH", "none", "d2", "0"),
      List.of("BLMPOP", "0", "1", "none", "LEFT"),
      List.of("LPUSH", "none", "x"),
      List.of("BLPOP", "none", "0"),
      List.of("EXEC"),
      List.of("TYPE", "d2"),
      List.of("CONFIG", "SET", "list-max-ziplist-size", "1"),
      List.of("CONFIG", "GET", "list-max-ziplist-size"),
      List.of("CONFIG", "SET", "list-max-listpack-size", "x"),
      List.of("CONFIG", "SET", "list-compress-depth", "-1"),
      List.of("CONFIG", "SET", "list-compress-depth", "2"),
      List.of("CONFIG", "GET", "list-compress-depth"),
      List.of("CONFIG", "SET", "list-max-ziplist-size", "-2", "list-compress-depth", "0"),
      List.of("DBSIZE"));

  @TempDir Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void listCommandsAndTheirErrorsMatchRedisByteForByte() throws Exception {
    assertRepliesMatchRedis(REQUESTS);
  }

  @Test
  void listCommandsInRespThreeMatchRedisByteForByte() throws Exception {
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("HELLO", "3"));
    requests.addAll(REQUESTS);
    assertRepliesMatchRedis(requests);
  }

  private void assertRepliesMatchRedis(List<List<String>> requests) throws Exception {
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), requests);
  }
}
