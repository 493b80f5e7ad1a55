package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.TestServers.Endpoint;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input on one connection is answered (or ends that connection) and harms no one else: after every attack, a
 * second connection that was already open still gets correct answers, and the data stored before is intact.
 */
@Timeout(60)
class HostileInputIT {
  /** A small line limit, so that tests at and past it stay cheap. */
  private static final int LIMIT = 1024;
  private static final String JEWELS = "jewels \u00e9\u20ac";
  private static final String PRECIOUS = "SET precious " + JEWELS;
  private static final String PRECIOUS_VALUE = "VALUE " + Base64.getEncoder().encodeToString(JEWELS.getBytes(UTF_8));

  @TempDir Path dir;
  private BlinkServer server;
  private LineClient victim;
  private Endpoint endpoint;

  static Stream<Arguments> transportsAndEndpoints() {
    return TestServers.transportsAndEndpoints().stream();
  }

  /** Starts the server, opens the victim's connection and stores the data that must survive. */
  private void startWithVictim(BlinkServer.Transport transport, Endpoint endpoint, int maxLineBytes)
      throws Exception {
    this.endpoint = endpoint;
    server = TestServers.start(transport, dir, 4 << 20, builder -> builder.maxLineBytes(maxLineBytes));
    victim = endpoint.connect(server);
    assertEquals("OK", victim.request(PRECIOUS));
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (victim != null) {
        victim.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /** The already-open victim connection and a brand-new one both answer correctly, and the old data is there. */
  private void assertOthersUnharmed() throws Exception {
    assertEquals(PRECIOUS_VALUE, victim.request("GET precious"), "the victim's data is intact");
    assertEquals("OK", victim.request("SET after fine"));
    assertEquals("VALUE ZmluZQ==", victim.request("GET after"));
    assertEquals("OK", victim.request("DELETE after"));
    try (LineClient fresh = endpoint.connect(server)) {
      assertEquals(PRECIOUS_VALUE, fresh.request("GET precious"), "a new connection is accepted and answered");
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void unknownWordsAndEmptyLinesAreAnsweredAndTheConnectionStaysUsable(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    startWithVictim(transport, endpoint, LIMIT);
    try (LineClient hostile = endpoint.connect(server)) {
      hostile.send("HELLO\n\n   \n\u017fet precious stolen\nGET\nSET\nDELETE\n\u0000\n\u0007GET precious\n");
      assertEquals(List.of("ERROR unknown command", "ERROR unknown command", "ERROR unknown command",
          "ERROR unknown command", "ERROR GET requires key", "ERROR SET requires key", "ERROR DELETE requires key",
          "ERROR unknown command", "ERROR unknown command"), hostile.readLines(9));
      assertEquals(PRECIOUS_VALUE, hostile.request("GET precious"), "the hostile connection still works too");
    }
    assertOthersUnharmed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void invalidUtf8IsAnsweredWithAnErrorStoresNothingAndKeepsTheConnection(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    startWithVictim(transport, endpoint, LIMIT);
    List<byte[]> lines = List.of(
        concat("SET bad ", bytes(0xC3, 0x28)), // a lead byte followed by no continuation byte
        concat("SET bad ", bytes(0xC0, 0xAF)), // an overlong '/'
        concat("SET bad ", bytes(0xED, 0xA0, 0x80)), // a UTF-16 surrogate (CESU-8)
        concat("SET bad ", bytes(0xF4, 0x90, 0x80, 0x80)), // above U+10FFFF
        concat("SET bad x", bytes(0xFF)),
        concat("SET bad ", bytes(0x80)), // a lone continuation byte
        concat("SET bad ", bytes(0xE2, 0x82)), // truncated by the line end
        concat("G", bytes(0xC3), "T precious"), // in the command word
        concat("GET precious", bytes(0xFE)), // in the key
        concat("SET precious", bytes(0xC3, 0x28), " stolen"));
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] line : lines) {
      all.writeBytes(line);
      all.write('\n');
    }
    try (LineClient hostile = endpoint.connect(server)) {
      hostile.send(all.toByteArray());
      assertEquals(Collections.nCopies(lines.size(), "ERROR invalid UTF-8"), hostile.readLines(lines.size()));
      assertEquals("NOT_FOUND", hostile.request("GET bad"), "no invalid line stored anything");
      hostile.send(concat("SET emoji \ud83d\ude00", bytes(0xC3, 0x28), "\nGET precious\n"));
      assertEquals(List.of("ERROR invalid UTF-8", PRECIOUS_VALUE), hostile.readLines(2));
    }
    assertOthersUnharmed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void aLineOfExactlyTheLimitIsAcceptedAndOneBytePastIsRefusedAndClosed(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    startWithVictim(transport, endpoint, LIMIT);
    String atLimit = lineOfLength("SET edge ", LIMIT);
    try (LineClient hostile = endpoint.connect(server)) {
      assertEquals("OK", hostile.request(atLimit), "a line of exactly maxLineBytes is accepted");
      assertEquals("VALUE " + base64(atLimit.substring("SET edge ".length())), hostile.request("GET edge"));
      assertEquals("OK", hostile.request(atLimit + "\r"), "the CR of a CRLF line end does not count");
      hostile.sendUntilClosed(lineOfLength("SET edge ", LIMIT + 1) + "\n");
      assertEquals("ERROR line too long", hostile.readLine());
      hostile.assertEndOfStream();
    }
    assertEquals("VALUE " + base64(atLimit.substring("SET edge ".length())), victim.request("GET edge"),
        "the refused line did not replace the value");
    assertOthersUnharmed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void aLineOfExactlyTheLimitArrivingInPiecesIsAccepted(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    startWithVictim(transport, endpoint, LIMIT);
    String atLimit = lineOfLength("SET edge ", LIMIT);
    try (LineClient hostile = endpoint.connect(server)) {
      hostile.send(atLimit.substring(0, 100));
      hostile.send(atLimit.substring(100));
      assertEquals("OK", hostile.request(""), "the newline, sent last, completes a line of exactly the limit");
      hostile.send(atLimit + "\r");
      assertEquals("OK", hostile.request(""), "a CR at the limit, its LF sent apart, is still a line end");
    }
    assertOthersUnharmed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void anOverLongLineWithNoNewlineYetIsRefusedAndClosedWithoutWaitingForOne(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    startWithVictim(transport, endpoint, LIMIT);
    try (LineClient hostile = endpoint.connect(server)) {
      hostile.sendUntilClosed("SET flood " + "x".repeat(3 * LIMIT)); // no newline; the client keeps it open
      assertEquals("ERROR line too long", hostile.readLine());
      hostile.assertEndOfStream();
    }
    assertEquals("NOT_FOUND", victim.request("GET flood"));
    assertOthersUnharmed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void anUnfinishedLineOneBytePastTheLimitIsRefusedWithoutWaitingForTheNewline(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    startWithVictim(transport, endpoint, LIMIT);
    try (LineClient hostile = endpoint.connect(server)) {
      hostile.sendUntilClosed(lineOfLength("SET edge ", LIMIT + 1)); // no newline; the client keeps it open
      assertEquals("ERROR line too long", hostile.readLine());
      hostile.assertEndOfStream();
    }
    assertEquals("NOT_FOUND", victim.request("GET edge"));
    assertOthersUnharmed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void requestsBeforeAnOverLongLineAreAnsweredBeforeTheErrorAndTheClose(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    startWithVictim(transport, endpoint, LIMIT);
    try (LineClient hostile = endpoint.connect(server)) {
      hostile.sendUntilClosed(
          "GET precious\nSET before 1\n" + "y".repeat(LIMIT + 100) + "\nSET afterwards 2\n");
      assertEquals(List.of(PRECIOUS_VALUE, "OK", "ERROR line too long"), hostile.readLines(3));
      hostile.assertEndOfStream();
    }
    assertEquals("VALUE MQ==", victim.request("GET before"));
    assertEquals("NOT_FOUND", victim.request("GET afterwards"), "nothing after the over-long line is executed");
    assertOthersUnharmed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void aConnectionResetInTheMiddleOfALineHarmsNobody(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    startWithVictim(transport, endpoint, LIMIT);
    try (LineClient hostile = endpoint.connect(server)) {
      assertEquals("OK", hostile.request("SET whole 1"));
      hostile.send("SET half val"); // no newline
      hostile.abort(); // TCP: a reset; Unix: a close
    }
    assertEquals("VALUE MQ==", victim.request("GET whole"));
    assertOthersUnharmed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void aConnectionClosedInTheMiddleOfALineHarmsNobody(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    startWithVictim(transport, endpoint, LIMIT);
    try (LineClient hostile = endpoint.connect(server)) {
      hostile.send("GET precious\nSET half val"); // the reply is never read, the last line never ended
    }
    assertOthersUnharmed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void halfCloseAnswersEveryLineIncludingALastOneWithoutNewlineThenCloses(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    TestServers.assumeHalfClosure(transport, endpoint);
    startWithVictim(transport, endpoint, LIMIT);
    try (LineClient hostile = endpoint.connect(server)) {
      hostile.send("SET a 1\nGET a\nGET precious\nSET tail end");
      hostile.shutdownOutput();
      assertEquals(List.of("OK", "VALUE MQ==", PRECIOUS_VALUE, "OK"), hostile.readLines(4));
      hostile.assertEndOfStream();
    }
    assertEquals("VALUE ZW5k", victim.request("GET tail"), "the last line, without newline, was executed");
    assertOthersUnharmed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void halfCloseAfterCompleteLinesAnswersThemThenCloses(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    startWithVictim(transport, endpoint, LIMIT);
    try (LineClient hostile = endpoint.connect(server)) {
      hostile.send("GET precious\nUSAGE\n");
      hostile.shutdownOutput();
      assertEquals(List.of(PRECIOUS_VALUE, "USAGE " + (8 + JEWELS.getBytes(UTF_8).length)),
          hostile.readLines(2));
      hostile.assertEndOfStream();
    }
    assertOthersUnharmed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void halfCloseWithABadLastLineAnswersTheErrorThenCloses(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    TestServers.assumeHalfClosure(transport, endpoint);
    startWithVictim(transport, endpoint, LIMIT);
    try (LineClient hostile = endpoint.connect(server)) {
      hostile.send(concat("GET precious\r\nSET bad ", bytes(0xC3, 0x28)));
      hostile.shutdownOutput();
      assertEquals(List.of(PRECIOUS_VALUE, "ERROR invalid UTF-8"), hostile.readLines(2));
      hostile.assertEndOfStream();
    }
    try (LineClient hostile = endpoint.connect(server)) {
      hostile.send("GET precious\nQUIT");
      hostile.shutdownOutput();
      assertEquals(PRECIOUS_VALUE, hostile.readLine());
      hostile.assertEndOfStream();
    }
    assertOthersUnharmed();
  }

  /**
   * A client that asks for a large value over and over and never reads its replies: the server must stop reading
   * from it (backpressure) rather than queue gigabytes of replies, and keep serving everyone else.
   */
  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void aClientThatRequestsHugeRepliesAndNeverReadsDoesNotStopOthers(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    startWithVictim(transport, endpoint, BlinkServer.DEFAULT_MAX_LINE_BYTES);
    String big = "b".repeat(512 * 1024);
    String bigValue = "VALUE " + base64(big);
    assertEquals("OK", victim.request("SET big " + big));
    byte[] requests = "GET big\n".repeat(20_000).getBytes(UTF_8);
    try (LineClient hog = endpoint.connect(server)) {
      int sent = hog.sendUntilStalled(requests, Duration.ofMillis(500));
      assertTrue(sent > 0, "the hog sent requests");
      assertOthersUnharmed();
      String reply = victim.request("GET big");
      assertTrue(bigValue.equals(reply), () -> "the victim reads the big value whole; got "
          + LineClient.abbreviate(reply));
      hog.abort();
    }
    assertOthersUnharmed();
    assertEquals("USAGE " + (8 + JEWELS.getBytes(UTF_8).length + 3 + big.length()),
        victim.request("USAGE"));
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void quitAfterLargeRepliesDeliversThemWholeAndDiscardsWhatFollows(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    startWithVictim(transport, endpoint, BlinkServer.DEFAULT_MAX_LINE_BYTES);
    String big = "q".repeat(128 * 1024);
    assertEquals("OK", victim.request("SET big " + big));
    try (LineClient client = endpoint.connect(server)) {
      client.send("GET big\n".repeat(4) + "QUIT\nSET after-quit 1\n");
      List<String> replies = client.readLines(4);
      for (String reply : replies) {
        assertTrue(reply.equals("VALUE " + base64(big)), () -> "a whole reply: " + LineClient.abbreviate(reply));
      }
      client.assertEndOfStream();
    }
    assertEquals("NOT_FOUND", victim.request("GET after-quit"));
    assertOthersUnharmed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void anOverLongLineAfterLargeRepliesIsRefusedOnlyAfterThemWhole(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    startWithVictim(transport, endpoint, 160 * 1024);
    String big = "t".repeat(128 * 1024);
    assertEquals("OK", victim.request("SET big " + big));
    try (LineClient client = endpoint.connect(server)) {
      client.sendUntilClosed("GET big\n".repeat(4) + "x".repeat(161 * 1024) + "\n");
      List<String> replies = client.readLines(5);
      for (String reply : replies.subList(0, 4)) {
        assertTrue(reply.equals("VALUE " + base64(big)), () -> "a whole reply: " + LineClient.abbreviate(reply));
      }
      assertEquals("ERROR line too long", replies.get(4));
      client.assertEndOfStream();
    }
    assertOthersUnharmed();
  }

  private static String lineOfLength(String prefix, int bytes) {
    return prefix + "z".repeat(bytes - prefix.length());
  }

  private static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(UTF_8));
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  /** Joins strings (as UTF-8) and raw byte arrays. */
  private static byte[] concat(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      out.writeBytes(part instanceof byte[] raw ? raw : part.toString().getBytes(UTF_8));
    }
    return out.toByteArray();
  }
}
