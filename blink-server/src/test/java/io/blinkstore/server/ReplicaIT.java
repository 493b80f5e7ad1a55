package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.blinkstore.BlinkStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blink Store as a replica (issue 23, {@code REPLICAOF host port}) of a real {@code redis-server} started here on an
 * ephemeral port, and of another Blink Store: data of every type, in every encoding Redis writes (small and large
 * lists, hashes, sets of integers and of strings, sorted sets), with expiries, in several databases, written before
 * the link (the full sync's RDB) and after it (the stream), read back from the replica equal to the primary's, key by
 * key, expiries to the millisecond; {@code WAIT} on the primary counts the replica (its {@code REPLCONF ACK}s). The
 * primary stopped: {@code master_link_status:down}, {@code -MASTERDOWN} with {@code replica-serve-stale-data no};
 * a new primary on the same port: the replica syncs again to its data. {@code REPLICAOF NO ONE} keeps the data and
 * takes writes. The conditions waited for are polled within the test's timeout, never timed.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReplicaIT {
  @TempDir Path dir;

  static String call(LineClient client, String... args) throws Exception {
    client.send(RespIT.resp(args));
    return RespIT.readReply(client);
  }

  /** The bulk strings of an array reply (none with a line break), in order. */
  static List<String> values(String reply) {
    String[] lines = reply.split("\r\n");
    List<String> values = new ArrayList<>();
    for (int i = 1; i + 1 < lines.length; i += 2) {
      values.add(lines[i + 1]);
    }
    return values;
  }

  /** {@code INFO replication}'s text: a bulk string of many lines, read whole. */
  static String info(LineClient client) throws Exception {
    return info(client, "replication");
  }

  /** {@code INFO section}'s text, read whole. */
  static String info(LineClient client, String section) throws Exception {
    client.send(RespIT.resp("INFO", section));
    String header = client.readLine();
    long length = Long.parseLong(header.substring(1).strip()) + 2;
    StringBuilder text = new StringBuilder();
    while (text.length() < length) {
      text.append(client.readLine()).append('\n'); // each line as read, its CR kept
    }
    return text.toString();
  }

  /** Polls {@code INFO replication} until it has {@code line}. */
  static void awaitInfo(LineClient client, String line) throws Exception {
    while (!info(client).contains(line + "\r\n")) {
      Thread.sleep(20);
    }
  }

  /** Writes keys of every type and encoding, some expiring, in databases 0, 3 and {@code extraDb}. */
  static void fill(LineClient primary, String prefix, int extraDb) throws Exception {
    for (int db : new int[] {0, 3, extraDb}) {
      call(primary, "SELECT", Integer.toString(db));
      call(primary, "SET", prefix + "s", "text" + db);
      call(primary, "SET", prefix + "n", "12345");
      call(primary, "SET", prefix + "exp", "soon", "PX", "500000");
      call(primary, "RPUSH", prefix + "l", "a", "b", "7");
      call(primary, "HSET", prefix + "h", "f", "v", "g", "w");
      call(primary, "SADD", prefix + "si", "1", "2", "3");
      call(primary, "SADD", prefix + "ss", "x", "y");
      call(primary, "ZADD", prefix + "z", "1.5", "a", "-2", "b");
      List<String> many = new ArrayList<>(List.of("RPUSH", prefix + "bigl"));
      List<String> fields = new ArrayList<>(List.of("HSET", prefix + "bigh"));
      List<String> members = new ArrayList<>(List.of("SADD", prefix + "bigs"));
      List<String> scored = new ArrayList<>(List.of("ZADD", prefix + "bigz"));
      for (int i = 0; i < 700; i++) {
        many.add("element-" + i);
        fields.addAll(List.of("field-" + i, "value-" + i));
        members.add("member-" + i);
        scored.addAll(List.of(Integer.toString(i), "m" + i));
      }
      call(primary, many.toArray(String[]::new));
      call(primary, fields.toArray(String[]::new));
      call(primary, members.toArray(String[]::new));
      call(primary, scored.toArray(String[]::new));
      call(primary, "PEXPIRE", prefix + "bigh", "400000");
    }
    call(primary, "SELECT", "0");
  }

  /** Asserts every key of databases 0 to 15 of {@code primary} is on {@code replica} with the same value and expiry. */
  static void assertSameData(LineClient primary, LineClient replica) throws Exception {
    for (int db = 0; db < 16; db++) {
      call(primary, "SELECT", Integer.toString(db));
      call(replica, "SELECT", Integer.toString(db));
      List<String> keys = values(call(primary, "KEYS", "*"));
      List<String> replicaKeys = values(call(replica, "KEYS", "*"));
      keys.sort(null);
      replicaKeys.sort(null);
      assertEquals(keys, replicaKeys, "the keys of database " + db);
      for (String key : keys) {
        String type = call(primary, "TYPE", key);
        assertEquals(type, call(replica, "TYPE", key), key);
        assertEquals(call(primary, "PEXPIRETIME", key), call(replica, "PEXPIRETIME", key), key);
        assertEquals(read(primary, key, type), read(replica, key, type), key);
      }
    }
    call(primary, "SELECT", "0");
    call(replica, "SELECT", "0");
  }

  private static List<String> read(LineClient client, String key, String type) throws Exception {
    return switch (type.trim()) {
      case "+string" -> List.of(call(client, "GET", key));
      case "+list" -> values(call(client, "LRANGE", key, "0", "-1"));
      case "+zset" -> values(call(client, "ZRANGE", key, "0", "-1", "WITHSCORES"));
      case "+set" -> sorted(values(call(client, "SMEMBERS", key)));
      case "+hash" -> {
        List<String> pairs = values(call(client, "HGETALL", key));
        List<String> joined = new ArrayList<>();
        for (int i = 0; i + 1 < pairs.size(); i += 2) {
          joined.add(pairs.get(i) + "=" + pairs.get(i + 1));
        }
        yield sorted(joined);
      }
      default -> throw new AssertionError("a type not written here: " + type);
    };
  }

  private static List<String> sorted(List<String> values) {
    values.sort(null);
    return values;
  }

  @Test
  void followsARedisPrimaryThroughSyncStreamOutageAndANewPrimary() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    RedisServerProcess redis = RedisServerProcess.start(dir, "--repl-diskless-sync-delay", "0");
    int port = redis.address().getPort();
    try (BlinkStore store = BlinkStore.builder().build(); BlinkServer server = TestServers.onLoopback(store);
        LineClient replica = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()))) {
      try (LineClient primary = LineClient.tcp(redis.address())) {
        fill(primary, "before:", 5);
        assertEquals("+OK\r\n", call(replica, "REPLICAOF", "127.0.0.1", Integer.toString(port)));
        assertEquals("+OK Already connected to specified master\r\n",
            call(replica, "REPLICAOF", "127.0.0.1", Integer.toString(port)));
        awaitInfo(replica, "master_link_status:up");
        fill(primary, "after:", 9);
        call(primary, "DEL", "before:s");
        call(primary, "MULTI");
        call(primary, "INCR", "before:n");
        call(primary, "LPOP", "before:l");
        call(primary, "EXEC");
        assertEquals(":1\r\n", call(primary, "WAIT", "1", "0"), "the replica's ACK of everything written");
        assertSameData(primary, replica);
        assertTrue(call(replica, "ROLE").startsWith("*5\r\n$5\r\nslave\r\n$9\r\n127.0.0.1\r\n:" + port
            + "\r\n$9\r\nconnected\r\n:"));
        assertEquals("-READONLY You can't write against a read only replica.\r\n", call(replica, "SET", "x", "1"));
      }
      redis.close();
      awaitInfo(replica, "master_link_status:down");
      assertTrue(info(replica).contains("master_link_down_since_seconds:"));
      assertEquals("$5\r\ntext0\r\n", call(replica, "GET", "after:s"), "stale data is served by default");
      call(replica, "CONFIG", "SET", "replica-serve-stale-data", "no");
      assertEquals("-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.\r\n",
          call(replica, "GET", "after:s"));
      redis = RedisServerProcess.start(dir, "--repl-diskless-sync-delay", "0", "--port", Integer.toString(port));
      // the --port given last is the one redis-server listens on, not the one it was started with
      try (LineClient primary = LineClient.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
        call(primary, "SET", "new", "primary");
        awaitInfo(replica, "master_link_status:up");
        assertEquals(":1\r\n", call(primary, "WAIT", "1", "0"));
        assertSameData(primary, replica);
        assertEquals(":0\r\n", call(replica, "EXISTS", "after:s"), "the old data is gone after the new sync");
      }
      assertEquals("+OK\r\n", call(replica, "REPLICAOF", "NO", "ONE"));
      assertEquals("$7\r\nprimary\r\n", call(replica, "GET", "new"), "REPLICAOF NO ONE keeps the data");
      assertEquals("+OK\r\n", call(replica, "SET", "x", "1"));
      assertTrue(info(replica).contains("role:master\r\n"));
    } finally {
      redis.close();
    }
  }

  @Test
  void followsAnotherBlinkStore() throws Exception {
    try (BlinkStore primaryStore = BlinkStore.builder().build();
        BlinkServer primaryServer = TestServers.onLoopback(primaryStore);
        BlinkStore store = BlinkStore.builder().build(); BlinkServer server = TestServers.onLoopback(store);
        LineClient primary = LineClient.tcp(Objects.requireNonNull(primaryServer.tcpAddress()));
        LineClient replica = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()))) {
      fill(primary, "before:", 5);
      int port = Objects.requireNonNull(primaryServer.tcpAddress()).getPort();
      assertEquals("+OK\r\n", call(replica, "REPLICAOF", "127.0.0.1", Integer.toString(port)));
      awaitInfo(replica, "master_link_status:up");
      fill(primary, "after:", 9);
      call(primary, "DEL", "before:s");
      assertEquals(":1\r\n", call(primary, "WAIT", "1", "0"));
      assertSameData(primary, replica);
      assertTrue(info(primary).contains("connected_slaves:1\r\n"));
      assertEquals("+OK\r\n", call(replica, "REPLICAOF", "NO", "ONE"));
      assertEquals("$5\r\ntext0\r\n", call(replica, "GET", "after:s"));
    }
  }

  /**
   * A full sync's load publishes no keyspace event per key (Redis's replica loads with {@code rdbLoad}, which publishes
   * none), while the stream's writes after it publish theirs, as on Redis's replica (REV5: a {@code restore} per key
   * loaded came first). The marker published on the replica once its keys are in is its subscriber's first message.
   */
  @Test
  void aFullSyncPublishesNoEventPerKeyLoadedAndTheStreamPublishesItsWrites() throws Exception {
    try (BlinkStore primaryStore = BlinkStore.builder().build();
        BlinkServer primaryServer = TestServers.onLoopback(primaryStore);
        BlinkStore store = BlinkStore.builder().build(); BlinkServer server = TestServers.onLoopback(store);
        LineClient primary = LineClient.tcp(Objects.requireNonNull(primaryServer.tcpAddress()));
        LineClient replica = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()));
        LineClient subscriber = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()))) {
      for (int i = 0; i < 100; i++) {
        assertEquals("+OK\r\n", call(primary, "SET", "key:" + i, "v"));
      }
      assertEquals("+OK\r\n", call(replica, "CONFIG", "SET", "notify-keyspace-events", "KEA"));
      call(subscriber, "PSUBSCRIBE", "*");
      int port = Objects.requireNonNull(primaryServer.tcpAddress()).getPort();
      assertEquals("+OK\r\n", call(replica, "REPLICAOF", "127.0.0.1", Integer.toString(port)));
      awaitInfo(replica, "master_link_status:up");
      assertEquals(":100\r\n", call(replica, "DBSIZE"));
      call(replica, "PUBLISH", "marker", "synced");
      assertEquals(new String(RespIT.resp("pmessage", "*", "marker", "synced"), UTF_8),
          RespIT.readReply(subscriber), "the replica's first message after a full sync of 100 keys");
      assertEquals("+OK\r\n", call(primary, "SET", "streamed", "v"));
      assertEquals(new String(RespIT.resp("pmessage", "*", "__keyspace@0__:streamed", "set"), UTF_8),
          RespIT.readReply(subscriber), "a write of the stream publishes its event");
    }
  }

  /**
   * The primary's writes (the full sync's load and the stream) run whatever the replica's ACL says of its default
   * user, as Redis's master client runs with no user: a replica that refused them would drift from its primary.
   */
  @Test
  void followsItsPrimaryWhateverTheDefaultUserMayDo() throws Exception {
    try (BlinkStore primaryStore = BlinkStore.builder().build();
        BlinkServer primaryServer = TestServers.onLoopback(primaryStore);
        BlinkStore store = BlinkStore.builder().build(); BlinkServer server = TestServers.onLoopback(store);
        LineClient primary = LineClient.tcp(Objects.requireNonNull(primaryServer.tcpAddress()));
        LineClient replica = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()))) {
      assertEquals("+OK\r\n", call(replica, "ACL", "SETUSER", "admin", "on", ">pw", "+@all", "~*", "&*"));
      assertEquals("+OK\r\n", call(replica, "AUTH", "admin", "pw"));
      assertEquals("+OK\r\n", call(replica, "ACL", "SETUSER", "default", "-@all", "resetkeys"));
      fill(primary, "before:", 5);
      int port = Objects.requireNonNull(primaryServer.tcpAddress()).getPort();
      assertEquals("+OK\r\n", call(replica, "REPLICAOF", "127.0.0.1", Integer.toString(port)));
      awaitInfo(replica, "master_link_status:up");
      fill(primary, "after:", 9);
      assertEquals(":1\r\n", call(primary, "WAIT", "1", "0"));
      assertSameData(primary, replica);
    }
  }
}
