package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.support.caching.CacheAccessor;
import io.lettuce.core.support.caching.CacheFrontend;
import io.lettuce.core.support.caching.ClientSideCaching;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Client-side caching over real sockets (issue 23): a tracking RESP3 connection is told of every kind of
 * modification of a key it read — a write over the text protocol or by an in-process caller of the same store,
 * expiry, eviction, {@code MOVE}, the flushes and {@code SWAPDB} — and the server's side stays bounded: a closed
 * tracker leaves the table, the table keeps to {@code tracking-table-max-keys}, and a tracker that never reads its
 * invalidations is closed, never the heap. Lettuce's {@code ClientSideCaching} drops what another connection
 * writes.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // the waits below spin through interrupts
class TrackingIT {
  private static final String NULL_INVALIDATION = ">2\r\n$10\r\ninvalidate\r\n_\r\n";

  /** The RESP3 push invalidating {@code key}. */
  private static String invalidation(String key) {
    return ">2\r\n$10\r\ninvalidate\r\n*1\r\n$" + key.getBytes(UTF_8).length + "\r\n" + key + "\r\n";
  }

  private static String call(LineClient client, String... args) throws Exception {
    client.send(RespIT.resp(args));
    return RespIT.readReply(client);
  }

  /** A RESP3 connection that tracks the keys it reads, or as {@code options} say. */
  private static LineClient tracker(BlinkServer server, String... options) throws Exception {
    LineClient tracker = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()));
    call(tracker, "HELLO", "3");
    String[] on = new String[3 + options.length];
    on[0] = "CLIENT";
    on[1] = "TRACKING";
    on[2] = "ON";
    System.arraycopy(options, 0, on, 3, options.length);
    assertEquals("+OK\r\n", call(tracker, on));
    return tracker;
  }

  /** {@code CLIENT INFO}'s line (its reply ends with a newline of its own, which a reply read line by line leaves). */
  private static String clientInfo(LineClient client) throws Exception {
    String info = call(client, "CLIENT", "INFO");
    client.readLine();
    return info;
  }

  private static String info(LineClient client, String field) throws Exception {
    client.send(RespIT.resp("INFO"));
    String header = client.readLine(); // $<length> (=<length> in RESP3), then lines up to that many bytes
    int length = Integer.parseInt(header.substring(1).trim());
    StringBuilder text = new StringBuilder();
    while (text.length() < length + 2) {
      text.append(client.readLine()).append('\n');
    }
    for (String line : text.toString().split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1);
      }
    }
    throw new AssertionError("no " + field + " in INFO");
  }

  @Test
  void writesOverTheTextProtocolAndInProcessInvalidate() throws Exception {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
        BlinkServer server = TestServers.onLoopback(store);
        LineClient tracker = tracker(server);
        LineClient text = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()))) {
      call(tracker, "GET", "by-text");
      call(tracker, "GET", "in-process");
      assertEquals("OK", text.request("SET by-text v"));
      assertEquals(invalidation("by-text"), RespIT.readReply(tracker));
      store.set("in-process", "v".getBytes(UTF_8));
      assertEquals(invalidation("in-process"), RespIT.readReply(tracker));
      store.set("in-process", "again".getBytes(UTF_8)); // forgotten once invalidated: nothing more is sent
      assertEquals("+PONG\r\n", call(tracker, "PING"));
    }
  }

  @Test
  void expiryEvictionAndMoveInvalidate() throws Exception {
    try (BlinkServer server = TestServers.onLoopback(BlinkStore.builder().memoryLimit(1 << 20).build());
        LineClient tracker = tracker(server);
        LineClient writer = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()))) {
      call(writer, "SET", "short", "v", "PX", "50");
      call(tracker, "GET", "short");
      while (!call(writer, "PTTL", "short").equals(":-2\r\n")) {
        Thread.onSpinWait(); // until it has expired: its invalidation is then on its way
      }
      assertEquals(invalidation("short"), RespIT.readReply(tracker));

      call(writer, "SET", "victim", "x".repeat(200_000));
      call(tracker, "STRLEN", "victim");
      assertEquals("+OK\r\n", call(writer, "CONFIG", "SET", "maxmemory", "100000"));
      assertEquals(":0\r\n", call(writer, "EXISTS", "victim"));
      assertEquals(invalidation("victim"), RespIT.readReply(tracker));

      call(writer, "SET", "moving", "v");
      call(tracker, "GET", "moving");
      assertEquals(":1\r\n", call(writer, "MOVE", "moving", "1"));
      assertEquals(invalidation("moving"), RespIT.readReply(tracker));
    }
  }

  @Test
  void flushesAndSwapdbInvalidateEveryKey() throws Exception {
    try (BlinkServer server = TestServers.onLoopback(BlinkStore.builder().memoryLimit(1 << 20).build());
        LineClient tracker = tracker(server);
        LineClient writer = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()))) {
      call(tracker, "GET", "k");
      call(writer, "FLUSHALL");
      assertEquals(NULL_INVALIDATION, RespIT.readReply(tracker));
      call(writer, "FLUSHDB");
      assertEquals(NULL_INVALIDATION, RespIT.readReply(tracker));
      call(writer, "SWAPDB", "0", "1"); // Redis 7.0 sends nothing here, and its caches go stale: docs/resp.md
      assertEquals(NULL_INVALIDATION, RespIT.readReply(tracker));
      assertEquals("0", info(writer, "tracking_total_keys"));
    }
  }

  @Test
  void aClosedTrackerIsForgottenAndTheTableShrinks() throws Exception {
    try (BlinkServer server = TestServers.onLoopback(BlinkStore.builder().memoryLimit(1 << 20).build());
        LineClient other = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()))) {
      try (LineClient tracker = tracker(server)) {
        for (int i = 0; i < 100; i++) {
          call(tracker, "GET", "key:" + i);
        }
        assertEquals("1", info(other, "tracking_clients"));
        assertEquals("100", info(other, "tracking_total_keys"));
        assertEquals("100", info(other, "tracking_total_items"));
      }
      while (!info(other, "tracking_total_items").equals("0") || !info(other, "tracking_total_keys").equals("0")) {
        Thread.onSpinWait(); // the sweep runs once the server has seen the connection close
      }
      assertEquals("0", info(other, "tracking_clients"));
    }
  }

  @Test
  void theTableKeepsToItsBoundInvalidatingWhatItDrops() throws Exception {
    try (BlinkServer server = TestServers.onLoopback(BlinkStore.builder().memoryLimit(1 << 20).build());
        LineClient tracker = tracker(server)) {
      assertEquals("+OK\r\n", call(tracker, "CONFIG", "SET", "tracking-table-max-keys", "10"));
      String[] mget = new String[21];
      mget[0] = "MGET";
      for (int i = 0; i < 20; i++) {
        mget[i + 1] = "key:" + i;
      }
      tracker.send(RespIT.resp(mget));
      assertTrue(RespIT.readReply(tracker).startsWith("*20\r\n"));
      for (int i = 0; i < 10; i++) { // its own invalidations, after its reply
        assertTrue(RespIT.readReply(tracker).startsWith(">2\r\n$10\r\ninvalidate\r\n*1\r\n"));
      }
      assertEquals("10", info(tracker, "tracking_total_keys"));
      assertEquals("+OK\r\n", call(tracker, "CONFIG", "SET", "tracking-table-max-keys", "4"));
      for (int i = 0; i < 6; i++) {
        assertTrue(RespIT.readReply(tracker).startsWith(">2\r\n$10\r\ninvalidate\r\n*1\r\n"));
      }
      assertEquals("4", info(tracker, "tracking_total_keys"));
      assertEquals("%1\r\n$23\r\ntracking-table-max-keys\r\n$1\r\n4\r\n",
          call(tracker, "CONFIG", "GET", "tracking-table-max-keys"));
    }
  }

  @Test
  void aTrackerThatNeverReadsIsClosedAndTheServerGoesOn() throws Exception {
    try (BlinkServer server = BlinkServer.builder().store(BlinkStore.builder().memoryLimit(64 << 20).build())
            .tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).maxOutputBytes(256 * 1024).build().start();
        LineClient tracker = tracker(server, "BCAST");
        LineClient writer = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()))) {
      String name = "k".repeat(8 * 1024);
      for (int i = 0; i < 20_000 && !info(writer, "tracking_clients").equals("0"); i++) {
        for (int j = 0; j < 10; j++) {
          call(writer, "SET", name + i + ":" + j, "v");
        }
      }
      assertEquals("0", info(writer, "tracking_clients"));
      assertEquals("+PONG\r\n", call(writer, "PING"));
    }
  }

  @Test
  void clientListShowsTrackingFlagsAndResetClearsThem() throws Exception {
    try (BlinkServer server = TestServers.onLoopback(BlinkStore.builder().memoryLimit(1 << 20).build());
        LineClient tracker = tracker(server, "BCAST");
        LineClient gone = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()));
        LineClient writer = LineClient.tcp(Objects.requireNonNull(server.tcpAddress()))) {
      String bcast = clientInfo(tracker);
      assertTrue(bcast.contains(" flags=tB ") && bcast.contains(" redir=0 "), bcast);
      String id = call(gone, "CLIENT", "ID").trim().substring(1);
      assertEquals("+OK\r\n", call(tracker, "CLIENT", "TRACKING", "OFF"));
      assertEquals("+OK\r\n", call(tracker, "CLIENT", "TRACKING", "ON", "REDIRECT", id));
      assertTrue(clientInfo(tracker).contains(" redir=" + id + " "));
      call(tracker, "GET", "k");
      call(writer, "CLIENT", "KILL", "ID", id);
      while (!call(writer, "CLIENT", "LIST", "ID", id).equals("$0\r\n\r\n")) {
        writer.readLine(); // still listed: its line ends with a newline of its own, which a reply read leaves
      }
      call(writer, "SET", "k", "v");
      assertEquals(">2\r\n$21\r\ntracking-redir-broken\r\n:" + id + "\r\n", RespIT.readReply(tracker));
      assertTrue(clientInfo(tracker).contains(" flags=tR "));
      assertEquals("+RESET\r\n", call(tracker, "RESET"));
      String info = clientInfo(tracker);
      assertTrue(info.contains(" flags=N ") && info.contains(" redir=-1 "), info);
    }
  }

  @Test
  void lettucesClientSideCacheDropsAKeyAnotherConnectionWrites() throws Exception {
    try (BlinkServer server = TestServers.onLoopback(BlinkStore.builder().memoryLimit(1 << 20).build())) {
      InetSocketAddress address = Objects.requireNonNull(server.tcpAddress());
      RedisClient client = RedisClient.create(RedisURI.builder().withHost(address.getHostString())
          .withPort(address.getPort()).withTimeout(Duration.ofSeconds(30)).build());
      try (StatefulRedisConnection<String, String> connection = client.connect();
          StatefulRedisConnection<String, String> writer = client.connect()) {
        Map<String, String> cache = new ConcurrentHashMap<>();
        CacheFrontend<String, String> frontend =
            ClientSideCaching.enable(CacheAccessor.forMap(cache), connection, TrackingArgs.Builder.enabled());
        writer.sync().set("cached", "1");
        assertEquals("1", frontend.get("cached"));
        assertEquals("1", cache.get("cached"));
        writer.sync().set("cached", "2");
        while (cache.containsKey("cached")) {
          Thread.onSpinWait(); // until the invalidation has reached Lettuce
        }
        assertEquals("2", frontend.get("cached"));
      } finally {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(5));
      }
    }
  }
}
