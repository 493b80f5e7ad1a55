package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyspace notifications where no parity test reaches ({@link KeyspaceEventsParityIT} compares the writes'):
 * eviction ({@code evicted}), a key an in-process caller stored expiring, a flush of 10,000 keys (nothing per key,
 * as Redis), a subscriber that never reads while every write notifies it (closed by the output cap, as any
 * subscriber, while the writer goes on), and {@code MIGRATE}'s {@code del}s (the parity test has one server).
 */
@Timeout(120)
class KeyspaceEventsIT {
  @TempDir Path dir;

  @Test
  void aKeyEvictedByALowerMemoryLimitIsPublishedAsEvicted() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient subscriber = LineClient.tcp(server.tcpAddress());
        LineClient writer = LineClient.tcp(server.tcpAddress())) {
      request(writer, "CONFIG", "SET", "notify-keyspace-events", "Ee");
      request(subscriber, "PSUBSCRIBE", "*");
      request(writer, "SET", "foo", "bar");
      request(writer, "CONFIG", "SET", "maxmemory", "1");
      assertEquals(pmessage("*", "__keyevent@0__:evicted", "foo"), RespIT.readReply(subscriber));
    }
  }

  @Test
  void aKeyAnInProcessCallerStoredIsPublishedAsExpired() throws Exception {
    BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
    try (BlinkServer server = TestServers.onLoopback(store);
        LineClient subscriber = LineClient.tcp(server.tcpAddress());
        LineClient writer = LineClient.tcp(server.tcpAddress())) {
      request(writer, "CONFIG", "SET", "notify-keyspace-events", "Ex");
      request(subscriber, "PSUBSCRIBE", "*");
      store.set("in-process", "v".getBytes(UTF_8), Duration.ofMillis(50));
      assertEquals(pmessage("*", "__keyevent@0__:expired", "in-process"), RespIT.readReply(subscriber));
    }
  }

  /**
   * Redis's FLUSHDB and FLUSHALL publish nothing per key: 10,000 keys flushed, 1,000 of them past their time with
   * no sweep or read having removed them, and the next message is the marker (REV5: a flush published
   * {@code expired} for each key whose time had passed; {@code KeyspaceTest} checks it is not counted either).
   */
  @Test
  void aFlushOfTenThousandKeysPublishesNothingPerKey() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64L << 20,
            builder -> builder.enableDebugCommand(DebugCommandAccess.YES));
        LineClient subscriber = LineClient.tcp(server.tcpAddress());
        LineClient writer = LineClient.tcp(server.tcpAddress())) {
      assertEquals("+OK\r\n", request(writer, "DEBUG", "SET-ACTIVE-EXPIRE", "0")); // no sweep: only the flush
      List<String> mset = new ArrayList<>(List.of("MSET"));
      for (int i = 0; i < 9_000; i++) {
        mset.add("key:" + i);
        mset.add("v");
      }
      request(writer, mset.toArray(String[]::new));
      request(writer, "CONFIG", "SET", "notify-keyspace-events", "KEA");
      request(subscriber, "PSUBSCRIBE", "__key*__:*");
      for (String flush : List.of("FLUSHDB", "FLUSHALL")) {
        for (int i = 0; i < 1_000; i++) { // each a set and an expire event, each key's two
          assertEquals("+OK\r\n", request(writer, "SET", "short:" + i, "v", "PX", "1"));
        }
        Thread.sleep(20); // every short key's time passes; nothing reads them
        assertEquals("+OK\r\n", request(writer, flush));
        request(writer, "PUBLISH", "__keyspace@0__:marker", flush);
        for (int i = 0; i < 2 * 2 * 1_000; i++) {
          RespIT.readReply(subscriber);
        }
        assertEquals(pmessage("__key*__:*", "__keyspace@0__:marker", flush), RespIT.readReply(subscriber));
        request(writer, mset.toArray(String[]::new));
        for (int i = 0; i < 2 * 9_000; i++) { // the MSET's set events, each key's two
          RespIT.readReply(subscriber);
        }
      }
      assertEquals(":9000\r\n", request(writer, "DBSIZE"));
    }
  }

  /**
   * A subscriber to every event that never reads, while writes of an 8 KiB key publish 16 KiB each to it: it is
   * gone once 1,000 writes have passed the 1 MiB output cap (and what socket buffers take), as any subscriber, and
   * the writer goes on. Without the cap the server held every event.
   */
  @Test
  void aSubscriberThatNeverReadsIsClosedByItsOutputCapWhileTheWriterGoesOn() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64L << 20,
            builder -> builder.maxOutputBytes(1 << 20).maxClientMemory(1L << 30));
        SocketChannel stalled = SocketChannel.open();
        LineClient writer = LineClient.tcp(server.tcpAddress())) {
      stalled.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
      stalled.connect(server.tcpAddress());
      stalled.write(ByteBuffer.wrap(RespIT.resp("PSUBSCRIBE", "__key*__:*")));
      awaitPatterns(writer, 1);
      request(writer, "CONFIG", "SET", "notify-keyspace-events", "KEA");
      String key = "k".repeat(8 << 10);
      for (int i = 0; i < 1_000; i++) { // 16 MiB of events: past the cap and any socket buffer
        assertEquals("+OK\r\n", request(writer, "SET", key, Integer.toString(i)));
      }
      awaitPatterns(writer, 0);
      for (int i = 0; i < 3_000; i++) {
        assertEquals("+OK\r\n", request(writer, "SET", key, Integer.toString(i)));
      }
      assertEquals("+PONG\r\n", request(writer, "PING"));
    }
  }

  /**
   * {@code MIGRATE} without {@code COPY} publishes {@code del} for each key it deletes, as Redis's
   * {@code migrateCommand} (REV5: it published nothing): one key, then two with {@code KEYS}.
   */
  @Test
  void migrateWithoutCopyPublishesDelForEachKeyItDeletes() throws Exception {
    Path target = Files.createDirectory(dir.resolve("target"));
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 16L << 20);
        BlinkServer other = TestServers.start(BlinkServer.Transport.NIO, target, 16L << 20);
        LineClient subscriber = LineClient.tcp(server.tcpAddress());
        LineClient writer = LineClient.tcp(server.tcpAddress())) {
      for (String key : List.of("mk", "mk2", "mk3", "kept")) {
        request(writer, "SET", key, "v");
      }
      request(writer, "CONFIG", "SET", "notify-keyspace-events", "Eg");
      request(subscriber, "PSUBSCRIBE", "*");
      String port = Integer.toString(other.tcpAddress().getPort());
      assertEquals("+OK\r\n", request(writer, "MIGRATE", "127.0.0.1", port, "mk", "0", "5000"));
      assertEquals("+OK\r\n", request(writer, "MIGRATE", "127.0.0.1", port, "", "0", "5000", "KEYS", "mk2", "mk3"));
      assertEquals("+OK\r\n", request(writer, "MIGRATE", "127.0.0.1", port, "kept", "0", "5000", "COPY"));
      assertEquals(":1\r\n", request(writer, "EXISTS", "mk", "mk2", "mk3", "kept"), "the keys moved, one copied");
      request(writer, "PUBLISH", "marker", "migrated");
      StringBuilder seen = new StringBuilder();
      for (String pushed = RespIT.readReply(subscriber); !pushed.contains("marker");
          pushed = RespIT.readReply(subscriber)) {
        seen.append(pushed);
      }
      assertEquals(pmessage("*", "__keyevent@0__:del", "mk") + pmessage("*", "__keyevent@0__:del", "mk2")
          + pmessage("*", "__keyevent@0__:del", "mk3"), seen.toString(), "the events of three MIGRATEs, one a COPY");
    }
  }

  /** Waits until the server has {@code count} pattern subscriptions (a close ends on the subscriber's event loop). */
  private static void awaitPatterns(LineClient client, int count) throws Exception {
    for (int tries = 0; !request(client, "PUBSUB", "NUMPAT").equals(":" + count + "\r\n"); tries++) {
      if (tries == 1_000) {
        throw new AssertionError("the server never had " + count + " patterns");
      }
      Thread.sleep(10);
    }
  }

  private static String request(LineClient client, String... request) throws Exception {
    client.send(RespIT.resp(request));
    return RespIT.readReply(client);
  }

  /** The RESP2 bytes of a {@code pmessage} that {@code pattern} matched, as {@link RespIT#readReply} reads them. */
  private static String pmessage(String pattern, String channel, String message) {
    return new String(RespIT.resp("pmessage", pattern, channel, message), UTF_8);
  }
}
