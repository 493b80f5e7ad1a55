package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyspace notifications ({@code notify-keyspace-events}) against a real {@code redis-server} (as
 * {@link PubSubParityIT}): on each server a subscriber listens on {@code __key*__:*} and a writer sends the same
 * writes, of every command group; after each write a third client publishes a marker on a channel the pattern matches,
 * and what the subscriber was pushed up to the marker (every event of the write, in order) and the writer's reply
 * must be the same bytes on both, in RESP2 and RESP3. Expiry, which comes from no write, is checked apart. Skipped
 * where {@code redis-server} is not installed.
 */
@Timeout(120)
class KeyspaceEventsParityIT {
  private static final String MARKER_CHANNEL = "__keyspace@0__:marker";

  private static List<String> w(String... request) {
    return List.of(request);
  }

  /** The writes, each compared with its reply and the events it published. */
  private static final List<List<String>> WRITES = List.of(
      // The setting: Redis's letters, its normalisation and its error.
      w("CONFIG", "SET", "notify-keyspace-events", "gKE"),
      w("CONFIG", "GET", "notify-keyspace-events"),
      w("CONFIG", "SET", "notify-keyspace-events", "$lshzxeKE"),
      w("CONFIG", "GET", "notify-keyspace-events"),
      w("CONFIG", "SET", "notify-keyspace-events", "KA"),
      w("CONFIG", "GET", "notify-keyspace-events"),
      w("CONFIG", "SET", "notify-keyspace-events", "EAnm"),
      w("CONFIG", "GET", "notify-keyspace-events"),
      w("CONFIG", "SET", "notify-keyspace-events", "Kq"),
      w("CONFIG", "GET", "notify-keyspace-events"),
      w("CONFIG", "SET", "notify-keyspace-events", ""),
      w("CONFIG", "GET", "notify-keyspace-events"),
      w("SET", "quiet", "nothing published"),
      w("CONFIG", "SET", "notify-keyspace-events", "Kl"),
      w("SET", "masked", "v"),
      w("LPUSH", "keyspace-only", "a"),
      w("CONFIG", "SET", "notify-keyspace-events", "El"),
      w("LPUSH", "keyevent-only", "a"),
      w("CONFIG", "SET", "notify-keyspace-events", "KEA"),
      // Strings.
      w("SET", "s", "v"),
      w("SET", "s", "v", "EX", "100"),
      w("SET", "s", "v", "NX"),
      w("SET", "s", "w", "XX", "GET"),
      w("SET", "s2", "v", "NX", "GET"),
      w("SET", "s2", "v", "XX", "KEEPTTL"),
      w("SET", "s3", "v", "XX"),
      w("SET", "s3", "v", "EX", "0"),
      w("SETNX", "s", "v"),
      w("SETNX", "s4", "v"),
      w("SETEX", "s4", "10", "v"),
      w("PSETEX", "s4", "100000", "v"),
      w("GETSET", "s4", "v2"),
      w("GETDEL", "s4"),
      w("GETDEL", "s4"),
      w("MSET", "a", "1", "b", "2"),
      w("MSETNX", "c", "1", "d", "2"),
      w("MSETNX", "c", "1", "e", "2"),
      w("APPEND", "a", "x"),
      w("SETRANGE", "a", "1", "yy"),
      w("SETRANGE", "a", "1", ""),
      w("INCR", "n"),
      w("DECR", "n"),
      w("INCRBY", "n", "5"),
      w("DECRBY", "n", "2"),
      w("INCRBYFLOAT", "n", "1.5"),
      w("INCR", "a"),
      w("SETBIT", "bits", "7", "1"),
      w("SETBIT", "bits", "7", "1"),
      w("SETBIT", "bits", "7", "0"),
      w("GETEX", "b", "EX", "100"),
      w("GETEX", "b", "PERSIST"),
      w("GETEX", "b", "PERSIST"),
      w("GETEX", "b"),
      w("GETEX", "b", "PXAT", "1"),
      // Generic.
      w("DEL", "a", "missing", "c"),
      w("UNLINK", "d", "missing"),
      w("EXPIRE", "n", "100"),
      w("EXPIRE", "n", "100", "NX"),
      w("PEXPIRE", "n", "200000", "GT"),
      w("PERSIST", "n"),
      w("PERSIST", "n"),
      w("PEXPIREAT", "n", "1"),
      w("EXPIRE", "missing", "10"),
      w("SET", "r", "v"),
      w("RENAME", "r", "r2"),
      w("RENAME", "r2", "r2"),
      w("RENAMENX", "r2", "s"),
      w("RENAMENX", "r2", "r3"),
      w("COPY", "r3", "r4"),
      w("COPY", "r3", "r4"),
      w("COPY", "r3", "r4", "REPLACE"),
      w("COPY", "r3", "r4", "DB", "1"),
      w("MOVE", "r4", "1"),
      w("MOVE", "r3", "2"),
      w("SELECT", "1"),
      w("SET", "in-db-1", "v"),
      w("DEL", "r4", "in-db-1"),
      w("SELECT", "0"),
      // Lists.
      w("LPUSH", "l", "a", "b"),
      w("RPUSH", "l", "c"),
      w("LPUSHX", "nolist", "a"),
      w("RPUSHX", "l", "d"),
      w("LPOP", "l"),
      w("RPOP", "l", "2"),
      w("LPOP", "l", "0"),
      w("LSET", "l", "0", "z"),
      w("LINSERT", "l", "BEFORE", "z", "y"),
      w("LINSERT", "l", "BEFORE", "nope", "q"),
      w("LREM", "l", "1", "y"),
      w("LREM", "l", "1", "nope"),
      w("LTRIM", "l", "0", "0"),
      w("LTRIM", "l", "1", "0"),
      w("LTRIM", "l", "1", "0"),
      w("RPUSH", "l", "a", "b", "c"),
      w("LMOVE", "l", "l2", "LEFT", "RIGHT"),
      w("RPOPLPUSH", "l", "l2"),
      w("LMOVE", "l", "l", "LEFT", "RIGHT"),
      w("LMPOP", "2", "nolist", "l", "LEFT", "COUNT", "5"),
      w("BLPOP", "l2", "0"),
      w("BLMOVE", "l2", "l", "LEFT", "LEFT", "0"),
      w("BRPOP", "l", "0"),
      w("RPUSH", "l", "x"),
      w("BLMPOP", "0", "1", "l", "RIGHT"),
      // Hashes.
      w("HSET", "h", "f", "v", "g", "w"),
      w("HSETNX", "h", "f", "x"),
      w("HSETNX", "h", "n", "v"),
      w("HMSET", "h", "c", "1", "d", "2"),
      w("HINCRBY", "h", "c", "1"),
      w("HINCRBYFLOAT", "h", "d", "1.5"),
      w("HINCRBY", "h", "f", "1"),
      w("HDEL", "h", "f", "nope"),
      w("HDEL", "h", "nope"),
      w("HDEL", "h", "g", "n", "c", "d"),
      // Sets.
      w("SADD", "s5", "a", "b"),
      w("SADD", "s5", "a"),
      w("SREM", "s5", "x"),
      w("SREM", "s5", "a"),
      w("SPOP", "s5"),
      w("SADD", "s5", "a"),
      w("SPOP", "s5", "0"),
      w("SPOP", "s5", "5"),
      w("SADD", "s5", "r"),
      w("SADD", "s6", "x"),
      w("SMOVE", "s5", "s6", "nope"),
      w("SADD", "s5", "x"),
      w("SMOVE", "s5", "s6", "x"),
      w("SMOVE", "s6", "s7", "x"),
      w("SADD", "s8", "x", "y"),
      w("SINTERSTORE", "s9", "s7", "s8"),
      w("SUNIONSTORE", "s9", "s7", "s8"),
      w("SDIFFSTORE", "s9", "s8", "s7"),
      w("SINTERSTORE", "s9", "s7", "nothing"),
      w("SINTERSTORE", "s9", "s7", "nothing"),
      w("SUNIONSTORE", "s", "nothing"),
      // Sorted sets.
      w("ZADD", "z", "1", "a", "2", "b"),
      w("ZADD", "z", "1", "a"),
      w("ZADD", "z", "XX", "CH", "5", "a"),
      w("ZADD", "z", "NX", "5", "a"),
      w("ZINCRBY", "z", "1", "a"),
      w("ZINCRBY", "z", "0", "a"),
      w("ZADD", "z", "INCR", "1", "b"),
      w("ZREM", "z", "nope"),
      w("ZREM", "z", "a"),
      w("ZPOPMIN", "z"),
      w("ZPOPMIN", "z"),
      w("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"),
      w("ZPOPMAX", "z", "2"),
      w("ZREMRANGEBYSCORE", "z", "5", "10"),
      w("ZREMRANGEBYSCORE", "z", "0", "1"),
      w("ZREMRANGEBYRANK", "z", "0", "-1"),
      w("ZADD", "z", "0", "a", "0", "b", "0", "c"),
      w("ZREMRANGEBYLEX", "z", "[a", "[a"),
      w("ZUNIONSTORE", "zu", "2", "z", "nothing"),
      w("ZINTERSTORE", "zi", "1", "nothing"),
      w("ZINTERSTORE", "zu", "1", "nothing"),
      w("ZDIFFSTORE", "zd", "1", "z"),
      w("ZRANGESTORE", "zr", "z", "0", "-1"),
      w("ZMPOP", "1", "z", "MIN"),
      w("BZPOPMAX", "z", "0"),
      w("ZADD", "z", "1", "a"),
      w("BZMPOP", "0", "1", "z", "MAX", "COUNT", "3"),
      // Geo and sort.
      w("GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"),
      w("GEOADD", "g", "13.361389", "38.115556", "Palermo"),
      w("GEOSEARCHSTORE", "gs", "g", "FROMLONLAT", "15", "37", "BYRADIUS", "200", "km", "ASC"),
      w("GEORADIUS", "g", "15", "37", "200", "km", "STORE", "gr"),
      w("GEOSEARCHSTORE", "gs", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"),
      w("RPUSH", "sl", "3", "1", "2"),
      w("SORT", "sl", "STORE", "sorted"),
      w("SORT", "nolist", "STORE", "sorted"),
      w("SORT", "nolist", "STORE", "sorted"),
      // Transactions and scripts notify as they write, in order.
      w("MULTI"),
      w("SET", "t", "1"),
      w("INCR", "t"),
      w("LPUSH", "tl", "a"),
      w("DEL", "t", "tl"),
      w("EXEC"),
      w("EVAL", "redis.call('set', KEYS[1], 'x'); redis.call('expire', KEYS[1], 100); "
          + "return redis.call('del', KEYS[1])", "1", "ev"),
      // Flushes publish nothing per key; wrong types and errors nothing at all.
      w("SET", "wrong", "v"),
      w("LPUSH", "wrong", "a"),
      w("HSET", "wrong", "f", "v"),
      w("FLUSHDB"),
      w("FLUSHALL"));

  @TempDir
  Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void everyWritesEventsMatchRedisByteForByteInRespTwo() throws Exception {
    assertEventsMatchRedis(false);
  }

  @Test
  void everyWritesEventsMatchRedisByteForByteInRespThree() throws Exception {
    assertEventsMatchRedis(true);
  }

  /**
   * A RESP3 connection subscribed to its own writes' events gets them before each write's reply, as Redis sends
   * those of the commands that publish before they reply ({@code SET}, {@code DEL}, a script's writes); Redis
   * replies first to others ({@code LPUSH}, {@code LPOP}: docs/resp.md, Keyspace notifications).
   */
  @Test
  void aRespThreeWriterSubscribedToItsOwnEventsGetsThemBeforeItsReplies() throws Exception {
    List<List<String>> requests = List.of(w("CONFIG", "SET", "notify-keyspace-events", "KEA"), w("SET", "own", "v"),
        w("DEL", "own", "missing"), w("EVAL", "redis.call('set', KEYS[1], 'x'); return redis.call('del', KEYS[1])",
            "1", "own"));
    List<Integer> replies = List.of(1, 3, 3, 5);
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20)) {
      List<String> expected = new ArrayList<>();
      List<String> actual = new ArrayList<>();
      for (Path socket : List.of(redis.socket(), server.unixPath())) {
        try (LineClient client = LineClient.connect(UnixDomainSocketAddress.of(socket))) {
          request(client, "HELLO", "3");
          request(client, "PSUBSCRIBE", "__key*__:*");
          for (int i = 0; i < requests.size(); i++) {
            StringBuilder read = new StringBuilder(request(client, requests.get(i).toArray(String[]::new)));
            for (int more = 1; more < replies.get(i); more++) {
              read.append(RespIT.readReply(client));
            }
            (socket.equals(redis.socket()) ? expected : actual).add(read.toString());
          }
        }
      }
      assertEquals(expected, actual);
    }
  }

  @Test
  void aKeyThatExpiresIsPublishedAsExpiredByBoth() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20)) {
      for (Path socket : List.of(redis.socket(), server.unixPath())) {
        try (LineClient subscriber = LineClient.connect(UnixDomainSocketAddress.of(socket));
            LineClient writer = LineClient.connect(UnixDomainSocketAddress.of(socket))) {
          request(writer, "CONFIG", "SET", "notify-keyspace-events", "Ex");
          subscriber.send(RespIT.resp("PSUBSCRIBE", "*"));
          RespIT.readReply(subscriber);
          request(writer, "PSETEX", "foo", "100", "1");
          // Nobody reads it: the background sweep (Redis's active expiry) finds it.
          assertEquals(new String(RespIT.resp("pmessage", "*", "__keyevent@0__:expired", "foo"), UTF_8),
              RespIT.readReply(subscriber), socket.toString());
        }
      }
    }
  }

  private void assertEventsMatchRedis(boolean resp3) throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20)) {
      List<String> expected = events(UnixDomainSocketAddress.of(redis.socket()), resp3);
      List<String> actual = events(UnixDomainSocketAddress.of(server.unixPath()), resp3);
      for (int i = 0; i < WRITES.size(); i++) {
        assertEquals(expected.get(i), actual.get(i), String.join(" ", WRITES.get(i)));
      }
    }
  }

  /** Each write's reply and the events it published, on the server at {@code address}. */
  private static List<String> events(SocketAddress address, boolean resp3) throws Exception {
    List<String> events = new ArrayList<>();
    try (LineClient subscriber = LineClient.connect(address);
        LineClient writer = LineClient.connect(address);
        LineClient marker = LineClient.connect(address)) {
      if (resp3) {
        request(subscriber, "HELLO", "3");
        request(writer, "HELLO", "3");
      }
      subscriber.send(RespIT.resp("PSUBSCRIBE", "__key*__:*"));
      RespIT.readReply(subscriber);
      for (List<String> write : WRITES) {
        StringBuilder seen = new StringBuilder("reply: ").append(request(writer, write.toArray(String[]::new)));
        request(marker, "PUBLISH", MARKER_CHANNEL, "end"); // not the writer's: it may be in MULTI
        for (String pushed = RespIT.readReply(subscriber); !pushed.contains(MARKER_CHANNEL);
            pushed = RespIT.readReply(subscriber)) {
          seen.append("event: ").append(pushed);
        }
        events.add(seen.toString());
      }
    }
    return events;
  }

  private static String request(LineClient client, String... request) throws Exception {
    client.send(RespIT.resp(request));
    return RespIT.readReply(client);
  }
}
