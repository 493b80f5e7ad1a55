package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher, {@code bin/blink-store}, run from a copy of the checkout's layout with a stand-in JDK whose
 * {@code java} answers every probe (Shenandoah, compact object headers, automatic class-data archives) and prints
 * the command line it was given, so the sizing and the collector chosen can be read without building or starting
 * the server.
 */
@Timeout(60)
class LauncherIT {
  /** The stand-in {@code java}: {@code -version} succeeds (Shenandoah is there); otherwise it prints its arguments. */
  private static final String FAKE_JAVA = """
      #!/bin/sh
      for argument in "$@"; do [ "$argument" = -version ] && exit 0; done
      printf '%s\\n' "$@"
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

  @Test
  void whatTheJdkOffersIsRememberedWhereTheBuildFolderIsWritableAndUsed() throws Exception {
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
    Result result = launch(List.of());
    assertEquals(0, result.status, result.err);
    assertTrue(result.out.contains("-XX:+UseCompactObjectHeaders\n"), result.out);
    assertTrue(result.out.contains("-XX:+AutoCreateSharedArchive\n"), result.out);
    try (Stream<Path> files = Files.list(target)) {
      Path cache = files.filter(file -> file.getFileName().toString().startsWith(".jvm-")).findFirst().orElseThrow();
      assertEquals("probed shenandoah compact-headers auto-archive\n", Files.readString(cache));
    }
  }

  /** The budget of docs/operations.md: heap and direct memory from the limit, so the process stays in 2 L + 64 MiB. */
  @Test
  void theJvmIsSizedFromTheMemoryLimit() throws Exception {
    Result small = launch(List.of());
    assertTrue(small.out.contains("-Xmx24m\n"), "10 MiB: 84 - 16 - 64 = 4, at least 24 MiB of heap\n" + small.out);
    assertTrue(small.out.contains("-XX:+UseSerialGC\n-Xms24m\n-Xmn3m\n"), "Serial, young an eighth\n" + small.out);
    assertTrue(small.out.contains("-XX:MaxDirectMemorySize=16m\n"), small.out);
    assertTrue(small.out.contains("-Dblink.jvm.sized=true\n"), small.out);
    Result large = launch(List.of(), "--memory-limit", "2GiB");
    assertTrue(large.out.contains("-Xmx3840m\n"), "2 GiB: 4160 - 256 - 64 MiB of heap\n" + large.out);
    assertTrue(large.out.contains("-XX:MaxDirectMemorySize=256m\n"), large.out);
    assertTrue(large.out.contains("-XX:+UseShenandoahGC\n"), "over a 1 GiB heap: Shenandoah\n" + large.out);
  }

  private record Result(int status, String out, String err) {}

  private Result launch(List<String> prefix, String... options) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(List.of("bash", root.resolve("bin/blink-store").toString(), "serve"));
    command.addAll(List.of(options));
    command.addAll(List.of("--unix", "/tmp/x.sock"));
    Path out = Files.createTempFile("launcher", ".out");
    Path err = Files.createTempFile("launcher", ".err");
    try {
      ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().put("JAVA_HOME", root.resolve("jdk").toString());
      builder.environment().remove("BLINK_JAVA_OPTS");
      builder.environment().remove("BLINK_HEAP");
      builder.environment().remove("BLINK_GC");
      builder.environment().remove("BLINK_MEMORY_LIMIT");
      Process launcher = builder.start();
      assertTrue(launcher.waitFor(50, TimeUnit.SECONDS), "the launcher finished");
      return new Result(launcher.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.delete(out);
      Files.delete(err);
    }
  }
}
