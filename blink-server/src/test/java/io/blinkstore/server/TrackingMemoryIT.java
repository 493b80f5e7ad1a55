package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tracking table's memory against hostile tracking clients (the acceptance review's proofs D and D2), over real
 * sockets, on a server process with a 96 MiB heap: the table's bound is a sixteenth of it, 6 MiB, in key bytes and
 * (key, connection) items. Before the byte bound, both attacks ended such a server in an OutOfMemoryError, the key
 * bound ({@code tracking-table-max-keys}, a million keys) never reached. Each test checks that the server is up, the
 * table within its bound, and that a client connected before the attack is answered, its data intact.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TrackingMemoryIT {
  private static final List<String> JVM =
      List.of("-Xmx96m", "-XX:MaxDirectMemorySize=64m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
  /** The table's bound on this heap: a sixteenth of it (the heap the JVM reports is a little less than -Xmx). */
  private static final long BOUND = (96L << 20) / 16;
  /** What the table counts for a key besides its bytes, and for an item (TrackingTable's estimates). */
  private static final long KEY_BYTES = 176;
  private static final long ITEM_BYTES = 64;

  @TempDir Path dir;

  private static String call(LineClient client, String... args) throws Exception {
    client.send(RespIT.resp(args));
    return RespIT.readReply(client);
  }

  /** An {@code INFO} figure, read on a connection of its own. */
  private static long info(ServerProcess server, String field) throws Exception {
    try (LineClient client = LineClient.tcp(server.address())) {
      client.send(RespIT.resp("INFO"));
      for (String line = client.readLine(); line != null; line = client.readLine()) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.substring(field.length() + 1).trim());
        }
      }
    }
    throw new AssertionError("no " + field + " in INFO");
  }

  private static void assertServedAndAlive(ServerProcess server, LineClient victim) throws Exception {
    assertTrue(server.isAlive(), server.log());
    assertEquals("$6\r\njewels\r\n", call(victim, "GET", "precious"), server.log());
    long keys = info(server, "tracking_total_keys");
    long items = info(server, "tracking_total_items");
    assertTrue(keys * KEY_BYTES + items * ITEM_BYTES <= BOUND, keys + " keys, " + items + " items");
  }

  @Test
  void readsOfLongMissingKeyNamesKeepTheTableWithinItsBytes() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir, JVM, 0, "serve", "--tcp", "127.0.0.1:0");
        LineClient victim = LineClient.tcp(server.address());
        LineClient tracker = LineClient.tcp(server.address())) {
      assertEquals("+OK\r\n", call(victim, "SET", "precious", "jewels"));
      assertEquals("+OK\r\n", call(tracker, "CLIENT", "TRACKING", "ON"));
      String name = "x".repeat(60 << 10); // just under --max-key-bytes (64 KiB): such a key can be stored
      for (int i = 0; i < 3_000; i++) { // 180 MB of names
        assertEquals("$-1\r\n", call(tracker, "GET", i + name));
      }
      long keys = info(server, "tracking_total_keys");
      assertTrue(keys > 0, "some of the keys are tracked: " + keys);
      assertServedAndAlive(server, victim);
    }
  }

  @Test
  void keyNamesLongerThanAnyStoredKeyAreNotTracked() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir, JVM, 0, "serve", "--tcp", "127.0.0.1:0");
        LineClient victim = LineClient.tcp(server.address());
        LineClient tracker = LineClient.tcp(server.address())) {
      assertEquals("+OK\r\n", call(victim, "SET", "precious", "jewels"));
      assertEquals("+OK\r\n", call(tracker, "CLIENT", "TRACKING", "ON"));
      String name = "x".repeat(1 << 20); // the review's 1 MiB names: past --max-key-bytes, never stored
      for (int i = 0; i < 100; i++) {
        assertEquals("$-1\r\n", call(tracker, "GET", i + name));
      }
      assertEquals(0, info(server, "tracking_total_keys"));
      assertServedAndAlive(server, victim);
    }
  }

  @Test
  void manyTrackersReadingTheSameKeysKeepTheTableWithinItsBytes() throws Exception {
    String[] mget = new String[5_001];
    mget[0] = "MGET";
    for (int i = 1; i < mget.length; i++) {
      mget[i] = String.format("k%06d", i);
    }
    byte[] request = RespIT.resp(mget);
    List<LineClient> trackers = new ArrayList<>();
    try (ServerProcess server = ServerProcess.start(dir, JVM, 0, "serve", "--tcp", "127.0.0.1:0");
        LineClient victim = LineClient.tcp(server.address())) {
      assertEquals("+OK\r\n", call(victim, "SET", "precious", "jewels"));
      try {
        for (int i = 0; i < 400; i++) { // two million (key, connection) items
          LineClient tracker = LineClient.tcp(server.address());
          trackers.add(tracker);
          assertEquals("+OK\r\n", call(tracker, "CLIENT", "TRACKING", "ON"));
          tracker.send(request);
          assertTrue(RespIT.readReply(tracker).startsWith("*5000\r\n"));
        }
        assertServedAndAlive(server, victim);
      } finally {
        for (LineClient tracker : trackers) {
          try {
            tracker.close();
          } catch (IOException e) {
            // closing what the server may have closed
          }
        }
      }
    }
  }
}
