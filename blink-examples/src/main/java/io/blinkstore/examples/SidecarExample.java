package io.blinkstore.examples;

import io.blinkstore.BlinkStore;
import io.blinkstore.client.BlinkClient;
import io.blinkstore.server.BlinkServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blink Store as a sidecar for many worker processes, the reason the server exists: one cache shared by every
 * process on the host instead of one private cache per process. Starts a server, then worker processes at once
 * — Java ones through {@link BlinkClient} over a Unix socket, one Python (standard library only) and one
 * {@code bash} + {@code nc} worker speaking the text protocol over TCP — that each look up the same 300 products,
 * asking the "database" only when the shared cache misses. Then one Java worker writes a notice, and as soon as
 * its write has returned every other worker reads the notice once, with no retry: each gets exactly what was
 * written (private caches would each still hold their own copy). It prints the memory that private caches
 * would take against the sidecar's {@code USAGE}, the notice each worker read, and the database calls saved.
 *
 * <pre>{@code bin/blink-example sidecar [JAVA_WORKERS]}</pre>
 * (default 2 Java workers; the Python and bash workers run when {@code python3} and {@code nc} are installed).
 */
public final class SidecarExample {
  /** The longest the example waits for all its workers together. */
  private static final Duration WORKER_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern SUMMARY =
      Pattern.compile("worker=(\\S+) lookups=(\\d+) db_calls=(\\d+) verified=(\\d+)");
  private static final String NOTICE = "notice=";

  private SidecarExample() {}

  /** What one worker printed. */
  record Summary(String name, int lookups, int databaseCalls, int verified) {}

  public static void main(String[] args) throws IOException, InterruptedException {
    int javaWorkers = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    String notice = "prices-v" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100_000;
    try (WorkerProcesses workers = WorkerProcesses.create();
        BlinkStore store = BlinkStore.builder().memoryLimit(64L << 20).build();
        BlinkServer server = BlinkServer.builder()
            .store(store)
            .tcp(new InetSocketAddress("127.0.0.1", 0))
            .unix(workers.file("blink.sock"))
            .build()
            .start()) {
      int port = Objects.requireNonNull(server.tcpAddress(), "served over TCP").getPort();
      Path socket = Objects.requireNonNull(server.unixPath(), "served on a Unix socket");
      System.out.println("sidecar: TCP 127.0.0.1:" + port + " and " + socket);
      startWorkers(workers, javaWorkers, port, socket);
      List<Summary> summaries = summaries(workers, WORKER_TIMEOUT);
      Map<String, String> read = shareNotice(workers, notice, WORKER_TIMEOUT);
      workers.finish(WORKER_TIMEOUT);
      try (BlinkClient client = BlinkClient.connect(socket)) {
        report(summaries, client.usage(), notice, read);
      }
    }
  }

  private static void startWorkers(WorkerProcesses workers, int javaWorkers, int port, Path socket)
      throws IOException {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= javaWorkers; i++) {
      names.add("java-" + i);
    }
    if (WorkerProcesses.onPath("python3")) {
      names.add("python");
    } else {
      System.out.println("(no python3 here: the Python worker is skipped)");
    }
    if (WorkerProcesses.onPath("bash") && WorkerProcesses.onPath("nc") && WorkerProcesses.onPath("base64")) {
      names.add("bash");
    } else {
      System.out.println("(no bash, nc or base64 here: the bash worker is skipped)");
    }
    String count = Integer.toString(names.size());
    for (int index = 0; index < names.size(); index++) {
      String name = names.get(index);
      String i = Integer.toString(index);
      List<String> command;
      if (name.startsWith("java")) {
        command = WorkerProcesses.javaCommand(SidecarWorker.class, socket.toString(), name, i, count);
      } else if (name.equals("python")) {
        command = List.of("python3", workers.script("worker.py").toString(), Integer.toString(port), name, i, count);
      } else {
        command = List.of("bash", workers.script("worker.sh").toString(), Integer.toString(port), name, i, count);
      }
      workers.start(name, command);
    }
    System.out.println("started " + workers.size() + " worker processes at once: " + String.join(", ", names));
  }

  /**
   * Waits for every worker's summary line, all within {@code timeout}, and returns the summaries.
   *
   * @throws IllegalStateException if a worker does not print its summary in time, or prints something else
   */
  static List<Summary> summaries(WorkerProcesses workers, Duration timeout) throws InterruptedException {
    List<Summary> summaries = new ArrayList<>();
    for (Map.Entry<String, String> line : workers.nextLineOfEach("summary line", timeout).entrySet()) {
      Matcher summary = SUMMARY.matcher(line.getValue());
      if (!summary.matches()) {
        throw workers.failure(line.getKey(), "printed no summary but: " + line.getValue());
      }
      summaries.add(new Summary(summary.group(1), Integer.parseInt(summary.group(2)),
          Integer.parseInt(summary.group(3)), Integer.parseInt(summary.group(4))));
    }
    return summaries;
  }

  /**
   * Has the first worker write {@code notice} to the shared cache and, once its write has returned, every other
   * worker read it once; returns what each other worker read, by name ({@code NOT_FOUND} if nothing). Each wait
   * is within {@code timeout}.
   *
   * @throws IllegalStateException if a worker does not answer in time, or answers something else
   */
  static Map<String, String> shareNotice(WorkerProcesses workers, String notice, Duration timeout)
      throws InterruptedException {
    List<String> names = new ArrayList<>(workers.names());
    String writer = names.remove(0);
    workers.send(writer, "write " + notice);
    String wrote = workers.nextLine(writer, "reply to 'write'", timeout);
    if (!wrote.equals("wrote")) {
      throw workers.failure(writer, "answered 'write' with: " + wrote);
    }
    names.forEach(name -> workers.send(name, "read"));
    Map<String, String> read = new LinkedHashMap<>();
    for (String name : names) {
      String line = workers.nextLine(name, "reply to 'read'", timeout);
      if (!line.startsWith(NOTICE)) {
        throw workers.failure(name, "answered 'read' with: " + line);
      }
      read.put(name, line.substring(NOTICE.length()));
    }
    return read;
  }

  private static void report(List<Summary> summaries, long usage, String notice, Map<String, String> read) {
    int workers = summaries.size();
    printWorkers(summaries, notice, read);
    System.out.printf("memory: %d private caches would hold %d x %d = %d bytes; the one sidecar holds %d bytes"
        + " (USAGE)%n", workers, workers, usage, workers * usage, usage);
    printSharing(summaries, notice, read);
  }

  /** One line for each worker: its lookups, database calls, verified rows, and the notice it wrote or read. */
  static void printWorkers(List<Summary> summaries, String notice, Map<String, String> read) {
    String writer = summaries.get(0).name();
    for (Summary s : summaries) {
      System.out.printf("  %-8s %d lookups, %3d database calls, %3d cached rows verified, %s%n", s.name(),
          s.lookups(), s.databaseCalls(), s.verified(),
          s.name().equals(writer) ? "wrote notice " + notice : "read notice " + read.get(s.name()));
    }
  }

  /** Whether every reader got the notice at once, and the database calls the shared cache saved. */
  static void printSharing(List<Summary> summaries, String notice, Map<String, String> read) {
    int lookups = summaries.stream().mapToInt(Summary::lookups).sum();
    int databaseCalls = summaries.stream().mapToInt(Summary::databaseCalls).sum();
    int verified = summaries.stream().mapToInt(Summary::verified).sum();
    String writer = summaries.get(0).name();
    boolean consistent = read.values().stream().allMatch(notice::equals);
    System.out.println("consistency: " + writer + " wrote notice " + notice + "; right after, each of the "
        + read.size() + " other workers read it once, no retry: " + (consistent ? "every one got exactly that"
        : "NOT every one got it"));
    System.out.printf("database calls: %d for %d lookups; private caches would make %d: %d saved%n",
        databaseCalls, lookups, lookups, lookups - databaseCalls);
    System.out.println("cache hits matching the database row byte for byte: " + verified + " of "
        + (lookups - databaseCalls));
  }
}
