package io.blinkstore.dist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release tarball as a user gets it: unpacked into an empty folder and started with {@code bin/blink-store
 * serve} on a PATH that has {@code java} and the system's tools but nothing of Maven, and no JAVA_HOME.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReleaseTarballIT {
  private static final Path TARBALL = Path.of(System.getProperty("blink.tarball"));
  private static final String RELEASE = System.getProperty("blink.release");
  /** What a PATH without Maven leaves out (Debian's maven package installs these in /usr/bin). */
  private static final Set<String> MAVEN = Set.of("mvn", "mvnDebug", "mvnyjp");

  @TempDir Path dir;

  @Test
  void theTarballHoldsTheLauncherTheJarsTheDocsAndTheLicense() throws Exception {
    Path release = unpack();
    assertTrue(Files.isExecutable(release.resolve("bin/blink-store")));
    assertTrue(Files.isRegularFile(release.resolve("lib/blink-store.jar")));
    for (String library : List.of("blink-core", "blink-client", "blink-redis", "blink-spring")) {
      String version = RELEASE.substring("blink-store-".length());
      assertTrue(Files.isRegularFile(release.resolve("jars/" + library + "-" + version + ".jar")), library);
    }
    try (Stream<Path> jars = Files.list(release.resolve("jars"))) {
      assertEquals(4, jars.count(), "our libraries only: their dependencies come from Maven Central");
    }
    for (String doc : List.of("README.md", "LICENSE", "docs/operations.md", "docs/protocol.md")) {
      assertTrue(Files.isRegularFile(release.resolve(doc)), doc);
    }
    assertTrue(Files.readString(release.resolve("LICENSE")).contains("Apache License"));
  }

  @Test
  void theServerStartsFromTheUnpackedTarballWithJavaAloneAndServes() throws Exception {
    Path release = unpack();
    Path path = pathWithoutMaven();
    int port = freePort();
    ProcessBuilder launcher = new ProcessBuilder(release.resolve("bin/blink-store").toString(), "serve",
        "--tcp", "127.0.0.1:" + port)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("server.log").toFile());
    launcher.environment().clear();
    launcher.environment().put("PATH", path.toString());
    launcher.environment().put("HOME", dir.toString());
    Process server = launcher.start();
    try {
      assertEquals("OK", answer(port, server, "SET greeting hello"));
      removeLinks(path); // the launcher has exec'd java by now
      assertEquals("VALUE aGVsbG8=", answer(port, server, "GET greeting")); // base64 of "hello"
    } finally {
      server.destroy(); // SIGTERM: the launcher exec'd java, which stops cleanly
      assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server stops on SIGTERM");
    }
    String log = Files.readString(dir.resolve("server.log"));
    assertEquals(0, server.exitValue(), log);
    assertFalse(log.contains("building"), "nothing was built: " + log);
    assertFalse(Files.exists(release.resolve("blink-server")), "no build folder appeared");
  }

  private Path unpack() throws IOException, InterruptedException {
    Path into = Files.createDirectory(dir.resolve("unpacked"));
    Process tar = new ProcessBuilder("tar", "-xzf", TARBALL.toString(), "-C", into.toString())
        .redirectErrorStream(true).start();
    String output = new String(tar.getInputStream().readAllBytes(), UTF_8);
    assertEquals(0, tar.waitFor(), "tar: " + output);
    try (Stream<Path> top = Files.list(into)) {
      assertEquals(List.of(into.resolve(RELEASE)), top.toList(), "one folder, named after the release");
    }
    return into.resolve(RELEASE);
  }

  /**
   * A folder for PATH: {@code java} (this JVM's) and a link to every other program of /usr/bin and /bin, but none
   * of Maven's, so that the launcher's own tools (bash, awk, ...) are there whatever it comes to use.
   */
  private Path pathWithoutMaven() throws IOException {
    Path bin = Files.createDirectory(dir.resolve("path"));
    Files.createSymbolicLink(bin.resolve("java"), Path.of(System.getProperty("java.home"), "bin", "java"));
    for (String system : List.of("/usr/bin", "/bin")) {
      try (Stream<Path> programs = Files.list(Path.of(system))) {
        for (Path program : (Iterable<Path>) programs::iterator) {
          String name = program.getFileName().toString();
          Path link = bin.resolve(name);
          if (!MAVEN.contains(name) && !name.startsWith("java") && !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            Files.createSymbolicLink(link, program);
          }
        }
      }
    }
    return bin;
  }

  /** The server's reply to {@code line}, or why there is none (with the launcher's output). */
  private String answer(int port, Process server, String line) throws InterruptedException {
    try {
      return TextRequest.send(port, line, server::isAlive);
    } catch (IOException e) {
      return "no answer (" + e + "; the server " + (server.isAlive() ? "runs" : "exited") + "), " + log(dir);
    }
  }

  private static String log(Path dir) {
    try {
      return "server.log: " + Files.readString(dir.resolve("server.log"));
    } catch (IOException e) {
      return "no server.log: " + e;
    }
  }

  /** Once the launcher is done: links out of the test's folder, which JUnit would warn of one by one. */
  private static void removeLinks(Path bin) throws IOException {
    try (Stream<Path> links = Files.list(bin)) {
      for (Path link : (Iterable<Path>) links::iterator) {
        Files.delete(link);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
