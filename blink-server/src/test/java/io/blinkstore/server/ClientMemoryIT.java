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
import java.nio.file.Path;
import java.time.Duration;
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
      big.send("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$200000\r\n" + "b".repeat(110_000));
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

  private String metrics() throws IOException, InterruptedException {
    URI uri = URI.create("http://" + Addresses.describe(server.metricsAddress()) + MetricsEndpoint.PATH);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
