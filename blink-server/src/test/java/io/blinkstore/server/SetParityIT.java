package io.blinkstore.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23's sets against a real {@code redis-server} (as {@link RedisParityIT}): every set command with its replies
 * and errors, the generic commands on a set ({@code TYPE}, {@code OBJECT ENCODING}, {@code COPY}, {@code RENAME},
 * {@code MOVE}, {@code SCAN ... TYPE}, ...), {@code -WRONGTYPE} both ways, {@code CONFIG SET
 * set-max-intset-entries}, and the RESP3 shapes, byte for byte. An intset answers in ascending order on both
 * servers and is compared as it is; a replies in a hash table's order (a {@code hashtable} set, a union or
 * difference that is not all integers) is sorted by a script on both servers before it is compared
 * ({@link #sorted}), and a random pick of fewer members than the set has is compared by its size
 * ({@link #size}). Skipped where {@code redis-server} is not installed.
 */
@Timeout(60)
class SetParityIT {
  /** Calls {@code ARGV[1]} with the keys, then {@code ARGV[2...]}, and answers its array reply sorted. */
  private static final String SORTED = "local args = {} for _, k in ipairs(KEYS) do args[#args + 1] = k end "
      + "for i = 2, #ARGV do args[#args + 1] = ARGV[i] end "
      + "local reply = redis.call(ARGV[1], unpack(args)) table.sort(reply) return reply";
  private static final String SIZE = "return #redis.call(ARGV[1], KEYS[1], ARGV[2])";

  /** {@code command} on {@code keys} (then {@code args}), its reply sorted by a script on each server. */
  private static List<String> sorted(String command, List<String> keys, String... args) {
    List<String> request = new ArrayList<>(List.of("EVAL", SORTED, Integer.toString(keys.size())));
    request.addAll(keys);
    request.add(command);
    request.addAll(List.of(args));
    return request;
  }

  /** The number of members {@code command key count} answers. */
  private static List<String> size(String command, String key, String count) {
    return List.of("EVAL", SIZE, "1", key, command, count);
  }

  /** {@code SADD key} with {@code count} members made by {@code prefix} and their index. */
  private static List<String> sadd(String key, String prefix, int count) {
    List<String> request = new ArrayList<>(List.of("SADD", key));
    for (int i = 0; i < count; i++) {
      request.add(prefix + i);
    }
    return request;
  }

  private static final List<List<String>> REQUESTS = List.of(
      List.of("SADD", "s", "3", "1", "2", "-5", "10"),
      List.of("SADD", "s", "1", "20"),
      List.of("SADD", "s"),
      List.of("SMEMBERS", "s"),
      List.of("SMEMBERS", "missing"),
      List.of("SCARD", "s"),
      List.of("SCARD", "missing"),
      List.of("SISMEMBER", "s", "2"),
      List.of("SISMEMBER", "s", "x"),
      List.of("SISMEMBER", "s", "02"),
      List.of("SISMEMBER", "missing", "2"),
      List.of("SMISMEMBER", "s", "1", "x", "2"),
      List.of("SMISMEMBER", "missing", "1", "2"),
      List.of("SMISMEMBER", "s"),
      List.of("OBJECT", "ENCODING", "s"),
      List.of("TYPE", "s"),
      List.of("SREM", "s", "1", "9", "1"),
      List.of("SREM", "missing", "1"),
      List.of("SREM", "s"),
      List.of("SMEMBERS", "s"),
      List.of("SADD", "t", "a", "b", "2", "3"),
      List.of("OBJECT", "ENCODING", "t"),
      sorted("SMEMBERS", List.of("t")),
      sorted("SINTER", List.of("s", "t")),
      sorted("SINTER", List.of("t", "s")),
      List.of("SINTER", "s", "missing"),
      List.of("SINTER", "s"),
      sorted("SUNION", List.of("s", "t")),
      List.of("SUNION", "s", "missing"),
      List.of("SDIFF", "s", "t"),
      sorted("SDIFF", List.of("t", "s")),
      List.of("SDIFF", "s", "s"),
      List.of("SDIFF", "missing", "s"),
      List.of("SDIFF", "s", "missing"),
      List.of("SINTERSTORE", "d", "s", "t"),
      List.of("SMEMBERS", "d"),
      List.of("OBJECT", "ENCODING", "d"),
      List.of("SUNIONSTORE", "u", "s", "t"),
      List.of("SCARD", "u"),
      List.of("OBJECT", "ENCODING", "u"),
      List.of("SDIFFSTORE", "dd", "s", "t"),
      List.of("SMEMBERS", "dd"),
      List.of("SUNIONSTORE", "e", "missing"),
      List.of("EXISTS", "e"),
      List.of("SINTERSTORE", "d", "s", "missing"),
      List.of("EXISTS", "d"),
      List.of("SINTERCARD", "2", "s", "t"),
      List.of("SINTERCARD", "2", "s", "t", "LIMIT", "1"),
      List.of("SINTERCARD", "2", "s", "t", "LIMIT", "0"),
      List.of("SINTERCARD", "2", "s", "missing"),
      List.of("SINTERCARD", "0", "s"),
      List.of("SINTERCARD", "x", "s"),
      List.of("SINTERCARD", "3", "s", "t"),
      List.of("SINTERCARD", "1", "s", "LIMIT", "-1"),
      List.of("SINTERCARD", "1", "s", "LIMIT", "x"),
      List.of("SINTERCARD", "1", "s", "LIMIT"),
      List.of("SINTERCARD", "1", "s", "FOO", "1"),
      List.of("SET", "str", "x"),
      List.of("SADD", "str", "a"),
      List.of("SREM", "str", "a"),
      List.of("SMEMBERS", "str"),
      List.of("SCARD", "str"),
      List.of("SISMEMBER", "str", "a"),
      List.of("SMISMEMBER", "str", "a"),
      List.of("SRANDMEMBER", "str"),
      List.of("SPOP", "str"),
      List.of("SSCAN", "str", "0"),
      List.of("SINTER", "s", "str"),
      List.of("SINTER", "missing", "str"),
      List.of("SUNION", "missing", "str"),
      List.of("SDIFF", "missing", "str"),
      List.of("SINTERSTORE", "d", "s", "str"),
      List.of("SINTERCARD", "2", "s", "str"),
      List.of("GET", "s"),
      List.of("MGET", "str", "s", "missing"),
      List.of("APPEND", "s", "x"),
      List.of("INCR", "s"),
      List.of("HSET", "s", "f", "v"),
      List.of("LPUSH", "s", "x"),
      List.of("SMOVE", "s", "t", "3"),
      List.of("SMOVE", "s", "t", "3"),
      List.of("SMOVE", "missing", "str", "3"),
      List.of("CONFIG", "SET", "notify-keyspace-events", "KEA"), // SMOVE's sadd look-up must not change a reply
      List.of("SMOVE", "missing", "str", "3"),
      List.of("SMOVE", "s", "str", "missing-member"),
      List.of("CONFIG", "SET", "notify-keyspace-events", ""),
      List.of("SMOVE", "s", "str", "2"),
      List.of("SMOVE", "str", "s", "2"),
      List.of("SMOVE", "s", "s", "2"),
      List.of("SMOVE", "s", "s", "99"),
      List.of("SMOVE", "s", "fresh", "2"),
      List.of("OBJECT", "ENCODING", "fresh"),
      List.of("SMEMBERS", "s"),
      List.of("SPOP", "missing"),
      List.of("SPOP", "missing", "3"),
      List.of("SPOP", "s", "0"),
      List.of("SPOP", "str", "0"),
      List.of("SPOP", "s", "-1"),
      List.of("SPOP", "s", "x"),
      List.of("SPOP", "s", "1", "2"),
      List.of("SRANDMEMBER", "missing"),
      List.of("SRANDMEMBER", "missing", "5"),
      List.of("SRANDMEMBER", "missing", "-5"),
      List.of("SRANDMEMBER", "s", "0"),
      List.of("SRANDMEMBER", "s", "-9223372036854775808"),
      List.of("SRANDMEMBER", "s", "x"),
      List.of("SRANDMEMBER", "s", "1", "2"),
      List.of("SRANDMEMBER", "s", "100"),
      size("SRANDMEMBER", "s", "2"),
      size("SRANDMEMBER", "s", "-7"),
      List.of("SADD", "one", "only"),
      List.of("SRANDMEMBER", "one"),
      List.of("SRANDMEMBER", "one", "-3"),
      List.of("SPOP", "one"),
      List.of("EXISTS", "one"),
      List.of("SADD", "pop", "1", "2", "3"),
      List.of("SPOP", "pop", "3"),
      List.of("EXISTS", "pop"),
      List.of("SADD", "pop", "1", "2", "3", "4", "5"),
      size("SPOP", "pop", "2"),
      List.of("SCARD", "pop"),
      size("SPOP", "pop", "10"),
      List.of("EXISTS", "pop"),
      List.of("SSCAN", "s", "0"),
      List.of("SSCAN", "s", "0", "MATCH", "1*"),
      List.of("SSCAN", "s", "0", "COUNT", "1"),
      List.of("SSCAN", "s", "x"),
      List.of("SSCAN", "s", "0", "COUNT", "0"),
      List.of("SSCAN", "s", "0", "COUNT", "x"),
      List.of("SSCAN", "s", "0", "FOO", "1"),
      List.of("SSCAN", "s", "0", "MATCH"),
      List.of("SSCAN", "missing", "0", "FOO"),
      List.of("SINTERSTORE", "str", "s", "s"),
      List.of("TYPE", "str"),
      List.of("SMEMBERS", "str"),
      List.of("SET", "str", "x", "EX", "100"),
      List.of("SUNIONSTORE", "str", "s"),
      List.of("TTL", "str"),
      List.of("SDIFFSTORE", "s", "s"),
      List.of("EXISTS", "s"),
      List.of("SADD", "n", "007"),
      List.of("OBJECT", "ENCODING", "n"),
      List.of("SADD", "n2", "-0"),
      List.of("OBJECT", "ENCODING", "n2"),
      List.of("SADD", "z", "9223372036854775807", "-9223372036854775808", "0"),
      List.of("SMEMBERS", "z"),
      List.of("OBJECT", "ENCODING", "z"),
      List.of("SADD", "z", "9223372036854775808"),
      List.of("OBJECT", "ENCODING", "z"),
      sorted("SMEMBERS", List.of("z")),
      List.of("CONFIG", "GET", "set-max-intset-entries"),
      List.of("CONFIG", "SET", "set-max-intset-entries", "3"),
      List.of("SADD", "c", "1", "2", "3"),
      List.of("OBJECT", "ENCODING", "c"),
      List.of("SADD", "c", "4"),
      List.of("OBJECT", "ENCODING", "c"),
      List.of("SREM", "c", "4", "3"),
      List.of("OBJECT", "ENCODING", "c"),
      List.of("SUNIONSTORE", "c2", "c"),
      List.of("OBJECT", "ENCODING", "c2"),
      List.of("SINTERSTORE", "c3", "c", "c"),
      List.of("OBJECT", "ENCODING", "c3"),
      List.of("CONFIG", "SET", "set-max-intset-entries", "512"),
      sadd("big", "", 600),
      List.of("OBJECT", "ENCODING", "big"),
      List.of("SCARD", "big"),
      sadd("big2", "", 300),
      List.of("OBJECT", "ENCODING", "big2"),
      List.of("SINTERCARD", "2", "big", "big2"),
      List.of("SINTERCARD", "2", "big", "big2", "LIMIT", "7"),
      List.of("SINTERSTORE", "i", "big", "big2"),
      List.of("OBJECT", "ENCODING", "i"),
      List.of("SINTER", "big2", "big"),
      List.of("SDIFFSTORE", "i", "big", "big2"),
      List.of("OBJECT", "ENCODING", "i"),
      sorted("SDIFF", List.of("big", "big2")),
      sorted("SRANDMEMBER", List.of("big2"), "1000"),
      size("SRANDMEMBER", "big", "100"),
      size("SRANDMEMBER", "big", "-1000"),
      sadd("words", "w", 40),
      sorted("SINTER", List.of("words", "big")),
      sorted("SUNION", List.of("words", "t")),
      sorted("SRANDMEMBER", List.of("words"), "40"),
      size("SPOP", "words", "30"),
      List.of("SCARD", "words"),
      List.of("TYPE", "t"),
      List.of("EXISTS", "t", "missing", "t"),
      List.of("SCAN", "0", "TYPE", "set", "MATCH", "t*", "COUNT", "1000"),
      List.of("COPY", "t", "t2"),
      List.of("COPY", "t", "t2"),
      List.of("SADD", "t2", "copied"),
      List.of("SCARD", "t"),
      List.of("SCARD", "t2"),
      List.of("COPY", "dd", "dd2"),
      List.of("SMEMBERS", "dd2"),
      List.of("OBJECT", "ENCODING", "dd2"),
      List.of("COPY", "t", "str", "REPLACE"),
      List.of("TYPE", "str"),
      List.of("RENAME", "t2", "t3"),
      List.of("TYPE", "t2"),
      List.of("SISMEMBER", "t3", "copied"),
      List.of("MOVE", "t3", "1"),
      List.of("SELECT", "1"),
      List.of("SISMEMBER", "t3", "copied"),
      List.of("SELECT", "0"),
      List.of("EXPIRE", "dd", "100"),
      List.of("TTL", "dd"),
      List.of("SADD", "dd", "more"),
      List.of("TTL", "dd"),
      List.of("SET", "dd", "overwritten"),
      List.of("TYPE", "dd"),
      List.of("DEL", "u", "str"),
      List.of("MULTI"),
      List.of("SADD", "m1", "1", "2", "3"),
      List.of("SADD", "m2", "2", "3", "4"),
      List.of("SINTERSTORE", "m3", "m1", "m2"),
      List.of("SMOVE", "m1", "m2", "1"),
      List.of("SMEMBERS", "m2"),
      List.of("SINTERCARD", "2", "m1", "m2"),
      List.of("EXEC"),
      List.of("EVAL", "return redis.call('sinterstore', KEYS[1], KEYS[2], KEYS[3])", "3", "m4", "m2", "m3"),
      List.of("EVAL", "return redis.call('smembers', KEYS[1])", "1", "m4"),
      List.of("EVAL", "return redis.call('sismember', KEYS[1], ARGV[1])", "1", "m4", "2"),
      List.of("EVAL", "return redis.call('spop', KEYS[1], 0)", "1", "m4"),
      List.of("DBSIZE"));

  /** The shapes RESP3 gives set replies: a set for SMEMBERS, SINTER, SUNION, SDIFF and SPOP with a count. */
  private static final List<List<String>> RESP3_REQUESTS = List.of(
      List.of("SADD", "s", "3", "1", "2"),
      List.of("SMEMBERS", "s"),
      List.of("SMEMBERS", "missing"),
      List.of("SINTER", "s", "s"),
      List.of("SINTER", "s", "missing"),
      List.of("SUNION", "s", "missing"),
      List.of("SDIFF", "s", "missing"),
      List.of("SDIFF", "missing", "s"),
      List.of("SPOP", "missing"),
      List.of("SPOP", "missing", "2"),
      List.of("SPOP", "s", "0"),
      List.of("SRANDMEMBER", "missing"),
      List.of("SRANDMEMBER", "missing", "2"),
      List.of("SRANDMEMBER", "s", "5"),
      List.of("SMISMEMBER", "s", "1", "9"),
      List.of("SSCAN", "s", "0"),
      List.of("SINTERCARD", "1", "s"),
      List.of("SPOP", "s", "5"),
      List.of("EXISTS", "s"),
      List.of("SADD", "s", "3", "1", "2"),
      List.of("EVAL", "redis.setresp(3) return redis.call('smembers', KEYS[1])", "1", "s"),
      List.of("EVAL", "redis.setresp(3) return redis.call('spop', KEYS[1], 0)", "1", "s"),
      List.of("EVAL", "redis.setresp(3) local s = redis.call('smembers', KEYS[1]) return s['set']['2']", "1", "s"));

  @TempDir
  Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  private void assertRepliesMatchRedis(List<List<String>> requests, boolean quits) throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20)) {
      RedisParityIT.assertRepliesMatch(redis.socket(), server, requests, quits);
    }
  }

  @Test
  void setCommandsAndTheirErrorsMatchRedisByteForByte() throws Exception {
    assertRepliesMatchRedis(REQUESTS, false);
  }

  @Test
  void setRepliesInRespThreeMatchRedisByteForByte() throws Exception {
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("HELLO", "3"));
    requests.addAll(RESP3_REQUESTS);
    requests.add(List.of("QUIT"));
    assertRepliesMatchRedis(requests, true);
  }
}
