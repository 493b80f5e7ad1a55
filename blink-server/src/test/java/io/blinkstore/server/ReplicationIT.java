package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.blinkstore.BlinkStore;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication stream (issue 23): what the first line {@code SYNC} of Redis's test suite's helper gets (an RDB
 * bulk, then each write as Redis 7.0 propagates it: {@code SELECT}, absolute expiries, {@code MULTI}/{@code EXEC}
 * around several writes only, nothing for a write with no effect), and a real {@code redis-server --replicaof}
 * (started here on an ephemeral port) that loads the full sync and follows every write, of every type, in several
 * databases, through transactions and scripts, blocked pops served by a push, and from several connections at once
 * on the same keys, to the same
 * data, read back key by key with their expiries. A replica that does not read is disconnected at the client-memory
 * bound, and the server goes on.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReplicationIT {
  @TempDir Path dir;

  private BlinkStore store;
  private BlinkServer server;

  @BeforeEach
  void start() {
    store = BlinkStore.builder().build();
    server = TestServers.onLoopback(store);
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  /** A blocking connection: RESP requests out; replies, or the replication stream, parsed to Java values. */
  private static final class Connection implements AutoCloseable {
    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final OutputStream out;

    Connection(InetSocketAddress address) throws IOException {
      socket.connect(address);
      socket.setSoTimeout(20_000);
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      out = socket.getOutputStream();
    }

    @Nullable Object call(String... args) throws IOException {
      out.write(RespIT.resp(args));
      out.flush();
      return read();
    }

    void sendRaw(String bytes) throws IOException {
      out.write(bytes.getBytes(ISO_8859_1));
      out.flush();
    }

    String line() throws IOException {
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("end of stream");
        }
        line.append((char) b);
      }
      return line.substring(0, line.length() - 1);
    }

    /** A RESP2 value: String (status, bulk), "ERR:..." for an error, Long, List, or null. */
    @Nullable Object read() throws IOException {
      String line = line();
      String rest = line.substring(1);
      switch (line.charAt(0)) {
        case '+':
          return rest;
        case '-':
          return "ERR:" + rest;
        case ':':
          return Long.parseLong(rest);
        case '$': {
          int length = Integer.parseInt(rest);
          if (length < 0) {
            return null;
          }
          byte[] bytes = new byte[length + 2];
          in.readFully(bytes);
          return new String(bytes, 0, length, ISO_8859_1);
        }
        case '*': {
          int count = Integer.parseInt(rest);
          if (count < 0) {
            return null;
          }
          List<Object> elements = new ArrayList<>();
          for (int i = 0; i < count; i++) {
            elements.add(read());
          }
          return elements;
        }
        default:
          throw new IOException("not a reply: " + line);
      }
    }

    /** After {@code SYNC}: the RDB bulk, whole (no CRLF after it). */
    byte[] rdb() throws IOException {
      String count = line();
      assertTrue(count.startsWith("$"), count);
      byte[] file = new byte[Integer.parseInt(count.substring(1))];
      in.readFully(file);
      return file;
    }

    /** The next command of the stream, its name in lower case (as Redis's suite reads it). */
    String next() throws IOException {
      @SuppressWarnings("unchecked")
      List<Object> command = (List<Object>) Objects.requireNonNull(read());
      List<String> words = new ArrayList<>();
      for (Object word : command) {
        words.add(String.valueOf(word));
      }
      words.set(0, words.get(0).toLowerCase(Locale.ROOT));
      return String.join(" ", words);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private InetSocketAddress address() {
    return Objects.requireNonNull(server.tcpAddress());
  }

  @Test
  void theStreamCarriesEachWriteAsRedisPropagatesIt() throws Exception {
    try (Connection client = new Connection(address()); Connection replica = new Connection(address());
        Connection blocker = new Connection(address())) {
      client.call("SET", "before", "1");
      replica.sendRaw("SYNC\r\n"); // the first line of Redis's suite's helper: the text protocol's word
      byte[] rdb = replica.rdb();
      assertEquals("REDIS0010", new String(rdb, 0, 9, ISO_8859_1));
      assertTrue(new String(rdb, ISO_8859_1).contains("before"));
      client.call("SET", "k", "v", "EX", "100");
      client.call("DEL", "missing");
      client.call("MULTI");
      client.call("SET", "a", "1");
      client.call("GET", "a");
      client.call("SET", "b", "2");
      client.call("EXEC");
      client.call("MULTI");
      client.call("SET", "c", "3");
      client.call("EXEC");
      client.call("MULTI");
      client.call("GET", "c");
      client.call("EXEC");
      client.call("GETDEL", "a");
      client.call("GETEX", "k");
      client.call("GETEX", "k", "PERSIST");
      client.call("EXPIRE", "c", "-1");
      client.call("SELECT", "4");
      client.call("INCRBYFLOAT", "f", "1.5");
      client.call("EVAL", "redis.call('set', 'x', '1') redis.call('set', 'y', '2')", "0");
      client.call("EVAL", "redis.call('set', 'z', '1') return redis.call('get', 'z')", "0");
      client.call("SADD", "s", "m");
      client.call("SPOP", "s", "5");
      blockOn(client, blocker, "4", "q");
      client.call("RPUSH", "q", "a", "b");
      assertEquals(List.of("q", "a"), blocker.read());
      client.call("SET", "end", "1");
      assertEquals("select 0", replica.next());
      assertTrue(replica.next().matches("set k v PXAT \\d{13}"));
      assertEquals("multi", replica.next());
      assertEquals("set a 1", replica.next());
      assertEquals("set b 2", replica.next());
      assertEquals("exec", replica.next());
      assertEquals("set c 3", replica.next());
      assertEquals("del a", replica.next());
      assertEquals("persist k", replica.next());
      assertEquals("del c", replica.next());
      assertEquals("select 4", replica.next());
      assertEquals("set f 1.5 KEEPTTL", replica.next());
      assertEquals("multi", replica.next());
      assertEquals("set x 1", replica.next());
      assertEquals("set y 2", replica.next());
      assertEquals("exec", replica.next());
      assertEquals("set z 1", replica.next());
      assertEquals("sadd s m", replica.next());
      assertEquals("del s", replica.next());
      assertEquals("rpush q a b", replica.next());
      assertEquals("lpop q", replica.next()); // the blocked BLPOP, served by the push, as Redis sends it
      assertEquals("set end 1", replica.next());
      assertEquals("master", ((List<?>) Objects.requireNonNull(client.call("ROLE"))).get(0));
    }
  }

  @Test
  void aMigrateIsSentAsDelOfTheKeysItMovedAndACopyAsNothing() throws Exception {
    try (BlinkStore targetStore = BlinkStore.builder().build();
        BlinkServer target = TestServers.onLoopback(targetStore);
        Connection client = new Connection(address()); Connection replica = new Connection(address())) {
      String port = Integer.toString(Objects.requireNonNull(target.tcpAddress()).getPort());
      client.call("SELECT", "2");
      client.call("MSET", "moved:1", "a", "moved:2", "b", "copied", "c");
      replica.sendRaw("SYNC\r\n");
      replica.rdb();
      assertEquals("OK", client.call("MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", "moved:1", "moved:2"));
      assertEquals("OK", client.call("MIGRATE", "127.0.0.1", port, "copied", "0", "5000", "COPY"));
      client.call("SET", "end", "1");
      assertEquals("select 2", replica.next());
      assertEquals("del moved:1 moved:2", replica.next()); // as Redis: never the MIGRATE, which a replica would run
      assertEquals("set end 1", replica.next());
    }
  }

  @Test
  void aSetWithATimeAlreadyPastIsSentAsTheDeleteItMade() throws Exception {
    try (Connection client = new Connection(address()); Connection replica = new Connection(address())) {
      client.call("SET", "old", "kept-by-the-replica?");
      replica.sendRaw("SYNC\r\n");
      replica.rdb();
      assertEquals("OK", client.call("SET", "old", "new", "EXAT", "1"));
      assertEquals(null, client.call("GET", "old"));
      client.call("SET", "end", "1");
      assertEquals("select 0", replica.next());
      assertEquals("del old", replica.next());
      assertEquals("set end 1", replica.next());
    }
  }

  @Test
  void aPublishIsSentToTheReplicasAsRedisSendsIt() throws Exception {
    try (Connection client = new Connection(address()); Connection replica = new Connection(address())) {
      replica.sendRaw("SYNC\r\n");
      replica.rdb();
      assertEquals(0L, client.call("PUBLISH", "news", "hello"));
      client.call("MULTI");
      client.call("PUBLISH", "bla", "bla");
      client.call("EXEC");
      client.call("SPUBLISH", "shard", "x");
      assertEquals("select 0", replica.next());
      assertEquals("publish news hello", replica.next()); // Redis forces it: a replica's subscribers get it too
      assertEquals("publish bla bla", replica.next());
      assertEquals("spublish shard x", replica.next());
    }
  }

  /** A script's writes after {@code redis.set_repl(REPL_NONE)} or {@code (REPL_AOF)}; Redis 7.0's flags. */
  private static final String SET_REPL_SCRIPT = "redis.call('set', 'before', '1') redis.set_repl(redis.REPL_NONE) "
      + "redis.call('set', 'none', '1') redis.set_repl(redis.REPL_AOF) redis.call('set', 'aof', '1') "
      + "redis.set_repl(redis.REPL_REPLICA) redis.call('set', 'replica', '1') redis.set_repl(redis.REPL_NONE) "
      + "redis.call('set', 'none2', '1') redis.set_repl(redis.REPL_SLAVE) redis.call('set', 'slave', '1') "
      + "redis.set_repl(redis.REPL_ALL) redis.call('set', 'all', '1')";

  @Test
  void aScriptsWritesAfterSetReplWithoutReplicaAreNotSent() throws Exception {
    try (Connection client = new Connection(address()); Connection replica = new Connection(address())) {
      replica.sendRaw("SYNC\r\n");
      replica.rdb();
      client.call("EVAL", SET_REPL_SCRIPT, "0");
      client.call("EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set', 'alone', '1')", "0");
      client.call("EVAL", "redis.call('set', 'again', '1')", "0"); // a new run: REPL_ALL again, as in Redis
      client.call("SET", "end", "1");
      assertEquals("select 0", replica.next());
      assertEquals("multi", replica.next());
      for (String key : List.of("before", "replica", "slave", "all")) {
        assertEquals("set " + key + " 1", replica.next());
      }
      assertEquals("exec", replica.next());
      assertEquals("set again 1", replica.next()); // nothing for the script that sent nothing: no MULTI either
      assertEquals("set end 1", replica.next());
      assertEquals("1", client.call("GET", "none")); // written here all the same
    }
  }

  /** One script on this server and on a redis-server primary: each one's redis-server replica gets the same keys. */
  @Test
  void aRedisReplicaGetsWhatARedisPrimarysReplicaGetsOfAScriptThatSetsRepl() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    try (RedisServerProcess redis = RedisServerProcess.start(Files.createDirectory(dir.resolve("redis")));
        RedisServerProcess ofOurs = RedisServerProcess.start(Files.createDirectory(dir.resolve("ours")),
            "--replicaof", "127.0.0.1", Integer.toString(address().getPort()));
        RedisServerProcess ofRedis = RedisServerProcess.start(Files.createDirectory(dir.resolve("theirs")),
            "--replicaof", "127.0.0.1", Integer.toString(redis.address().getPort()));
        Connection ours = new Connection(address()); Connection theirs = new Connection(redis.address());
        Connection oursReplica = new Connection(ofOurs.address());
        Connection theirReplica = new Connection(ofRedis.address())) {
      List<List<String>> seen = new ArrayList<>();
      for (Connection[] pair : new Connection[][] {{ours, oursReplica}, {theirs, theirReplica}}) {
        while (!String.valueOf(pair[1].call("INFO", "replication")).contains("master_link_status:up")) {
          Thread.sleep(20); // the replica connects and loads the full sync; the test's timeout bounds the wait
        }
        assertEquals(null, pair[0].call("EVAL", SET_REPL_SCRIPT, "0"));
        pair[0].call("SET", "marker", "1");
        while (!Long.valueOf(1).equals(pair[1].call("EXISTS", "marker"))) {
          Thread.sleep(20); // bounded by the test's timeout
        }
        seen.add(dataset(pair[1], 0));
      }
      assertEquals(seen.get(1), seen.get(0));
      assertTrue(seen.get(0).toString().contains("all"), seen.get(0).toString());
    }
  }

  @Test
  void aReplicaIsListedAsRedisListsOneOfTypeSlaveWithFlagS() throws Exception {
    try (Connection client = new Connection(address()); Connection replica = new Connection(address())) {
      replica.sendRaw("*1\r\n$4\r\nSYNC\r\n"); // RESP: text-protocol connections are not listed
      replica.rdb();
      String replicas = String.valueOf(client.call("CLIENT", "LIST", "TYPE", "replica"));
      assertEquals(1, replicas.split("\n").length, replicas);
      assertTrue(replicas.contains(" flags=S ") && replicas.contains(" cmd=sync "), replicas);
      assertEquals(replicas, client.call("CLIENT", "LIST", "TYPE", "slave"));
      assertTrue(!String.valueOf(client.call("CLIENT", "LIST", "TYPE", "normal")).contains("flags=S"));
    }
  }

  @Test
  void aRedisReplicaFollowsEveryWriteToTheSameData() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    try (Connection client = new Connection(address())) {
      writeEveryType(client, "before");
      try (RedisServerProcess redis = RedisServerProcess.start(dir, "--replicaof", "127.0.0.1",
              Integer.toString(address().getPort()));
          Connection replica = new Connection(redis.address())) {
        while (!String.valueOf(replica.call("INFO", "replication")).contains("master_link_status:up")) {
          Thread.sleep(20); // the replica connects and loads the full sync; the test's timeout bounds the wait
        }
        writeEveryType(client, "after");
        try (Connection blocker = new Connection(address())) {
          blockOn(client, blocker, "3", "after:blocked");
          client.call("SELECT", "3");
          client.call("RPUSH", "after:blocked", "first", "second");
          blocker.read();
          client.call("SELECT", "0");
        }
        writeFromSeveralConnectionsAtOnce();
        awaitCaughtUp(client, replica);
        assertEquals(1L, client.call("WAIT", "1", "0")); // the replica's REPLCONF ACK reaches the offset
        assertEquals(1L, client.call("WAIT", "2", "50")); // there is one replica: its timeout answers the count
        for (int db = 0; db < 16; db++) {
          assertEquals(dataset(client, db), dataset(replica, db), "database " + db);
        }
        assertTrue(String.valueOf(client.call("INFO", "replication")).contains("connected_slaves:1"));
      }
    }
  }

  @Test
  void aReplicaThatDoesNotReadIsDisconnectedAtTheClientMemoryBoundAndTheServerGoesOn() throws Exception {
    try (BlinkServer bounded = BlinkServer.builder().store(store)
            .tcp(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0)).maxClientMemory(4 << 20)
            .build().start();
        Connection client = new Connection(Objects.requireNonNull(bounded.tcpAddress()));
        Connection replica = new Connection(Objects.requireNonNull(bounded.tcpAddress()))) {
      replica.sendRaw("SYNC\r\n");
      replica.rdb(); // then it reads no more
      String value = "v".repeat(100_000);
      boolean dropped = false;
      for (int i = 0; i < 500 && !dropped; i++) { // 50 MB of stream at most: past the 4 MB bound by far
        assertEquals("OK", client.call("SET", "big:" + i, value));
        dropped = String.valueOf(client.call("INFO", "replication")).contains("connected_slaves:0");
      }
      assertTrue(dropped, "the replica that does not read is still attached");
      assertEquals("PONG", client.call("PING"));
      assertEquals(value, client.call("GET", "big:0"));
    }
  }

  /** Sends {@code BLPOP key 0} from {@code blocker} in database {@code db}; returns once it is blocked. */
  private static void blockOn(Connection client, Connection blocker, String db, String key) throws Exception {
    blocker.call("SELECT", db);
    blocker.sendRaw(new String(RespIT.resp("BLPOP", key, "0"), ISO_8859_1));
    while (!String.valueOf(client.call("INFO", "clients")).contains("blocked_clients:1")) {
      Thread.sleep(10); // bounded by the test's timeout
    }
  }

  /** Keys of every type, with and without expiries, in databases 0, 3 and 9, written as {@code tag}. */
  private static void writeEveryType(Connection client, String tag) throws IOException {
    for (String db : List.of("0", "3", "9")) {
      client.call("SELECT", db);
      client.call("SET", tag + ":s", "v" + db);
      client.call("SET", tag + ":ex", "v", "EX", "1000");
      client.call("SET", tag + ":n", "10");
      client.call("INCRBYFLOAT", tag + ":n", "2.25");
      client.call("HSET", tag + ":h", "f", "1", "g", "2");
      client.call("HINCRBYFLOAT", tag + ":h", "f", "0.5");
      client.call("RPUSH", tag + ":l", "a", "b", "c", "d");
      client.call("LPOP", tag + ":l", "2");
      client.call("SADD", tag + ":ints", "1", "2", "3", "-4");
      client.call("SADD", tag + ":set", "x", "y", "z", "w");
      client.call("SPOP", tag + ":set");
      client.call("ZADD", tag + ":z", "1", "a", "2.5", "b", "-inf", "c", "7", "d");
      client.call("ZPOPMIN", tag + ":z");
      client.call("EXPIRE", tag + ":z", "5000");
      client.call("PEXPIRE", tag + ":h", "900000");
      client.call("SET", tag + ":gone", "1");
      client.call("GETDEL", tag + ":gone");
      client.call("SET", tag + ":getex", "1");
      client.call("GETEX", tag + ":getex", "EX", "700");
      client.call("MULTI");
      client.call("SET", tag + ":m1", "1");
      client.call("RPUSH", tag + ":m2", "1", "2");
      client.call("EXEC");
      client.call("EVAL", "redis.call('set', KEYS[1], ARGV[1]) redis.call('zadd', KEYS[2], 3, 'q')", "2",
          tag + ":lua", tag + ":z", "script");
      client.call("RESTORE", tag + ":restored", "60000", String.valueOf(client.call("DUMP", tag + ":s")));
      client.call("LMPOP", "1", tag + ":m2", "RIGHT", "COUNT", "1");
    }
    client.call("SELECT", "0");
  }

  /** Four connections at once on the same keys: the replica must end with the primary's values. */
  private void writeFromSeveralConnectionsAtOnce() throws Exception {
    ExecutorService writers = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        String writer = Integer.toString(w);
        done.add(writers.submit(() -> {
          try (Connection c = new Connection(address())) {
            for (int i = 0; i < 200; i++) {
              c.call("INCR", "shared:counter");
              c.call("SET", "shared:last", writer + ":" + i);
              c.call("RPUSH", "shared:list", writer);
              c.call("HINCRBY", "shared:hash", "f" + (i % 3), "1");
              c.call("ZINCRBY", "shared:zset", "1.5", "m" + (i % 5));
              c.call("SADD", "shared:set", writer + ":" + (i % 7));
              c.call("APPEND", "shared:append", writer);
            }
          }
          return null;
        }));
      }
      for (Future<?> writer : done) {
        writer.get();
      }
    } finally {
      writers.shutdownNow();
    }
  }

  private static void awaitCaughtUp(Connection primary, Connection replica) throws Exception {
    String offset = field(primary, "master_repl_offset");
    while (!field(replica, "slave_repl_offset").equals(offset)) {
      Thread.sleep(20); // bounded by the test's timeout
    }
  }

  private static String field(Connection connection, String name) throws IOException {
    for (String line : String.valueOf(connection.call("INFO", "replication")).split("\r\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1);
      }
    }
    return "";
  }

  /** Every key of database {@code db}, sorted, with its type, its value (unordered ones sorted) and expiry. */
  private static List<String> dataset(Connection connection, int db) throws IOException {
    connection.call("SELECT", Integer.toString(db));
    List<String> keys = new ArrayList<>();
    for (Object key : (List<?>) Objects.requireNonNull(connection.call("KEYS", "*"))) {
      keys.add(String.valueOf(key));
    }
    keys.sort(null);
    List<String> dataset = new ArrayList<>();
    for (String key : keys) {
      String type = String.valueOf(connection.call("TYPE", key));
      Object value = switch (type) {
        case "string" -> connection.call("GET", key);
        case "hash" -> sortedPairs((List<?>) Objects.requireNonNull(connection.call("HGETALL", key)));
        case "list" -> connection.call("LRANGE", key, "0", "-1");
        case "set" -> sorted((List<?>) Objects.requireNonNull(connection.call("SMEMBERS", key)));
        default -> connection.call("ZRANGE", key, "0", "-1", "WITHSCORES");
      };
      dataset.add(key + " " + type + " " + value + " expires " + connection.call("PEXPIRETIME", key));
    }
    return dataset;
  }

  private static List<String> sorted(List<?> members) {
    List<String> sorted = new ArrayList<>();
    members.forEach(member -> sorted.add(String.valueOf(member)));
    sorted.sort(null);
    return sorted;
  }

  private static List<String> sortedPairs(List<?> fieldsAndValues) {
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < fieldsAndValues.size(); i += 2) {
      pairs.add(fieldsAndValues.get(i) + "=" + fieldsAndValues.get(i + 1));
    }
    pairs.sort(null);
    return pairs;
  }
}
