package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.BlinkServer;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The client against a real server: pipelining, binary values, limits, restarts. */
@Timeout(60)
class ClientIT {
  private static final int THREADS = 8;
  static final int OPS_PER_THREAD = 500;

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Servers.Endpoint.class)
  void eightThreadsPipeliningOnOneConnectionEachGetTheirOwnReplies(Servers.Endpoint endpoint) throws Exception {
    BlinkClientOptions options = Servers.testOptions().queueCapacity(THREADS * OPS_PER_THREAD * 2).build();
    try (BlinkServer server = Servers.start(dir, 64L << 20);
        BlinkClient client = BlinkClient.connect(endpoint.address(server), options)) {
      ExecutorService threads = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<Integer>> checked = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          checked.add(threads.submit(() -> pipelineAndCheck(client, thread)));
        }
        for (Future<Integer> result : checked) {
          assertEquals(OPS_PER_THREAD, result.get());
        }
      } finally {
        threads.shutdownNow();
      }
      assertEquals(1, server.connectionCount(), "every thread shared one connection");
      assertEquals(THREADS * OPS_PER_THREAD, client.size());
    }
  }

  /**
   * Sends every SET, then every GET, without waiting; each GET must return exactly this thread's value. Used by
   * {@link RespClientIT} too.
   */
  static int pipelineAndCheck(BlinkClient client, int thread) {
    List<CompletableFuture<Void>> sets = new ArrayList<>();
    for (int i = 0; i < OPS_PER_THREAD; i++) {
      sets.add(client.async().set("t" + thread + ":" + i, value(thread, i)));
    }
    List<CompletableFuture<byte[]>> gets = new ArrayList<>();
    for (int i = 0; i < OPS_PER_THREAD; i++) {
      gets.add(client.async().get("t" + thread + ":" + i));
    }
    sets.forEach(CompletableFuture::join);
    for (int i = 0; i < OPS_PER_THREAD; i++) {
      assertArrayEquals(value(thread, i), gets.get(i).join(), "thread " + thread + " key " + i);
    }
    return gets.size();
  }

  /** A value unique to (thread, i), of a length that varies too, so a mismatched reply cannot pass. */
  private static byte[] value(int thread, int i) {
    return ("thread " + thread + " value " + i + " " + "x".repeat(i % 37)).getBytes(UTF_8);
  }

  @Test
  void eightThreadsCallingTheSyncApiAtOnceEachGetTheirOwnReplies() throws Exception {
    try (BlinkServer server = Servers.start(dir, 64L << 20);
        BlinkClient client = BlinkClient.connect(server.tcpAddress(), Servers.testOptions().build())) {
      ExecutorService threads = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          done.add(threads.submit(() -> {
            for (int i = 0; i < OPS_PER_THREAD; i++) {
              String key = "s" + thread + ":" + (i % 10);
              client.set(key, value(thread, i));
              assertArrayEquals(value(thread, i), client.get(key));
            }
          }));
        }
        for (Future<?> result : done) {
          result.get();
        }
      } finally {
        threads.shutdownNow();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Servers.Endpoint.class)
  void everyByteValueRoundTrips(Servers.Endpoint endpoint) {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    try (BlinkServer server = Servers.start(dir, 1 << 20);
        BlinkClient client = BlinkClient.connect(endpoint.address(server), Servers.testOptions().build())) {
      client.set("all", all);
      assertArrayEquals(all, client.get("all"));
      client.set("lines", "a\nb\r\n  c  ".getBytes(UTF_8));
      assertArrayEquals("a\nb\r\n  c  ".getBytes(UTF_8), client.get("lines"));
      client.set("empty", new byte[0]);
      assertArrayEquals(new byte[0], client.get("empty"));
      assertEquals(3 + 256 + 5 + 10 + 5, client.usage());
    }
  }

  /** Large values fill write batches by bytes rather than by count; each still gets its own reply. */
  @Test
  void manyLargeValuesPipelinedAtOnceAllRoundTrip() {
    int values = 40;
    int size = 300 * 1024;
    try (BlinkServer server = Servers.start(dir, 32L << 20);
        BlinkClient client = BlinkClient.connect(UnixDomainSocketAddress.of(server.unixPath()),
            Servers.testOptions().build())) {
      List<CompletableFuture<Void>> sets = new ArrayList<>();
      for (int i = 0; i < values; i++) {
        sets.add(client.async().set("large" + i, filled(size, i)));
      }
      List<CompletableFuture<byte[]>> gets = new ArrayList<>();
      for (int i = 0; i < values; i++) {
        gets.add(client.async().get("large" + i));
      }
      sets.forEach(CompletableFuture::join);
      for (int i = 0; i < values; i++) {
        assertArrayEquals(filled(size, i), gets.get(i).join(), "large" + i);
      }
    }
  }

  private static byte[] filled(int size, int seed) {
    byte[] value = new byte[size];
    new java.util.Random(seed).nextBytes(value);
    return value;
  }

  /** With the defaults on both sides: the largest value whose SET64 line is exactly 1 MiB, and one byte more. */
  @Test
  void theLargestValueThatFitsTheServersDefaultLineLimitRoundTripsAndOneMoreByteIsRefusedBeforeSending() {
    int lineLimit = BlinkServer.DEFAULT_MAX_LINE_BYTES;
    assertEquals(lineLimit, BlinkClientOptions.DEFAULT_MAX_REQUEST_BYTES);
    String key = "k"; // "SET64 k " is 8 bytes; base64 of 3n bytes is 4n
    int largest = (lineLimit - 8) / 4 * 3;
    assertEquals(lineLimit, 8 + largest / 3 * 4, "the line is exactly at the limit");
    byte[] value = new byte[largest];
    new java.util.Random(42).nextBytes(value);
    try (BlinkServer server = Servers.start(dir, 4L << 20);
        BlinkClient client = BlinkClient.connect(server.tcpAddress(), Servers.testOptions().build())) {
      client.set(key, value);
      assertArrayEquals(value, client.get(key));
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> client.set(key, new byte[largest + 1]));
      assertTrue(e.getMessage().contains("more than the limit of 1048576"), e.getMessage());
      assertTrue(e.getMessage().contains("a value of at most " + largest + " bytes fits"), e.getMessage());
      assertArrayEquals(value, client.get(key), "nothing was sent");
      assertEquals(1, server.connectionCount());
    }
  }

  /**
   * A queue of one command is the smallest the options accept, and it works: the handshake once sent its two
   * commands back to back, and the second was refused as one too many, so connect failed.
   */
  @Test
  void aClientWhoseQueueHoldsOneCommandConnectsAndRunsCommandsOneAfterAnother() {
    try (BlinkServer server = Servers.start(dir, 1 << 20);
        BlinkClient client = BlinkClient.connect(server.tcpAddress(), Servers.testOptions().queueCapacity(1).build())) {
      for (int i = 0; i < 100; i++) {
        client.set("k", "v" + i);
        assertEquals("v" + i, client.getString("k"));
      }
    }
  }

  @Test
  void aClientLimitAboveTheServersGetsTheServersErrorAndTheNextCommandReconnects() {
    try (BlinkServer server = BlinkServer.builder()
            .store(io.blinkstore.BlinkStore.builder().build())
            .tcp(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0))
            .maxLineBytes(100)
            .build()
            .start();
        BlinkClient client = BlinkClient.connect(server.tcpAddress(), Servers.testOptions().build())) {
      BlinkServerException e = assertThrows(BlinkServerException.class, () -> client.set("k", new byte[100]));
      assertEquals("line too long", e.serverMessage());
      client.set("k", "fits");
      assertEquals("fits", client.getString("k"));
    }
  }

  /**
   * Closing a client while the replies to thousands of pipelined GETs stream in must leave every GET with its
   * own value or a {@link BlinkConnectionException}, never another GET's value. The reader may be holding
   * replies it has already read when the close fails the commands behind them; the close once took those
   * commands from the queue the reader matches replies against, and each reply then went to the command after
   * its own. Several rounds, so that the close lands in the middle of a read more than once.
   */
  @ParameterizedTest
  @EnumSource(Servers.Endpoint.class)
  void closingTheClientMidPipelineNeverGivesACommandAnotherCommandsReply(Servers.Endpoint endpoint) {
    int keys = 5_000;
    try (BlinkServer server = Servers.start(dir, 64L << 20)) {
      try (BlinkClient writer = BlinkClient.connect(
          endpoint.address(server), Servers.testOptions().queueCapacity(keys).build())) {
        List<CompletableFuture<Void>> sets = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
          sets.add(writer.async().set("k" + i, "v" + i));
        }
        sets.forEach(CompletableFuture::join);
      }
      for (int round = 0; round < 10; round++) {
        BlinkClient client =
            BlinkClient.connect(endpoint.address(server), Servers.testOptions().queueCapacity(keys).build());
        List<CompletableFuture<byte[]>> gets = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
          gets.add(client.async().get("k" + i));
        }
        gets.get(keys / 10).handle((value, failure) -> null).join();
        client.close();
        for (int i = 0; i < keys; i++) {
          try {
            assertEquals("v" + i, new String(gets.get(i).join(), UTF_8), "round " + round);
          } catch (CompletionException e) {
            BlinkConnectionException lost = assertInstanceOf(BlinkConnectionException.class, e.getCause());
            assertEquals("GET k" + i, lost.command());
          }
        }
      }
    }
  }

  /** A client connected to a server that has since stopped, and the address the server was on. */
  private record Orphan(BlinkClient client, InetSocketAddress address) {}

  /** Starts a server, connects a client with {@code options} and writes with it, then stops the server. */
  private Orphan clientOfAStoppedServer(BlinkClientOptions options) {
    try (BlinkServer server = Servers.start(dir, 1 << 20)) {
      BlinkClient client = BlinkClient.connect(server.tcpAddress(), options);
      client.set("k", "first");
      return new Orphan(client, server.tcpAddress());
    }
  }

  @Test
  void aClientReconnectsToAServerRestartedOnTheSamePort() {
    Orphan orphan = clientOfAStoppedServer(Servers.testOptions().build());
    BlinkClient client = orphan.client();
    try (client; BlinkServer second = Servers.start(orphan.address(), dir, 1 << 20)) {
      assertNull(retryOnce(() -> client.get("k")), "a new, empty server");
      client.set("k", "second");
      assertEquals("second", client.getString("k"));
    }
  }

  /**
   * Runs {@code call}, once more if it fails with a connection exception: the first command after a restart
   * may still go out on the old connection, if the client has not yet read that the server closed it.
   */
  private static <T> T retryOnce(java.util.concurrent.Callable<T> call) {
    try {
      return call.call();
    } catch (BlinkConnectionException e) {
      try {
        return call.call();
      } catch (Exception again) {
        throw new AssertionError(again);
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void afterAFailedReconnectCommandsFailAtOnceUntilTheBackoffHasPassed() {
    BlinkClient client = clientOfAStoppedServer(
        Servers.testOptions().reconnectDelay(Duration.ofMinutes(1), Duration.ofMinutes(2)).build()).client();
    try (client) {
      // The first PING may still go out on the old connection; by the second, a reconnect has been tried.
      List<String> failures = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        failures.add(assertThrows(BlinkConnectionException.class, client::ping).getMessage());
      }
      assertTrue(failures.stream().anyMatch(m -> m.contains("reconnect failed (attempt 1)")), failures::toString);
      assertTrue(failures.get(2).startsWith("PING: not connected to ") && failures.get(2).contains(
          "next reconnect attempt in"), failures::toString);
    }
  }

  @Test
  void stoppingTheServerMidFlightEndsEveryCommandWithItsReplyOrATypedException() throws InterruptedException {
    int most = 20_000;
    BlinkServer server = Servers.start(dir, 1 << 20);
    try (BlinkClient client = BlinkClient.connect(server.tcpAddress(),
        Servers.testOptions().queueCapacity(most).reconnect(false).build())) {
      client.set("k", "v");
      Thread stopper = new Thread(server::close);
      List<CompletableFuture<byte[]>> inFlight = new ArrayList<>();
      stopper.start();
      while (stopper.isAlive() && inFlight.size() < most) {
        inFlight.add(client.async().get("k"));
      }
      stopper.join();
      inFlight.add(client.async().get("k"));
      for (CompletableFuture<byte[]> future : inFlight) {
        try {
          assertArrayEquals("v".getBytes(UTF_8), future.join());
        } catch (java.util.concurrent.CompletionException e) {
          BlinkConnectionException lost = assertInstanceOf(BlinkConnectionException.class, e.getCause());
          assertEquals("GET k", lost.command());
        }
      }
      assertTrue(inFlight.get(inFlight.size() - 1).isCompletedExceptionally(), "sent after the server stopped");
    } finally {
      server.close();
    }
  }

  @Test
  void withReconnectOffALostConnectionStaysLost() {
    Orphan orphan = clientOfAStoppedServer(Servers.testOptions().reconnect(false).build());
    BlinkClient client = orphan.client();
    try (client; BlinkServer again = Servers.start(orphan.address(), dir, 1 << 20)) {
      assertThrows(BlinkConnectionException.class, client::ping);
      BlinkConnectionException e = assertThrows(BlinkConnectionException.class, client::ping);
      assertTrue(e.getMessage().contains("reconnect is off"), e.getMessage());
    }
  }

  @Test
  void aPoolSpreadsCommandsOverItsConnections() {
    try (BlinkServer server = Servers.start(dir, 1 << 20);
        BlinkClient client = BlinkClient.connect(server.tcpAddress(), Servers.testOptions().poolSize(3).build())) {
      assertEquals(3, server.connectionCount());
      for (int i = 0; i < 30; i++) {
        client.set("k" + i, "v" + i);
      }
      for (int i = 0; i < 30; i++) {
        assertEquals("v" + i, client.getString("k" + i));
      }
    }
  }

  @Test
  void clientsOfOneServerShareItsEntriesAndCounters() {
    try (BlinkServer server = Servers.start(dir, 1 << 20);
        BlinkClient one = BlinkClient.connect(server.tcpAddress(), Servers.testOptions().build());
        BlinkClient two = BlinkClient.connect(server.unixPath());) {
      one.set("k", "v");
      assertEquals("v", two.getString("k"));
      assertEquals(1, one.stats().hits());
      two.clear();
      assertNull(one.get("k"));
    }
  }

  /**
   * A command sent while another thread closes the client either is refused with {@link IllegalStateException}
   * or gets a future that ends with its reply or a {@link BlinkConnectionException} (or, once the sender has
   * filled the queue, {@link BlinkQueueFullException}). One that slipped in as the
   * close shut the client's timer down once threw the timer's {@code RejectedExecutionException} instead.
   */
  @Test
  void commandsSentWhileAnotherThreadClosesTheClientEndWithTheClientsOwnOutcomes() throws Exception {
    try (BlinkServer server = Servers.start(dir, 1 << 20)) {
      for (int round = 0; round < 200; round++) {
        BlinkClient client = BlinkClient.connect(server.tcpAddress(), Servers.testOptions().build());
        Thread closer = new Thread(client::close);
        List<CompletableFuture<byte[]>> sent = new ArrayList<>();
        closer.start();
        try {
          while (true) {
            sent.add(client.async().get("k"));
          }
        } catch (IllegalStateException closed) {
          assertEquals("the client is closed", closed.getMessage());
        }
        closer.join();
        for (CompletableFuture<byte[]> future : sent) {
          try {
            assertNull(future.join());
          } catch (CompletionException e) {
            assertTrue(e.getCause() instanceof BlinkConnectionException
                || e.getCause() instanceof BlinkQueueFullException, e.getCause()::toString);
          }
        }
      }
    }
  }

  @Test
  void closingTheClientFailsCommandsAwaitingRepliesAndLaterCallsThrow() throws Exception {
    try (FakeServer server = new FakeServer(line -> line.startsWith("GET") ? FakeServer.SILENCE : null)) {
      BlinkClient client = BlinkClient.connect(server.address(), Servers.testOptions().build());
      CompletableFuture<byte[]> pending = client.async().get("k");
      client.close();
      BlinkConnectionException e = assertThrows(java.util.concurrent.ExecutionException.class, pending::get)
          .getCause() instanceof BlinkConnectionException c ? c : null;
      assertTrue(e != null && e.getMessage().contains("closed by the client"), String.valueOf(e));
      assertThrows(IllegalStateException.class, () -> client.async().get("k"));
    }
  }
}
