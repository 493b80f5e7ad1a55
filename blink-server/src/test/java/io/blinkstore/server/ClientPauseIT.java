package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code CLIENT PAUSE} and {@code UNPAUSE} over real sockets, for RESP and text clients: what a pause holds (writes,
 * or everything) waits, on no thread, until {@code UNPAUSE} or the pause's end, in order; what it does not hold,
 * and other connections, go on meanwhile. Waits are bounded; the only timing read is a lower bound (a reply held
 * by a pause cannot come before the pause ends).
 */
@Timeout(120)
class ClientPauseIT {
  private static final String PING = "*1\r\n$4\r\nPING\r\n";
  private static final Duration NOTHING_YET = Duration.ofMillis(300);

  private BlinkStore store;
  private BlinkServer server;

  @BeforeEach
  void start() {
    store = BlinkStore.builder().memoryLimit(1 << 20).build();
    server = TestServers.onLoopback(store);
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  private LineClient connect() throws Exception {
    return LineClient.tcp(server.tcpAddress());
  }

  private static String resp(String... args) {
    StringBuilder request = new StringBuilder("*" + args.length + "\r\n");
    for (String arg : args) {
      request.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
    }
    return request.toString();
  }

  /** The next line, or null if none comes within {@link #NOTHING_YET}. */
  private static String lineWithin(LineClient client) throws Exception {
    try {
      return client.readLine(NOTHING_YET);
    } catch (AssertionError e) {
      return null; // no complete line in time
    }
  }

  @Test
  void writePauseHoldsWritesOfEitherProtocolInOrderAndLetsReadsThrough() throws Exception {
    try (LineClient admin = connect(); LineClient writer = connect(); LineClient text = connect();
        LineClient reader = connect()) {
      assertEquals("+OK\r", admin.request(resp("SET", "k", "before")));
      assertEquals("+OK\r", admin.request(resp("CLIENT", "PAUSE", "60000", "WRITE")));
      writer.send(resp("SET", "k", "after") + resp("GET", "k"));
      text.send("SET t x\n");
      assertNull(lineWithin(writer), "the write waits, and the read behind it");
      assertNull(lineWithin(text), "a text write waits too");
      assertEquals("$6\r", reader.request(resp("GET", "k")), "reads go on");
      assertEquals("before\r", reader.readLine());
      assertEquals("+PONG\r", reader.request(PING));
      assertEquals("+OK\r", admin.request(resp("CLIENT", "UNPAUSE")));
      assertEquals("+OK\r", writer.readLine());
      assertEquals("$5\r", writer.readLine());
      assertEquals("after\r", writer.readLine());
      assertEquals("OK", text.readLine());
    }
  }

  @Test
  void allPauseHoldsEveryCommandUntilItsEnd() throws Exception {
    try (LineClient admin = connect(); LineClient client = connect()) {
      long start = System.nanoTime();
      assertEquals("+OK\r", admin.request(resp("CLIENT", "PAUSE", "1000", "ALL")));
      client.send(PING);
      assertNull(lineWithin(client));
      assertEquals("+PONG\r", client.readLine(), "answered at the pause's end, without an UNPAUSE");
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(1000).toNanos(), "not before the end");
      assertEquals("+PONG\r", client.request(PING), "no pause any more");
    }
  }

  @Test
  void manyPausedConnectionsCostNoThreadAndTheEventLoopsGoOn() throws Exception {
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
    List<LineClient> paused = new ArrayList<>();
    try (LineClient admin = connect(); LineClient other = connect()) {
      assertEquals("+OK\r", admin.request(resp("CLIENT", "PAUSE", "60000", "WRITE")));
      for (int i = 0; i < 200; i++) {
        LineClient client = connect();
        paused.add(client);
        client.send(resp("SET", "key:" + i, "v"));
      }
      assertNull(lineWithin(paused.get(199)));
      assertTrue(ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore < 10,
          "no thread per paused client");
      for (int i = 0; i < 100; i++) {
        paused.get(i).close(); // its wait ends with it, or its request runs at the end (received before a close)
      }
      assertEquals("+PONG\r", other.request(PING), "the event loops go on");
      assertEquals("+OK\r", admin.request(resp("CLIENT", "UNPAUSE")));
      for (int i = 100; i < 200; i++) {
        assertEquals("+OK\r", paused.get(i).readLine());
        assertEquals("v", store.getString("key:" + i));
      }
    } finally {
      for (LineClient client : paused) {
        client.close();
      }
    }
  }
}
