package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.server.TestServers.Endpoint;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The example session from the original's documentation, verbatim, with the corrected {@code USAGE 19}. */
@Timeout(30)
class ExampleSessionIT {
  private static final List<String> REQUESTS = List.of(
      "GET mykey", "SET mykey hello", "GET mykey", "SET counter 42", "USAGE", "DELETE mykey", "GET mykey");
  private static final List<String> REPLIES = List.of(
      "NOT_FOUND", "OK", "VALUE aGVsbG8=", "OK", "USAGE 19", "OK", "NOT_FOUND");

  @TempDir Path dir;

  static Stream<Arguments> transportsAndEndpoints() {
    return TestServers.transportsAndEndpoints().stream();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void theDocumentedSessionAnswersLineByLineAndQuitCloses(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        LineClient client = endpoint.connect(server)) {
      for (int i = 0; i < REQUESTS.size(); i++) {
        assertEquals(REPLIES.get(i), client.request(REQUESTS.get(i)), "reply to " + REQUESTS.get(i));
      }
      client.send("QUIT\n");
      client.assertEndOfStream();
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void theDocumentedSessionSentInOneWriteGetsTheSameReplies(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        LineClient client = endpoint.connect(server)) {
      client.send(String.join("\n", REQUESTS) + "\nQUIT\n");
      assertEquals(REPLIES, client.readLines(REPLIES.size()));
      client.assertEndOfStream();
    }
  }
}
