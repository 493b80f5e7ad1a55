package io.blinkstore.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code blink-bench load}: drives a server with N connections at pipeline depth P and reports latency. */
@Command(
    name = "load",
    description = {
      "Sends GET/SET requests over N connections, P in flight on each, and reports throughput and latency"
          + " percentiles (HdrHistogram). Speaks the Blink text protocol, RESP (redis-server), or echo"
          + " (against 'blink-bench echo-server', the round-trip floor).",
      "Latency: in the closed loop (default) it runs from each request's send time, so coordinated omission is"
          + " not corrected; with --rate it runs from each request's due time on a fixed schedule, so it is.",
      "Exit status: 0 ok, 1 failure (connection refused or closed), 2 bad usage, 3 error replies or"
          + " unanswered requests."
    })
final class LoadCommand implements Callable<Integer> {
  @Mixin Help help;

  /** When only --requests is given, the run still ends after this long. */
  static final double REQUESTS_TIME_LIMIT_SECONDS = 300;

  @Mixin Endpoint endpoint = new Endpoint();

  @Option(names = "--protocol", defaultValue = "blink", description = "blink, resp or echo. Default: ${DEFAULT-VALUE}.")
  Protocol protocol;

  @Option(names = {"-c", "--connections"}, defaultValue = "50", description = "Connections. Default: ${DEFAULT-VALUE}.")
  int connections;

  @Option(names = {"-P", "--pipeline"}, defaultValue = "1", description = "Requests in flight per connection."
      + " Default: ${DEFAULT-VALUE}.")
  int pipeline;

  @Option(names = {"-t", "--threads"}, defaultValue = "1", description = "Client threads sharing the connections."
      + " Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = {"-d", "--value-size"}, defaultValue = "100", description = "Value bytes. Default: ${DEFAULT-VALUE}.")
  int valueBytes;

  @Option(names = {"-r", "--keyspace"}, defaultValue = "100000", description = "Distinct keys (key:0000000 ...)."
      + " Default: ${DEFAULT-VALUE}.")
  long keySpace;

  @Option(names = "--ratio", defaultValue = "1:0", paramLabel = "GET:SET",
      description = "Proportion of GETs to SETs, e.g. 1:0 (GET only), 0:1 (SET only), 9:1. Default: ${DEFAULT-VALUE}.")
  String ratio;

  @Option(names = "--keys", defaultValue = "uniform", description = "Key choice: uniform or zipf (skew 0.99)."
      + " Default: ${DEFAULT-VALUE}.")
  KeyDistribution keys;

  @Option(names = "--seed", defaultValue = "1", description = "Seed of the key and operation choices; connection i"
      + " uses seed + i. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--duration", paramLabel = "SECONDS", description = "Measured seconds (default 10, unless"
      + " --requests is given; with --requests it is a time limit, default 300).")
  Double duration;

  @Option(names = {"-n", "--requests"}, description = "Measured requests; 0 with --preload only preloads.")
  Long requests;

  @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "1",
      description = "Unmeasured seconds of the same load first. Default: ${DEFAULT-VALUE}.")
  double warmup;

  @Option(names = "--rate", paramLabel = "REQ/S", defaultValue = "0",
      description = "Fixed total request rate, spread evenly over the connections (0: as fast as replies come)."
          + " Spins a CPU per client thread.")
  double rate;

  @Option(names = "--preload", description = "SET every key of the key space first, so GETs hit.")
  boolean preload;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @Option(names = {"-q", "--quiet"}, description = "No progress line.")
  boolean quiet;

  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() throws IOException, InterruptedException {
    validate();
    String[] parts = ratio.split(":", -1);
    if (parts.length != 2) {
      throw new IllegalArgumentException("--ratio must be GET:SET, e.g. 9:1, but was " + ratio);
    }
    Workload workload = new Workload(protocol, keySpace, keys, valueBytes,
        Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()));
    if (preload) {
      long started = System.nanoTime();
      long set = Preloader.preload(endpoint, workload, keySpace);
      progress(String.format(Locale.ROOT, "preloaded %,d keys in %.1f s", set, (System.nanoTime() - started) / 1e9),
          true);
      if (requests != null && requests == 0) {
        return 0;
      }
    }
    LoadResult result = run(workload);
    out.print(json ? result.json() + System.lineSeparator() : result.human());
    return result.errors() > 0 || result.unanswered() > 0 ? 3 : 0;
  }

  private void validate() {
    positive("--connections", connections);
    positive("--pipeline", pipeline);
    positive("--threads", threads);
    positive("--keyspace", keySpace);
    if (valueBytes < 0 || warmup < 0 || rate < 0 || (duration != null && duration <= 0)
        || (requests != null && requests < 0)) {
      throw new IllegalArgumentException("--value-size, --warmup, --rate and --requests must not be negative,"
          + " --duration must be positive");
    }
    if (requests != null && requests == 0 && !preload) {
      throw new IllegalArgumentException("--requests 0 only makes sense with --preload");
    }
    threads = Math.min(threads, connections);
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, but was " + value);
    }
  }

  private LoadResult run(Workload workload) throws IOException, InterruptedException {
    double seconds = duration != null ? duration : requests != null ? REQUESTS_TIME_LIMIT_SECONDS : 10;
    long quota = requests != null ? requests : Long.MAX_VALUE;
    long start = System.nanoTime();
    long measureFrom = start + (long) (warmup * 1e9);
    long sendUntil = measureFrom + (long) (seconds * 1e9);
    long interval = rate > 0 ? (long) (1e9 * connections / rate) : 0;
    List<Connection> opened = new ArrayList<>();
    try {
      for (int c = 0; c < connections; c++) {
        opened.add(new Connection(endpoint.connect(), workload, pipeline, seed + c));
      }
    } catch (IOException e) {
      for (Connection connection : opened) {
        connection.channel.close();
      }
      throw e;
    }
    List<LoadLoop> loops = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<Connection> mine = new ArrayList<>();
      for (int c = t; c < connections; c += threads) {
        mine.add(opened.get(c));
      }
      long share = quota == Long.MAX_VALUE ? quota : quota / threads + (t < quota % threads ? 1 : 0);
      loops.add(new LoadLoop(mine, workload, pipeline, interval, measureFrom, sendUntil, share));
    }
    List<Thread> running = new ArrayList<>();
    long cpuBefore = cpuNanos();
    for (LoadLoop loop : loops) {
      Thread thread = new Thread(loop, "load-" + running.size());
      thread.setDaemon(true);
      thread.start();
      running.add(thread);
    }
    watch(running, loops, start, measureFrom, seconds);
    long cpu = cpuNanos() - cpuBefore;
    return result(loops, measureFrom, (double) cpu / (System.nanoTime() - start));
  }

  /** Waits for the loops, printing a progress line each second when the run is longer than one. */
  private void watch(List<Thread> running, List<LoadLoop> loops, long start, long measureFrom, double seconds)
      throws InterruptedException {
    boolean show = !quiet && (warmup + seconds > 1);
    long previous = 0;
    long previousAt = start;
    for (Thread thread : running) {
      while (thread.isAlive()) {
        thread.join(1000);
        long now = System.nanoTime();
        if (show && thread.isAlive() && now - previousAt >= 900_000_000L) {
          long done = loops.stream().mapToLong(loop -> loop.completed).sum();
          progress(String.format(Locale.ROOT, "%6.1f s%s  %,d replies  %,.0f req/s", (now - start) / 1e9,
              now < measureFrom ? " (warm-up)" : "", done, (done - previous) * 1e9 / (now - previousAt)), false);
          previous = done;
          previousAt = now;
        }
      }
    }
    if (show) {
      progress("", true);
    }
  }

  private void progress(String line, boolean last) {
    if (quiet) {
      return;
    }
    boolean terminal = System.console() != null;
    if (terminal) {
      err.print("\r\033[K" + line + (last && !line.isEmpty() ? System.lineSeparator() : ""));
    } else if (!line.isEmpty()) {
      err.println(line);
    }
    err.flush();
  }

  private LoadResult result(List<LoadLoop> loops, long measureFrom, double cpuCores) throws IOException {
    Histogram latency = new Histogram(60_000_000_000L, 3);
    long measured = 0;
    long hits = 0;
    long misses = 0;
    long errors = 0;
    long unanswered = 0;
    long lastReply = measureFrom;
    String firstError = null;
    for (LoadLoop loop : loops) {
      if (loop.failure != null) {
        throw new IOException(loop.failure.getMessage(), loop.failure);
      }
      latency.add(loop.histogram);
      measured += loop.measured;
      hits += loop.hits;
      misses += loop.misses;
      errors += loop.errors;
      unanswered += loop.unanswered;
      lastReply = Math.max(lastReply, loop.lastReplyAt);
      firstError = firstError != null ? firstError : loop.firstError;
    }
    return new LoadResult(endpoint.toString(), protocol.name().toLowerCase(Locale.ROOT), connections, pipeline,
        threads, ratio, keys.name().toLowerCase(Locale.ROOT), keySpace, valueBytes, rate, measured, hits, misses,
        errors, unanswered, firstError, (lastReply - measureFrom) / 1e9, cpuCores, latency);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }
}
