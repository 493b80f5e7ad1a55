package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.TestServers.Endpoint;
import io.blinkstore.server.transport.Addresses;
import io.blinkstore.server.transport.ClientMemory;
import io.blinkstore.server.transport.MetricsEndpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --max-client-memory} over real sockets: when connections together hold more than the limit, the one
 * holding the most is closed, the others are served, and the eviction is counted in {@code STATS}, RESP
 * {@code INFO} and the metrics alike.
 */
@Timeout(60)
class ClientMemoryIT {
  private static final long LIMIT = ClientMemory.MIN_LIMIT; // 128 KiB

  @TempDir Path dir;
  private BlinkServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void theConnectionHoldingTheMostIsClosedWhenAllTogetherPassTheLimitAndCountedEverywhere(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    server = TestServers.start(transport, dir, 1 << 20, builder -> builder.maxClientMemory(LIMIT)
        .metrics(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)));
    try (LineClient victim = endpoint.connect(server);
        LineClient small = endpoint.connect(server);
        LineClient big = endpoint.connect(server)) {
      assertEquals("OK", victim.request("SET precious jewels"));
      small.send("SET small " + "s".repeat(20_000)); // a line begun: at most 32 KiB of buffer
      assertEquals("OK", victim.request("SET after-small 1"), "the small one is in");
      big.send("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$120000\r\n" + "b".repeat(110_000));
      big.discardLinesUntilClosed(LineClient.TIMEOUT);
      assertTrue(big.isClosedByServer(), "the connection holding the most was closed");

      small.send("s\n");
      assertEquals("OK", small.readLine(), "the other is served");
      assertEquals("VALUE " + ConnectionLimitsIT.base64("jewels"), victim.request("GET precious"));
      assertTrue(victim.request("STATS").endsWith(" evicted_clients=1"), "counted in STATS");
      assertEquals(1, server.evictedClients());
    }
    try (LineClient resp = endpoint.connect(server)) {
      resp.send(RespIT.resp("INFO", "stats"));
      String line = resp.readLine();
      while (line != null && !line.startsWith("evicted_clients:")) {
        line = resp.readLine(); // the bulk string's lines, "$<n>" and "# Stats" first
      }
      assertEquals("evicted_clients:1\r", line, "counted in INFO");
    }
    assertTrue(metrics().contains("\nblink_evicted_clients_total 1\n"), "counted in the metrics");
  }

  /**
   * Issue 23: RESP requests are no longer bounded by the line limit, so what bounds many connections sending
   * bulk strings of megabytes at once is {@code --max-client-memory} alone. Twelve connections each send 3 MiB
   * of a 4 MiB SET (36 MiB together) to a server whose clients may hold 8 MiB: all but at most two (3 MiB each,
   * in buffers of 4 MiB) are closed, each counted as an eviction, what clients hold is within the limit, and the
   * victim is served. With the decoder's buffer not counted, none was closed.
   */
  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void manyConnectionsSendingLargeBulkStringsAtOnceAreBoundedInTotal(BlinkServer.Transport transport,
      Endpoint endpoint) throws Exception {
    long limit = 8 << 20;
    int senders = 12;
    int sent = 3 << 20;
    server = TestServers.start(transport, dir, 64 << 20, builder -> builder.maxClientMemory(limit));
    List<LineClient> clients = new ArrayList<>();
    try (LineClient victim = endpoint.connect(server)) {
      assertEquals("OK", victim.request("SET precious jewels"));
      byte[] part = ("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$" + (4 << 20) + "\r\n" + "b".repeat(sent))
          .getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < senders; i++) {
        clients.add(endpoint.connect(server).sendUntilClosed(part));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      int closed = 0;
      while ((closed = closedByServer(clients)) < senders - limit / sent && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(closed >= senders - limit / sent, closed + " of " + senders + " closed");
      assertEquals(closed, server.evictedClients());
      assertEquals("VALUE " + ConnectionLimitsIT.base64("jewels"), victim.request("GET precious"));
      long held = clientsHold(endpoint);
      assertTrue(held <= limit, held + " bytes held");
    } finally {
      for (LineClient client : clients) {
        client.close();
      }
    }
  }

  /** What clients hold, as {@code INFO memory}'s {@code mem_clients_normal} reports it. */
  private long clientsHold(Endpoint endpoint) throws Exception {
    try (LineClient resp = endpoint.connect(server)) {
      resp.send(RespIT.resp("INFO", "memory"));
      String line = resp.readLine();
      while (line != null && !line.startsWith("mem_clients_normal:")) {
        line = resp.readLine();
      }
      assertTrue(line != null, "INFO memory has mem_clients_normal");
      return Long.parseLong(line.substring("mem_clients_normal:".length()).strip());
    }
  }

  private static int closedByServer(List<LineClient> clients) throws IOException {
    int closed = 0;
    for (LineClient client : clients) {
      client.discardLinesUntilClosed(Duration.ZERO);
      closed += client.isClosedByServer() ? 1 : 0;
    }
    return closed;
  }

  private String metrics() throws IOException, InterruptedException {
    URI uri = URI.create("http://" + Addresses.describe(server.metricsAddress()) + MetricsEndpoint.PATH);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
