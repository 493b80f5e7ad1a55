package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blinkstore.BlinkStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Logical databases as clients use them: Jedis connecting to {@code redis://host:port/1} (framework defaults use
 * databases 1, 2 and 5), each database apart from the others, the text protocol and in-process callers in
 * database 0, and {@code --databases} bounding {@code SELECT}.
 */
@Timeout(60)
class DatabasesIT {
  @TempDir Path dir;

  private static URI uri(BlinkServer server, int db) {
    return URI.create("redis://" + server.tcpAddress().getAddress().getHostAddress() + ":"
        + server.tcpAddress().getPort() + "/" + db);
  }

  @Test
  void aClientConnectsToDatabaseOneByItsUrlAndSeesOnlyItsKeys() throws Exception {
    BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
    try (BlinkServer server = BlinkServer.builder().store(store)
            .tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build().start();
        Jedis one = new Jedis(uri(server, 1), (int) LineClient.TIMEOUT.toMillis());
        Jedis zero = new Jedis(uri(server, 0), (int) LineClient.TIMEOUT.toMillis());
        LineClient text = LineClient.tcp(server.tcpAddress())) {
      assertEquals("OK", one.set("session:1", "in one"));
      assertEquals("OK", zero.set("session:1", "in zero"));
      assertEquals("in one", one.get("session:1"));
      assertEquals(1, one.dbSize());
      text.send("GET session:1\n".getBytes(UTF_8));
      assertEquals("VALUE aW4gemVybw==", text.readLine(), "the text protocol is database 0");
      assertEquals("in zero", new String(store.get("session:1"), UTF_8), "in-process callers are database 0");
      assertEquals("OK", one.flushDB());
      assertNull(one.get("session:1"));
      assertEquals("in zero", zero.get("session:1"), "FLUSHDB leaves other databases alone");
    } finally {
      store.close();
    }
  }

  @Test
  void theDatabasesOptionBoundsSelect() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20, b -> b.databases(2));
        Jedis jedis = new Jedis(uri(server, 1), (int) LineClient.TIMEOUT.toMillis())) {
      assertEquals("OK", jedis.select(0));
      assertEquals("ERR DB index is out of range",
          assertThrows(JedisDataException.class, () -> jedis.select(2)).getMessage());
      assertEquals("2", jedis.configGet("databases").get("databases"));
    }
  }
}
