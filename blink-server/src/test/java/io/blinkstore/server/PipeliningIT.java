package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.TestServers.Endpoint;
import io.netty.util.ResourceLeakDetector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many connections at once, each pipelining a long run of mixed commands in one write before reading: every
 * reply must be right and in order, and the store must end up holding exactly what the clients left in it.
 */
@Timeout(60)
class PipeliningIT {
  private static final int CONNECTIONS = 64;
  private static final int COMMANDS_PER_CONNECTION = 1_000;
  private static final int KEYS_PER_CONNECTION = 24;
  /** Far above what the clients can store, so nothing is evicted and the final usage is exact. */
  private static final long MEMORY_LIMIT = 64L << 20;
  private static final String[] VALUE_PIECES = {"a", "b", "z", "0", "9", "\u00e9", "\u20ac", "\ud83d\ude00", " "};
  private static final Pattern STATS_KEYS = Pattern.compile("STATS keys=(\\d+)(\\s.*)?");
  /**
   * How long a connection waits for each reply. Its first one comes only once the server has reached its
   * pipeline, which may be after working through all the others: up to 8 s on a loaded 2-vCPU machine, where
   * {@link LineClient#TIMEOUT} is 10 s. A server that stops answering is still caught, by this or the 50 s bound
   * on each connection's run.
   */
  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(40);

  @TempDir Path dir;

  static List<BlinkServer.Transport> transports() {
    return TestServers.transports();
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void sixtyFourConnectionsPipeliningAThousandCommandsEachGetEveryReplyInOrder(BlinkServer.Transport transport)
      throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, MEMORY_LIMIT)) {
      List<Script> scripts = new ArrayList<>();
      for (int c = 0; c < CONNECTIONS; c++) {
        scripts.add(Script.generate(c, new Random(31L * c + 7)));
      }
      ExecutorService pool = Executors.newFixedThreadPool(CONNECTIONS);
      try {
        CyclicBarrier allConnected = new CyclicBarrier(CONNECTIONS);
        List<Future<?>> runs = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
          Endpoint endpoint = c % 2 == 0 ? Endpoint.TCP : Endpoint.UNIX;
          Script script = scripts.get(c);
          runs.add(pool.submit(() -> {
            try (LineClient client = endpoint.connect(server)) {
              allConnected.await(LineClient.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
              client.send(script.requests());
              List<String> replies = client.readLines(script.replies().size(), REPLY_TIMEOUT);
              for (int i = 0; i < replies.size(); i++) {
                if (!script.replies().get(i).equals(replies.get(i))) {
                  throw new AssertionError("connection " + script.connection() + " over " + endpoint + ", reply "
                      + (i + 1) + " to '" + script.lines().get(i) + "': expected '" + script.replies().get(i)
                      + "' but was '" + LineClient.abbreviate(replies.get(i)) + "'");
                }
              }
            }
            return null;
          }));
        }
        for (Future<?> run : runs) {
          run.get(50, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
      }

      long expectedUsage = 0;
      long expectedKeys = 0;
      for (Script script : scripts) {
        expectedUsage += script.remainingBytes();
        expectedKeys += script.remainingKeys();
      }
      try (LineClient client = LineClient.tcp(server.tcpAddress())) {
        assertEquals("USAGE " + expectedUsage, client.request("USAGE"),
            "usage is the key and value bytes of exactly what the clients left");
        String stats = client.request("STATS");
        Matcher keys = STATS_KEYS.matcher(stats);
        assertTrue(keys.matches(), () -> "STATS reply: " + stats);
        assertEquals(expectedKeys, Long.parseLong(keys.group(1)), stats);
      }
      for (int i = 0; i < 1_000 && server.connectionCount() > 0; i++) {
        Thread.sleep(10); // bounded: closed connections leave the server's group as their close completes
      }
      assertEquals(0, server.connectionCount(), "every closed connection was released");
    }
  }

  static List<Arguments> transportsAndEndpoints() {
    return TestServers.transportsAndEndpoints();
  }

  /**
   * Backpressure and half-closure together: the client sends many requests for a large value, half-closes, and
   * only then reads. The server has to stop and resume reading while the end of input is pending; every reply
   * must still arrive whole and in order (the last request has no newline), and only then the end of stream.
   */
  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void aHalfClosingClientGetsEveryLargeReplyBeforeTheServerCloses(BlinkServer.Transport transport,
      Endpoint endpoint) throws Exception {
    TestServers.assumeHalfClosureUnderBackpressure(transport, endpoint);
    int gets = 24;
    String big = "L".repeat(64 * 1024);
    try (BlinkServer server = TestServers.start(transport, dir, MEMORY_LIMIT);
        LineClient client = endpoint.connect(server)) {
      assertEquals("OK", client.request("SET big " + big));
      client.send("GET big\n".repeat(gets) + "SET last 1\nGET missing\nUSAGE");
      client.shutdownOutput();
      String value = "VALUE " + Base64.getEncoder().encodeToString(big.getBytes(UTF_8));
      for (int i = 0; i < gets; i++) {
        String reply = client.readLine();
        int n = i;
        assertTrue(value.equals(reply), () -> "reply " + (n + 1) + " is the whole value: "
            + (reply == null ? "end of stream" : LineClient.abbreviate(reply)));
      }
      assertEquals(List.of("OK", "NOT_FOUND", "USAGE " + (3 + big.length() + 5)), client.readLines(3));
      client.assertEndOfStream();
    }
  }

  /**
   * A race hunt: many rounds of "pipeline GETs of a 2 KiB value, half-close, read everything". At the moment the
   * server sees the end of input it often still has replies queued or unsent; it must send every one of them,
   * whole, before closing. Each round is cheap, but many rounds are needed to hit the race, so this test lowers
   * Netty's leak detection from PARANOID (a stack trace per buffer access: each 4 encoded bytes) to SIMPLE while
   * it runs; every other test keeps PARANOID.
   */
  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void halfCloseWhileRepliesAreStillPendingNeverLosesOrCutsOne(BlinkServer.Transport transport,
      Endpoint endpoint) throws Exception {
    TestServers.assumeHalfClosureUnderBackpressure(transport, endpoint);
    int rounds = 150;
    int gets = 400;
    String small = "s".repeat(2 * 1024);
    String value = "VALUE " + Base64.getEncoder().encodeToString(small.getBytes(UTF_8));
    byte[] requests = ("GET small\n".repeat(gets) + "USAGE\n").getBytes(UTF_8);
    String usage = "USAGE " + ("small".length() + small.length());
    ResourceLeakDetector.Level leakLevel = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    try (BlinkServer server = TestServers.start(transport, dir, MEMORY_LIMIT)) {
      try (LineClient client = endpoint.connect(server)) {
        assertEquals("OK", client.request("SET small " + small));
      }
      for (int round = 1; round <= rounds; round++) {
        try (LineClient client = endpoint.connect(server)) {
          client.send(requests);
          client.shutdownOutput();
          for (int i = 0; i < gets; i++) {
            String reply = readLineOrFailure(client);
            if (!value.equals(reply)) {
              throw new AssertionError("round " + round + ", reply " + (i + 1) + " of " + (gets + 1)
                  + " should be the whole value but was: " + LineClient.abbreviate(reply));
            }
          }
          assertEquals(usage, readLineOrFailure(client), "round " + round + ", the last reply");
          client.assertEndOfStream();
        }
      }
    } finally {
      ResourceLeakDetector.setLevel(leakLevel);
    }
  }

  private static String readLineOrFailure(LineClient client) {
    try {
      String line = client.readLine();
      return line == null ? "(end of stream)" : line;
    } catch (AssertionError | java.io.IOException e) {
      return "(" + e.getMessage() + ")";
    }
  }

  /** One connection's requests, written at once, and the replies a correct server gives, in order. */
  record Script(int connection, List<String> lines, byte[] requests, List<String> replies,
      Map<String, byte[]> remaining) {

    static Script generate(int connection, Random random) {
      Map<String, byte[]> model = new HashMap<>();
      List<String> lines = new ArrayList<>();
      List<String> replies = new ArrayList<>();
      StringBuilder requests = new StringBuilder();
      for (int i = 0; i < COMMANDS_PER_CONNECTION; i++) {
        int k = random.nextInt(KEYS_PER_CONNECTION);
        String key = (k % 3 == 0 ? "c\u043a" : "c") + connection + "-k" + k; // distinct per connection
        int op = random.nextInt(100);
        String line;
        if (op < 45) {
          String value = value(random);
          line = value.isEmpty() ? "SET " + key : "SET " + key + " " + value;
          model.put(key, value.getBytes(UTF_8));
          replies.add("OK");
        } else if (op < 80) {
          line = "GET " + key;
          byte[] value = model.get(key);
          replies.add(value == null ? "NOT_FOUND" : "VALUE " + Base64.getEncoder().encodeToString(value));
        } else {
          line = "DELETE " + key;
          replies.add(model.remove(key) == null ? "NOT_FOUND" : "OK");
        }
        lines.add(line);
        requests.append(line).append('\n');
      }
      return new Script(connection, lines, requests.toString().getBytes(UTF_8), replies, model);
    }

    /** A value of 0 to 40 pieces, inner spaces allowed, none at either end (the server trims those). */
    private static String value(Random random) {
      StringBuilder value = new StringBuilder();
      int pieces = random.nextInt(41);
      for (int i = 0; i < pieces; i++) {
        value.append(VALUE_PIECES[random.nextInt(VALUE_PIECES.length)]);
      }
      return value.toString().strip();
    }

    long remainingBytes() {
      long bytes = 0;
      for (Map.Entry<String, byte[]> entry : remaining.entrySet()) {
        bytes += entry.getKey().getBytes(UTF_8).length + entry.getValue().length;
      }
      return bytes;
    }

    long remainingKeys() {
      return remaining.size();
    }
  }
}
