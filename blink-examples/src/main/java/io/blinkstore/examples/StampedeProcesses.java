package io.blinkstore.examples;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stampede of {@link StampedeExample} across separate OS processes sharing one server: Java workers on the
 * client SDK ({@link StampedeWorker}), Python workers (standard library only, {@code stampede_worker.py}) and
 * bash workers with one {@code nc} connection each ({@code stampede_worker.sh}). All start and report ready,
 * then are released at once (a go line on each one's standard input) to read the same missing key: first with
 * plain {@code GET} and {@code SET}, then, with a new key, with a fill lease. Python and bash workers are
 * skipped, saying so, where {@code python3} or {@code nc} is not installed.
 */
final class StampedeProcesses {
  static final int JAVA_WORKERS = 2;
  static final int PYTHON_WORKERS = 40;
  static final int BASH_WORKERS = 8;
  /** How long all workers together may take to start and connect; JVMs on a busy machine are the slowest. */
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  /** How long all workers together may take to read the key once released. */
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  /** How long all workers together may take to exit once their input ends. */
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
  private static final Pattern SUMMARY = Pattern.compile("queries=(\\d+) value=(.*)");

  private StampedeProcesses() {}

  /** Runs both stampedes against the server on 127.0.0.1:{@code port} and prints what they cost. */
  static void run(int port) throws IOException, InterruptedException {
    try (WorkerProcesses workers = WorkerProcesses.create()) {
      String mix = start(workers, port);
      workers.nextLineOfEach("ready line", READY_TIMEOUT).forEach((name, line) -> {
        if (!line.equals("ready")) {
          throw workers.failure(name, "printed '" + line + "' instead of ready");
        }
      });
      System.out.println(mix + ", each on its own connection, released at once:");
      report("without a lease: ", stampede(workers, "plain", "report:processes:plain"));
      report("with a lease:    ", stampede(workers, "lease", "report:processes:leased"));
      workers.finish(EXIT_TIMEOUT);
    }
  }

  /** Starts every worker this machine can run; returns how many of which kind, as "50 processes (...)". */
  private static String start(WorkerProcesses workers, int port) throws IOException {
    String[] args = {Integer.toString(port), Long.toString(StampedeExample.QUERY_MILLIS),
        Long.toString(StampedeExample.LEASE_MILLIS)};
    List<String> kinds = new ArrayList<>();
    for (int i = 1; i <= JAVA_WORKERS; i++) {
      workers.start("java-" + i, WorkerProcesses.javaCommand(StampedeWorker.class, args));
    }
    kinds.add(JAVA_WORKERS + " java");
    if (WorkerProcesses.onPath("python3")) {
      for (int i = 1; i <= PYTHON_WORKERS; i++) {
        workers.start("python-" + i, script(workers, "python3", "stampede_worker.py", args));
      }
      kinds.add(PYTHON_WORKERS + " python");
    } else {
      System.out.println("(no python3 here: the " + PYTHON_WORKERS + " Python workers are skipped)");
    }
    if (WorkerProcesses.onPath("bash") && WorkerProcesses.onPath("nc") && WorkerProcesses.onPath("base64")) {
      for (int i = 1; i <= BASH_WORKERS; i++) {
        workers.start("bash-" + i, script(workers, "bash", "stampede_worker.sh", args));
      }
      kinds.add(BASH_WORKERS + " bash");
    } else {
      System.out.println("(no bash, nc or base64 here: the " + BASH_WORKERS + " bash workers are skipped)");
    }
    return workers.size() + " processes (" + String.join(", ", kinds) + ")";
  }

  private static List<String> script(WorkerProcesses workers, String interpreter, String name, String[] args)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(interpreter, workers.script(name).toString()));
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Releases every worker to read {@code key} the {@code mode} way, and returns each one's database queries.
   *
   * @throws IllegalStateException if a worker fails, takes too long, or reads another value than the database's
   */
  private static Map<String, Integer> stampede(WorkerProcesses workers, String mode, String key)
      throws InterruptedException {
    workers.sendToEach(mode + " " + key + " " + StampedeExample.DATABASE_ROW);
    Map<String, Integer> queries = new LinkedHashMap<>();
    workers.nextLineOfEach("summary line", READ_TIMEOUT).forEach((name, line) -> {
      Matcher summary = SUMMARY.matcher(line);
      if (!summary.matches()) {
        throw workers.failure(name, "printed '" + line + "' instead of its summary");
      }
      if (!summary.group(2).equals(StampedeExample.DATABASE_ROW)) {
        throw workers.failure(name, "read '" + summary.group(2) + "', not the database's row '"
            + StampedeExample.DATABASE_ROW + "'");
      }
      queries.put(name, Integer.parseInt(summary.group(1)));
    });
    return queries;
  }

  private static void report(String how, Map<String, Integer> queries) {
    int total = queries.values().stream().mapToInt(Integer::intValue).sum();
    List<String> queriers = queries.entrySet().stream().filter(q -> q.getValue() > 0).map(Map.Entry::getKey)
        .toList();
    System.out.println(how + queries.size() + " processes, " + StampedeExample.queries(total)
        + (queriers.size() == 1 ? " (by " + queriers.get(0) + ")" : "")
        + "; every one read " + StampedeExample.DATABASE_ROW);
  }
}
