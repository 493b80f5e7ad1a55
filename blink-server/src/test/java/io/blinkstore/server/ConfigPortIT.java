package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@code CONFIG SET port} over real sockets: the server moves to the new port (the old one refuses connections,
 * the new one answers, connections open already stay open, {@code CONFIG GET port} says so); a port another socket
 * holds is refused with Redis's words, and every other setting of the same {@code CONFIG SET} rolled back, the
 * server still on its port. And Redis's hidden settings: answered by name, never by a pattern.
 */
@Timeout(60)
class ConfigPortIT {
  private BlinkStore store;
  private BlinkServer server;

  @BeforeEach
  void start() {
    store = BlinkStore.builder().memoryLimit(8 << 20).heapCapacity(64 << 20, 120).build();
    server = TestServers.onLoopback(store);
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  private static Jedis jedis(int port) {
    return new Jedis(InetAddress.getLoopbackAddress().getHostAddress(), port, (int) LineClient.TIMEOUT.toMillis());
  }

  /** A port free now: bound and closed at once. */
  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static boolean refuses(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  void configSetPortMovesTheListenerAndKeepsOpenConnections() throws Exception {
    int old = server.tcpAddress().getPort();
    int moved = freePort();
    try (Jedis before = jedis(old)) {
      assertEquals("OK", before.configSet("port", Integer.toString(moved)));
      assertEquals(Map.of("port", Integer.toString(moved)), before.configGet("port"));
      assertEquals("PONG", before.ping(), "a connection open already stays open");
      assertTrue(refuses(old), "the old port is closed");
      try (Jedis after = jedis(moved)) {
        assertEquals("PONG", after.ping());
        assertEquals(moved, server.tcpAddress().getPort());
        assertEquals("OK", after.configSet("port", Integer.toString(moved)), "the same port: nothing to do");
      }
    }
  }

  @Test
  void aPortAnotherSocketHoldsIsRefusedAndTheWholeConfigSetRolledBack() throws Exception {
    int port = server.tcpAddress().getPort();
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Jedis jedis = jedis(port)) {
      Map<String, String> before = jedis.configGet("maxmemory");
      Map<String, String> limitBefore = jedis.configGet("client-query-buffer-limit");
      JedisDataException refused = assertThrows(JedisDataException.class, () -> jedis.configSet("maxmemory",
          "10000001", "port", Integer.toString(taken.getLocalPort()), "client-query-buffer-limit", "10mb"));
      assertEquals("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. "
          + "Check server logs.", refused.getMessage());
      assertEquals(before, jedis.configGet("maxmemory"));
      assertEquals(limitBefore, jedis.configGet("client-query-buffer-limit"));
      assertEquals(Map.of("port", Integer.toString(port)), jedis.configGet("port"));
      try (Jedis fresh = jedis(port)) {
        assertEquals("PONG", fresh.ping(), "still listening on its port");
      }
      assertEquals("OK", jedis.configSet("maxmemory", "10000001", "client-query-buffer-limit", "10mb"));
      assertEquals(Map.of("client-query-buffer-limit", "10485760"), jedis.configGet("client-query-buffer-limit"));
    }
  }

  @Test
  void hiddenSettingsAnswerTheirNameOnly() {
    try (Jedis jedis = jedis(server.tcpAddress().getPort())) {
      assertEquals(Map.of("key-load-delay", "0"), jedis.configGet("key-load-delay"));
      assertEquals(Map.of("loading-process-events-interval-bytes", "2097152"),
          jedis.configGet("loading-process-events-interval-bytes"));
      assertFalse(jedis.configGet("*").containsKey("key-load-delay"));
      assertTrue(jedis.configGet("key-load-*").isEmpty());
      assertEquals("OK", jedis.configSet("key-load-delay", "0"));
    }
  }
}
