package io.blinkstore.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code blink-bench attack}: issue 16's attacks on a server, and what an established client sees meanwhile. Many
 * connections each send one request of about 1 MiB without its end (a text line without its newline, or a RESP
 * bulk string one byte short), or ({@code --shape names}) a RESP {@code HELLO 2 SETNAME} with a name that long,
 * without signing in, and stay open; one client, connected before, asks for a small value over and over,
 * and its reply times are reported before, during and after the attack, with the time a new client waits to be
 * served once the attack ends and, given the server's process id, the process's peak RSS and whether it survived.
 */
@Command(
    name = "attack",
    description = {
      "Opens N connections that each leave a ~1 MiB request unfinished and stay open (issue 16, hole 2), while"
          + " one established client keeps reading a small value. Reports that client's reply times (p50, p99,"
          + " max) before, during and after, the connections the server closed, the time until a new client is"
          + " served once the attackers leave, and (with --pid) the server's peak RSS and whether it is alive.",
      "Works against Blink Store (text or RESP attackers) and redis-server (--protocol resp)."
    })
final class AttackCommand implements Callable<Integer> {
  @Mixin Help help;

  @Mixin Endpoint endpoint = new Endpoint();

  @Option(names = "--protocol", defaultValue = "blink",
      description = "What the attackers and the client speak: blink (text) or resp. Default: ${DEFAULT-VALUE}.")
  Protocol protocol;

  @Option(names = {"-c", "--connections"}, defaultValue = "400", description = "Attackers. Default: ${DEFAULT-VALUE}.")
  int connections;

  @Option(names = "--request-bytes", defaultValue = "1048448",
      description = "Bytes of each unfinished request (just under 1 MiB, the default line limit). Default:"
          + " ${DEFAULT-VALUE}.")
  int requestBytes;

  @Option(names = "--hold", paramLabel = "SECONDS", defaultValue = "5",
      description = "How long the attackers stay once all have sent. Default: ${DEFAULT-VALUE}.")
  double holdSeconds;

  @Option(names = "--samples", defaultValue = "1000",
      description = "Requests timed before and after the attack. Default: ${DEFAULT-VALUE}.")
  int samples;

  @Option(names = "--pid", description = "The server's process id: its RSS is sampled, and its survival told.")
  Long pid;

  @Option(names = "--shape", defaultValue = "unfinished",
      description = "unfinished: a request without its end (hole 2); names: a complete RESP HELLO 2 SETNAME with a"
          + " name of --request-bytes, never signed in (hole 1). Default: ${DEFAULT-VALUE}.")
  String shape;

  @Option(names = "--token", description = "The server's auth token, which the established client (only) sends.")
  String token;

  @Option(names = "--reset", description = "The attackers leave with a reset, as killed processes do, instead of"
      + " closing (which ends a text client's unfinished line, so the server runs it).")
  boolean reset;

  PrintStream out = System.out;

  private final AtomicLong peakRssKib = new AtomicLong();

  @Override
  public Integer call() throws Exception {
    if (protocol == Protocol.ECHO || connections <= 0 || requestBytes <= 0 || samples <= 0
        || !shape.equals("unfinished") && !shape.equals("names")) {
      throw new IllegalArgumentException("--protocol must be blink or resp, --shape unfinished or names;"
          + " --connections, --request-bytes and --samples positive");
    }
    try (Victim victim = new Victim(endpoint.connect(), protocol)) {
      victim.signIn(token);
      victim.store();
      long[] before = victim.time(samples);
      AtomicBoolean attacking = new AtomicBoolean(true);
      ExecutorService probe = Executors.newSingleThreadExecutor();
      Future<long[]> during = probe.submit(() -> victim.timeWhile(attacking, this::sampleRss));
      List<SocketChannel> attackers = new ArrayList<>();
      long sent;
      long evicted;
      long attackStart = System.nanoTime();
      try {
        sent = attack(attackers);
        Thread.sleep((long) (holdSeconds * 1000));
        evicted = closedByServer(attackers);
      } finally {
        for (SocketChannel attacker : attackers) {
          if (reset) {
            attacker.setOption(StandardSocketOptions.SO_LINGER, 0);
          }
          attacker.close();
        }
        attacking.set(false);
      }
      long attackMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - attackStart);
      long recoveryMillis = recovery();
      long[] whileAttacked = during.get(60, TimeUnit.SECONDS);
      probe.shutdown();
      report(before, whileAttacked, sent, evicted, attackMillis, recoveryMillis);
      if (victim.lost == null && recoveryMillis >= 0) {
        out.printf(Locale.ROOT, "client p50/p99/max (us) after: %s%n", summary(victim.time(samples)));
      }
    }
    return 0;
  }

  /** Opens the attackers, from four threads, and sends each its unfinished request; returns the bytes sent. */
  private long attack(List<SocketChannel> attackers) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Long>> parts = new ArrayList<>();
      SocketChannel[] opened = new SocketChannel[connections];
      for (int t = 0; t < 4; t++) {
        int first = t;
        parts.add(pool.submit(() -> {
          long bytes = 0;
          for (int i = first; i < connections; i += 4) {
            opened[i] = endpoint.connect();
            bytes += sendUntilStalled(opened[i], unfinishedRequest(i));
          }
          return bytes;
        }));
      }
      long sent = 0;
      for (Future<Long> part : parts) {
        sent += part.get();
      }
      attackers.addAll(Arrays.asList(opened));
      return sent;
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Request {@code i}: {@code SET fat:i <bytes>} with no newline, or its RESP form one byte short; with
   * {@code --shape names}, {@code HELLO 2 SETNAME <bytes>}, whole.
   */
  private byte[] unfinishedRequest(int i) {
    String key = "fat:" + i;
    String head;
    String tail = "";
    if (shape.equals("names")) {
      head = "*4\r\n$5\r\nHELLO\r\n$1\r\n2\r\n$7\r\nSETNAME\r\n$" + requestBytes + "\r\n";
      tail = "\r\n";
    } else if (protocol == Protocol.BLINK) {
      head = "SET " + key + " ";
    } else {
      head = "*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + (requestBytes + 1) + "\r\n";
    }
    int end = head.length() + requestBytes;
    byte[] request = Arrays.copyOf(head.getBytes(StandardCharsets.US_ASCII), end + tail.length());
    Arrays.fill(request, head.length(), end, (byte) 'x');
    System.arraycopy(tail.getBytes(StandardCharsets.US_ASCII), 0, request, end, tail.length());
    return request;
  }

  /** Sends as much of {@code bytes} as the server takes before it takes none for 5 s, or closes; the bytes sent. */
  private static long sendUntilStalled(SocketChannel channel, byte[] bytes) throws IOException {
    channel.configureBlocking(false);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    try (Selector selector = Selector.open()) {
      channel.register(selector, SelectionKey.OP_WRITE);
      while (buffer.hasRemaining()) {
        if (channel.write(buffer) == 0 && selector.select(5_000) == 0) {
          break;
        }
        selector.selectedKeys().clear();
      }
    } catch (IOException closedByTheServer) {
      // the outcome the attack should meet
    }
    return buffer.position();
  }

  /** The attackers whose connection the server has ended (end of stream, after any reply, or a reset). */
  private static long closedByServer(List<SocketChannel> attackers) {
    long closed = 0;
    ByteBuffer sink = ByteBuffer.allocate(4096);
    for (SocketChannel attacker : attackers) {
      try {
        int read;
        do {
          sink.clear();
          read = attacker.read(sink); // non-blocking: 0 once what has arrived is read
        } while (read > 0);
        closed += read < 0 ? 1 : 0;
      } catch (IOException reset) {
        closed++;
      }
    }
    return closed;
  }

  /** Milliseconds from now until a new client's GET is answered; -1 if it cannot be (the server is gone). */
  private long recovery() {
    long start = System.nanoTime();
    try (Victim fresh = new Victim(endpoint.connect(), protocol)) {
      fresh.signIn(token);
      fresh.time(1);
    } catch (IOException gone) {
      return -1;
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  private void sampleRss() {
    if (pid == null) {
      return;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid.toString(), "status"))) {
        if (line.startsWith("VmRSS:")) {
          peakRssKib.accumulateAndGet(Long.parseLong(line.replaceAll("\\D", "")), Math::max);
        }
      }
    } catch (IOException | RuntimeException gone) {
      // the process has ended, or has no /proc: reported below
    }
  }

  private void report(long[] before, long[] during, long sent, long evicted, long attackMillis,
      long recoveryMillis) {
    out.printf(Locale.ROOT, "attack: %d connections (%s, %s), %d MiB sent in %d ms incl. %.1f s held; %d closed by"
            + " the server%n", connections, shape, protocol.name().toLowerCase(Locale.ROOT), sent >> 20, attackMillis,
        holdSeconds, evicted);
    out.printf(Locale.ROOT, "client p50/p99/max (us): before %s, during %s%n", summary(before), summary(during));
    out.printf(Locale.ROOT, "p99 during / p99 before: %.2f; %s%n",
        percentile(during, 0.99) / (double) Math.max(1, percentile(before, 0.99)), recoveryMillis < 0
            ? "no new client could be served after the attackers left"
            : "a new client served " + recoveryMillis + " ms after the attackers left");
    if (pid != null) {
      out.printf(Locale.ROOT, "server: %s, peak RSS %d MiB%n",
          Files.isDirectory(Path.of("/proc", pid.toString())) ? "alive" : "gone", peakRssKib.get() >> 10);
    }
  }

  private static String summary(long[] nanos) {
    return String.format(Locale.ROOT, "%d/%d/%d (%d)", percentile(nanos, 0.5) / 1000, percentile(nanos, 0.99) / 1000,
        nanos.length == 0 ? 0 : Arrays.stream(nanos).max().getAsLong() / 1000, nanos.length);
  }

  private static long percentile(long[] nanos, double fraction) {
    if (nanos.length == 0) {
      return 0;
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * fraction) - 1)];
  }

  /** The established client: stores a small value, then reads it back, timing each reply. */
  private static final class Victim implements AutoCloseable {
    private final SocketChannel channel;
    private final Protocol protocol;
    private final ByteBuffer in = ByteBuffer.allocate(4096);
    /** Why the client stopped while the attack ran (its connection lost), or null. */
    private volatile @Nullable IOException lost;

    Victim(SocketChannel channel, Protocol protocol) {
      this.channel = channel;
      this.protocol = protocol;
    }

    /** Signs in with {@code token}, when there is one. */
    void signIn(String token) throws IOException {
      if (token != null) {
        ask(protocol == Protocol.BLINK ? "AUTH " + token + "\n"
            : "*2\r\n$4\r\nAUTH\r\n$" + token.length() + "\r\n" + token + "\r\n",
            protocol == Protocol.BLINK ? "OK\n" : "+OK\r\n");
      }
    }

    void store() throws IOException {
      ask(protocol == Protocol.BLINK
          ? "SET precious jewels\n" : "*3\r\n$3\r\nSET\r\n$8\r\nprecious\r\n$6\r\njewels\r\n",
          protocol == Protocol.BLINK ? "OK\n" : "+OK\r\n");
    }

    long[] time(int count) throws IOException {
      long[] nanos = new long[count];
      for (int i = 0; i < count; i++) {
        nanos[i] = get();
      }
      return nanos;
    }

    /**
     * Times GETs, a millisecond apart, while {@code going}; runs {@code each} after every reply. Stops early, and
     * says so, if the connection is lost.
     */
    long[] timeWhile(AtomicBoolean going, Runnable each) throws InterruptedException {
      List<Long> nanos = new ArrayList<>();
      try {
        while (going.get()) {
          nanos.add(get());
          each.run();
          Thread.sleep(1);
        }
      } catch (IOException e) {
        lost = e;
        System.out.printf(Locale.ROOT, "the established client lost its connection after %d replies: %s%n",
            nanos.size(), e.getMessage());
      }
      return nanos.stream().mapToLong(Long::longValue).toArray();
    }

    private long get() throws IOException {
      long start = System.nanoTime();
      ask(protocol == Protocol.BLINK ? "GET precious\n" : "*2\r\n$3\r\nGET\r\n$8\r\nprecious\r\n",
          protocol == Protocol.BLINK ? "VALUE amV3ZWxz\n" : "$6\r\njewels\r\n");
      return System.nanoTime() - start;
    }

    /** Sends {@code request} and reads exactly {@code reply}, failing on anything else. */
    private void ask(String request, String reply) throws IOException {
      channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
      byte[] expected = reply.getBytes(StandardCharsets.US_ASCII);
      in.clear().limit(expected.length);
      while (in.hasRemaining()) {
        if (channel.read(in) < 0) {
          throw new IOException("the server closed the established client's connection");
        }
      }
      if (!Arrays.equals(Arrays.copyOf(in.array(), expected.length), expected)) {
        throw new IOException("unexpected reply: " + new String(in.array(), 0, expected.length,
            StandardCharsets.US_ASCII));
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
