package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.TestServers.Endpoint;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile clients at volume: each attack gets an error or a close, while a victim connection opened before it
 * keeps being served and its data stays intact. Short variants run in every build; {@code -Psoak} sets
 * {@code blink.soak} and runs the long ones. Each test prints the peak heap in use in this JVM (server and
 * clients together, garbage included), sampled every few milliseconds.
 */
@Timeout(value = 30, unit = TimeUnit.MINUTES) // the soak variants; each loop below is bounded by itself
class HostileLoadIT {
  static final boolean SOAK = Boolean.getBoolean("blink.soak");
  private static final String PRECIOUS_VALUE = "VALUE " + ConnectionLimitsIT.base64("jewels");

  @TempDir Path dir;
  private BlinkServer server;
  private LineClient victim;
  private final Endpoint endpoint = Endpoint.TCP;

  static int scale(int ci, int soak) {
    return SOAK ? soak : ci;
  }

  private final ScheduledExecutorService heapSampler = Executors.newSingleThreadScheduledExecutor();
  private final AtomicLong peakHeap = new AtomicLong();

  @BeforeEach
  void sampleHeap() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    heapSampler.scheduleAtFixedRate(
        () -> peakHeap.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max),
        0, 5, TimeUnit.MILLISECONDS);
  }

  @AfterEach
  void stop(TestInfo test) throws IOException {
    heapSampler.shutdownNow();
    System.out.printf("[%s] %s: peak heap %d MiB (max %d MiB)%n", SOAK ? "soak" : "ci",
        test.getDisplayName(), peakHeap.get() >> 20, Runtime.getRuntime().maxMemory() >> 20);
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

  private void start(long memoryLimit, UnaryOperator<BlinkServerBuilder> extra) throws IOException {
    server = TestServers.start(BlinkServer.Transport.NIO, dir, memoryLimit, extra);
    victim = endpoint.connect(server);
    assertEquals("OK", victim.request("SET precious jewels"));
  }

  private void assertVictimServed() throws IOException {
    assertEquals(PRECIOUS_VALUE, victim.request("GET precious"), "the victim's data is intact");
  }

  @Test
  void aHugeLineWithoutNewlineIsCutOffAtTheLimitNotBuffered() throws Exception {
    start(1 << 20, UnaryOperator.identity());
    long size = SOAK ? 1L << 30 : 64L << 20;
    byte[] chunk = "x".repeat(64 * 1024).getBytes(UTF_8);
    long sent = 0;
    try (LineClient flood = endpoint.connect(server)) {
      flood.send("SET flood ");
      while (sent < size && !flood.isClosedByServer()) {
        flood.sendUntilClosed(chunk);
        sent += chunk.length;
      }
      assertEquals("ERROR line too long", flood.readLine());
      flood.assertEndOfStream();
    }
    assertTrue(sent < size, "the server cut the line off long before " + size + " bytes; sent " + sent);
    assertEquals("NOT_FOUND", victim.request("GET flood"));
    assertVictimServed();
  }

  @Test
  void binaryJunkWithNulBytesGetsErrorsAndHarmsNoOne() throws Exception {
    start(1 << 20, UnaryOperator.identity());
    Random random = new Random(8);
    long size = SOAK ? 256L << 20 : 4L << 20;
    byte[] chunk = new byte[64 * 1024];
    long answered = 0;
    try (LineClient junk = endpoint.connect(server)) {
      for (long sent = 0; sent < size && !junk.isClosedByServer(); sent += chunk.length) {
        random.nextBytes(chunk);
        for (int i = 0; i < chunk.length; i += 1 + random.nextInt(128)) {
          chunk[i] = random.nextInt(4) == 0 ? 0 : (byte) '\n';
        }
        junk.sendUntilClosed(chunk);
        answered += junk.discardReceivedLines();
        assertVictimServed();
      }
    }
    assertTrue(answered > 0, "the junk lines were answered");
    assertVictimServed();
  }

  @Test
  void thousandsOfPipelinedCommandsFromSeveralClientsAreAnsweredInOrderWithoutMixingData() throws Exception {
    start(64 << 20, UnaryOperator.identity());
    int clients = scale(4, 16);
    int commands = scale(5_000, 100_000);
    List<LineClient> pipeliners = new ArrayList<>();
    try {
      for (int c = 0; c < clients; c++) {
        pipeliners.add(endpoint.connect(server));
      }
      for (int c = 0; c < clients; c++) {
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < commands; i++) {
          batch.append("SET p").append(c).append('-').append(i).append(" v").append(c).append('-').append(i)
              .append('\n');
        }
        pipeliners.get(c).send(batch.toString()); // replies are not read until every client has sent
      }
      assertVictimServed();
      for (int c = 0; c < clients; c++) {
        LineClient client = pipeliners.get(c);
        for (int i = 0; i < commands; i++) {
          assertEquals("OK", client.readLine());
        }
        int probe = commands / 2;
        assertEquals("VALUE " + ConnectionLimitsIT.base64("v" + c + "-" + probe),
            victim.request("GET p" + c + "-" + probe));
      }
    } finally {
      for (LineClient client : pipeliners) {
        client.close();
      }
    }
    assertVictimServed();
  }

  @Test
  void slowlorisClientsAreCutOffWhileOthersAreServed() throws Exception {
    assertSlowlorisClientsCutOff("", "x");
  }

  /**
   * RESP slowloris clients, every read ending in '\n', which the request timeout once took for a finished
   * request (the audit held 256 unfinished 900 KB requests open 35 s past a 3 s timeout, pinning their buffers).
   */
  @Test
  void respSlowlorisClientsWhoseReadsEndInNewlineAreCutOffWhileOthersAreServed() throws Exception {
    assertSlowlorisClientsCutOff("*3\r\n$3\r\nSET\r\n$4\r\nslow\r\n$1000000\r\n", "x\n");
  }

  /** Clients that send {@code opening}, then {@code trickle} every pause, are all closed; the victim is served. */
  private void assertSlowlorisClientsCutOff(String opening, String trickle) throws Exception {
    Duration timeout = Duration.ofMillis(scale(500, 5_000));
    Duration pause = Duration.ofMillis(scale(50, 1_000));
    start(1 << 20, builder -> builder.requestTimeout(timeout));
    List<LineClient> slow = new ArrayList<>();
    try {
      for (int i = 0; i < scale(20, 200); i++) {
        slow.add(endpoint.connect(server).send(opening));
      }
      long deadline = System.nanoTime() + timeout.multipliedBy(20).toNanos();
      int open = slow.size();
      while (open > 0 && System.nanoTime() < deadline) {
        open = 0;
        for (LineClient client : slow) {
          if (!client.isClosedByServer()) {
            client.sendUntilClosed(trickle);
            open++;
          }
        }
        assertVictimServed();
        Thread.sleep(pause.toMillis());
      }
      assertEquals(0, open, "every slowloris connection was closed");
    } finally {
      for (LineClient client : slow) {
        client.close();
      }
    }
    assertVictimServed();
  }

  /**
   * RESP clients that declare a bulk string as long as the request limit allows, then send none of it, and one
   * that declares 2 GB: nothing is allocated for a declared length (1,000 such clients in the soak would need
   * 1 GB of heap, twice the soak JVM's), the 2 GB one is refused at once, and the rest are closed at the request
   * timeout while the victim is served.
   */
  @Test
  void hugeDeclaredRespBulkLengthsWithNoDataAllocateNothingAndAreCutOff() throws Exception {
    Duration timeout = Duration.ofMillis(scale(500, 5_000));
    int maxLine = 1 << 20;
    start(1 << 20, builder -> builder.requestTimeout(timeout).maxLineBytes(maxLine));
    try (LineClient huge = endpoint.connect(server)) {
      huge.sendUntilClosed("*3\r\n$3\r\nSET\r\n$4\r\nhuge\r\n$2000000000\r\n");
      assertEquals("-ERR Protocol error: invalid bulk length\r", huge.readLine());
      huge.assertEndOfStream();
    }
    List<LineClient> declared = new ArrayList<>();
    try {
      for (int i = 0; i < scale(100, 1_000); i++) {
        declared.add(endpoint.connect(server)
            .send("*3\r\n$3\r\nSET\r\n$4\r\nlazy\r\n$" + (maxLine - 100) + "\r\n"));
      }
      assertVictimServed();
      long deadline = System.nanoTime() + timeout.multipliedBy(20).toNanos();
      int open = declared.size();
      while (open > 0 && System.nanoTime() < deadline) {
        Thread.sleep(timeout.toMillis() / 5);
        open = 0;
        for (LineClient client : declared) {
          open += client.isClosedByServer() ? 0 : 1;
        }
      }
      assertEquals(0, open, "every connection left waiting for its declared bulk string was closed");
    } finally {
      for (LineClient client : declared) {
        client.close();
      }
    }
    assertEquals("NOT_FOUND", victim.request("GET lazy"));
    assertVictimServed();
  }

  @Test
  void manyIdleConnectionsAreHeldAndOthersServed() throws Exception {
    // Server and clients share this JVM's descriptors (ulimit -n is 20,000 here): two per connection, so the
    // idle clients are bare sockets, without the selector each LineClient holds.
    int count = scale(1_000, 9_500);
    start(1 << 20, builder -> builder.maxConnections(count + 10));
    List<SocketChannel> idle = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        idle.add(SocketChannel.open(server.tcpAddress()));
      }
      assertVictimServed();
      try (LineClient last = endpoint.connect(server)) {
        assertEquals("NOT_FOUND", last.request("GET nothing"), "one more is served too");
      }
      System.gc();
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.printf("[%s] %d idle connections open: %d MiB of heap in use after a GC%n",
          SOAK ? "soak" : "ci", server.connectionCount(), used >> 20);
    } finally {
      for (SocketChannel channel : idle) {
        channel.close();
      }
    }
    assertVictimServed();
  }

  /**
   * The 10,000 idle connections: one JVM holding both ends would need 20,000 descriptors, the hard limit
   * here, so the server runs as its own process (as the launcher runs it, a 128 MiB heap) and this JVM holds the
   * clients. A connection opened before them and one opened after are both served, and STATS counts them all.
   */
  @Test
  void tenThousandIdleConnectionsAreHeldByAServerProcessWhichServesTheOthers() throws Exception {
    int count = scale(1_000, 10_000);
    Path log = dir.resolve("server.log");
    Process process = ServerProcessIT.start(log, "serve", "--tcp", "127.0.0.1:0",
        "--max-connections", Integer.toString(count + 10));
    List<SocketChannel> idle = new ArrayList<>();
    try {
      InetSocketAddress address = new InetSocketAddress("127.0.0.1", ServerProcessIT.awaitPort(process, log));
      try (LineClient first = LineClient.tcp(address)) {
        assertEquals("OK", first.request("SET precious jewels"));
        long rssBefore = ServerProcess.rssKib(process);
        for (int i = 0; i < count; i++) {
          idle.add(SocketChannel.open(address));
        }
        try (LineClient last = LineClient.tcp(address)) {
          assertEquals(PRECIOUS_VALUE, last.request("GET precious"), "a connection opened after them is served");
          assertEquals(PRECIOUS_VALUE, first.request("GET precious"), "one opened before them is served");
          // Accepted in order, but counted on each connection's own event loop: ask until all are counted.
          String expected = " connections=" + (count + 2) + " ";
          String stats = last.request("STATS");
          for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
              !stats.contains(expected) && System.nanoTime() < deadline; stats = last.request("STATS")) {
            Thread.sleep(50);
          }
          assertTrue(stats.contains(expected), stats);
          System.out.printf("[%s] %d idle connections held by a server process; its RSS grew by %d KiB%n",
              SOAK ? "soak" : "ci", count, ServerProcess.rssKib(process) - rssBefore);
        }
      }
      assertTrue(process.isAlive(), "the server is still running");
    } finally {
      for (SocketChannel channel : idle) {
        channel.close();
      }
      ServerProcessIT.stop(process);
    }
  }

  @Test
  void clientsKilledMidRequestAndAConnectDisconnectStormHarmNoOne() throws Exception {
    start(1 << 20, UnaryOperator.identity());
    int threads = 2;
    int rounds = scale(500, 20_000);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> storms = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        storms.add(pool.submit(() -> storm(seed, rounds)));
      }
      for (Future<?> storm : storms) {
        while (!storm.isDone()) {
          assertVictimServed();
          Thread.sleep(10);
        }
        storm.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertVictimServed();
    long deadline = System.nanoTime() + LineClient.TIMEOUT.toNanos();
    while (server.connectionCount() > 1 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(1, server.connectionCount(), "only the victim is left open");
  }

  /** One storm: connects over and over, and each time ends the connection in one of several rude ways. */
  private Void storm(int seed, int rounds) throws IOException {
    Random random = new Random(seed);
    for (int i = 0; i < rounds; i++) {
      try (LineClient client = endpoint.connect(server)) {
        switch (random.nextInt(4)) {
          case 0 -> client.abort(); // connect, then reset
          case 1 -> client.send("SET killed-" + seed + " half").abort(); // killed mid-request
          case 2 -> client.send("SET storm-" + seed + " " + i + "\nGET precious\n"); // never reads its replies
          default -> assertEquals(PRECIOUS_VALUE, client.request("GET precious"));
        }
      }
    }
    return null;
  }

  @Test
  void aWriteStormFarPastTheMemoryLimitKeepsUsageUnderIt() throws Exception {
    long limit = scale(1 << 20, 16 << 20);
    start(limit, UnaryOperator.identity());
    int writers = 4;
    int batches = scale(200, 5_000);
    int batch = 100;
    String value = "w".repeat(512);
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<?>> storms = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        int writer = w;
        storms.add(pool.submit(() -> writeStorm(writer, batches, batch, value)));
      }
      for (Future<?> storm : storms) {
        while (!storm.isDone()) {
          long usage = Long.parseLong(victim.request("USAGE").substring("USAGE ".length()));
          assertTrue(usage <= limit, "USAGE " + usage + " is over the limit " + limit);
        }
        storm.get();
      }
    } finally {
      pool.shutdownNow();
    }
    String stats = victim.request("STATS");
    assertTrue(stats.contains(" limit=" + limit + " "), stats);
    long written = (long) writers * batches * batch * value.length();
    System.out.printf("[%s] write storm: %d MiB written into a %d MiB limit; %s%n", SOAK ? "soak" : "ci",
        written >> 20, limit >> 20, stats);
  }

  private Void writeStorm(int writer, int batches, int batch, String value) throws IOException {
    try (LineClient client = endpoint.connect(server)) {
      for (int b = 0; b < batches; b++) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < batch; i++) {
          lines.append("SET w").append(writer).append('-').append(b).append('-').append(i).append(' ')
              .append(value).append('\n');
        }
        client.send(lines.toString());
        for (int i = 0; i < batch; i++) {
          assertEquals("OK", client.readLine());
        }
      }
    }
    return null;
  }
}
