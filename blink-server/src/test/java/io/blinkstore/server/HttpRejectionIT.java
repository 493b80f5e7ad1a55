package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.server.TestServers.Endpoint;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A connection whose first line looks like HTTP is closed without a reply and executes nothing. */
@Timeout(60)
class HttpRejectionIT {
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
  void httpRequestsAreClosedWithoutReplyAndExecuteNothing(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    server = TestServers.start(transport, dir, 1 << 20);
    try (LineClient victim = endpoint.connect(server)) {
      assertEquals("OK", victim.request("SET precious jewels"));
      List<String> attacks = List.of(
          "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
          "POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 22\r\n\r\nSET precious stolen\r\n",
          "Host: localhost\r\nSET precious stolen\r\n",
          "DELETE /precious HTTP/1.1\nDELETE precious\n");
      for (String attack : attacks) {
        try (LineClient browser = endpoint.connect(server)) {
          browser.sendUntilClosed(attack).assertEndOfStream();
        }
      }
      try (LineClient browser = endpoint.connect(server)) {
        browser.send("GET / HT");
        browser.sendUntilClosed("TP/1.1\r\nSET precious stolen\r\n").assertEndOfStream();
      }
      assertEquals("VALUE amV3ZWxz", victim.request("GET precious"), "nothing after the HTTP line was executed");
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void onlyTheFirstLineIsJudgedAndOtherFirstLinesAreServed(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    server = TestServers.start(transport, dir, 1 << 20);
    try (LineClient client = endpoint.connect(server)) {
      assertEquals("NOT_FOUND", client.request("GET /"));
      assertEquals("NOT_FOUND", client.request("GET / HTTP/1.1"), "a later line is a text GET as always");
      assertEquals("ERROR unknown command", client.request("POST /x HTTP/1.1"));
    }
    try (LineClient client = endpoint.connect(server)) {
      client.send("SET / HTTP/1.1\nGET /\n");
      assertEquals(List.of("OK", "VALUE SFRUUC8xLjE="), client.readLines(2));
    }
  }
}
