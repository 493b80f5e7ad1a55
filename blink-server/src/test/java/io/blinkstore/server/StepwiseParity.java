package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parity over several connections, one request at a time: each step names its connection (its first element, an
 * index) and the request; it is sent to our server and to {@code redis-server} on the same-numbered connection, and
 * its replies compared byte for byte before the next step is sent, so that what one connection does happens between
 * two requests of another on both servers ({@link PipelinedParity} is the one-connection form).
 */
final class StepwiseParity {
  private static final int CONNECTIONS = 2;

  private StepwiseParity() {}

  /**
   * Runs {@code steps} on {@link #CONNECTIONS} connections to a server of ours started in {@code dir} and to the
   * redis-server on {@code socket}; every connection in RESP3 first if {@code resp3}.
   */
  static void assertRepliesMatch(Path dir, Path socket, List<String[]> steps, boolean resp3) throws Exception {
    List<LineClient> ours = new ArrayList<>();
    List<LineClient> theirs = new ArrayList<>();
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20)) {
      try {
        for (int i = 0; i < CONNECTIONS; i++) {
          ours.add(LineClient.unix(server.unixPath()));
          theirs.add(LineClient.unix(socket));
          if (resp3) {
            send(ours.get(i), "HELLO", "3");
            send(theirs.get(i), "HELLO", "3");
          }
        }
        for (String[] step : steps) {
          int connection = Integer.parseInt(step[0]);
          String[] request = Arrays.copyOfRange(step, 1, step.length);
          String expected = send(theirs.get(connection), request);
          assertEquals(expected, send(ours.get(connection), request),
              connection + ": " + String.join(" ", request));
        }
      } finally {
        for (LineClient client : ours) {
          client.close();
        }
        for (LineClient client : theirs) {
          client.close();
        }
      }
    }
  }

  private static String send(LineClient client, String... request) throws Exception {
    client.send(RespIT.resp(request));
    return RespIT.readReply(client);
  }
}
