package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * {@code CONFIG SET} over real sockets: {@code maxmemory} lowered while clients write (the store ends within the
 * new limit and INFO, CONFIG GET, the text protocol's USAGE and STATS agree), refused past the heap capacity;
 * {@code timeout} closes connections open already; {@code maxclients} refuses the next connection. The timeout
 * guards against a hang only: every loop is bounded in count.
 */
@Timeout(120)
class ConfigSetIT {
  private static final long CAPACITY = 64 << 20;

  private BlinkStore store;
  private BlinkServer server;

  @BeforeEach
  void start() {
    store = BlinkStore.builder().memoryLimit(8 << 20).heapCapacity(CAPACITY, 120).build();
    server = TestServers.onLoopback(store);
  }

  @AfterEach
  void stop() {
    server.close();
    store.close();
  }

  private Jedis jedis() {
    return new Jedis(server.tcpAddress().getHostString(), server.tcpAddress().getPort(),
        (int) LineClient.TIMEOUT.toMillis());
  }

  private static long infoField(Jedis jedis, String field) {
    for (String line : jedis.info("memory").split("\r\n")) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.substring(field.length() + 1));
      }
    }
    throw new AssertionError("no " + field + " in INFO memory");
  }

  @Test
  void maxmemoryLoweredUnderLoadBoundsTheStoreAndEveryReportAgrees() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      int id = w;
      Thread writer = new Thread(() -> {
        String value = "v".repeat(1000);
        try (Jedis jedis = jedis()) {
          for (int i = 0; i < 30_000 && !done.get(); i++) {
            jedis.set("w" + id + ":" + (i % 10_000), value);
          }
        } catch (RuntimeException e) {
          failure.set(e);
        }
      });
      writers.add(writer);
      writer.start();
    }
    try (Jedis admin = jedis(); LineClient text = LineClient.tcp(server.tcpAddress())) {
      while (infoField(admin, "used_memory") < 4 << 20 && writers.stream().anyMatch(Thread::isAlive)) {
        Thread.onSpinWait();
      }
      for (long limit : new long[] {2 << 20, 1 << 20, 300_000}) {
        assertEquals("OK", admin.configSet("maxmemory", Long.toString(limit)));
        assertTrue(infoField(admin, "used_memory") <= limit, "INFO used_memory within " + limit);
        assertEquals(limit, infoField(admin, "maxmemory"));
        assertEquals(Long.toString(limit), admin.configGet("maxmemory").get("maxmemory"));
        assertTrue(store.usage() <= limit, () -> "store usage " + store.usage() + " over " + limit);
      }
      done.set(true);
      for (Thread writer : writers) {
        writer.join();
      }
      assertNull(failure.get());
      long usage = Long.parseLong(text.request("USAGE").substring("USAGE ".length()));
      assertTrue(usage <= 300_000, () -> "USAGE " + usage);
      assertTrue(text.request("STATS").contains(" limit=300000 "), "STATS reports the new limit");
      assertTrue(store.stats().evictions() > 0);
    }
  }

  @Test
  void maxmemoryPastTheHeapCapacityIsRefusedWithTheReason() {
    try (Jedis admin = jedis()) {
      JedisDataException refused = assertThrows(JedisDataException.class,
          () -> admin.configSet("maxmemory", Long.toString(CAPACITY + 1)));
      assertTrue(refused.getMessage().startsWith("ERR CONFIG SET failed (possibly related to argument 'maxmemory')"
          + " - the heap cannot hold a memory limit of " + (CAPACITY + 1) + " bytes"), refused.getMessage());
      assertEquals(Long.toString(8 << 20), admin.configGet("maxmemory").get("maxmemory"));
      assertEquals("OK", admin.configSet("maxmemory", "0"));
      assertEquals(Long.toString(CAPACITY), admin.configGet("maxmemory").get("maxmemory"));
    }
  }

  @Test
  void timeoutClosesIdleConnectionsOpenAlreadyAndZeroStopsIt() throws Exception {
    try (Jedis admin = jedis(); LineClient idle = LineClient.tcp(server.tcpAddress())) {
      assertEquals("+PONG", idle.request("*1\r\n$4\r\nPING\r\n").strip());
      assertEquals("OK", admin.configSet("timeout", "1"));
      assertEquals("1", admin.configGet("timeout").get("timeout"));
      idle.assertEndOfStream();
    }
    try (Jedis admin = jedis()) { // the first one was idle too, and is closed
      assertEquals("OK", admin.configSet("timeout", "0"));
      try (LineClient kept = LineClient.tcp(server.tcpAddress())) {
        Thread.sleep(1500);
        assertEquals("+PONG", kept.request("*1\r\n$4\r\nPING\r\n").strip(), "no timeout any more");
      }
    }
  }

  @Test
  void maxclientsLoweredRefusesTheNextConnectionAndKeepsTheOpenOnes() throws Exception {
    try (Jedis admin = jedis(); Jedis other = jedis()) {
      other.ping();
      assertEquals("OK", admin.configSet("maxclients", "2"));
      assertEquals(2, server.maxConnections());
      try (LineClient third = LineClient.tcp(server.tcpAddress())) {
        assertEquals("-ERR max number of clients reached", third.request("*1\r\n$4\r\nPING\r\n").strip());
      }
      assertEquals("PONG", other.ping());
      assertEquals("OK", admin.configSet("maxclients", "10"));
      try (LineClient third = LineClient.tcp(server.tcpAddress())) {
        assertEquals("+PONG", third.request("*1\r\n$4\r\nPING\r\n").strip());
      }
    }
  }
}
