package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.group.DefaultChannelGroup;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code blink-store serve} as a real process: start-up, serving, and a graceful stop on SIGTERM or SIGINT. */
@Timeout(60)
class ServerProcessIT {
  private static final Pattern LISTENING = Pattern.compile("listening on tcp 127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;

  /**
   * A jar rebuilt under a running server (`mvn package` writes over it in place): its graceful stop then needs a
   * class it never loaded (Netty's channel group iterator), and the main thread dies of NoClassDefFoundError. The
   * process must still exit, not hang with its event loops running until SIGKILL.
   */
  @Test
  void aServerWhoseJarIsOverwrittenUnderItStillExitsOnSigterm() throws Exception {
    Path netty = Path.of(DefaultChannelGroup.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    assumeTrue(Files.isRegularFile(netty), "netty-transport is a jar on this class path");
    Path copy = Files.copy(netty, dir.resolve("netty-transport.jar"));
    List<String> classPath = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      classPath.add(Path.of(entry).equals(netty) ? copy.toString() : entry);
    }
    Path log = dir.resolve("server.log");
    Process server = commandOn(String.join(File.pathSeparator, classPath), log, "serve", "--tcp", "127.0.0.1:0")
        .start();
    try {
      awaitPort(server, log);
      byte[] other = new byte[(int) Files.size(copy)];
      new java.util.Random(1).nextBytes(other);
      Files.write(copy, other); // in place, as a rebuild does: same file, other bytes
      Process kill = new ProcessBuilder("kill", "-TERM", Long.toString(server.pid())).start();
      assertEquals(0, kill.waitFor());
      assertTrue(server.waitFor(20, TimeUnit.SECONDS), "exited within 20 s:\n" + Files.readString(log));
      assertEquals(1, server.exitValue(), Files.readString(log));
    } finally {
      server.destroyForcibly();
    }
  }

  @ParameterizedTest(name = "SIG{0}")
  @ValueSource(strings = {"TERM", "INT"})
  void sigtermOrSigintStopsGracefullyWithStatusZeroAndRemovesTheSocketFile(String signal) throws Exception {
    Path socket = dir.resolve("blink.sock");
    Path log = dir.resolve("server.log");
    Process server = start(log, "serve", "--tcp", "127.0.0.1:0", "--unix", socket.toString(), "--memory-limit", "1MB");
    int port = awaitPort(server, log);
    if (signal.equals("INT") && ignoresSigint(server)) {
      server.destroyForcibly();
      assumeTrue(false, "SIGINT is ignored in this build's processes (a background job of a shell without job"
          + " control): the server inherits that, and the JVM keeps an inherited SIGINT ignored, as a background"
          + " job should; SIGTERM is still tested");
    }
    assertTrue(Files.exists(socket), "socket file created");

    try (Socket client = new Socket("127.0.0.1", port)) {
      OutputStream out = client.getOutputStream();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
      out.write("SET foo bar\nGET foo\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      assertEquals("OK", in.readLine());
      assertEquals("VALUE YmFy", in.readLine());

      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(server.pid())).start();
      assertEquals(0, kill.waitFor(), "kill -" + signal);
      assertTrue(server.waitFor(20, TimeUnit.SECONDS), "stopped within 20 s");
      assertEquals(null, in.readLine(), "the connection was closed by the server");
    }
    assertEquals(0, server.exitValue());
    assertFalse(Files.exists(socket), "socket file removed");
    String output = Files.readString(log);
    assertTrue(output.contains("shutting down") && output.contains("stopped"), output);
  }

  @Test
  void maxEntriesBoundsTheEntryCountWhateverTheByteLimit() throws Exception {
    Path log = dir.resolve("bounded.log");
    Process server = start(log, "serve", "--tcp", "127.0.0.1:0", "--memory-limit", "1MB", "--max-entries", "10");
    try {
      int port = awaitPort(server, log);
      assertTrue(Files.readString(log).contains("max entries 10,"), Files.readString(log));
      try (Socket client = new Socket("127.0.0.1", port)) {
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 50; i++) {
          requests.append("SET k").append(i).append(" v\n");
        }
        requests.append("STATS\n");
        client.getOutputStream().write(requests.toString().getBytes(StandardCharsets.UTF_8));
        BufferedReader in =
            new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
        for (int i = 0; i < 50; i++) {
          assertEquals("OK", in.readLine());
        }
        String stats = in.readLine();
        assertTrue(stats.startsWith("STATS keys=10 usage=") && stats.contains(" evictions=40 expirations=0 uptime_seconds="), stats);
      }
    } finally {
      stop(server);
    }
  }

  /**
   * Issue 8's write storm, in a real server process with a small heap that exits on an OutOfMemoryError: several
   * clients write tiny entries, which cost the heap far more than their bytes, far past both the memory limit and
   * the heap capacity. Every write is answered ({@code OK}, or {@code ERROR out of memory} from the heap guard),
   * {@code USAGE} never passes the limit, and the process is still serving reads at the end.
   */
  @Test
  @Timeout(value = 5, unit = TimeUnit.MINUTES) // 900,000 writes on a loaded machine; bounded, not a threshold
  void aWriteStormOfTinyEntriesFarPastTheLimitsLeavesTheServerServingWithinThem() throws Exception {
    Path log = dir.resolve("storm.log");
    long limit = 4L << 20;
    Process server = start(log, "serve", "--tcp", "127.0.0.1:0", "--memory-limit", Long.toString(limit));
    try {
      int port = awaitPort(server, log);
      Matcher capacity = Pattern.compile("heap capacity (\\d+) bytes at (\\d+) bytes per entry")
          .matcher(Files.readString(log));
      assertTrue(capacity.find(), Files.readString(log));
      int clients = 3;
      int perClient = 300_000; // 900,000 entries of ~12 bytes: over twice what either bound allows
      ExecutorService pool = Executors.newFixedThreadPool(clients);
      try (Socket sampler = new Socket("127.0.0.1", port)) {
        BufferedReader samples = reader(sampler);
        List<Future<long[]>> storms = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
          int client = c;
          storms.add(pool.submit(() -> tinyWrites(port, client, perClient)));
        }
        long samplesTaken = 0;
        for (Future<long[]> storm : storms) {
          while (!storm.isDone()) {
            sampler.getOutputStream().write("USAGE\n".getBytes(StandardCharsets.UTF_8));
            String usage = samples.readLine();
            assertTrue(usage != null && Long.parseLong(usage.substring("USAGE ".length())) <= limit, usage);
            samplesTaken++;
          }
        }
        long ok = 0;
        for (Future<long[]> storm : storms) {
          long[] counts = storm.get(); // fails the test if a reply was neither OK nor ERROR out of memory
          ok += counts[0];
        }
        assertTrue(ok > 0 && samplesTaken > 0, "writes accepted: " + ok + ", samples: " + samplesTaken);
        System.out.printf("write storm: %d of %d writes accepted, the rest refused (heap guard); %d USAGE samples%n",
            ok, (long) clients * perClient, samplesTaken);
        sampler.getOutputStream().write("GET c2-299999\nSTATS\n".getBytes(StandardCharsets.UTF_8));
        String lastValue = samples.readLine();
        assertTrue("VALUE dg==".equals(lastValue) || "NOT_FOUND".equals(lastValue), lastValue);
        Matcher keys = Pattern.compile("^STATS keys=(\\d+) usage=(\\d+) ").matcher(samples.readLine());
        assertTrue(keys.find());
        long cost = Long.parseLong(keys.group(2)) + Long.parseLong(keys.group(1)) * Long.parseLong(capacity.group(2));
        assertTrue(cost <= Long.parseLong(capacity.group(1)), keys.group() + " over " + capacity.group());
        assertTrue(Long.parseLong(keys.group(2)) <= limit, keys.group());
      } finally {
        pool.shutdownNow();
      }
      assertTrue(server.isAlive(), "the server survived the storm:\n" + Files.readString(log));
    } finally {
      stop(server);
    }
    assertFalse(Files.readString(log).contains("OutOfMemoryError"), Files.readString(log));
  }

  /**
   * Regression: with the launcher's G1 settings for a 64 MiB limit (a 92 MiB heap of 2 MiB regions), 512 KiB
   * values, which G1 packs three to a region with a quarter of each region unused, filled the heap before the
   * limit and the JVM ended in an OutOfMemoryError after about 115 of them; lists' and hashes' elements of that
   * size the same. The store now weighs what such values
   * waste of G1's regions ({@code HeapRegions}) and evicts them in time; a write may still be refused for a moment
   * by the heap guard ({@code -OOM}), never the process. REV7: under {@code noeviction} the same SETs ended it at
   * write 130 (the waste was in Caffeine's weight only, which bounds nothing there); the heap capacity's check now
   * counts it, and refuses.
   */
  @ParameterizedTest
  @ValueSource(strings = {"SET", "RPUSH", "HSET", "SET noeviction"})
  @Timeout(value = 3, unit = TimeUnit.MINUTES) // 400 writes of 512 KiB on a loaded machine; bounded, not a threshold
  void valuesThatFillG1sRegionsBadlyAreEvictedBeforeTheHeapRunsOut(String test) throws Exception {
    Path log = dir.resolve("regions.log");
    String command = test.split(" ")[0];
    boolean noEviction = test.endsWith("noeviction");
    Process server = startWithTheLaunchersG1For64MiB(log, noEviction
        ? List.of("--maxmemory-policy", "noeviction") : List.of());
    try {
      int port = awaitPort(server, log);
      byte[] value = new byte[512 * 1024];
      java.util.Arrays.fill(value, (byte) 'x');
      int accepted = 0;
      try (Socket socket = new Socket("127.0.0.1", port)) {
        OutputStream out = socket.getOutputStream();
        BufferedReader in = reader(socket);
        for (int i = 0; i < 400; i++) {
          List<String> args = switch (command) {
            case "SET" -> List.of("SET", "big:" + i);
            case "RPUSH" -> List.of("RPUSH", "list:" + i / 20);
            default -> List.of("HSET", "hash:" + i / 20, "f" + i);
          };
          StringBuilder head = new StringBuilder("*" + (args.size() + 1) + "\r\n");
          for (String arg : args) {
            head.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
          }
          out.write((head + "$" + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII));
          out.write(value);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          String reply = in.readLine();
          if ("+OK".equals(reply) || reply != null && reply.startsWith(":")) {
            accepted++;
          } else {
            assertTrue(reply != null && reply.startsWith("-OOM "), command + " " + i + ": " + reply);
          }
        }
        if (command.equals("SET")) {
          out.write("*1\r\n$6\r\nDBSIZE\r\n".getBytes(StandardCharsets.US_ASCII));
          String size = in.readLine();
          assertTrue(size != null && size.startsWith(":") && Long.parseLong(size.substring(1)) <= 96,
              "at most 96 values of 512 KiB, three to each of 32 regions: " + size);
        }
      }
      assertTrue(accepted > 90, "writes accepted: " + accepted);
      assertTrue(server.isAlive(), "the server lived:\n" + Files.readString(log));
    } finally {
      stop(server);
    }
    assertFalse(Files.readString(log).contains("OutOfMemoryError"), Files.readString(log));
  }

  /**
   * REV7: a script upper-casing a 512 KiB string 200 times ended the same G1 JVM in an OutOfMemoryError: the heap
   * check read G1's bytes in use, which leave out the quarter of each region such strings cannot use. The check
   * now counts what the script's arrays waste of their regions, and stops it with {@code -OOM}.
   */
  @ParameterizedTest
  @ValueSource(ints = 512 * 1024)
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aScriptCopyingStringsThatFillG1sRegionsBadlyIsStoppedBeforeTheHeapRunsOut(int length) throws Exception {
    Path log = dir.resolve("script-regions.log");
    Process server = startWithTheLaunchersG1For64MiB(log, List.of());
    try {
      int port = awaitPort(server, log);
      try (Socket socket = new Socket("127.0.0.1", port)) {
        OutputStream out = socket.getOutputStream();
        BufferedReader in = reader(socket);
        String script = "local s = ('x'):rep(" + length + ") local t = {}"
            + " for i = 1, 200 do t[i] = s:upper() end return #t";
        out.write(("*3\r\n$4\r\nEVAL\r\n$" + script.length() + "\r\n" + script + "\r\n$1\r\n0\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        String reply = in.readLine();
        assertTrue(reply != null && reply.startsWith("-OOM "), "200 copies do not fit a 92 MiB heap: " + reply);
        stillServes(server, log, out, in);
      }
    } finally {
      stop(server);
    }
    assertFalse(Files.readString(log).contains("OutOfMemoryError"), Files.readString(log));
  }

  /**
   * REV8: on a store holding most of the heap in 100-byte entries, a script making many upper-cased copies of a
   * 512 KiB string, each garbage at once, was stopped with {@code -OOM}: the copies' region waste was counted
   * against the whole heap in use, the store's entries too. It is counted against what the heap grew by since the
   * script's first such copy, and the script runs. (On a store at its full capacity, 79% of this heap, a script's
   * heap check keeps refusing pieces of 512 KiB, as before: the check keeps a tenth of the heap over the guard's.)
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void aScriptWhoseLargeStringsBecomeGarbageRunsBesideALargeStore() throws Exception {
    Path log = dir.resolve("full-store-script.log");
    Process server = startWithTheLaunchersG1For64MiB(log, List.of());
    try {
      int port = awaitPort(server, log);
      try (Socket socket = new Socket("127.0.0.1", port)) {
        OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
        BufferedReader in = reader(socket);
        int sets = 230_000; // most of the heap capacity's ~270,000 entries of this size
        Thread writer = new Thread(() -> {
          try {
            String value = "v".repeat(100);
            for (int i = 0; i < sets; i++) {
              String key = "k" + i;
              out.write(("*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$100\r\n" + value
                  + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            out.flush();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
        writer.start();
        for (int i = 0; i < sets; i++) {
          assertEquals("+OK", in.readLine(), "SET " + i);
        }
        writer.join();
        String script = "local s = ('x'):rep(524288) for i = 1, 400 do local u = s:upper() end return 1";
        socket.getOutputStream().write(("*3\r\n$4\r\nEVAL\r\n$" + script.length() + "\r\n" + script
            + "\r\n$1\r\n0\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(":1", in.readLine(), "400 garbage copies of 512 KiB beside a store of 230,000 entries");
        stillServes(server, log, socket.getOutputStream(), in);
      }
    } finally {
      stop(server);
    }
  }

  /**
   * Values of 1.1, 3, 2.2 and 5 MB built by {@code APPEND}s of under 1 MiB (the default request line) ended the
   * launcher's G1 JVM for a 64 MiB limit at the 16th on Java 17: G1 there never moves an array of more than a region
   * (2 MiB), so a full heap left no two or three adjacent free regions. Before Java 21 a value is now held to one
   * region by default ({@code -ERR value too long}); from Java 21 the JVM moves such arrays and the values are
   * stored. Either way the server lives and serves.
   */
  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  void valuesLargerThanARegionBuiltByAppendNeverEndTheJvm() throws Exception {
    Path log = dir.resolve("append-regions.log");
    Process server = startWithTheLaunchersG1For64MiB(log, List.of());
    int tooLong = 0;
    int stored = 0;
    boolean refusedBulk = false;
    try {
      int port = awaitPort(server, log);
      byte[] piece = new byte[(1 << 20) - 64];
      java.util.Arrays.fill(piece, (byte) 'x');
      int[] sizes = {1_153_434, 3_145_728, 2_200_000, 5_000_000};
      try (Socket socket = new Socket("127.0.0.1", port)) {
        OutputStream out = socket.getOutputStream();
        BufferedReader in = reader(socket);
        for (int i = 0; i < 120; i++) {
          String key = "big:" + i;
          int left = sizes[i % sizes.length];
          String command = "SET";
          boolean refused = false;
          while (left > 0) {
            int length = Math.min(piece.length, left);
            out.write(("*3\r\n$" + command.length() + "\r\n" + command + "\r\n$" + key.length() + "\r\n" + key
                + "\r\n$" + length + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(piece, 0, length);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            String reply = in.readLine();
            assertTrue(reply != null && (reply.equals("+OK") || reply.startsWith(":") || reply.startsWith("-OOM ")
                || reply.equals("-ERR value too long")), key + ": " + reply);
            refused |= "-ERR value too long".equals(reply);
            stored += reply.equals(":" + sizes[i % sizes.length]) ? 1 : 0;
            left -= length;
            command = "APPEND";
          }
          tooLong += refused ? 1 : 0;
        }
        stillServes(server, log, out, in);
      }
      if (Runtime.version().feature() < 21) {
        try (Socket socket = new Socket("127.0.0.1", awaitPort(server, log))) {
          // one SET of 3 MiB: the bulk string itself is refused at its header, before it is buffered
          socket.setSoTimeout(30_000); // a server waiting for the value instead fails the test here
          socket.getOutputStream().write("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3145728\r\n"
              .getBytes(StandardCharsets.US_ASCII));
          String reply = reader(socket).readLine();
          refusedBulk = reply != null && reply.startsWith("-ERR Protocol error: invalid bulk length (a bulk string");
        }
        try (Socket socket = new Socket("127.0.0.1", awaitPort(server, log))) {
          String script = "return #string.rep('x', 3000000)"; // a script's string is held to a region too
          socket.getOutputStream().write(("*3\r\n$4\r\nEVAL\r\n$" + script.length() + "\r\n" + script
              + "\r\n$1\r\n0\r\n").getBytes(StandardCharsets.US_ASCII));
          String reply = reader(socket).readLine();
          assertTrue(reply != null && reply.contains("string.rep: result larger than 2097136 bytes"), reply);
        }
      }
    } finally {
      stop(server);
    }
    assertFalse(Files.readString(log).contains("OutOfMemoryError"), Files.readString(log));
    if (Runtime.version().feature() < 21) {
      assertTrue(refusedBulk, "a 3 MiB bulk string refused at its header");
      assertTrue(tooLong > 0 && Files.readString(log).contains("values of at most"), tooLong + " refused");
    } else {
      assertTrue(stored > 0, stored + " stored");
    }
  }

  /** Asserts that {@code server} answers a {@code PING} on the connection of {@code out} and {@code in}, alive. */
  private static void stillServes(Process server, Path log, OutputStream out, BufferedReader in) throws IOException {
    out.write("*1\r\n$4\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
    assertEquals("+PONG", in.readLine());
    assertTrue(server.isAlive(), "the server lived:\n" + Files.readString(log));
  }

  /**
   * A server with the JVM options the launcher gives a 64 MiB limit (a 92 MiB G1 heap of 2 MiB regions), with
   * {@code --memory-limit 64MB} and {@code options}, logging to {@code log}.
   */
  private Process startWithTheLaunchersG1For64MiB(Path log, List<String> options) throws IOException {
    List<String> launchersG1 = List.of("-Xmx92m", "-Xms32m", "-Xmn8m", "-XX:+UseG1GC", "-XX:G1HeapRegionSize=2m",
        "-XX:MaxDirectMemorySize=16m", "-XX:+ExitOnOutOfMemoryError", "-D" + JvmSizing.SIZED_PROPERTY + "=true");
    List<String> args = new java.util.ArrayList<>(List.of("serve", "--tcp", "127.0.0.1:0", "--memory-limit", "64MB"));
    args.addAll(options);
    return ServerProcess.command(List.of(), System.getProperty("java.class.path"), launchersG1, log,
        args.toArray(String[]::new)).start();
  }

  /**
   * Sends {@code count} tiny SETs on a new connection from one thread while this one reads the replies (a
   * client that does not read is not read from), and returns {OK replies, ERROR out of memory replies}.
   */
  private static long[] tinyWrites(int port, int client, int count) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      Thread writer = new Thread(() -> {
        try {
          OutputStream out = new java.io.BufferedOutputStream(socket.getOutputStream(), 1 << 16);
          for (int i = 0; i < count; i++) {
            out.write(("SET c" + client + "-" + i + " v\n").getBytes(StandardCharsets.UTF_8));
          }
          out.flush();
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      writer.start();
      BufferedReader in = reader(socket);
      long[] counts = new long[2];
      for (int i = 0; i < count; i++) {
        String reply = in.readLine();
        if ("OK".equals(reply)) {
          counts[0]++;
        } else if ("ERROR out of memory".equals(reply)) {
          counts[1]++;
        } else {
          throw new AssertionError("reply " + i + " of client " + client + ": " + reply);
        }
      }
      writer.join();
      return counts;
    }
  }

  private static BufferedReader reader(Socket socket) throws IOException {
    return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
  }

  @Test
  void aStaleSocketFileIsReplaced() throws Exception {
    Path socket = dir.resolve("stale.sock");
    try (ServerSocketChannel crashed = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      crashed.bind(UnixDomainSocketAddress.of(socket));
    }
    assertTrue(Files.exists(socket), "closing leaves the socket file behind, as a crash does");
    Process server = start(dir.resolve("stale.log"), "serve", "--unix", socket.toString(), "--tcp", "127.0.0.1:0");
    try {
      awaitPort(server, dir.resolve("stale.log"));
      try (LineClient client = LineClient.unix(socket)) {
        assertEquals("OK", client.request("SET k v"), "the new server answers on the old path");
      }
    } finally {
      stop(server);
    }
    assertEquals(0, server.exitValue());
  }

  /** Regression: a regular file at the {@code --unix} path was deleted to make room for the socket. */
  @Test
  void aRegularFileAtTheSocketPathFailsTheStartNamingThePathAndIsLeftUntouched() throws Exception {
    Path notASocket = dir.resolve("notes.txt");
    Files.writeString(notASocket, "a user's file, given to --unix by mistake");
    Path log = dir.resolve("server.log");
    assertEquals("blink-store: cannot listen on Unix socket " + notASocket + ": a regular file is there; only a stale"
        + " socket file is replaced, so move it away or choose another path\n",
        failedStart(start(log, "serve", "--unix", notASocket.toString()), log));
    assertEquals("a user's file, given to --unix by mistake", Files.readString(notASocket));
  }

  @Test
  void logLevelWarnLeavesOnlyWarningsAndTheServerStillServes() throws Exception {
    Path socket = dir.resolve("quiet.sock");
    Path log = dir.resolve("server.log");
    Process server = start(log, "serve", "--unix", socket.toString(), "--log-level", "warn");
    try {
      try (LineClient client = connectWhenListening(server, socket, log)) {
        assertEquals("OK", client.request("SET k v"));
      }
    } finally {
      stop(server);
    }
    assertEquals(0, server.exitValue());
    String output = Files.readString(log);
    assertFalse(output.contains("INFO"), output);
  }

  @Test
  void aHeapTooSmallForTheLimitIsRefusedAtStart() throws Exception {
    Path log = dir.resolve("server.log");
    Process server = start(log, "serve", "--tcp", "127.0.0.1:0", "--memory-limit", "100MB");
    assertTrue(server.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, server.exitValue());
    String output = Files.readString(log);
    // -Xmx128m: the heap the JVM reports is a little less under the serial collector (one survivor space is
    // not counted), which the JVM picks on a small machine.
    assertTrue(output.matches("(?s).*the JVM heap \\(12[0-8] MiB\\) cannot hold a memory limit of 104857600 bytes.*"),
        output);
  }

  /** Regression: a token file ending in a blank and CRLF gave a token that AUTH over the text protocol never matched. */
  @Test
  void aTokenFileWithWhitespaceAroundTheTokenAuthenticatesWithTheTokenAlone() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, "s3cret \r\n");
    Path log = dir.resolve("server.log");
    Process server = start(log, "serve", "--tcp", "127.0.0.1:0", "--auth-token-file", token.toString());
    try (LineClient client = LineClient.tcp(new InetSocketAddress("127.0.0.1", awaitPort(server, log)))) {
      assertEquals("OK", client.request("AUTH s3cret"));
      assertEquals("OK", client.request("SET k v"));
    } finally {
      stop(server);
    }
  }

  @Test
  void anAuthTokenHoldingALineBreakIsRefusedAtStartNamingWhereItCameFrom() throws Exception {
    Path log = dir.resolve("server.log");
    ProcessBuilder builder = command(log, "serve", "--tcp", "127.0.0.1:0");
    builder.environment().put("BLINK_AUTH_TOKEN", "first\nsecond");
    assertEquals("blink-store: BLINK_AUTH_TOKEN: the auth token must not contain a line break: a text-protocol"
        + " request ends at the first, so it could never be sent\n", failedStart(builder.start(), log));
  }

  /**
   * Regression: a wildcard address was shown as the channel reports it in the start line
   * ({@code tcp [0:0:0:0:0:0:0:0]:PORT}) and as given, with the port asked for, in the security warning
   * ({@code 0.0.0.0:0}); and a metrics endpoint off loopback, which has no token, went unmentioned.
   */
  @Test
  void aWildcardAddressIsShownAsGivenWithItsPortEverywhereAndOpenMetricsAreWarnedAbout() throws Exception {
    Path log = dir.resolve("server.log");
    Process server = start(log, "serve", "--tcp", "0.0.0.0:0", "--metrics", "0.0.0.0:0");
    try {
      String output = awaitReady(server, log);
      Matcher start =
          Pattern.compile("listening on tcp 0\\.0\\.0\\.0:(\\d+), metrics http://0\\.0\\.0\\.0:(\\d+)/metrics")
              .matcher(output);
      assertTrue(start.find(), output);
      String tcp = "0.0.0.0:" + start.group(1);
      String metrics = "http://0.0.0.0:" + start.group(2) + "/metrics";
      assertTrue(output.contains("SECURITY WARNING: listening on " + tcp + " without an auth token"), output);
      assertTrue(output.contains("metrics at " + metrics + " are open to anyone who can reach"), output);
    } finally {
      stop(server);
    }
  }

  /** Whether {@code process} ignores SIGINT, from the SigIgn mask of its /proc status (false off Linux). */
  private static boolean ignoresSigint(Process process) throws IOException {
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    if (!Files.exists(status)) {
      return false;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("SigIgn:")) {
        return (Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16) & (1L << (2 - 1))) != 0;
      }
    }
    return false;
  }

  /** Stops {@code server} with SIGTERM and waits for it to exit. */
  static void stop(Process server) throws InterruptedException {
    server.destroy();
    assertTrue(server.waitFor(20, TimeUnit.SECONDS), "stopped within 20 s");
  }

  /** Waits for a server that must refuse to start, checks it exited with status 1, and returns its log. */
  private static String failedStart(Process server, Path log) throws IOException, InterruptedException {
    try {
      assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server gave up");
    } finally {
      server.destroy();
    }
    assertEquals(1, server.exitValue());
    return Files.readString(log);
  }

  /** Starts the command line in a new JVM, its stderr (the log) going to {@code log}. */
  static Process start(Path log, String... args) throws IOException {
    return command(log, args).start();
  }

  /** The command line in a new JVM, its stderr (the log) going to {@code log}, not yet started. */
  private static ProcessBuilder command(Path log, String... args) {
    return commandOn(System.getProperty("java.class.path"), log, args);
  }

  /** As {@link #command(Path, String...)}, on the class path {@code classPath}. */
  private static ProcessBuilder commandOn(String classPath, Path log, String... args) {
    // As the launcher runs it, an OutOfMemoryError ends the process.
    return ServerProcess.command(List.of(), classPath, List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"), log, args);
  }

  /**
   * Connects to the Unix socket at {@code socket} once the server accepts connections there (at most 30 s), for
   * a server that logs no "ready" line. The socket file appears at bind(2), a moment before listen(2), and a
   * connect in between is refused, so the wait is for a connect that succeeds, not for the file.
   */
  private static LineClient connectWhenListening(Process server, Path socket, Path log)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return LineClient.unix(socket);
      } catch (IOException notYet) { // no socket file yet, or not listening yet
        if (!server.isAlive()) {
          throw new AssertionError("server exited with " + server.exitValue() + " before listening:\n"
              + Files.readString(log), notYet);
        }
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError("server did not accept connections on " + socket + " within 30 s:\n"
              + Files.readString(log), notYet);
        }
        Thread.sleep(20);
      }
    }
  }

  /** Waits for the "listening" line and returns the port it names. */
  static int awaitPort(Process server, Path log) throws IOException, InterruptedException {
    String output = awaitReady(server, log);
    Matcher matcher = LISTENING.matcher(output);
    assertTrue(matcher.find(), output);
    return Integer.parseInt(matcher.group(1));
  }

  /** Waits (polling the log, at most 30 s) for the "listening ... ready in" line and returns the log so far. */
  private static String awaitReady(Process server, Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String output = Files.exists(log) ? Files.readString(log) : "";
      if (output.contains("ready in")) {
        return output;
      }
      if (!server.isAlive()) {
        throw new AssertionError("server exited with " + server.exitValue() + " before listening:\n" + output);
      }
      Thread.sleep(20);
    }
    throw new AssertionError("server did not listen within 30 s:\n" + Files.readString(log));
  }
}
