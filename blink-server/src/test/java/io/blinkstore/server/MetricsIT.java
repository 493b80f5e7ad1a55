package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Prometheus endpoint over a real socket: the same figures as {@code STATS}, in the text format. */
@Timeout(60)
class MetricsIT {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private BlinkServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  private void start() {
    InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    server = BlinkServer.builder()
        .store(BlinkStore.builder().memoryLimit(1 << 20).build())
        .tcp(loopback)
        .metrics(loopback)
        .build()
        .start();
  }

  private HttpResponse<String> get(String path, String method) throws Exception {
    URI uri = URI.create("http://" + BlinkServer.describe(server.metricsAddress()) + path);
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void metricsMatchStatsAfterSomeTraffic() throws Exception {
    start();
    String stats;
    try (LineClient client = LineClient.tcp(server.tcpAddress())) {
      client.send("SET a 1\nSET bb 22\nGET a\nGET nope\n").readLines(4);
      stats = client.request("STATS");
      HttpResponse<String> response = get("/metrics", "GET");
      assertEquals(200, response.statusCode());
      assertEquals(MetricsEndpoint.CONTENT_TYPE, response.headers().firstValue("content-type").orElse(null));
      String body = response.body();
      for (String[] pair : new String[][] {{"keys", "blink_keys"}, {"usage", "blink_usage_bytes"},
          {"limit", "blink_limit_bytes"}, {"hits", "blink_hits_total"}, {"misses", "blink_misses_total"},
          {"evictions", "blink_evictions_total"}, {"connections", "blink_connections"},
          {"total_connections", "blink_connections_total"}, {"hit_ratio", "blink_hit_ratio"}}) {
        assertEquals(field(stats, pair[0]), metric(body, pair[1]), pair[1] + " in\n" + body);
      }
      assertEquals(Long.parseLong(field(stats, "commands")), Long.parseLong(metric(body, "blink_commands_total")),
          "a scrape is not a command");
      assertTrue(body.contains("# TYPE blink_hits_total counter\n"), body);
    }
  }

  @Test
  void otherPathsAndMethodsAreRefused() throws Exception {
    start();
    assertEquals(404, get("/", "GET").statusCode());
    assertEquals(405, get("/metrics", "POST").statusCode());
    assertEquals(200, get("/metrics?x=1", "GET").statusCode());
  }

  private static String field(String stats, String name) {
    Matcher matcher = Pattern.compile(" " + name + "=(\\S+)").matcher(stats);
    assertTrue(matcher.find(), name + " in " + stats);
    return matcher.group(1);
  }

  private static String metric(String body, String name) {
    Matcher matcher = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(body);
    assertTrue(matcher.find(), name + " in " + body);
    return matcher.group(1);
  }
}
