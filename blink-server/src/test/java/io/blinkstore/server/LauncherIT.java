package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher, {@code bin/blink-store}, run from a copy of the checkout's layout with a stand-in JDK whose
 * {@code java} answers every probe (Shenandoah, compact object headers, native heap trimming) and prints the command
 * line it was given, so the sizing and the collector chosen can be read without building or starting the server.
 * The class-data archive's training is run against a stand-in server ({@link #TRAINING_JAVA}).
 */
@Timeout(60)
class LauncherIT {
  /** The stand-in {@code java}: {@code -version} succeeds (Shenandoah is there); otherwise it prints its arguments. */
  private static final String FAKE_JAVA = """
      #!/bin/sh
      for argument in "$@"; do [ "$argument" = -version ] && exit 0; done
      printf '%s\\n' "$@"
      """;

  /**
   * A stand-in {@code java} for the class-data archive: as the training server ({@code -XX:DumpLoadedClassList}, or
   * {@code -XX:AOTCacheOutput} where {@code AOT_JDK} makes its {@code -XX:+PrintFlagsFinal} name that flag) it
   * listens on a loopback port, logs the line the launcher looks for, and writes everything its clients send into
   * the class list (or the AOT cache); as {@code -Xshare:dump} it copies the class list into the archive; otherwise it prints its
   * arguments, as {@link #FAKE_JAVA}. With {@code TRAINING_FAILS} set, the training server exits without listening;
   * with {@code TRAINING_SLOW}, it takes a minute to start listening; {@code TRAINING_PID_FILE} names a file it
   * writes its process id to.
   */
  private static final String TRAINING_JAVA = """
      #!/usr/bin/env python3
      import os, signal, socket, sys, time
      args = sys.argv[1:]
      def option(name):
          return next((a.split("=", 1)[1] for a in args if a.startswith(name + "=")), None)
      if "-XX:+PrintFlagsFinal" in args:
          if os.environ.get("AOT_JDK"):
              print("    ccstr AOTCacheOutput                           =                             {product} {default}")
          sys.exit(0)
      if "-version" in args:
          sys.exit(0)
      if option("-XX:DumpLoadedClassList") or option("-XX:AOTCacheOutput"):
          if os.environ.get("TRAINING_PID_FILE"):
              with open(os.environ["TRAINING_PID_FILE"] + ".new", "w") as pid:
                  pid.write(str(os.getpid()))
              os.rename(os.environ["TRAINING_PID_FILE"] + ".new", os.environ["TRAINING_PID_FILE"])
          if os.environ.get("TRAINING_FAILS"):
              sys.exit(1)
          signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
          if os.environ.get("TRAINING_SLOW"):
              time.sleep(60)
          server = socket.socket()
          server.bind(("127.0.0.1", 0))
          server.listen()
          print("Blink Store listening on tcp 127.0.0.1:%d (fake)" % server.getsockname()[1], flush=True)
          with open(option("-XX:DumpLoadedClassList") or option("-XX:AOTCacheOutput"), "ab") as received:
              while True:
                  connection, _ = server.accept()
                  data = b""
                  while b"QUIT" not in data:
                      chunk = connection.recv(4096)
                      if not chunk:
                          break
                      data += chunk
                  received.write(data)
                  received.flush()
                  connection.close()
      if "-Xshare:dump" in args:
          with open(option("-XX:SharedClassListFile"), "rb") as classes:
              trained = classes.read()
          with open(option("-XX:SharedArchiveFile"), "wb") as archive:
              archive.write(trained)
          sys.exit(0)
      print("\\n".join(args))
      """;

  @TempDir Path dir;
  private Path root;
  private Path target;

  @BeforeEach
  void copyTheLayout() throws IOException {
    root = dir.resolve("checkout");
    Files.createDirectories(root.resolve("bin"));
    Files.copy(Path.of("..", "bin", "blink-store"), root.resolve("bin/blink-store"));
    target = Files.createDirectories(root.resolve("blink-server/target"));
    Files.createFile(target.resolve("blink-store.jar"));
    Files.createDirectories(root.resolve("jdk/bin"));
    Files.writeString(root.resolve("jdk/bin/java"), FAKE_JAVA);
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.toList()) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("r-xr-xr-x"));
      }
    }
  }

  /**
   * Regression: the launcher wrote its collector cache into blink-server/target under {@code set -e}, so a service
   * user who cannot write there (the systemd unit's User=blink) stopped at "Permission denied".
   */
  @Test
  void aUserWhoCannotWriteTheBuildFolderStillGetsTheServerStartedWithTheCollectorProbed() throws Exception {
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      // root writes through any mode: run as nobody, whom the read-only folders do stop.
      assumeTrue(new ProcessBuilder("setpriv", "--version").start().waitFor() == 0, "setpriv is needed as root");
      command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"));
    }
    Result result = launch(command);
    assertEquals(0, result.status, result.err);
    assertEquals("", result.err);
    assertTrue(result.out.contains("-XX:+UseSerialGC\n"), result.out);
    assertTrue(result.out.endsWith("-jar\n" + target.resolve("blink-store.jar") + "\nserve\n--unix\n/tmp/x.sock\n"),
        result.out);
    try (Stream<Path> files = Files.list(target)) {
      assertEquals(List.of(target.resolve("blink-store.jar")), files.toList(), "nothing was cached");
    }
  }

  /** The probes changed in issue 17's second round: native heap trimming replaced the dynamic archive. */
  @Test
  void whatTheJdkOffersIsRememberedWhereTheBuildFolderIsWritableAndUsed() throws Exception {
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    Result result = launch(List.of());
    assertEquals(0, result.status, result.err);
    assertTrue(result.out.contains("-XX:+UseCompactObjectHeaders\n"), result.out);
    assertTrue(result.out.contains("-XX:TrimNativeHeapInterval=2000\n"), result.out);
    try (Stream<Path> files = Files.list(target)) {
      Path cache = files.filter(file -> file.getFileName().toString().startsWith(".jvm2-")).findFirst().orElseThrow();
      assertEquals("probed shenandoah compact-headers trim-native-heap\n", Files.readString(cache));
    }
  }

  /**
   * The first start trains the class-data archive against the real request paths (a text-protocol and a RESP
   * connection, each with a write, a read and a counter), dumps it, and runs the server with it; later starts map
   * the same archive without training again.
   */
  @Test
  void theFirstStartTrainsAStaticClassDataArchiveThatLaterStartsMap() throws Exception {
    useTrainingJava();
    Result first = launch(List.of());
    assertEquals(0, first.status, first.err);
    assertTrue(first.err.contains("creating the class-data archive"), first.err);
    Path archive = archiveIn(first.out);
    String trained = Files.readString(archive);
    assertTrue(trained.contains("PING\r\nSET k dg==\r\nGET k\r\nINCR n\r\n"), trained);
    assertTrue(trained.contains("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n*2\r\n$3\r\nGET\r\n"), trained);
    Result second = launch(List.of());
    assertEquals("", second.err);
    assertEquals(archive, archiveIn(second.out));
    try (Stream<Path> files = Files.list(target)) {
      assertEquals(1, files.filter(file -> file.getFileName().toString().startsWith(".cds-")).count(),
          "only the archive is left");
    }
  }

  /**
   * On a JDK that trains AOT caches in one step (Java 25: {@code -XX:AOTCacheOutput} in {@code -XX:+PrintFlagsFinal},
   * {@code AOT_JDK} for the stand-in), the training run writes one as it stops, and later starts map it with
   * {@code -XX:AOTCache} instead of a static archive.
   */
  @Test
  void onAJdkWithAotCachesTheTrainingWritesOneThatLaterStartsUse() throws Exception {
    useTrainingJava();
    Result first = launch(List.of("env", "AOT_JDK=1"));
    assertEquals(0, first.status, first.err);
    assertTrue(first.err.contains("creating the class-data archive"), first.err);
    Path cache = aotCacheIn(first.out);
    String trained = Files.readString(cache);
    assertTrue(trained.contains("PING\r\nSET k dg==\r\nGET k\r\nINCR n\r\n"), trained);
    assertFalse(first.out.contains("-XX:SharedArchiveFile"), first.out);
    Result second = launch(List.of("env", "AOT_JDK=1"));
    assertEquals("", second.err);
    assertEquals(cache, aotCacheIn(second.out));
  }

  private static Path aotCacheIn(String commandLine) {
    return commandLine.lines().filter(line -> line.startsWith("-XX:AOTCache=")).findFirst()
        .map(line -> Path.of(line.substring("-XX:AOTCache=".length()))).orElseThrow(() ->
            new AssertionError("no AOT cache in " + commandLine));
  }

  /** An archive of an earlier jar build is removed; one of this build for another JDK is kept. */
  @Test
  void trainingRemovesTheArchivesOfEarlierJarsOnly() throws Exception {
    useTrainingJava();
    Path jar = target.resolve("blink-store.jar");
    String jarStamp = Files.size(jar) + "-" + Files.getLastModifiedTime(jar).to(TimeUnit.SECONDS);
    Path otherJdk = Files.writeString(target.resolve(".cds-" + jarStamp + "-1.jsa"), "another JDK's");
    Path earlierJar = Files.writeString(target.resolve(".cds-1-2-3.jsa"), "an earlier jar's");
    Result result = launch(List.of());
    assertEquals(0, result.status, result.err);
    assertTrue(Files.exists(archiveIn(result.out)), result.out);
    assertTrue(Files.exists(otherJdk), "the archive of the same jar for another JDK was kept");
    assertFalse(Files.exists(earlierJar), "the archive of an earlier jar was removed");
  }

  @Test
  void aTrainingThatFailsLeavesNoArchiveAndTheServerStartsWithoutOne() throws Exception {
    useTrainingJava();
    Result result = launch(List.of("env", "TRAINING_FAILS=1"));
    assertEquals(0, result.status, result.err);
    assertTrue(result.err.contains("could not create the class-data archive"), result.err);
    assertFalse(result.out.contains("-XX:SharedArchiveFile"), result.out);
    assertTrue(result.out.endsWith("serve\n--unix\n/tmp/x.sock\n"), result.out);
    try (Stream<Path> files = Files.list(target)) {
      assertEquals(0, files.filter(file -> file.getFileName().toString().startsWith(".cds-")).count());
    }
  }

  /**
   * Regression: a launcher stopped while it trained the archive (a service manager's stop during a first start) left
   * the training server running, serving on its loopback port for good (one was found 87 minutes later).
   */
  @Test
  void aLauncherStoppedWhileTrainingStopsTheTrainingServer() throws Exception {
    useTrainingJava();
    Path pidFile = dir.resolve("training.pid");
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    try {
      Process launcher = start(List.of("env", "TRAINING_SLOW=1", "TRAINING_PID_FILE=" + pidFile), out, err);
      for (int i = 0; i < 200 && !Files.exists(pidFile); i++) {
        Thread.sleep(50);
      }
      ProcessHandle training = ProcessHandle.of(Long.parseLong(Files.readString(pidFile))).orElseThrow();
      launcher.destroy(); // SIGTERM
      assertTrue(launcher.waitFor(20, TimeUnit.SECONDS), "the launcher stopped");
      assertEquals(143, launcher.exitValue(), Files.readString(err));
      try {
        training.onExit().get(10, TimeUnit.SECONDS);
      } catch (TimeoutException stillRunning) {
        training.destroyForcibly();
        throw new AssertionError("the training server outlived the launcher", stillRunning);
      }
      try (Stream<Path> files = Files.list(target)) {
        assertEquals(0, files.filter(file -> file.getFileName().toString().startsWith(".cds-")).count(),
            "nothing of the training was left");
      }
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  /** Makes the build folder writable and the stand-in JDK's {@code java} the training one. */
  private void useTrainingJava() throws IOException {
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path java = root.resolve("jdk/bin/java");
    Files.setPosixFilePermissions(java.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.delete(java);
    Files.writeString(java, TRAINING_JAVA);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("r-xr-xr-x"));
  }

  /** The archive named by the server's command line. */
  private static Path archiveIn(String commandLine) {
    return commandLine.lines().filter(line -> line.startsWith("-XX:SharedArchiveFile=")).findFirst()
        .map(line -> Path.of(line.substring("-XX:SharedArchiveFile=".length()))).orElseThrow(() ->
            new AssertionError("no archive in " + commandLine));
  }

  /** The budget of docs/operations.md: heap and direct memory from the limit, so the process stays in 2 L + 64 MiB. */
  @Test
  void theJvmIsSizedFromTheMemoryLimit() throws Exception {
    Result small = launch(List.of());
    assertTrue(small.out.contains("-Xmx25m\n"), "10 MiB: 84 - 16 - 84 < 24 MiB of heap, and Serial's survivor space\n"
        + small.out);
    assertTrue(small.out.contains("-XX:+UseSerialGC\n-Xms24m\n-Xmn3m\n"), "Serial, young an eighth\n" + small.out);
    assertTrue(small.out.contains("-XX:MaxDirectMemorySize=16m\n"), small.out);
    assertTrue(small.out.contains("-Dblink.jvm.sized=true\n"), small.out);
    Result large = launch(List.of(), "--memory-limit", "2GiB");
    assertTrue(large.out.contains("-Xmx3808m\n"), "2 GiB: 4160 - 256 - 96 MiB of heap\n" + large.out);
    assertTrue(large.out.contains("-XX:MaxDirectMemorySize=256m\n"), large.out);
    assertTrue(large.out.contains("-XX:+UseG1GC\n-Xms32m\n-Xmn32m\n"), "G1, young a sixteenth up to 32 MiB\n" + large.out);
    Result medium = launch(List.of(), "--memory-limit", "64MB");
    assertTrue(medium.out.contains("-Xmx94m\n"), "92 MiB and Serial's survivor space\n" + medium.out);
    assertTrue(medium.out.contains("-XX:+UseSerialGC\n"), "up to a 128 MiB heap: Serial\n" + medium.out);
    assertTrue(medium.out.contains("-XX:MaxInlineLevel=9\n"), "up to a 128 MiB heap: the JIT's smaller share\n"
        + medium.out);
    Result serialAtTheEdge = launch(List.of(), "--memory-limit", "88MiB");
    assertTrue(serialAtTheEdge.out.contains("-Xmx130m\n"), "2 x 88 + 64 - 16 - 96 = 128 MiB and Serial's survivor"
        + " space\n" + serialAtTheEdge.out);
    assertTrue(serialAtTheEdge.out.contains("-XX:+UseSerialGC\n"), serialAtTheEdge.out);
    Result over = launch(List.of(), "--memory-limit", "89MB");
    assertTrue(over.out.contains("-Xmx130m\n"), over.out);
    assertTrue(over.out.contains("-XX:+UseG1GC\n-Xms32m\n-Xmn8m\n"), "over a 128 MiB heap: G1\n" + over.out);
    assertTrue(over.out.contains("-XX:G1HeapRegionSize=2m\n"), "values up to 1 MiB not humongous\n" + over.out);
    assertFalse(over.out.contains("-XX:MaxInlineLevel"), "over a 128 MiB heap: the JIT's defaults\n" + over.out);
  }

  /**
   * The launcher's sizing is {@link JvmSizing}'s formula (docs/operations.md, "Sizing"), for every limit: the same
   * heap (under Serial with its survivor space added, which that JVM does not report) and direct memory, so that the
   * server never refuses the launcher's heap and, from an 85 MiB limit, heap + direct memory + the JVM's own memory
   * stay within 2 x limit + 64 MiB, for limits of whole MiB or not (REV9: 100 MiB + 1 byte, rounded up to a MiB
   * first, got 2 MiB more heap than the formula).
   */
  @Test
  void theLaunchersSizingIsTheBudgetsFormula() throws Exception {
    long mib = 1 << 20;
    long ram = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(line -> line.startsWith("MemTotal:"))
        .map(line -> Long.parseLong(line.replaceAll("\\D", "")) << 10).findFirst().orElseThrow();
    for (long limit : new long[] {mib, 10 * mib, 17 * mib, 30 * mib, 44 * mib, 45 * mib, 63 * mib, 64 * mib,
        84 * mib, 85 * mib, 100 * mib, 100 * mib + 1, 100_000_000, 128 * mib, 300 * mib, 512 * mib, 1024 * mib,
        2048 * mib + 7}) {
      if (JvmSizing.heap(limit) > ram / 4 * 3) {
        continue; // the launcher caps the heap at three quarters of RAM
      }
      String out = launch(List.of(), "--memory-limit", Long.toString(limit)).out;
      long xmx = option(out, "-Xmx") * mib;
      long young = out.contains("-XX:+UseSerialGC\n") ? option(out, "-Xmn") * mib : 0;
      long heap = xmx - (young + 10 * mib - 1) / (10 * mib) * mib;
      long direct = option(out, "-XX:MaxDirectMemorySize=") * mib;
      // To the MiB: the launcher counts in whole MiB (limit / 8 rounded down, the heap's remainder up).
      assertEquals(JvmSizing.heap(limit), heap, mib - 1, limit + " bytes\n" + out);
      assertEquals(JvmSizing.directMemory(limit), direct, mib - 1, out);
      JvmSizing.requireHeapHolds(xmx - young / 10, limit);
      // The heap capacity the server derives from the launcher's heap holds the limit full and a thousand entries.
      assertTrue(JvmSizing.heapCapacity(xmx - young / 10, limit, true)
          >= limit + JvmSizing.MIN_ENTRIES * JvmSizing.ENTRY_BYTES, out);
      // What the server advises a java -jar user is what the launcher gives (heap and direct memory to the MiB, above).
      for (String option : JvmSizing.launcherOptions(limit).split(" ")) {
        if (!option.startsWith("-Xmx") && !option.startsWith("-XX:MaxDirectMemorySize=")) {
          assertTrue(out.contains(option + "\n"), option + " for " + limit + " bytes\n" + out);
        }
      }
      if (limit >= 85 * mib) {
        assertTrue(heap + direct + JvmSizing.JVM_OWN <= JvmSizing.budget(limit), out);
      }
    }
  }

  /** The whole MiB of the launcher's option {@code name} (e.g. {@code -Xmx} in {@code -Xmx92m}). */
  private static long option(String commandLine, String name) {
    return commandLine.lines().filter(line -> line.startsWith(name) && line.endsWith("m")).findFirst()
        .map(line -> Long.parseLong(line.substring(name.length(), line.length() - 1)))
        .orElseThrow(() -> new AssertionError("no " + name + " in " + commandLine));
  }

  /**
   * ProcessAttackIT's soak meets an attack as a real server would: with the JVM options the launcher gives the
   * default limit on Java 17 (compact object headers, which the stand-in JDK offers, are Java 25's; the module
   * option is the jar's).
   */
  @Test
  void theSoakServerRunsWithTheLaunchersOptions() throws Exception {
    List<String> options = launch(List.of()).out.lines().takeWhile(line -> !line.equals("-jar"))
        .filter(line -> !line.equals("-XX:+UseCompactObjectHeaders"))
        .filter(line -> !line.equals("--enable-native-access=ALL-UNNAMED")).toList();
    assertEquals(ServerProcess.LAUNCHER_DEFAULTS, options);
  }

  /**
   * Issue 17's second round: G1 replaced Serial above a 32 MiB heap and Shenandoah above 1 GiB (the latency-safe
   * default); either can still be chosen, and a collector the JDK lacks is refused rather than replaced.
   */
  @Test
  void theCollectorCanBeChosen() throws Exception {
    Result shenandoah = launch(List.of("env", "BLINK_GC=shenandoah"), "--memory-limit", "64MB");
    assertTrue(shenandoah.out.contains("-XX:+UseShenandoahGC\n"), shenandoah.out);
    Result serial = launch(List.of("env", "BLINK_GC=serial"), "--memory-limit", "512MB");
    assertTrue(serial.out.contains("-XX:+UseSerialGC\n-Xms128m\n-Xmn16m\n"), serial.out);
    Result unknown = launch(List.of("env", "BLINK_GC=zgc"));
    assertEquals(2, unknown.status);
    assertTrue(unknown.err.contains("BLINK_GC must be serial, g1 or shenandoah, not 'zgc'"), unknown.err);
  }

  private record Result(int status, String out, String err) {}

  private Result launch(List<String> prefix, String... options) throws IOException, InterruptedException {
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    try {
      Process launcher = start(prefix, out, err, options);
      assertTrue(launcher.waitFor(50, TimeUnit.SECONDS), "the launcher finished");
      return new Result(launcher.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }

  /** Starts {@code bin/blink-store serve OPTIONS --unix /tmp/x.sock} after {@code prefix}, its output to the files. */
  private Process start(List<String> prefix, Path out, Path err, String... options) throws IOException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of("bash", root.resolve("bin/blink-store").toString(), "serve"));
    command.addAll(List.of(options));
    command.addAll(List.of("--unix", "/tmp/x.sock"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().put("JAVA_HOME", root.resolve("jdk").toString());
    builder.environment().remove("BLINK_JAVA_OPTS");
    builder.environment().remove("BLINK_HEAP");
    builder.environment().remove("BLINK_GC");
    builder.environment().remove("BLINK_MEMORY_LIMIT");
    return builder.start();
  }
}
