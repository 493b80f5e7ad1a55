package io.blinkstore.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the client does when the server misbehaves, against a {@link FakeServer} that fails on cue: every
 * command still ends, with a typed exception naming it, and no command ever receives another one's reply.
 */
@Timeout(30)
class ClientFailureIT {
  /** Long enough never to pass on a loaded machine where a test does not mean it to. */
  private static final Duration PATIENT = Duration.ofSeconds(10);
  /**
   * The command timeout of tests that wait for one to pass. It bounds more than the command meant to time out:
   * each handshake command ({@code PING}, {@code STATS}, on connect and reconnect) and any command meant to
   * succeed, so it is seconds, not a fraction of one that a loaded machine could overrun.
   */
  private static final Duration TIMES_OUT = Duration.ofSeconds(5);

  private static BlinkClient connect(FakeServer server, BlinkClientOptions.Builder options) {
    return BlinkClient.connect(server.address(), options.connectTimeout(PATIENT).build());
  }

  private static Throwable failureOf(CompletableFuture<?> future) throws InterruptedException {
    ExecutionException e = assertThrows(ExecutionException.class, future::get);
    return e.getCause();
  }

  @Test
  void commandsInFlightWhenTheServerDropsTheConnectionFailNamingEachCommand() throws Exception {
    AtomicInteger gets = new AtomicInteger();
    try (FakeServer server = new FakeServer(line -> line.startsWith("GET")
            ? (gets.incrementAndGet() == 2 ? FakeServer.CLOSE : FakeServer.SILENCE) : null);
        BlinkClient client = connect(server, BlinkClientOptions.builder().commandTimeout(PATIENT))) {
      CompletableFuture<byte[]> first = client.async().get("first");
      CompletableFuture<byte[]> second = client.async().get("second");
      BlinkConnectionException a = assertInstanceOf(BlinkConnectionException.class, failureOf(first));
      BlinkConnectionException b = assertInstanceOf(BlinkConnectionException.class, failureOf(second));
      assertEquals("GET first", a.command());
      assertEquals("GET second", b.command());
      assertTrue(a.getMessage().contains("closed by the server"), a.getMessage());
    }
  }

  @Test
  void aTimedOutCommandFailsWithTimeoutAndTheNextCommandGetsItsOwnReply() throws Exception {
    try (FakeServer server = new FakeServer(line -> switch (line) {
          case "GET slow" -> FakeServer.SILENCE;
          case "GET fast" -> "VALUE ZmFzdA==";
          default -> null;
        });
        BlinkClient client = connect(server, BlinkClientOptions.builder().commandTimeout(TIMES_OUT))) {
      BlinkTimeoutException e = assertThrows(BlinkTimeoutException.class, () -> client.get("slow"));
      assertEquals("GET slow", e.command());
      assertEquals(TIMES_OUT, e.timeout());
      assertEquals("fast", client.getString("fast"));
      assertEquals(2, server.connections(), "the timed-out connection was replaced");
    }
  }

  /**
   * A callback on a timed-out command that retries it with the sync API gets the retry's own timeout. Timeouts
   * once failed futures, and so ran their callbacks, on the client's one timer thread: such a callback held the
   * timer, the retry's timeout never fired, and the retry waited for ever.
   */
  @Test
  void aCallbackRetryingATimedOutCommandWithTheSyncApiGetsTheRetrysOwnTimeout() throws Exception {
    try (FakeServer server = new FakeServer(line -> line.startsWith("GET") ? FakeServer.SILENCE : null);
        BlinkClient client = connect(server, BlinkClientOptions.builder().commandTimeout(TIMES_OUT))) {
      CompletableFuture<Throwable> retry = client.async().get("a").handle((value, failure) -> {
        assertInstanceOf(BlinkTimeoutException.class, failure);
        return assertThrows(RuntimeException.class, () -> client.get("a"));
      });
      assertEquals("GET a", assertInstanceOf(BlinkTimeoutException.class, retry.get()).command());
      assertEquals(2, server.connections(), "the retry went out on a new connection");
    }
  }

  @Test
  void commandsQueuedBehindATimedOutOneFailTooNamingThemselves() throws Exception {
    // A real server answers in order, so a command behind a stuck one is stuck too.
    try (FakeServer server = new FakeServer(line -> line.startsWith("GET") ? FakeServer.SILENCE : null);
        BlinkClient client = connect(server, BlinkClientOptions.builder().commandTimeout(TIMES_OUT))) {
      CompletableFuture<byte[]> slow = client.async().get("slow");
      CompletableFuture<byte[]> behind = client.async().get("behind");
      assertInstanceOf(BlinkTimeoutException.class, failureOf(slow));
      Throwable failure = failureOf(behind);
      String command = failure instanceof BlinkConnectionException c ? c.command()
          : assertInstanceOf(BlinkTimeoutException.class, failure).command();
      assertEquals("GET behind", command);
    }
  }

  @Test
  void aFullQueueRefusesTheNextCommandAtOnce() throws Exception {
    try (FakeServer server = new FakeServer(line -> line.startsWith("GET") ? FakeServer.SILENCE : null);
        BlinkClient client =
            connect(server, BlinkClientOptions.builder().queueCapacity(2).commandTimeout(PATIENT))) {
      CompletableFuture<byte[]> first = client.async().get("a");
      CompletableFuture<byte[]> second = client.async().get("b");
      CompletableFuture<byte[]> third = client.async().get("c");
      assertTrue(third.isCompletedExceptionally(), "refused without waiting");
      BlinkQueueFullException e = assertInstanceOf(BlinkQueueFullException.class, failureOf(third));
      assertEquals("GET c", e.command());
      assertTrue(e.getMessage().contains("2 commands"), e.getMessage());
      assertTrue(!first.isDone() && !second.isDone());
    }
  }

  /**
   * Cancelling or completing a command's future once gave its place in the queue back while the request stayed
   * queued, so that the bound held nothing (2,000 cancelled 700 KB SETs on a queue of 4 took 2 GiB of heap).
   * The place is now held until the connection is done with the request.
   */
  @Test
  void cancellingOrCompletingTheFuturesOfQueuedCommandsFreesNoPlaceInTheQueue() throws Exception {
    try (FakeServer server = new FakeServer(line -> line.startsWith("GET") ? FakeServer.SILENCE : null);
        BlinkClient client =
            connect(server, BlinkClientOptions.builder().queueCapacity(2).commandTimeout(PATIENT))) {
      assertTrue(client.async().get("a").cancel(false));
      assertTrue(client.async().get("b").complete(null));
      CompletableFuture<byte[]> third = client.async().get("c");
      assertTrue(third.isCompletedExceptionally(), "refused without waiting");
      assertEquals("GET c", assertInstanceOf(BlinkQueueFullException.class, failureOf(third)).command());
    }
  }

  /**
   * While one connection of a pool waits out its backoff after a failed reconnect, commands go to the others.
   * Turns once passed over nothing, so every other command failed at once while a working connection was idle.
   */
  @Test
  void commandsPassOverAConnectionWaitingToReconnectWhileAnotherWorks() throws Exception {
    AtomicInteger pings = new AtomicInteger();
    try (FakeServer server = new FakeServer(line -> switch (line) {
          case "PING" -> pings.incrementAndGet() == 3 ? "ERROR not now" : null;
          case "GET drop" -> FakeServer.CLOSE;
          case "GET k" -> "VALUE dg==";
          default -> null;
        });
        BlinkClient client = connect(server, BlinkClientOptions.builder().poolSize(2)
            .reconnectDelay(Duration.ofMinutes(1), Duration.ofMinutes(2)).commandTimeout(PATIENT))) {
      assertThrows(BlinkConnectionException.class, () -> client.get("drop")); // the first connection is lost
      assertArrayEquals(new byte[] {'v'}, client.get("k"));
      BlinkConnectionException e = assertThrows(BlinkConnectionException.class, () -> client.get("k"));
      assertTrue(e.getMessage().contains("reconnect failed (attempt 1)"), e.getMessage());
      for (int i = 0; i < 10; i++) {
        assertArrayEquals(new byte[] {'v'}, client.get("k"), "command " + i);
      }
      assertEquals(3, server.connections());
    }
  }

  @Test
  void aReplyThatCannotAnswerTheCommandFailsItAndTheConnectionIsReplaced() throws Exception {
    try (FakeServer server = new FakeServer(line -> switch (line) {
          case "GET odd" -> "USAGE 12";
          case "GET k" -> "VALUE dg==";
          default -> null;
        });
        BlinkClient client = connect(server, BlinkClientOptions.builder().commandTimeout(PATIENT))) {
      BlinkConnectionException e = assertThrows(BlinkConnectionException.class, () -> client.get("odd"));
      assertTrue(e.getMessage().contains("cannot answer GET odd: \"USAGE 12\""), e.getMessage());
      assertEquals("v", client.getString("k"));
      assertEquals(2, server.connections());
    }
  }

  /**
   * A reply the client fails to decode (here a decoder that throws, as one did on a 19-digit count above
   * {@code Long.MAX_VALUE}) once ended the reader thread silently: its command, and every command behind it,
   * waited for the command timeout. Now they fail at once with a connection exception carrying the cause.
   */
  @Test
  void aReplyTheClientFailsToDecodeFailsItsCommandAndThoseBehindItAtOnceAndTheConnectionIsReplaced()
      throws Exception {
    // The broken command's reply is held back until the command behind it has reached the server, so that
    // "behind" is surely in flight on the connection that fails (sent after the failure, it would rightly
    // go out on the replacement connection and succeed).
    try (FakeServer server = new FakeServer(line -> switch (line) {
          case "GET broken" -> FakeServer.SILENCE;
          case "GET behind" -> "VALUE dg==\nVALUE dg==";
          default -> line.startsWith("GET") ? "VALUE dg==" : null;
        })) {
      TextCommands commands = new TextCommands(server.address(), BlinkClientOptions.builder()
          .connectTimeout(PATIENT).commandTimeout(PATIENT).build());
      try {
        CompletableFuture<byte[]> broken = commands.send(new Request<byte[]>("GET broken",
            "GET broken\n".getBytes(StandardCharsets.US_ASCII), line -> {
              throw new IllegalStateException("a decoder bug");
            }));
        CompletableFuture<byte[]> behind = commands.get("behind");
        BlinkConnectionException e = assertInstanceOf(BlinkConnectionException.class, failureOf(broken));
        assertEquals("GET broken", e.command());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals("GET behind", assertInstanceOf(BlinkConnectionException.class, failureOf(behind)).command());
        assertArrayEquals(new byte[] {'v'}, commands.get("k").get());
        assertEquals(2, server.connections());
      } finally {
        commands.close();
      }
    }
  }

  /**
   * Regression: an exception on the writer thread (here a request without bytes, standing for a bug) ended that
   * thread silently; the connection stayed open with nobody to write, and every later command timed out.
   */
  @Test
  void aCommandTheClientFailsToWriteFailsAndTheConnectionIsReplaced() throws Exception {
    try (FakeServer server = new FakeServer(line -> line.startsWith("GET") ? "VALUE dg==" : null)) {
      TextCommands commands = new TextCommands(server.address(), BlinkClientOptions.builder()
          .connectTimeout(PATIENT).commandTimeout(PATIENT).build());
      try {
        assertArrayEquals(new byte[] {'v'}, commands.get("k").get());
        CompletableFuture<byte[]> broken =
            commands.send(new Request<byte[]>("GET broken", null, line -> null));
        BlinkConnectionException e = assertInstanceOf(BlinkConnectionException.class, failureOf(broken));
        assertEquals("GET broken", e.command());
        assertInstanceOf(NullPointerException.class, e.getCause());
        assertArrayEquals(new byte[] {'v'}, commands.get("k").get());
        assertEquals(2, server.connections());
      } finally {
        commands.close();
      }
    }
  }

  @Test
  void anErrorReplyIsAServerExceptionAndTheConnectionStaysInUse() throws Exception {
    try (FakeServer server = new FakeServer(line -> switch (line) {
          case "GET bad" -> "ERROR something went wrong";
          case "GET k" -> "NOT_FOUND";
          default -> null;
        });
        BlinkClient client = connect(server, BlinkClientOptions.builder().commandTimeout(PATIENT))) {
      BlinkServerException e = assertThrows(BlinkServerException.class, () -> client.get("bad"));
      assertEquals("something went wrong", e.serverMessage());
      assertEquals("GET bad", e.command());
      assertNull(client.get("k"));
      assertEquals(1, server.connections());
    }
  }

  @Test
  void aReplyLineLongerThanAnyLegitimateReplyEndsTheConnection() throws Exception {
    String endless = "VALUE " + "A".repeat((int) ReplyLines.MIN_LONGEST_LINE + 1);
    try (FakeServer server = new FakeServer(line -> line.equals("GET k") ? endless : null);
        BlinkClient client = connect(server, BlinkClientOptions.builder().commandTimeout(PATIENT))) {
      BlinkConnectionException e = assertThrows(BlinkConnectionException.class, () -> client.get("k"));
      assertTrue(e.getMessage().contains("longer than 65536 bytes"), e.getMessage());
    }
  }

  @Test
  void connectingToTheOriginalServerWithoutExtensionsFailsSayingSo() throws Exception {
    try (FakeServer original = new FakeServer(line -> "ERROR unknown command")) {
      BlinkConnectionException e = assertThrows(BlinkConnectionException.class,
          () -> connect(original, BlinkClientOptions.builder().commandTimeout(PATIENT)));
      assertEquals("connect", e.command());
      assertTrue(e.getMessage().contains("without the SET64/FLUSH/PING extensions"), e.getMessage());
    }
  }

  @Test
  void aServerThatNeverAnswersTheHandshakeFailsTheConnectWithinItsTimeout() throws Exception {
    try (FakeServer mute = new FakeServer(line -> FakeServer.SILENCE)) {
      BlinkConnectionException e = assertThrows(BlinkConnectionException.class, () -> BlinkClient.connect(
          mute.address(), BlinkClientOptions.builder().connectTimeout(Duration.ofMillis(300)).build()));
      assertTrue(e.getMessage().contains("did not answer PING"), e.getMessage());
    }
  }

  /**
   * The connect timeout bounds the TCP connect itself, not only the handshake after it: a listener that never
   * accepts, its accept queue full, leaves a new connection's SYN unanswered (Linux drops it), so the connect
   * would wait for the kernel's SYN retries, about two minutes, were it not for the timeout.
   */
  @Test
  void aConnectThatGetsNoAnswerFailsAtTheConnectTimeout() throws IOException {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), "the accept queue rule below is Linux's");
    try (ServerSocket deaf = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      InetSocketAddress address = new InetSocketAddress(deaf.getInetAddress(), deaf.getLocalPort());
      // Linux queues backlog + 1 connections (here 2) that nobody accepts; the next one gets no SYN-ACK.
      List<Socket> queued = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          Socket socket = new Socket();
          queued.add(socket);
          socket.connect(address, (int) PATIENT.toMillis());
        }
        BlinkConnectionException e = assertThrows(BlinkConnectionException.class, () -> BlinkClient.connect(
            address, BlinkClientOptions.builder().connectTimeout(Duration.ofSeconds(1)).build()));
        assertEquals("connect", e.command());
        assertTrue(e.getMessage().contains("connect timed out after 1000 ms"), e.getMessage());
      } finally {
        for (Socket socket : queued) {
          socket.close();
        }
      }
    }
  }

  @Test
  void connectingWhereNothingListensFailsWithAConnectionException() throws IOException {
    InetSocketAddress closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
    }
    BlinkConnectionException e = assertThrows(BlinkConnectionException.class,
        () -> BlinkClient.connect(closedPort, BlinkClientOptions.defaults()));
    assertTrue(e.getMessage().contains("cannot connect to"), e.getMessage());
  }
}
