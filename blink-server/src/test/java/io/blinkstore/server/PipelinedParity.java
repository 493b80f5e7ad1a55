package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What the per-group parity tests ({@link GeoParityIT}, {@link ListParityIT}, {@link SortParityIT},
 * {@link SortedSetParityIT}) share: one pipelined write of every request to our server and to {@code redis-server},
 * then the replies compared one by one, byte for byte ({@code HELLO}'s masked: the servers' identities differ).
 */
final class PipelinedParity {
  private PipelinedParity() {}

  /** Sends {@code requests} to a server of ours started in {@code dir} and to the redis-server on {@code socket}. */
  static void assertRepliesMatch(Path dir, Path socket, List<List<String>> requests) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    requests.forEach(request -> bytes.writeBytes(RespIT.resp(request.toArray(String[]::new))));
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient ours = LineClient.unix(server.unixPath());
        LineClient theirs = LineClient.unix(socket)) {
      theirs.send(bytes.toByteArray());
      ours.send(bytes.toByteArray());
      for (List<String> request : requests) {
        String expected = RespIT.readReply(theirs);
        String actual = RespIT.readReply(ours);
        if (!request.get(0).equals("HELLO")) {
          assertEquals(expected, actual, String.join(" ", request));
        }
      }
    }
  }
}
