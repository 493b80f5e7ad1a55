package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.TestServers.Endpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Entries expire on a real server, with the real clock: a short TTL, then polling (bounded by a deadline, no fixed
 * sleep) until the entry is gone, from reads at once and from USAGE and STATS soon after.
 */
@Timeout(30)
class ExpiryIT {
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(20);
  private static final long TTL_MILLIS = 50;

  @TempDir Path dir;

  static Stream<Arguments> transportsAndEndpoints() {
    return TestServers.transportsAndEndpoints().stream();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void anExpiredEntryVanishesAndItsBytesAreGivenBack(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        LineClient client = endpoint.connect(server)) {
      long sent = System.nanoTime();
      List<String> replies = exchange(client, "PSETEX short " + TTL_MILLIS + " hello\nSET kept v\nUSAGE\n", 3);
      boolean withinTtl = System.nanoTime() - sent < TimeUnit.MILLISECONDS.toNanos(TTL_MILLIS);
      // USAGE was executed within the time to live if the replies came back within it; on a machine stalled
      // longer than that, the entry may already have expired and its bytes been given back.
      List<String> whileLive = List.of("OK", "OK", "USAGE 15");
      assertTrue(replies.equals(whileLive) || (!withinTtl && replies.equals(List.of("OK", "OK", "USAGE 5"))),
          () -> replies + " (within the time to live: " + withinTtl + ")");
      awaitReply(client, "GET short", "NOT_FOUND");
      assertEquals("NOT_FOUND", client.request("TTL short"));
      awaitReply(client, "USAGE", "USAGE 5");
      String stats = client.request("STATS");
      assertTrue(stats.startsWith("STATS keys=1 usage=5 ") && stats.contains(" evictions=0 expirations=1 "), stats);
      assertEquals("VALUE dg==", client.request("GET kept"));
    }
  }

  private static List<String> exchange(LineClient client, String lines, int replies) throws Exception {
    client.send(lines);
    return client.readLines(replies);
  }

  /** Sends {@code request} until it is answered {@code expected}, or fails at the deadline. */
  private static void awaitReply(LineClient client, String request, String expected) throws Exception {
    long start = System.nanoTime();
    String reply;
    while (!(reply = client.request(request)).equals(expected)) {
      assertTrue(System.nanoTime() - start < DEADLINE_NANOS, () -> request + " still answered otherwise");
      Thread.sleep(10);
    }
  }
}
