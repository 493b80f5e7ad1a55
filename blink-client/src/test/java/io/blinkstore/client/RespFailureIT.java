package io.blinkstore.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The RESP transport against a server that misbehaves on cue ({@link FakeServer}, whose script sees each line of
 * a RESP request: {@code *n}, {@code $n} and the arguments): replies that answer nothing, or claim more bytes than
 * any legitimate reply holds, fail their command with a typed exception and take down only their connection.
 */
@Timeout(30)
class RespFailureIT {
  private static final Duration PATIENT = Duration.ofSeconds(10);
  private static final String INFO_MEMORY = "used_memory:0\r\nmaxmemory:1000\r\n";

  /** Answers the handshake as a RESP server would, and each GET's key with {@code replyToKey}. */
  private static FakeServer server(Function<String, String> replyToKey) throws Exception {
    boolean[] inGet = {false};
    return new FakeServer(line -> {
      if (line.startsWith("*") || line.startsWith("$") || line.equals("INFO")) {
        return FakeServer.SILENCE;
      }
      if (line.equals("GET")) {
        inGet[0] = true;
        return FakeServer.SILENCE;
      }
      if (inGet[0]) {
        inGet[0] = false;
        return replyToKey.apply(line);
      }
      return switch (line) {
        case "PING" -> "+PONG\r";
        case "memory" -> "$" + INFO_MEMORY.length() + "\r\n" + INFO_MEMORY + "\r";
        default -> "-ERR unexpected " + line + "\r";
      };
    });
  }

  private static BlinkClient connect(FakeServer server) {
    return BlinkClient.connect(URI.create("redis://127.0.0.1:" + server.address().getPort()),
        BlinkClientOptions.builder().connectTimeout(PATIENT).commandTimeout(PATIENT).build());
  }

  @Test
  void aReplyOfTheWrongTypeFailsItsCommandAndTheConnectionIsReplaced() throws Exception {
    try (FakeServer server = server(key -> key.equals("odd") ? ":1\r" : "$1\r\nv\r");
        BlinkClient client = connect(server)) {
      BlinkConnectionException e = assertThrows(BlinkConnectionException.class, () -> client.get("odd"));
      assertTrue(e.getMessage().contains("cannot answer GET odd: \":1\""), e.getMessage());
      assertArrayEquals(new byte[] {'v'}, client.get("k"));
      assertEquals(2, server.connections());
    }
  }

  @Test
  void aBulkStringLongerThanTheServersLimitEndsTheConnectionAtItsHeader() throws Exception {
    // The server's limit is 1000 bytes, so no reply may carry more than 64 KiB; this one claims a gigabyte.
    try (FakeServer server = server(key -> "$1000000000\r");
        BlinkClient client = connect(server)) {
      BlinkConnectionException e = assertThrows(BlinkConnectionException.class, () -> client.get("k"));
      assertTrue(e.getMessage().contains("no legitimate reply is longer than 65536"), e.getMessage());
    }
  }

  @Test
  void anErrorReplyIsAServerExceptionAndTheConnectionStaysInUse() throws Exception {
    try (FakeServer server = server(key -> key.equals("bad") ? "-ERR not today\r"
            : key.equals("hash") ? "-WRONGTYPE not a string\r" : "$-1\r");
        BlinkClient client = connect(server)) {
      BlinkServerException e = assertThrows(BlinkServerException.class, () -> client.get("bad"));
      assertEquals("ERR not today", e.serverMessage());
      // Issue 18: a wrong type is the contract's own exception, as in process.
      assertThrows(io.blinkstore.WrongTypeException.class, () -> client.get("hash"));
      assertEquals(null, client.get("k"));
      assertEquals(1, server.connections());
    }
  }

  @Test
  void aServerThatIsNoRespServerFailsTheHandshake() throws Exception {
    try (FakeServer text = new FakeServer(line -> "ERROR unknown command")) {
      BlinkConnectionException e = assertThrows(BlinkConnectionException.class, () -> connect(text));
      assertEquals("connect", e.command());
      assertTrue(e.getMessage().contains("did not answer PING and INFO memory"), e.getMessage());
    }
  }
}
