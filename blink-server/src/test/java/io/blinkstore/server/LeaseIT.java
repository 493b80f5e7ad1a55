package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.TestServers.Endpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fill leases over real sockets: many connections missing one key at once get exactly one lease; an unfilled
 * lease runs out and another connection takes over; stale and wrong tokens cannot fill. Waits are polls bounded
 * by a deadline, never fixed sleeps.
 */
@Timeout(60)
class LeaseIT {
  private static final int CLIENTS = 50;
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

  @TempDir Path dir;

  static Stream<Arguments> transportsAndEndpoints() {
    return TestServers.transportsAndEndpoints().stream();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void fiftyConnectionsMissingOneKeyAtOnceGetExactlyOneLease(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20)) {
      List<LineClient> clients = connect(server, endpoint);
      try {
        CyclicBarrier start = new CyclicBarrier(CLIENTS);
        List<String> replies = onEveryClient(clients, client -> {
          start.await(30, TimeUnit.SECONDS);
          return client.request("GETL hot 30000");
        });
        List<String> leases = replies.stream().filter(r -> r.startsWith("LEASE ")).toList();
        assertEquals(1, leases.size(), replies::toString);
        assertTrue(replies.stream().allMatch(r -> r.matches("LEASE \\d+|WAIT ([1-9]|10)")), replies::toString);
      } finally {
        closeAll(clients);
      }
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void fiftyConnectionsFollowingTheLeaseProtocolLoadTheKeyOnce(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20)) {
      List<LineClient> clients = connect(server, endpoint);
      try {
        AtomicInteger loads = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(CLIENTS);
        List<String> values = onEveryClient(clients, client -> {
          start.await(30, TimeUnit.SECONDS);
          return getOrLoad(client, "hot", () -> {
            loads.incrementAndGet();
            return "from the database";
          });
        });
        assertEquals(1, loads.get());
        assertTrue(values.stream().allMatch("from the database"::equals), values::toString);
      } finally {
        closeAll(clients);
      }
    }
  }

  /**
   * What a client's getOrLoad does over the wire: GETL until it has the value or a lease; with a lease, load and
   * FILL. Polls WAIT hints up to the deadline.
   */
  private static String getOrLoad(LineClient client, String key, Callable<String> loader) throws Exception {
    String reply = untilNotWait(client, "GETL " + key + " 10000");
    if (reply.startsWith("VALUE ")) {
      return decode(reply.substring("VALUE ".length()));
    }
    assertTrue(reply.matches("LEASE \\d+"), reply);
    String value = loader.call();
    String token = reply.substring("LEASE ".length());
    assertEquals("OK", client.request("FILL " + key + " " + token + " 0 " + encode(value)));
    return value;
  }

  /** Sends {@code request} again after each {@code WAIT} hint, up to the deadline; returns the first other reply. */
  private static String untilNotWait(LineClient client, String request) throws Exception {
    long started = System.nanoTime();
    for (;;) {
      String reply = client.request(request);
      if (!reply.startsWith("WAIT ")) {
        return reply;
      }
      assertTrue(System.nanoTime() - started < DEADLINE_NANOS, "still told to wait at the deadline");
      Thread.sleep(Long.parseLong(reply.substring("WAIT ".length())));
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void aLeaseThatRunsOutIsTakenOverAndItsTokenCanNoLongerFill(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        LineClient crashed = endpoint.connect(server);
        LineClient other = endpoint.connect(server)) {
      String first = crashed.request("GETL k 100");
      assertTrue(first.matches("LEASE \\d+"), first);
      // The taker's own lease is long: it must still be live at its FILL, however slow the machine.
      String second = untilNotWait(other, "GETL k 30000");
      assertTrue(second.matches("LEASE \\d+"), second);
      assertNotEquals(first, second);
      String staleToken = first.substring("LEASE ".length());
      assertEquals("ERROR lease expired", crashed.request("FILL k " + staleToken + " 0 " + encode("stale")));
      assertEquals("OK", other.request("FILL k " + second.substring("LEASE ".length()) + " 0 " + encode("fresh")));
      assertEquals("VALUE " + encode("fresh"), crashed.request("GETL k 100"));
      assertEquals("VALUE " + encode("fresh"), other.request("GET k"));
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void aSetOrDeleteWhileAWorkerLoadsEndsItsLeaseSoItsStaleFillIsRefused(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        LineClient loader = endpoint.connect(server);
        LineClient writer = endpoint.connect(server)) {
      String token = loader.request("GETL user:1 30000").substring("LEASE ".length());
      assertEquals("OK", writer.request("SET user:1 fresh"));
      assertEquals("ERROR lease expired", loader.request("FILL user:1 " + token + " 0 " + encode("stale")));
      assertEquals("VALUE " + encode("fresh"), loader.request("GET user:1"));

      token = untilNotWait(loader, "GETL user:2 30000").substring("LEASE ".length());
      assertEquals("NOT_FOUND", writer.request("DELETE user:2"));
      assertEquals("ERROR lease expired", loader.request("FILL user:2 " + token + " 0 " + encode("stale")));
      assertEquals("NOT_FOUND", loader.request("GET user:2"));
      assertTrue(writer.request("GETL user:2 30000").startsWith("LEASE "), "the next miss gets a new lease");
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void wrongTokensCannotFillOrReleaseAndReleaseHandsTheLeaseOn(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        LineClient holder = endpoint.connect(server);
        LineClient other = endpoint.connect(server)) {
      String token = holder.request("GETL k 30000").substring("LEASE ".length());
      long wrong = Long.parseLong(token) + 1;
      assertEquals("ERROR lease expired", other.request("FILL k " + wrong + " 0 " + encode("x")));
      assertEquals("ERROR lease expired", other.request("FILL other " + token + " 0 " + encode("x")));
      assertEquals("NOT_FOUND", other.request("RELEASE k " + wrong));
      assertEquals("NOT_FOUND", other.request("GET k"));
      assertTrue(other.request("GETL k 30000").matches("WAIT \\d+"));
      assertEquals("OK", holder.request("RELEASE k " + token));
      assertEquals("NOT_FOUND", holder.request("RELEASE k " + token));
      assertTrue(other.request("GETL k 30000").matches("LEASE \\d+"), "released: the next caller may fill");
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void aFillWithATtlExpiresAndAnEmptyFillIsAnEmptyValue(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        LineClient client = endpoint.connect(server)) {
      String token = client.request("GETL k 30000").substring("LEASE ".length());
      long before = System.nanoTime();
      assertEquals("OK", client.request("FILL k " + token + " 100000 " + encode("v")));
      assertTtl(100, client.request("TTL k"), before);
      String empty = client.request("GETL e 30000").substring("LEASE ".length());
      assertEquals("OK", client.request("FILL e " + empty + " 0"));
      assertEquals("VALUE ", client.request("GETL e 30000"));
      assertEquals("TTL -1", client.request("TTL e"));
    }
  }

  /**
   * Asserts a {@code TTL} reply for an entry given {@code seconds} to live at {@code before} ({@link System#nanoTime})
   * or later: exactly {@code seconds} when asked within half a second of it (TTL rounds to the nearest second), and
   * on a machine stalled longer, no less than what can be left.
   */
  private static void assertTtl(long seconds, String reply, long before) {
    long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - before) + 1;
    long least = (seconds * 1000 - elapsedMillis + 500) / 1000;
    assertTrue(reply.matches("TTL \\d+"), reply);
    long ttl = Long.parseLong(reply.substring("TTL ".length()));
    assertTrue(ttl >= least && ttl <= seconds,
        () -> reply + ", expected TTL " + seconds + " (at least " + least + " after " + elapsedMillis + " ms)");
  }

  private static List<LineClient> connect(BlinkServer server, Endpoint endpoint) throws Exception {
    List<LineClient> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(endpoint.connect(server));
    }
    return clients;
  }

  private static void closeAll(List<LineClient> clients) throws Exception {
    for (LineClient client : clients) {
      client.close();
    }
  }

  /** A step one client takes. */
  private interface Step {
    String run(LineClient client) throws Exception;
  }

  /** Runs {@code step} on every client, each on its own thread, and returns the results in order. */
  private static List<String> onEveryClient(List<LineClient> clients, Step step) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients.size());
    try {
      List<Future<String>> futures = new ArrayList<>();
      for (LineClient client : clients) {
        futures.add(pool.submit(() -> step.run(client)));
      }
      List<String> results = new ArrayList<>();
      for (Future<String> future : futures) {
        results.add(future.get(45, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static String encode(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(UTF_8));
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), UTF_8);
  }
}
