package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code blink-store serve} in a process of its own, on this build's class path, with the JVM options a test
 * chooses (those of the launcher, {@link #LAUNCHER_DEFAULTS}, to meet an attack as a real server would) and, where
 * asked, under a lowered descriptor limit ({@code ulimit -n}). Its log (stderr) and its garbage collector's log are
 * files in the test's folder. Closing it stops it with SIGTERM.
 */
final class ServerProcess implements AutoCloseable {
  /**
   * The JVM options {@code bin/blink-store} starts a server with on Java 17, for the default memory limit (10 MiB),
   * as {@code LauncherIT.theSoakServerRunsWithTheLaunchersOptions} checks them: 24 MiB of heap under the serial
   * collector (and its survivor space), native heap trimming, no Netty JFR events, 16 MiB of direct memory, the JIT's
   * thresholds scaled by 5, inlining 9 calls deep, an exit on OutOfMemoryError (the
   * class-data archive left out).
   */
  static final List<String> LAUNCHER_DEFAULTS = List.of("-Xmx25m", "-Xss512k", "-XX:+UseSerialGC", "-Xms24m",
      "-Xmn3m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=20", "-XX:TrimNativeHeapInterval=2000",
      "-Dio.netty.jfr.enabled=false", "-XX:MaxDirectMemorySize=16m", "-XX:CompileThresholdScaling=5",
      "-XX:MaxInlineLevel=9", "-XX:+ExitOnOutOfMemoryError",
      "-XX:-UsePerfData", "-Dblink.jvm.sized=true");

  private static final Pattern METRICS = Pattern.compile("metrics http://127\\.0\\.0\\.1:(\\d+)/metrics");

  private final Process process;
  private final Path log;
  private final Path gcLog;
  private final int port;

  private ServerProcess(Process process, Path log, Path gcLog) throws IOException, InterruptedException {
    this.process = process;
    this.log = log;
    this.gcLog = gcLog;
    try {
      this.port = ServerProcessIT.awaitPort(process, log);
    } catch (AssertionError | IOException | InterruptedException | RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /**
   * Starts {@code blink-store} with {@code args} in a JVM with {@code jvmOptions}, its log in {@code dir}, and
   * waits until it listens (its arguments must include {@code --tcp 127.0.0.1:0}).
   *
   * @param fileLimit the descriptor limit to start it under ({@code ulimit -n}), or 0 for this JVM's
   */
  static ServerProcess start(Path dir, List<String> jvmOptions, int fileLimit, String... args)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "server", ".log");
    Path gcLog = Files.createTempFile(dir, "gc", ".log");
    List<String> prefix = fileLimit > 0
        ? List.of("bash", "-c", "ulimit -n " + fileLimit + " && exec \"$@\"", "bash")
        : List.of();
    List<String> jvm = new ArrayList<>(jvmOptions);
    jvm.add("-Xlog:gc:file=" + gcLog);
    return new ServerProcess(command(prefix, System.getProperty("java.class.path"), jvm, log, args).start(), log,
        gcLog);
  }

  /**
   * The command line {@code args} run by {@code java} with {@code jvmOptions} on {@code classPath}, after
   * {@code prefix} (a command that runs the rest), its stderr (the log) going to {@code log}; not yet started.
   */
  static ProcessBuilder command(List<String> prefix, String classPath, List<String> jvmOptions, Path log,
      String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath);
    command.add(BlinkStoreCli.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(log.toFile());
    builder.environment().remove("BLINK_AUTH_TOKEN");
    return builder;
  }

  /** The TCP address it serves. */
  InetSocketAddress address() {
    return new InetSocketAddress("127.0.0.1", port);
  }

  /** The metrics endpoint's address, read from the start line (the server must have been given --metrics). */
  InetSocketAddress metricsAddress() throws IOException {
    Matcher matcher = METRICS.matcher(log());
    assertTrue(matcher.find(), log());
    return new InetSocketAddress("127.0.0.1", Integer.parseInt(matcher.group(1)));
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Waits at most {@code seconds} for it to exit by itself and returns its exit status. */
  int awaitExit(long seconds) throws InterruptedException {
    assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "exited within " + seconds + " s");
    return process.exitValue();
  }

  /** Its log so far. */
  String log() throws IOException {
    return Files.readString(log);
  }

  /**
   * Whether anything asked for a collection with {@code System.gc()}, as {@code java.nio.Bits.reserveMemory} does
   * (and then sleeps) when direct memory runs short: nothing else in the server does.
   */
  boolean calledSystemGc() throws IOException {
    return Files.readString(gcLog).contains("System.gc()");
  }

  /** {@code VmRSS} of the process, in KiB; 0 where /proc has none. */
  long rssKib() throws IOException {
    return rssKib(process);
  }

  /** {@code VmRSS} of {@code process}, in KiB; 0 where /proc has none. */
  static long rssKib(Process process) throws IOException {
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    if (!Files.exists(status)) {
      return 0;
    }
    for (String line : Files.readAllLines(status)) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return 0;
  }

  /**
   * Waits until the process has taken the connections offered to it: until the number of descriptors it holds has
   * not changed for half a second (at most 10 s). Connections are accepted by the kernel at once, by the server
   * whenever its event loop gets to them, and a later connection to another listener may be served first.
   */
  void awaitDescriptorsSettled() throws IOException, InterruptedException {
    Path descriptors = Path.of("/proc", Long.toString(process.pid()), "fd");
    if (!Files.isDirectory(descriptors)) {
      Thread.sleep(1000);
      return;
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    long count = -1;
    long stableSince = System.nanoTime();
    while (System.nanoTime() - deadline < 0 && System.nanoTime() - stableSince < TimeUnit.MILLISECONDS.toNanos(500)) {
      long now;
      try (var files = Files.list(descriptors)) {
        now = files.count();
      }
      if (now != count) {
        count = now;
        stableSince = System.nanoTime();
      }
      Thread.sleep(50);
    }
  }

  /** Stops it with SIGTERM, waiting at most 20 s; kills it if it has not stopped by then. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the server did not stop within 20 s of SIGTERM");
    }
  }
}
