package io.blinkstore.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The worker processes of an example, talked to a line at a time: a line to each one's standard input, a line
 * back from each one's standard output. Every wait is bounded, so a worker that hangs or dies fails the example
 * with a message naming it (and quoting its standard error) instead of blocking it: its output is read on a
 * thread of its own, and {@link #close()} kills whatever is still running, the worker's own child processes
 * (such as a shell's {@code nc}) first.
 *
 * <p>Standard error goes to a file in a temporary directory, which also holds the scripts copied out of the
 * class path ({@link #script}); {@link #close()} deletes it.
 */
final class WorkerProcesses implements AutoCloseable {
  /** How long {@link #close()} waits for a killed worker to be gone. */
  private static final Duration KILL_TIMEOUT = Duration.ofSeconds(5);
  /** The most of a failed worker's standard error that its failure message quotes. */
  private static final int MAX_QUOTED_ERROR_CHARS = 2000;

  private final Path dir;
  private final Map<String, Worker> workers = new LinkedHashMap<>();

  /** One started worker; {@code lines} holds what it printed, empty once its output ended. */
  private record Worker(String name, Process process, Path errors, BlockingQueue<Optional<String>> lines) {}

  private WorkerProcesses(Path dir) {
    this.dir = dir;
  }

  /** Creates an empty set of workers, with a new temporary directory for their scripts and standard error. */
  static WorkerProcesses create() throws IOException {
    return new WorkerProcesses(Files.createTempDirectory("blink-workers"));
  }

  /** Returns whether {@code program} is an executable file in a directory of {@code PATH}. */
  static boolean onPath(String program) {
    for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(directory, program))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Returns the command that runs {@code main} with {@code args} in a new JVM: the same {@code java} and class
   * path as this one, tuned to start fast (a worker runs briefly, so C1 code and no perf data file).
   */
  static List<String> javaCommand(Class<?> main, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
        main.getName()));
    command.addAll(List.of(args));
    return command;
  }

  /** Returns the path of {@code name} in the temporary directory (a socket file, say), deleted by {@link #close()}. */
  Path file(String name) {
    return dir.resolve(name);
  }

  /** Copies the class path resource {@code name} (next to this class) into the temporary directory, once. */
  Path script(String name) throws IOException {
    Path file = file(name);
    if (!Files.exists(file)) {
      try (InputStream in = WorkerProcesses.class.getResourceAsStream(name)) {
        if (in == null) {
          throw new IOException("no resource " + name + " next to " + WorkerProcesses.class.getName());
        }
        Files.copy(in, file);
      }
    }
    return file;
  }

  /** Starts {@code command} as the worker {@code name}, and a thread that reads its output lines. */
  void start(String name, List<String> command) throws IOException {
    if (workers.containsKey(name)) {
      throw new IllegalArgumentException("a worker is already named " + name);
    }
    Path errors = dir.resolve(name + ".err");
    Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
    Worker worker = new Worker(name, process, errors, new LinkedBlockingQueue<>());
    workers.put(name, worker);
    Thread reader = new Thread(() -> readLines(worker), "output of worker " + name);
    reader.setDaemon(true);
    reader.start();
  }

  private static void readLines(Worker worker) {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(worker.process().getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        worker.lines().add(Optional.of(line));
      }
    } catch (IOException e) {
      // The stream was closed because the worker was killed: its output ends here, as at end of file.
    } finally {
      worker.lines().add(Optional.empty());
    }
  }

  /**
   * Waits for the next line of every worker, all within {@code timeout}, and returns them by worker name in
   * the order the workers started. {@code awaited} names the line in the failure message.
   *
   * @throws IllegalStateException if a worker's output ends, or it prints nothing in time
   */
  Map<String, String> nextLineOfEach(String awaited, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, String> lines = new LinkedHashMap<>();
    for (String name : workers.keySet()) {
      lines.put(name, nextLine(name, awaited, timeout, deadline));
    }
    return lines;
  }

  /**
   * Waits for the next line of the worker {@code name}, within {@code timeout}, and returns it. {@code awaited}
   * names the line in the failure message.
   *
   * @throws IllegalStateException if the worker's output ends, or it prints nothing in time
   */
  String nextLine(String name, String awaited, Duration timeout) throws InterruptedException {
    return nextLine(name, awaited, timeout, System.nanoTime() + timeout.toNanos());
  }

  private String nextLine(String name, String awaited, Duration timeout, long deadline)
      throws InterruptedException {
    Worker worker = worker(name);
    Optional<String> line = worker.lines().poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
    if (line == null) {
      throw failure(name, "printed no " + awaited + " within " + timeout.toSeconds() + " s");
    }
    if (line.isEmpty()) {
      worker.process().waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      throw failure(name, "ended before it printed its " + awaited + exitStatus(worker.process()));
    }
    return line.get();
  }

  private Worker worker(String name) {
    Worker worker = workers.get(name);
    if (worker == null) {
      throw new IllegalArgumentException("no worker is named " + name);
    }
    return worker;
  }

  /** Returns the names of the workers, in the order they started. */
  List<String> names() {
    return List.copyOf(workers.keySet());
  }

  /** Returns how many workers were started. */
  int size() {
    return workers.size();
  }

  /** Writes {@code line} to every worker's standard input, one worker right after the other. */
  void sendToEach(String line) {
    for (String name : workers.keySet()) {
      send(name, line);
    }
  }

  /** Writes {@code line} to the standard input of the worker {@code name}. */
  void send(String name, String line) {
    try {
      OutputStream in = worker(name).process().getOutputStream();
      in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      in.flush();
    } catch (IOException e) {
      throw failure(name, "could not be sent '" + line + "': " + e.getMessage());
    }
  }

  /**
   * Closes every worker's standard input, its sign to finish, and waits for all to exit, within
   * {@code timeout}.
   *
   * @throws IllegalStateException if a worker does not exit in time, or exits with a status other than 0
   */
  void finish(Duration timeout) throws InterruptedException {
    for (Worker worker : workers.values()) {
      try {
        worker.process().getOutputStream().close();
      } catch (IOException e) {
        throw failure(worker.name(), "could not be told to finish: " + e.getMessage());
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Worker worker : workers.values()) {
      if (!worker.process().waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        throw failure(worker.name(), "did not exit within " + timeout.toSeconds() + " s of its input ending");
      }
      if (worker.process().exitValue() != 0) {
        throw failure(worker.name(), "failed" + exitStatus(worker.process()));
      }
    }
  }

  /**
   * Returns the failure to throw for worker {@code name}: the {@code problem}, then what the worker wrote to
   * its standard error. The caller throws it, and {@link #close()} then stops every worker.
   */
  IllegalStateException failure(String name, String problem) {
    String errors;
    try {
      errors = Files.readString(Objects.requireNonNull(workers.get(name), name).errors()).strip();
    } catch (IOException e) {
      errors = "(its standard error could not be read: " + e.getMessage() + ")";
    }
    if (errors.length() > MAX_QUOTED_ERROR_CHARS) {
      errors = "..." + errors.substring(errors.length() - MAX_QUOTED_ERROR_CHARS);
    }
    return new IllegalStateException("worker " + name + " " + problem
        + (errors.isEmpty() ? "" : "; its standard error:\n" + errors));
  }

  private static String exitStatus(Process process) {
    return process.isAlive() ? "" : " (exit status " + process.exitValue() + ")";
  }

  /** Kills every worker still running, children first, waits (bounded) for them, and deletes the directory. */
  @Override
  public void close() throws InterruptedException {
    List<ProcessHandle> running = new ArrayList<>();
    for (Worker worker : workers.values()) {
      worker.process().descendants().forEach(running::add);
      running.add(worker.process().toHandle());
    }
    running.forEach(ProcessHandle::destroyForcibly);
    long deadline = System.nanoTime() + KILL_TIMEOUT.toNanos();
    for (ProcessHandle process : running) {
      try {
        process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // Killed and not gone yet: nothing more can be done, and the example must not wait for it.
      }
    }
    deleteTree(dir);
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
