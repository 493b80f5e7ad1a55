package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis 7.0's sorted-set commands, the blocking ones where they do not block (a member is there, or inside
 * {@code MULTI}), sent to our server and to a real {@code redis-server} (started here on a Unix socket) get
 * byte-for-byte the same replies, in RESP2 and in RESP3: scores as Redis prints them ({@code %.17g}, {@code inf},
 * doubles in RESP3), {@code WITHSCORES} flat or in pairs, every option of {@code ZADD} and {@code ZRANGE}, score and
 * lexicographic bounds, the set algebra with weights and aggregates, pops, errors and their order, {@code WRONGTYPE}
 * both ways, and scripts' conversion of the replies. {@code ZRANDMEMBER} only where its answer is certain (one
 * member). Skipped where {@code redis-server} is not installed.
 */
@Timeout(60)
class SortedSetParityIT {
  private static final List<List<String>> REQUESTS = List.of(
      List.of("ZADD", "z", "1", "a", "2", "b", "3.5", "c"),
      List.of("ZRANGE", "z", "0", "-1", "WITHSCORES"),
      List.of("ZRANGE", "z", "0", "-1"),
      List.of("ZREVRANGE", "z", "0", "1", "WITHSCORES"),
      List.of("ZPOPMIN", "z"),
      List.of("ZPOPMIN", "z", "1"),
      List.of("ZMPOP", "1", "z", "MIN", "COUNT", "1"),
      List.of("ZADD", "z", "1", "a", "2", "b", "3", "c"),
      List.of("BZPOPMIN", "z", "0"),
      List.of("BZMPOP", "0", "1", "z", "MAX"),
      List.of("ZSCAN", "z", "0"),
      List.of("ZSCORE", "z", "b"),
      List.of("ZSCORE", "z", "x"),
      List.of("ZMSCORE", "z", "b", "x"),
      List.of("ZADD", "z", "INCR", "1", "b"),
      List.of("ZADD", "z", "NX", "INCR", "1", "b"),
      List.of("ZINCRBY", "z", "1.1", "b"),
      List.of("ZRANK", "z", "b"),
      List.of("ZREVRANK", "z", "b"),
      List.of("ZPOPMAX", "z", "5"),
      List.of("ZPOPMAX", "z"),
      List.of("ZPOPMAX", "z", "0"),
      List.of("ZPOPMAX", "z", "-1"),
      List.of("ZPOPMAX", "nokey", "2"),
      List.of("ZMPOP", "1", "nokey", "MIN"),
      List.of("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e"),
      List.of("ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"),
      List.of("ZRANGEBYSCORE", "z", "(1", "3", "LIMIT", "1", "1"),
      List.of("ZREVRANGEBYSCORE", "z", "+inf", "-inf", "LIMIT", "1", "2", "WITHSCORES"),
      List.of("ZRANGE", "z", "(1", "5", "BYSCORE", "REV"),
      List.of("ZRANGE", "z", "5", "(1", "BYSCORE", "REV", "LIMIT", "0", "2"),
      List.of("ZRANGE", "z", "0", "-1", "LIMIT", "1", "2"),
      List.of("ZRANGE", "z", "[a", "[c", "BYLEX", "WITHSCORES"),
      List.of("ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d"),
      List.of("ZRANGEBYLEX", "l", "-", "+"),
      List.of("ZRANGEBYLEX", "l", "[b", "(d"),
      List.of("ZREVRANGEBYLEX", "l", "+", "-"),
      List.of("ZREVRANGEBYLEX", "l", "(d", "[a", "LIMIT", "1", "1"),
      List.of("ZRANGEBYLEX", "l", "a", "b"),
      List.of("ZLEXCOUNT", "l", "[b", "+"),
      List.of("ZCOUNT", "z", "(1", "3"),
      List.of("ZCOUNT", "z", "x", "3"),
      List.of("ZREMRANGEBYRANK", "z", "0", "0"),
      List.of("ZREMRANGEBYSCORE", "z", "5", "5"),
      List.of("ZREMRANGEBYLEX", "l", "[a", "[b"),
      List.of("ZRANGE", "l", "0", "-1"),
      List.of("ZCARD", "z"),
      List.of("ZCARD", "nokey"),
      List.of("ZADD", "z", "XX", "NX", "1", "a"),
      List.of("ZADD", "z", "GT", "LT", "1", "a"),
      List.of("ZADD", "z", "INCR", "1", "a", "2", "b"),
      List.of("ZADD", "z", "1"),
      List.of("ZADD", "z", "nan", "a"),
      List.of("ZADD", "z", "abc", "a"),
      List.of("ZADD", "z", "CH", "10", "b", "20", "x"),
      List.of("ZADD", "z", "GT", "CH", "1", "b", "30", "c"),
      List.of("SET", "s", "v"),
      List.of("ZADD", "s", "1", "a"),
      List.of("ZRANGE", "s", "0", "-1"),
      List.of("ZRANGESTORE", "dst", "z", "0", "-1"),
      List.of("ZRANGE", "dst", "0", "-1", "WITHSCORES"),
      List.of("ZRANGESTORE", "dst", "nokey", "0", "-1"),
      List.of("EXISTS", "dst"),
      List.of("ZADD", "a", "1", "x", "2", "y"),
      List.of("ZADD", "b", "10", "y", "20", "z"),
      List.of("ZUNION", "2", "a", "b", "WITHSCORES"),
      List.of("ZUNION", "2", "a", "b", "WEIGHTS", "2", "3", "AGGREGATE", "MAX", "WITHSCORES"),
      List.of("ZINTER", "2", "a", "b", "WITHSCORES"),
      List.of("ZINTERSTORE", "out", "2", "a", "b", "AGGREGATE", "MIN"),
      List.of("ZRANGE", "out", "0", "-1", "WITHSCORES"),
      List.of("ZDIFF", "2", "a", "b", "WITHSCORES"),
      List.of("ZDIFFSTORE", "out", "2", "a", "b"),
      List.of("ZINTERCARD", "2", "a", "b"),
      List.of("ZINTERCARD", "2", "a", "b", "LIMIT", "-1"),
      List.of("ZUNION", "0", "a"),
      List.of("ZUNION", "3", "a", "b"),
      List.of("ZUNION", "2", "a", "s"),
      List.of("ZUNIONSTORE", "out", "2", "a", "b", "WEIGHTS", "1"),
      List.of("TYPE", "z"),
      List.of("ZADD", "inf", "+inf", "x", "-inf", "y"),
      List.of("ZRANGE", "inf", "0", "-1", "WITHSCORES"),
      List.of("ZINCRBY", "inf", "-inf", "x"),
      List.of("ZADD", "z", "1.1", "f", "1e300", "g", "0.000001", "h"),
      List.of("ZRANGE", "z", "0", "-1", "WITHSCORES"),
      List.of("ZADD", "z", "1", "a", "2", "b"),
      List.of("ZRANGE", "zc", "0", "-1", "WITHSCORES"),
      List.of("MULTI"),
      List.of("ZADD", "m", "1", "a"),
      List.of("ZRANGE", "m", "0", "-1", "WITHSCORES"),
      List.of("BZPOPMIN", "nokey", "0"),
      List.of("EXEC"),
      List.of("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f"),
      List.of("ZRANDMEMBER", "z", "0"),
      List.of("ZRANDMEMBER", "z", "x"),
      List.of("ZRANDMEMBER", "z", "1", "foo"),
      List.of("ZRANDMEMBER", "nokey"),
      List.of("ZRANDMEMBER", "nokey", "5"),
      List.of("ZSCAN", "z", "0", "MATCH", "[a-c]"),
      List.of("ZSCAN", "z", "0", "COUNT", "0"),
      List.of("ZSCAN", "z", "x"),
      List.of("ZSCAN", "nokey", "0"),
      List.of("SET", "str", "x"),
      List.of("ZSCAN", "str", "0"),
      List.of("ZRANGE", "z", "0", "-1", "BYLEX"),
      List.of("ZRANGE", "z", "a", "b", "BYLEX"),
      List.of("ZRANGE", "z", "0", "-1", "BYSCORE", "BYLEX"),
      List.of("ZRANGE", "z", "0", "-1", "REV", "REV"),
      List.of("ZRANGE", "z", "(1", "(1", "BYSCORE"),
      List.of("ZRANGE", "z", "1", "x", "BYSCORE"),
      List.of("ZRANGE", "z", "0", "-1", "WITHSCORES", "LIMIT", "0", "1"),
      List.of("ZRANGE", "z", "[a", "[b", "BYLEX", "WITHSCORES"),
      List.of("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "2"),
      List.of("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "2", "-1"),
      List.of("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "x", "1"),
      List.of("ZRANGEBYSCORE", "z", "-inf", "+inf", "REV"),
      List.of("ZREMRANGEBYRANK", "z", "-2", "-1"),
      List.of("ZRANGE", "z", "0", "-1"),
      List.of("ZREMRANGEBYRANK", "z", "x", "1"),
      List.of("ZPOPMIN", "z", "1", "2"),
      List.of("ZPOPMIN", "z", "x"),
      List.of("ZMPOP", "0", "z", "MIN"),
      List.of("ZMPOP", "1", "z", "LEFT"),
      List.of("ZMPOP", "1", "z", "MIN", "COUNT", "0"),
      List.of("ZMPOP", "1", "z", "MIN", "COUNT", "1", "COUNT", "1"),
      List.of("ZMPOP", "2", "z", "MIN"),
      List.of("ZMPOP", "2", "str", "z", "MIN"),
      List.of("ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "10"),
      List.of("BZMPOP", "0.01", "1", "nokey", "MIN"),
      List.of("BZPOPMIN", "nokey", "0.01"),
      List.of("BZPOPMIN", "nokey", "x"),
      List.of("BZPOPMIN", "nokey", "-1"),
      List.of("BZPOPMIN", "str", "0"),
      List.of("DBSIZE"),
      List.of("ZUNIONSTORE", "s2", "1", "str"),
      List.of("ZINTERCARD", "1", "z", "LIMIT", "x"),
      List.of("ZINTERCARD", "1", "z", "WITHSCORES"),
      List.of("ZUNION", "1", "z", "WEIGHTS", "x"),
      List.of("ZUNION", "1", "z", "AGGREGATE", "foo"),
      List.of("ZDIFF", "1", "z", "WEIGHTS", "1"),
      List.of("ZUNIONSTORE", "str", "1", "z"),
      List.of("TYPE", "str"),
      List.of("ZUNIONSTORE", "str", "1", "nokey"),
      List.of("EXISTS", "str"),
      List.of("ZADD", "z", "1e400", "a"),
      List.of("ZADD", "z", "1e-400", "a"),
      List.of("ZADD", "z", " 1", "a"),
      List.of("ZADD", "z", "0x10", "hx"),
      List.of("ZSCORE", "z", "hx"),
      List.of("ZCOUNT", "z", " 1", "2"),
      List.of("ZCOUNT", "z", "(", "2"),
      List.of("ZCOUNT", "z", "", "2"),
      List.of("ZADD", "one", "5", "only"),
      List.of("ZRANDMEMBER", "one", "5", "WITHSCORES"),
      List.of("ZRANDMEMBER", "one", "-3"),
      List.of("ZRANDMEMBER", "one"),
      List.of("ZADD", "neg", "0", "a"),
      List.of("ZADD", "neg", "-0", "b"),
      List.of("ZRANGE", "neg", "0", "-1", "WITHSCORES"),
      List.of("ZADD", "ws", "1", "a", "2", "b"),
      List.of("ZINCRBY", "ws", "x", "a"),
      List.of("ZINCRBY", "ws", "1"),
      List.of("ZADD", "ws", "LT", "0", "a", "5", "b"),
      List.of("ZADD", "ws", "GT", "CH", "3", "a", "1", "b"),
      List.of("ZADD", "ws", "XX", "CH", "INCR", "1", "nothere"),
      List.of("ZADD", "ws", "XX", "1", "nothere"),
      List.of("ZRANGE", "ws", "0", "-1", "WITHSCORES"),
      List.of("ZADD", "ws", "NX", "GT", "1", "a"),
      List.of("ZREM", "ws", "a", "b", "c"),
      List.of("EXISTS", "ws"),
      List.of("ZREM", "none", "a"),
      List.of("ZADD", "ii", "inf", "a"),
      List.of("ZINCRBY", "ii", "-inf", "a"),
      List.of("ZSCORE", "ii", "a"),
      List.of("ZADD", "u1", "1", "a", "2", "b", "3", "c"),
      List.of("ZADD", "u2", "1", "b", "2", "c", "3", "d"),
      List.of("ZUNIONSTORE", "u3", "2", "u1", "u2", "WEIGHTS", "1", "-1", "AGGREGATE", "SUM"),
      List.of("ZRANGE", "u3", "0", "-1", "WITHSCORES"),
      List.of("ZINTERSTORE", "u3", "2", "u1", "u2", "WEIGHTS", "2", "inf", "AGGREGATE", "MAX"),
      List.of("ZRANGE", "u3", "0", "-1", "WITHSCORES"),
      List.of("ZINTER", "2", "u1", "u2", "AGGREGATE", "MIN", "WITHSCORES"),
      List.of("ZINTER", "2", "u1", "u1", "WITHSCORES"),
      List.of("ZINTERCARD", "2", "u1", "u2", "LIMIT", "1"),
      List.of("ZINTERCARD", "2", "u1", "u2", "LIMIT", "0"),
      List.of("ZDIFF", "2", "u1", "u2"),
      List.of("ZDIFF", "1", "none"),
      List.of("ZUNION", "2", "u1", "none", "WITHSCORES"),
      List.of("ZRANGESTORE", "r1", "u1", "1", "2", "BYSCORE", "LIMIT", "0", "1"),
      List.of("ZRANGE", "r1", "0", "-1", "WITHSCORES"),
      List.of("ZRANGESTORE", "r1", "u1", "0", "-1", "WITHSCORES"),
      List.of("ZRANGESTORE", "r1", "u1", "[a", "[b", "BYLEX"),
      List.of("ZRANGE", "r1", "0", "-1"),
      List.of("ZRANGE", "u1", "(a", "+", "BYLEX"),
      List.of("ZRANGE", "u1", "+", "-", "BYLEX"),
      List.of("ZRANGE", "u1", "[c", "[a", "BYLEX", "REV", "LIMIT", "0", "2"),
      List.of("ZRANGE", "u1", "-inf", "+inf", "BYSCORE", "WITHSCORES", "REV", "LIMIT", "1", "5"),
      List.of("ZREVRANGE", "u1", "0", "-1", "WITHSCORES"),
      List.of("ZREVRANGE", "u1", "-2", "-1"),
      List.of("ZREVRANGE", "u1", "x", "1"),
      List.of("ZRANGE", "u1", "0"),
      List.of("ZREMRANGEBYLEX", "u1", "x", "y"),
      List.of("ZREMRANGEBYSCORE", "u1", "(1", "x"),
      List.of("ZMSCORE", "u1"),
      List.of("ZMSCORE", "none", "a", "b"),
      List.of("ZRANK", "none", "a"),
      List.of("ZREVRANK", "u1", "none"),
      List.of("BZPOPMAX", "u1", "u2", "0"),
      List.of("BZPOPMIN", "none", "u2", "0"),
      List.of("BZMPOP", "0", "2", "none", "u2", "MAX", "COUNT", "5"),
      List.of("BZMPOP", "x", "1", "u2", "MIN"),
      List.of("BZMPOP", "0", "0", "u2", "MIN"),
      List.of("EXISTS", "u2"),
      List.of("ZADD", "sc", "1.5", "a", "2", "b"),
      List.of("EVAL", "return redis.call('zrange', KEYS[1], 0, -1, 'withscores')", "1", "sc"),
      List.of("EVAL", "return redis.call('zscore', KEYS[1], 'a')", "1", "sc"),
      List.of("EVAL", "return redis.call('zadd', KEYS[1], 'incr', 1, 'a')", "1", "sc"),
      List.of("EVAL", "return redis.call('zpopmin', KEYS[1])", "1", "sc"),
      List.of("EVAL", "return redis.pcall('bzpopmin', KEYS[1], 0)", "1", "sc"));

  @TempDir Path dir;
  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void sortedSetCommandsAndTheirErrorsMatchRedisByteForByte() throws Exception {
    assertRepliesMatchRedis(REQUESTS);
  }

  @Test
  void sortedSetCommandsInRespThreeMatchRedisByteForByte() throws Exception {
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("HELLO", "3"));
    requests.addAll(REQUESTS);
    assertRepliesMatchRedis(requests);
  }

  /** Sends {@code requests} to each server in one write and compares the replies one by one (HELLO's masked). */
  private void assertRepliesMatchRedis(List<List<String>> requests) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    requests.forEach(request -> bytes.writeBytes(RespIT.resp(request.toArray(String[]::new))));
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient ours = LineClient.unix(server.unixPath());
        LineClient theirs = LineClient.unix(redis.socket())) {
      theirs.send(bytes.toByteArray());
      ours.send(bytes.toByteArray());
      for (List<String> request : requests) {
        String expected = RespIT.readReply(theirs);
        String actual = RespIT.readReply(ours);
        if (!request.get(0).equals("HELLO")) {
          assertEquals(expected, actual, String.join(" ", request));
        }
      }
    }
  }
}
