package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code MIGRATE} against real {@code redis-server}s on loopback TCP: from ours to a Redis and from a Redis to ours,
 * every type with and without TTLs, {@code COPY}, {@code REPLACE}, {@code KEYS}, {@code AUTH}/{@code AUTH2} to a
 * password-protected target, a destination database, a target that refuses ({@code BUSYKEY}), an unreachable
 * port, a target that never answers (the reply comes after the timeout, other clients are served meanwhile, the
 * connection's next request waits behind it), a key written while its migration is in flight (kept here); the
 * replies byte for byte with a redis-server's own {@code MIGRATE} to the same third redis-server, in RESP2 and
 * RESP3; {@code COMMAND INFO/GETKEYS/DOCS}; {@code MONITOR}'s redaction of the secrets as Redis's.
 */
@Timeout(120)
class MigrateIT {
  @TempDir Path dir;

  private RedisServerProcess target;
  private RedisServerProcess locked;
  private RedisServerProcess source;
  private BlinkServer server;

  /** One connection over TCP: requests of ISO-8859-1 strings, replies as their raw RESP text. */
  static final class Conn implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    Conn(InetSocketAddress address) throws IOException {
      socket = new Socket(address.getAddress(), address.getPort());
      in = new BufferedInputStream(socket.getInputStream());
    }

    void send(String... args) throws IOException {
      socket.getOutputStream().write(RawRespClient.encode(List.of(args)));
    }

    String read() throws IOException {
      return new String(RawRespClient.readReply(in), ISO_8859_1);
    }

    String call(String... args) throws IOException {
      send(args);
      return read();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @BeforeEach
  void start() throws IOException {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    target = RedisServerProcess.start(Files.createDirectories(dir.resolve("target")));
    locked = RedisServerProcess.start(Files.createDirectories(dir.resolve("locked")), "--requirepass", "sesame");
    source = RedisServerProcess.start(Files.createDirectories(dir.resolve("source")));
    server = startOurs(UnaryOperator.identity());
  }

  private BlinkServer startOurs(UnaryOperator<BlinkServerBuilder> extra) {
    return TestServers.start(BlinkServer.Transport.NIO,
        mkdir(dir.resolve(Files.exists(dir.resolve("ours")) ? "ours2" : "ours")), 64 << 20, extra);
  }

  private static Path mkdir(Path path) {
    try {
      return Files.createDirectories(path);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterEach
  void stop() {
    for (AutoCloseable closing : new AutoCloseable[] {server, source, locked, target}) {
      try {
        if (closing != null) {
          closing.close();
        }
      } catch (Exception e) {
        // closing what a failed start left
      }
    }
  }

  private InetSocketAddress ours() {
    return Objects.requireNonNull(server.tcpAddress());
  }

  private static String port(RedisServerProcess redis) {
    return Integer.toString(redis.address().getPort());
  }

  /** Keys of every type DUMP writes, some with TTLs, the same on the source given. */
  private static void fill(Conn source) throws IOException {
    source.call("FLUSHALL");
    source.call("SET", "s", "hello");
    source.call("SET", "n", "12345");
    source.call("SET", "s:ttl", "soon", "PX", "100000");
    source.call("HSET", "h", "f", "1", "g", "two");
    source.call("RPUSH", "l", "a", "b", "c");
    source.call("RPUSH", "l:ttl", "x");
    source.call("PEXPIRE", "l:ttl", "200000");
  }

  /** What the target holds of {@code keys} (a TTL as whether there is one), read the same way for both runs. */
  private static List<String> contents(Conn target, String db, String... keys) throws IOException {
    List<String> read = new ArrayList<>();
    target.call("SELECT", db);
    for (String key : keys) {
      String type = target.call("TYPE", key);
      read.add(key + " " + type.trim());
      switch (type.trim()) {
        case "+string" -> read.add(target.call("GET", key));
        case "+hash" -> read.add(target.call("HGET", key, "f") + target.call("HGET", key, "g"));
        case "+list" -> read.add(target.call("LRANGE", key, "0", "-1"));
        default -> { }
      }
      long ttl = Long.parseLong(target.call("PTTL", key).trim().substring(1));
      read.add(ttl > 0 ? "ttl>0" : Long.toString(ttl));
    }
    target.call("SELECT", "0");
    return read;
  }

  /**
   * The same MIGRATE session on {@code from} (ours or Redis): each MIGRATE's reply, then what the target and the
   * source hold after it.
   */
  private List<String> session(Conn from, boolean resp3, String unreachable) throws IOException {
    List<String> seen = new ArrayList<>();
    String host = "127.0.0.1";
    String to = port(target);
    if (resp3) {
      from.call("HELLO", "3");
    }
    try (Conn sink = new Conn(target.address())) {
      fill(from);
      sink.call("FLUSHALL");
      // Redis's source keeps its connection to a target 10 s, with the database it selected (ours keeps none): a
      // session starts with none, so that what a failed SELECT leaves is the same
      sink.call("CLIENT", "KILL", "TYPE", "normal");
      List<List<String>> refused = List.of(
          List.of("MIGRATE", host, to, "s", "0", "1000", "FOO"),
          List.of("MIGRATE", host, to, "s", "0", "1000", "AUTH"),
          List.of("MIGRATE", host, to, "s", "0", "1000", "AUTH2", "u"),
          List.of("MIGRATE", host, to, "s", "0", "1000", "COPY", "KEYS", "s"),
          List.of("MIGRATE", host, to, "s", "x", "y", "FOO"),
          List.of("MIGRATE", host, to, "s", "0", "y"),
          List.of("MIGRATE", host, to, "s", "x", "1000"),
          List.of("MIGRATE", host, to, "s", "0", "99999999999999999999"),
          List.of("MIGRATE", host, to, "nosuchkey", "0", "1000"),
          List.of("MIGRATE", host, to, "", "0", "1000", "KEYS", "nosuch1", "nosuch2"),
          List.of("MIGRATE", host, unreachable, "s", "0", "1000"),
          List.of("MIGRATE", host, to, "s", "99", "1000"),
          List.of("MIGRATE", host, port(locked), "s", "0", "1000"),
          List.of("MIGRATE", host, port(locked), "s", "0", "1000", "AUTH", "wrong"),
          List.of("MIGRATE", host, port(locked), "s", "0", "1000", "AUTH2", "default", "wrong"),
          List.of("COMMAND", "GETKEYS", "MIGRATE", host, to, "s", "0", "1000"),
          List.of("COMMAND", "GETKEYS", "MIGRATE", host, to, "", "0", "1000", "COPY", "AUTH", "keys", "KEYS", "a",
              "b"),
          List.of("COMMAND", "GETKEYS", "MIGRATE", host, to, "k", "0", "1000", "KEYS", "a"),
          List.of("COMMAND", "GETKEYSANDFLAGS", "MIGRATE", host, to, "", "0", "1000", "AUTH2", "u", "p", "KEYS", "a"),
          List.of("COMMAND", "INFO", "MIGRATE"),
          List.of("COMMAND", "DOCS", "MIGRATE"));
      for (List<String> request : refused) {
        seen.add(String.join(" ", request) + " -> " + from.call(request.toArray(String[]::new)));
      }
      seen.addAll(contents(from, "0", "s"));
      seen.add("copy: " + from.call("MIGRATE", host, to, "s", "0", "5000", "COPY"));
      seen.addAll(contents(sink, "0", "s"));
      seen.addAll(contents(from, "0", "s"));
      seen.add("busy: " + from.call("MIGRATE", host, to, "s", "0", "5000"));
      seen.addAll(contents(from, "0", "s"));
      seen.add("replace: " + from.call("MIGRATE", host, to, "s", "0", "5000", "REPLACE"));
      seen.addAll(contents(from, "0", "s"));
      seen.add("keys: " + from.call("MIGRATE", host, to, "", "0", "5000", "KEYS", "n", "h", "nosuch", "l",
          "s:ttl", "l:ttl"));
      seen.addAll(contents(sink, "0", "s", "n", "h", "l", "s:ttl", "l:ttl"));
      seen.addAll(contents(from, "0", "n", "h", "l", "s:ttl", "l:ttl"));
      fill(from);
      sink.call("FLUSHALL");
      seen.add("db: " + from.call("MIGRATE", host, to, "", "3", "0", "KEYS", "h", "l:ttl"));
      seen.addAll(contents(sink, "3", "h", "l:ttl"));
      seen.add("auth: " + from.call("MIGRATE", host, port(locked), "s", "0", "5000", "AUTH", "sesame"));
      seen.add("auth2: " + from.call("MIGRATE", host, port(locked), "n", "0", "5000", "AUTH2", "default",
          "sesame"));
      try (Conn guarded = new Conn(locked.address())) {
        guarded.call("AUTH", "sesame");
        seen.addAll(contents(guarded, "0", "s", "n"));
        guarded.call("FLUSHALL");
        // the source's cached connection (Redis keeps one 10 s; ours keeps none) must not carry its AUTH over
        guarded.call("CLIENT", "KILL", "TYPE", "normal");
      }
      seen.addAll(contents(from, "0", "s", "n"));
    }
    return seen;
  }

  @Test
  void repliesAndEffectsAreRedissOwnMigratesInResp2AndResp3() throws Exception {
    String unreachable;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      unreachable = Integer.toString(probe.getLocalPort()); // closed: nothing listens there
    }
    for (boolean resp3 : new boolean[] {false, true}) {
      List<String> theirs;
      List<String> mine;
      try (Conn redis = new Conn(source.address())) {
        theirs = session(redis, resp3, unreachable);
      }
      try (Conn blink = new Conn(ours())) {
        mine = session(blink, resp3, unreachable);
      }
      for (int i = 0; i < Math.max(theirs.size(), mine.size()); i++) {
        assertEquals(i < theirs.size() ? theirs.get(i) : null, i < mine.size() ? mine.get(i) : null,
            "step " + i + (resp3 ? " (RESP3)" : ""));
      }
    }
  }

  @Test
  void aRedisMigratesEveryTypeHere() throws Exception {
    try (Conn redis = new Conn(source.address()); Conn blink = new Conn(ours())) {
      fill(redis);
      assertEquals("+OK\r\n", redis.call("MIGRATE", "127.0.0.1", Integer.toString(ours().getPort()), "", "0",
          "5000", "KEYS", "s", "n", "s:ttl", "h", "l", "l:ttl"));
      List<String> expected = List.of("s", "n", "s:ttl", "h", "l", "l:ttl");
      try (Conn reference = new Conn(target.address())) {
        fill(reference);
        for (String key : expected) {
          assertEquals(contents(reference, "0", key), contents(blink, "0", key), key);
        }
      }
      assertEquals(":0\r\n", redis.call("DBSIZE"));
    }
  }

  @Test
  void othersAreServedWhileAMigrateWaitsAndItsConnectionsNextRequestWaitsBehindIt() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Conn migrating = new Conn(ours()); Conn other = new Conn(ours())) {
      migrating.call("SET", "k", "v");
      migrating.send("MIGRATE", "127.0.0.1", Integer.toString(silent.getLocalPort()), "k", "0", "600000");
      migrating.send("GET", "k");
      try (Socket accepted = silent.accept()) {
        skipCommand(new BufferedInputStream(accepted.getInputStream())); // SELECT: the exchange has begun
        assertEquals("+PONG\r\n", other.call("PING"), "another client is served while the MIGRATE waits");
        assertEquals("+OK\r\n", other.call("SET", "other", "1"));
      } // the target goes away without a word
      assertEquals("-IOERR error or timeout reading to target instance\r\n", migrating.read());
      assertEquals("$1\r\nv\r\n", migrating.read(), "the next request waited behind it; the key is kept");
    }
  }

  @Test
  void aTargetThatNeverAnswersIsAnsweredAtTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Conn migrating = new Conn(ours())) {
      migrating.call("SET", "k", "v");
      migrating.send("MIGRATE", "127.0.0.1", Integer.toString(silent.getLocalPort()), "k", "0", "100");
      try (Socket accepted = silent.accept()) {
        assertEquals("-IOERR error or timeout reading to target instance\r\n", migrating.read());
        assertEquals("$1\r\nv\r\n", migrating.call("GET", "k"));
      }
    }
  }

  /**
   * A target that sends a byte now and then, each within the timeout, and never a line's end: the reply line must
   * come whole within the timeout (as Redis's syncReadLine), or one such target would hold a migration thread for
   * ever. The target trickles for far longer than the timeout; the MIGRATE must be answered while it still does.
   */
  @Test
  void aTargetThatTricklesALineWithoutEndIsAnsweredAtTheTimeout() throws Exception {
    try (ServerSocket trickling = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Conn migrating = new Conn(ours())) {
      migrating.call("SET", "k", "v");
      migrating.send("MIGRATE", "127.0.0.1", Integer.toString(trickling.getLocalPort()), "k", "0", "200");
      AtomicBoolean answered = new AtomicBoolean();
      AtomicBoolean gaveUp = new AtomicBoolean();
      try (Socket accepted = trickling.accept()) {
        Thread trickle = new Thread(() -> {
          try {
            accepted.getOutputStream().write('+');
            for (int i = 0; i < 1_000 && !answered.get(); i++) { // 50 s of a byte every 50 ms, at most
              Thread.sleep(50);
              accepted.getOutputStream().write('x');
            }
          } catch (IOException | InterruptedException e) {
            return; // the server closed the socket: what the fix does
          }
          gaveUp.set(!answered.get());
        });
        trickle.start();
        assertEquals("-IOERR error or timeout reading to target instance\r\n", migrating.read());
        answered.set(true);
        assertTrue(!gaveUp.get(), "answered only once the target stopped sending");
        trickle.join();
        assertEquals("$1\r\nv\r\n", migrating.call("GET", "k"));
      }
    }
  }

  /** Reads one RESP array of bulk strings, a command sent to a target. */
  private static void skipCommand(InputStream in) throws IOException {
    int count = Integer.parseInt(line(in).substring(1));
    for (int i = 0; i < count; i++) {
      int length = Integer.parseInt(line(in).substring(1));
      assertEquals(length + 2, in.readNBytes(length + 2).length);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      assertTrue(b >= 0, "the stream ended");
      line.append((char) b);
    }
    return line.toString().trim();
  }

  @Test
  void aKeyWrittenWhileItsMigrationIsInFlightIsKeptHere() throws Exception {
    try (ServerSocket slow = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Conn migrating = new Conn(ours()); Conn writer = new Conn(ours())) {
      migrating.call("SET", "written", "old");
      migrating.call("SET", "untouched", "u");
      migrating.send("MIGRATE", "127.0.0.1", Integer.toString(slow.getLocalPort()), "", "0", "60000", "KEYS",
          "written", "untouched");
      try (Socket accepted = slow.accept()) {
        InputStream request = new BufferedInputStream(accepted.getInputStream());
        for (int command = 0; command < 3; command++) { // SELECT and two RESTOREs
          skipCommand(request);
        }
        assertEquals("+OK\r\n", writer.call("SET", "written", "new"));
        OutputStream replies = accepted.getOutputStream();
        replies.write("+OK\r\n+OK\r\n+OK\r\n".getBytes(ISO_8859_1));
        replies.flush();
        assertEquals("+OK\r\n", migrating.read());
      }
      assertEquals("$3\r\nnew\r\n", writer.call("GET", "written"), "the newer write is not deleted");
      assertEquals(":0\r\n", writer.call("EXISTS", "untouched"), "the key acknowledged and untouched is moved");
    }
  }

  @Test
  void migrationsPastTheRunningAndWaitingBoundAreRefused() throws Exception {
    int bound = 16; // MigrateCommand.THREADS + QUEUED
    List<Conn> clients = new ArrayList<>();
    try (ServerSocket silent = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Conn monitor = new Conn(ours()); Conn last = new Conn(ours())) {
      last.call("SET", "k", "v");
      monitor.call("MONITOR");
      String port = Integer.toString(silent.getLocalPort());
      for (int i = 0; i < bound; i++) {
        Conn client = new Conn(ours());
        clients.add(client);
        client.send("MIGRATE", "127.0.0.1", port, "k", "0", "600000", "COPY");
      }
      for (int shown = 0; shown < bound; ) { // MONITOR shows a command once it has run: each one is under way
        shown += monitor.read().contains("\"MIGRATE\"") ? 1 : 0;
      }
      assertEquals("-ERR too many MIGRATEs at once (16 running or waiting): try again later\r\n",
          last.call("MIGRATE", "127.0.0.1", port, "k", "0", "600000", "COPY"));
      assertEquals("+PONG\r\n", last.call("PING"));
    } finally { // the target's going away ends every one of them
      for (Conn client : clients) {
        client.close();
      }
    }
  }

  /** {@code length} letters at random from {@code seed}: a payload LZF cannot shorten, as DUMP would another. */
  private static String incompressible(int length, long seed) {
    Random random = new Random(seed);
    StringBuilder letters = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      letters.append((char) ('a' + random.nextInt(26)));
    }
    return letters.toString();
  }

  @Test
  void payloadsPastTheOutputCapAreRefusedAsDumpIs() throws Exception {
    server.close();
    server = startOurs(builder -> builder.maxOutputBytes(64 << 10));
    try (Conn blink = new Conn(ours())) {
      blink.call("SET", "a", incompressible(40 << 10, 1));
      blink.call("SET", "b", incompressible(40 << 10, 2));
      assertEquals("+OK\r\n", blink.call("MIGRATE", "127.0.0.1", port(target), "a", "0", "5000"));
      blink.call("SET", "a", incompressible(40 << 10, 1));
      String refused = blink.call("MIGRATE", "127.0.0.1", port(target), "", "0", "5000", "REPLACE", "KEYS", "a",
          "b");
      assertTrue(refused.startsWith("-ERR") && refused.contains("output"), refused);
      assertEquals(":2\r\n", blink.call("EXISTS", "a", "b"), "nothing moved");
    }
  }

  @Test
  void migrateIsRefusedInsideMultiAndScripts() throws Exception {
    try (Conn blink = new Conn(ours())) {
      blink.call("SET", "k", "v");
      blink.call("MULTI");
      blink.call("MIGRATE", "127.0.0.1", port(target), "k", "0", "1000");
      String exec = blink.call("EXEC");
      assertTrue(exec.contains("MIGRATE waits for its target"), exec);
      String script = blink.call("EVAL", "return redis.pcall('MIGRATE', ARGV[1], ARGV[2], 'k', '0', '1000')", "0",
          "127.0.0.1", port(target));
      assertTrue(script.contains("MIGRATE waits for its target"), script);
      assertEquals(":1\r\n", blink.call("EXISTS", "k"));
    }
  }

  @Test
  void monitorShowsTheSecretsRedactedAsRedisDoes() throws Exception {
    List<String> theirs = monitored(source.address());
    List<String> mine = monitored(ours());
    assertEquals(theirs, mine);
    assertTrue(mine.stream().noneMatch(line -> line.contains("secret")), mine.toString());
  }

  /** The MONITOR lines (without their time and address) of commands with secrets sent to {@code address}. */
  private List<String> monitored(InetSocketAddress address) throws IOException {
    List<List<String>> requests = List.of(
        List.of("MIGRATE", "127.0.0.1", "1", "nokey", "9", "5000"),
        List.of("MIGRATE", "127.0.0.1", "1", "nokey", "9", "5000", "AUTH", "secret1"),
        List.of("MIGRATE", "127.0.0.1", "1", "nokey", "9", "5000", "COPY", "AUTH2", "secret2", "secret3", "REPLACE"),
        List.of("MIGRATE", "127.0.0.1", "1", "", "9", "5000", "KEYS", "AUTH", "shownkey"),
        List.of("MIGRATE", "127.0.0.1", "1", "nokey", "9", "5000", "FOO", "AUTH", "shown"),
        List.of("AUTH", "secret4"),
        List.of("AUTH", "secret5", "secret6"),
        List.of("HELLO", "2", "AUTH", "secret7", "secret8"),
        List.of("PING"));
    List<String> lines = new ArrayList<>();
    try (Conn monitor = new Conn(address); Conn client = new Conn(address)) {
      monitor.call("MONITOR");
      for (List<String> request : requests) {
        client.call(request.toArray(String[]::new));
      }
      for (String line = monitor.read(); !line.contains("\"PING\""); line = monitor.read()) {
        lines.add(line.substring(line.indexOf(']') + 1));
      }
    }
    return lines;
  }
}
