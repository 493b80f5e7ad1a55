package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * SCAN, KEYS and RANDOMKEY through Jedis, a client nobody here wrote: a whole iteration with MATCH and COUNT
 * while other keys come and go, its steps sent on different connections (as a pooled client does), binary keys
 * returned as they were written, and an unknown cursor refused with a reason.
 */
@Timeout(60)
class ScanIT {
  @TempDir Path dir;

  private static Jedis connect(BlinkServer server) {
    return new Jedis(server.tcpAddress().getAddress().getHostAddress(), server.tcpAddress().getPort(),
        (int) LineClient.TIMEOUT.toMillis());
  }

  @Test
  void anIterationWhoseStepsGoOverThreeConnectionsReturnsEveryStableKeyOnce() {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64L << 20);
        Jedis a = connect(server);
        Jedis b = connect(server);
        Jedis writer = connect(server)) {
      Set<String> stable = new HashSet<>();
      for (int i = 0; i < 2_000; i++) {
        writer.set("user:" + i, "v");
        writer.set("other:" + i, "v");
        stable.add("user:" + i);
      }
      Map<String, Integer> seen = new HashMap<>();
      ScanParams params = new ScanParams().match("user:*").count(50);
      String cursor = ScanParams.SCAN_POINTER_START;
      int step = 0;
      do {
        ScanResult<String> result = (step % 2 == 0 ? a : b).scan(cursor, params);
        result.getResult().forEach(key -> seen.merge(key, 1, Integer::sum));
        cursor = result.getCursor();
        // Between steps, other keys come and go: the map resizes under the iteration.
        for (int i = 0; i < 200; i++) {
          writer.set("churn:" + step + ":" + i, "v");
          writer.del("churn:" + (step - 1) + ":" + i);
        }
        step++;
        assertTrue(step < 10_000, "the iteration does not end");
      } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
      assertEquals(stable, seen.keySet());
      seen.forEach((key, times) -> assertEquals(1, times, key));
    }
  }

  @Test
  void binaryKeysComeBackAsTheirBytes() {
    byte[] binary = {0, ' ', (byte) 0xff, '\n', 'k'};
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        Jedis jedis = connect(server)) {
      jedis.set(binary, "v".getBytes(UTF_8));
      jedis.set("text", "v");
      List<byte[]> keys = jedis.scan("0".getBytes(UTF_8), new ScanParams().match(new byte[] {0, '*'})).getResult();
      assertEquals(1, keys.size());
      assertArrayEquals(binary, keys.get(0));
      assertEquals(Set.of("text"), jedis.keys("t*"));
      assertArrayEquals(binary, jedis.keys(new byte[] {'?', ' ', '*'}).iterator().next());
      jedis.del("text");
      assertArrayEquals(binary, jedis.randomBinaryKey());
    }
  }

  @Test
  void aCursorUsedOnceOrNeverIssuedIsRefusedWithAReason() {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        Jedis jedis = connect(server)) {
      for (int i = 0; i < 100; i++) {
        jedis.set("k" + i, "v");
      }
      String first = jedis.scan("0", new ScanParams().count(10)).getCursor();
      jedis.scan(first, new ScanParams().count(10));
      JedisDataException used = assertThrows(JedisDataException.class, () -> jedis.scan(first));
      assertEquals("ERR unknown or expired SCAN cursor: start the iteration again from cursor 0", used.getMessage());
      assertThrows(JedisDataException.class, () -> jedis.scan("12345"));
      assertEquals("PONG", jedis.ping(), "the connection stays usable");
    }
  }
}
