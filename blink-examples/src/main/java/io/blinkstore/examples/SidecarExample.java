package io.blinkstore.examples;

import io.blinkstore.BlinkStore;
import io.blinkstore.client.BlinkClient;
import io.blinkstore.server.BlinkServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Blink Store as a sidecar for many worker processes, the reason the server exists: one cache shared by every
 * process on the host instead of one private cache per process. Starts a server, then worker processes at once
 * — Java ones through {@link BlinkClient} over a Unix socket, one Python (standard library only) and one
 * {@code bash} + {@code nc} worker speaking the text protocol over TCP — that each look up the same 300 products,
 * asking the "database" only when the shared cache misses. One Java worker also publishes a notice that every
 * other worker reads. Then it prints the memory that private caches would take against the sidecar's
 * {@code USAGE}, the notice each worker read, and the database calls saved.
 *
 * <pre>{@code bin/blink-example sidecar [JAVA_WORKERS]}</pre>
 * (default 2 Java workers; the Python and bash workers run when {@code python3} and {@code nc} are installed).
 */
public final class SidecarExample {
  /** The longest the example waits for all its workers together. */
  private static final Duration WORKER_TIMEOUT = Duration.ofSeconds(60);
  private static final Pattern SUMMARY =
      Pattern.compile("worker=(\\S+) lookups=(\\d+) db_calls=(\\d+) verified=(\\d+) notice=(.*)");

  private SidecarExample() {}

  /** What one worker printed. */
  record Summary(String name, int lookups, int databaseCalls, int verified, String notice) {}

  /** A worker process, and the file its standard output goes to. */
  record Worker(String name, Process process, Path output) {}

  public static void main(String[] args) throws IOException, InterruptedException {
    int javaWorkers = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    Path dir = Files.createTempDirectory("blink-sidecar");
    Path socket = dir.resolve("blink.sock");
    String notice = "prices-v" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100_000;
    try (BlinkStore store = BlinkStore.builder().memoryLimit(64L << 20).build();
        BlinkServer server = BlinkServer.builder()
            .store(store)
            .tcp(new InetSocketAddress("127.0.0.1", 0))
            .unix(socket)
            .build()
            .start()) {
      int port = server.tcpAddress().getPort();
      System.out.println("sidecar: TCP 127.0.0.1:" + port + " and " + socket);
      List<Worker> workers = startWorkers(javaWorkers, port, socket, dir, notice);
      List<Summary> summaries = collect(workers, WORKER_TIMEOUT);
      try (BlinkClient client = BlinkClient.connect(socket)) {
        report(summaries, client.usage(), notice);
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static List<Worker> startWorkers(int javaWorkers, int port, Path socket, Path dir, String notice)
      throws IOException {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= javaWorkers; i++) {
      names.add("java-" + i);
    }
    boolean python = onPath("python3");
    boolean bash = onPath("bash") && onPath("nc") && onPath("base64");
    if (python) {
      names.add("python");
    } else {
      System.out.println("(no python3 here: the Python worker is skipped)");
    }
    if (bash) {
      names.add("bash");
    } else {
      System.out.println("(no bash, nc or base64 here: the bash worker is skipped)");
    }
    String count = Integer.toString(names.size());
    List<Worker> workers = new ArrayList<>();
    for (int index = 0; index < names.size(); index++) {
      String name = names.get(index);
      String i = Integer.toString(index);
      List<String> command;
      if (name.startsWith("java")) {
        command = List.of(javaExecutable(), "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp",
            System.getProperty("java.class.path"), SidecarWorker.class.getName(), socket.toString(), name, i, count,
            index == 0 ? "write:" + notice : "read");
      } else if (name.equals("python")) {
        command = List.of("python3", script(dir, "worker.py").toString(), Integer.toString(port), name, i, count);
      } else {
        command = List.of("bash", script(dir, "worker.sh").toString(), Integer.toString(port), name, i, count);
      }
      workers.add(start(name, command, dir));
    }
    System.out.println("started " + workers.size() + " worker processes at once: " + String.join(", ", names));
    return workers;
  }

  /**
   * Starts {@code command} as the worker {@code name}, its standard output going to a file in {@code dir}. Not a
   * pipe: reading a pipe to its end waits for as long as the worker keeps it open, so a hung worker would hold
   * the example up for ever, before any timeout could apply.
   */
  static Worker start(String name, List<String> command, Path dir) throws IOException {
    Path output = dir.resolve(name + ".out");
    Process process = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .redirectOutput(output.toFile())
        .start();
    return new Worker(name, process, output);
  }

  /**
   * Waits for every worker, all of them within {@code timeout}, and returns what each printed.
   *
   * @throws IllegalStateException if a worker did not finish in time, or failed; every worker still running is
   *     then stopped
   */
  static List<Summary> collect(List<Worker> workers, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      List<Summary> summaries = new ArrayList<>();
      for (Worker worker : workers) {
        summaries.add(summary(worker, deadline - System.nanoTime(), timeout));
      }
      return summaries;
    } finally {
      for (Worker worker : workers) {
        worker.process().destroyForcibly();
      }
    }
  }

  private static Summary summary(Worker worker, long nanosLeft, Duration timeout)
      throws IOException, InterruptedException {
    Process process = worker.process();
    if (!process.waitFor(nanosLeft, TimeUnit.NANOSECONDS)) {
      throw new IllegalStateException("worker " + worker.name() + " did not finish within " + timeout.toSeconds()
          + " s");
    }
    String out = Files.readString(worker.output(), StandardCharsets.UTF_8).trim();
    Matcher summary = SUMMARY.matcher(out);
    if (process.exitValue() != 0 || !summary.matches()) {
      throw new IllegalStateException("worker " + worker.name() + " failed (exit " + process.exitValue() + "): "
          + out);
    }
    return new Summary(summary.group(1), Integer.parseInt(summary.group(2)), Integer.parseInt(summary.group(3)),
        Integer.parseInt(summary.group(4)), summary.group(5));
  }

  private static void report(List<Summary> summaries, long usage, String notice) {
    int workers = summaries.size();
    int lookups = summaries.stream().mapToInt(Summary::lookups).sum();
    int databaseCalls = summaries.stream().mapToInt(Summary::databaseCalls).sum();
    int verified = summaries.stream().mapToInt(Summary::verified).sum();
    for (Summary s : summaries) {
      System.out.printf("  %-8s %d lookups, %3d database calls, %3d cached rows verified, read notice %s%n",
          s.name(), s.lookups(), s.databaseCalls(), s.verified(), s.notice());
    }
    System.out.printf("memory: %d private caches would hold %d x %d = %d bytes; the one sidecar holds %d bytes"
        + " (USAGE)%n", workers, workers, usage, workers * usage, usage);
    boolean consistent = summaries.stream().allMatch(s -> notice.equals(s.notice()));
    System.out.println("consistency: " + summaries.get(0).name() + " wrote notice " + notice + "; "
        + (consistent ? "every other worker read exactly that" : "NOT every worker read it"));
    System.out.printf("database calls: %d for %d lookups; private caches would make %d: %d saved%n",
        databaseCalls, lookups, lookups, lookups - databaseCalls);
    System.out.println("cache hits matching the database row byte for byte: " + verified + " of "
        + (lookups - databaseCalls));
  }

  private static Path script(Path dir, String name) throws IOException {
    Path file = dir.resolve(name);
    if (!Files.exists(file)) {
      try (InputStream in = SidecarExample.class.getResourceAsStream(name)) {
        Files.copy(in, file);
      }
    }
    return file;
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String directory : path.split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(directory, program))) {
        return true;
      }
    }
    return false;
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
