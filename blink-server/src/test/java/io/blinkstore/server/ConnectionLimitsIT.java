package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.TestServers.Endpoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The connection-level limits over real sockets: each closes (or refuses) only the offending connection, and
 * every other client goes on being served with its data intact.
 */
@Timeout(60)
class ConnectionLimitsIT {
  /** Short timeouts, so the tests stay quick; the client behaviour they meet is real. */
  private static final Duration SHORT = Duration.ofMillis(300);
  /**
   * The idle timeout. Not {@link #SHORT}: the busy client must never leave it a whole timeout without a request,
   * and a loaded machine (or a GC pause of this JVM, which holds client and server) can stall it for a few hundred
   * milliseconds; this leaves it some 900 ms of slack between requests.
   */
  private static final Duration IDLE = Duration.ofSeconds(1);

  @TempDir Path dir;
  private BlinkServer server;
  private Endpoint endpoint;
  private final List<LineClient> clients = new ArrayList<>();

  private void start(BlinkServer.Transport transport, Endpoint endpoint, UnaryOperator<BlinkServerBuilder> extra)
      throws IOException {
    this.endpoint = endpoint;
    server = TestServers.start(transport, dir, 8 << 20, extra);
    assertEquals("OK", connect().request("SET precious jewels"));
  }

  private LineClient connect() throws IOException {
    LineClient client = endpoint.connect(server);
    clients.add(client);
    return client;
  }

  @AfterEach
  void stop() throws IOException {
    try {
      for (LineClient client : clients) {
        client.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  /** A client connected now is served, and the data stored at the start is intact. */
  private void assertOthersServed() throws IOException {
    try (LineClient fresh = endpoint.connect(server)) {
      assertEquals("VALUE " + base64("jewels"), fresh.request("GET precious"));
      assertEquals("OK", fresh.request("SET fresh 1"));
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void aConnectionOverTheLimitIsToldSoAndClosedAndOneFreedSlotAdmitsTheNext(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    start(transport, endpoint, builder -> builder.maxConnections(2));
    LineClient first = clients.get(0);
    LineClient second = connect();
    assertEquals("VALUE " + base64("jewels"), second.request("GET precious"), "the connection at the limit");
    try (LineClient third = endpoint.connect(server)) {
      assertEquals("ERROR max number of clients reached", third.readLine());
      third.assertEndOfStream();
    }
    assertEquals("OK", first.request("SET still 1"), "open connections are not affected");
    second.send("QUIT\n").assertEndOfStream();
    awaitConnections(1);
    assertOthersServed();
  }

  /**
   * Issue 16: a client over the limit was always sent the text protocol's line, which a RESP client reads as a
   * protocol error; it is told in its own protocol, known from its first byte.
   */
  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void aRespClientOverTheLimitIsToldInResp(BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    start(transport, endpoint, builder -> builder.maxConnections(1));
    try (LineClient resp = endpoint.connect(server)) {
      assertEquals("-ERR max number of clients reached\r", resp.send(RespIT.resp("PING")).readLine());
      resp.assertEndOfStream();
    }
    assertEquals("OK", clients.get(0).request("SET still 1"), "the open connection is not affected");
  }

  /**
   * On a server that speaks only RESP ({@code --protocol resp}), a client over the limit is told in RESP whatever
   * it sends, without the wait for its first byte (a server that chooses by the first byte tells a client that
   * sends nothing in the text protocol).
   */
  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void onARespOnlyServerAClientOverTheLimitIsToldInRespBeforeItSendsAnything(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    this.endpoint = endpoint;
    server = TestServers.start(transport, dir, 8 << 20, builder -> builder.maxConnections(1).respOnly());
    LineClient first = connect();
    assertEquals("+OK\r", first.send("SET precious jewels\r\n").readLine(), "an inline command as the first request");
    try (LineClient over = endpoint.connect(server)) {
      assertEquals("-ERR max number of clients reached\r", over.readLine());
      over.assertEndOfStream();
    }
    assertEquals("$6\r", first.send("GET precious\r\n").readLine(), "the open connection is not affected");
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void anIdleConnectionIsClosedAndABusyOneIsNot(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    start(transport, endpoint, builder -> builder.idleTimeout(IDLE));
    LineClient idle = connect();
    LineClient busy = connect();
    long busyUntil = System.nanoTime() + IDLE.multipliedBy(2).toNanos();
    while (System.nanoTime() < busyUntil) {
      assertEquals("VALUE " + base64("jewels"), busy.request("GET precious"), "a busy connection stays open");
      Thread.sleep(IDLE.toMillis() / 20); // a client pausing between requests, well within the timeout
    }
    idle.assertEndOfStream();
    assertOthersServed();
  }

  /**
   * A connection whose replies are still going out is not idle, though it sends nothing: a client working
   * through a long pipeline's replies slowly (and so, by backpressure, not read from) keeps its connection, as
   * in Redis, where writing a reply counts as interaction. Regression: the idle timeout counted only reads, and
   * closed such a connection mid-reply one timeout after the server stopped reading it. A client that stops
   * reading as well is idle, and is closed.
   */
  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void aConnectionWhoseRepliesAreStillGoingOutIsNotIdleButOneThatStopsReadingIs(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    start(transport, endpoint, builder -> builder.idleTimeout(IDLE));
    String big = "b".repeat(512 * 1024);
    assertEquals("OK", clients.get(0).request("SET big " + big));
    int gets = 80; // 56 MB of replies: far more than the socket buffers hold
    String pipeline = "GET big\n".repeat(gets); // a few hundred bytes, which the server reads at once
    String value = "VALUE " + base64(big);

    LineClient slowReader = connect();
    slowReader.send(pipeline);
    long readingUntil = System.nanoTime() + IDLE.multipliedBy(2).toNanos();
    int read = 0;
    while (System.nanoTime() < readingUntil) { // sends nothing for 2 timeouts, reading a reply now and then
      assertReply(value, slowReader.readLine());
      read++;
      Thread.sleep(IDLE.toMillis() / 10);
    }
    assertTrue(read < gets / 2, "replies were still going out after " + read + " were read");
    for (; read < gets; read++) {
      assertReply(value, slowReader.readLine());
    }

    LineClient stalled = connect();
    stalled.send(pipeline); // and reads nothing: idle, though replies wait for it
    awaitConnections(0); // every connection here falls idle, the stalled one too
    // What the kernel held for it, then the end of stream, which comes only after that (bounded wait).
    int received = stalled.discardLinesUntilClosed(Duration.ofSeconds(30));
    assertTrue(stalled.isClosedByServer(), "the stalled connection was closed");
    assertTrue(received < gets, "the stalled connection was closed after " + received + " of " + gets + " replies");
    assertOthersServed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void aRequestSentOneByteAtATimeIsCutOffAtTheRequestTimeout(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    assertSlowlorisCutOff(transport, endpoint, "SET slow " + "x".repeat(1_000), "slow");
  }

  /**
   * The RESP twin of the text slowloris. Its lines ("SET\r\n", "x\n", ...) each end in '\n', which the request
   * timeout once took for a finished request, so it was never cut off.
   */
  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void aRespRequestSentOneByteAtATimeIsCutOffAtTheRequestTimeout(BlinkServer.Transport transport,
      Endpoint endpoint) throws Exception {
    assertSlowlorisCutOff(transport, endpoint, new String(RespIT.resp("SET", "s", "x\n".repeat(30)), UTF_8), "s");
  }

  /**
   * Sends {@code request}, which sets {@code key}, a byte at a time: the server closes the connection before it
   * is complete, nothing is set and others are served.
   */
  private void assertSlowlorisCutOff(BlinkServer.Transport transport, Endpoint endpoint, String request,
      String key) throws Exception {
    start(transport, endpoint, builder -> builder.requestTimeout(SHORT));
    LineClient slow = connect();
    assertTrue(slowloris(slow, request, Duration.ofMillis(50)),
        "the server closed the connection before the request was complete");
    slow.assertEndOfStream();
    try (LineClient other = endpoint.connect(server)) {
      assertEquals("NOT_FOUND", other.request("GET " + key), "the unfinished request was not executed");
    }
    assertOthersServed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void anUnfinishedRespRequestWhoseBulkDataEndsInNewlineIsCutOffAtTheRequestTimeout(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    start(transport, endpoint, builder -> builder.requestTimeout(SHORT));
    LineClient slow = connect();
    slow.send("*3\r\n$3\r\nSET\r\n$4\r\nslow\r\n$1000\r\n" + "x".repeat(500) + "\n");
    slow.assertEndOfStream();
    assertOthersServed();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void completeLinesSentInPiecesWithinTheRequestTimeoutAreServed(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    start(transport, endpoint, builder -> builder.requestTimeout(Duration.ofSeconds(30)));
    LineClient client = connect();
    for (int i = 0; i < 20; i++) {
      client.send("SET k" + i + " ");
      assertEquals("OK", client.request("v" + i));
    }
    assertEquals("VALUE " + base64("v19"), client.request("GET k19"));
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void aReplyPastTheOutputCapClosesThatConnectionOnly(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    int cap = 64 * 1024;
    start(transport, endpoint, builder -> builder.maxOutputBytes(cap));
    LineClient writer = clients.get(0);
    String fits = "f".repeat(cap / 4 * 3 - 1024); // its base64 reply, with Netty's overhead, is under the cap
    String past = "p".repeat(cap / 4 * 3 + 16);
    assertEquals("OK", writer.request("SET fits " + fits));
    assertEquals("OK", writer.request("SET past " + past));
    assertReply("VALUE " + base64(fits), writer.request("GET fits"));
    try (LineClient greedy = endpoint.connect(server)) {
      greedy.send("GET past\n").assertEndOfStream();
    }
    assertReply("VALUE " + base64(fits), writer.request("GET fits"));
    assertOthersServed();
    assertEquals("blink_output_limit_disconnections:1", infoLine("blink_output_limit_disconnections:"),
        "the closed connection is counted, once");
  }

  /** The line of RESP {@code INFO stats} that starts with {@code field}, asked on a connection of its own. */
  private String infoLine(String field) throws IOException {
    try (LineClient resp = endpoint.connect(server)) {
      String header = resp.send(ProcessAttackIT.resp("INFO", "stats")).readLine();
      assertTrue(header != null && header.startsWith("$"), header);
      for (String line = resp.readLine(); line != null && !line.isEmpty(); line = resp.readLine()) {
        if (line.startsWith(field)) {
          return line.strip();
        }
      }
      throw new AssertionError("no " + field + " in INFO stats");
    }
  }

  /**
   * While a client does not read its replies, the server stops executing its requests, even those already
   * received: a SET at the end of a long pipeline of large GETs is not executed until the client reads.
   */
  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void requestsOfAClientThatDoesNotReadAreNotExecutedUntilItReads(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    start(transport, endpoint, UnaryOperator.identity());
    LineClient observer = clients.get(0);
    String big = "b".repeat(512 * 1024);
    assertEquals("OK", observer.request("SET big " + big));
    int gets = 100; // 70 MB of replies: far more than any socket buffer holds
    LineClient hog = connect();
    int sent = hog.sendUntilStalled(("GET big\n".repeat(gets) + "SET marker 1\n").getBytes(UTF_8),
        Duration.ofMillis(500));
    assertTrue(sent > 0, "the hog sent requests");
    assertEquals("NOT_FOUND", observer.request("GET marker"), "the hog's last request waits for it to read");
    hog.send(("GET big\n".repeat(gets) + "SET marker 1\n").substring(sent));
    String value = "VALUE " + base64(big);
    for (int i = 0; i < gets; i++) {
      assertReply(value, hog.readLine());
    }
    assertEquals("OK", hog.readLine());
    assertEquals("VALUE " + base64("1"), observer.request("GET marker"));
  }

  /**
   * Sends {@code text} one byte per {@code pause}, like a slowloris client, and returns whether the server
   * closed the connection before all was sent.
   */
  private static boolean slowloris(LineClient client, String text, Duration pause) throws Exception {
    for (int i = 0; i < text.length(); i++) {
      try {
        client.send(text.substring(i, i + 1));
      } catch (IOException closedByServer) {
        return true;
      }
      Thread.sleep(pause.toMillis());
      if (client.isClosedByServer()) {
        return true;
      }
    }
    return false;
  }

  private static void assertReply(String expected, String reply) {
    assertTrue(expected.equals(reply), () -> "a whole reply: " + (reply == null ? null : LineClient.abbreviate(reply)));
  }

  /** Waits (bounded) until the server has counted closed connections down to {@code expected}. */
  private void awaitConnections(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + LineClient.TIMEOUT.toNanos();
    while (server.connectionCount() != expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(expected, server.connectionCount());
  }

  static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(UTF_8));
  }
}
