package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.abort;

import io.blinkstore.BlinkStore;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-liners users type, run with the real tools (netcat-openbsd, python3, bash) against a server on an
 * ephemeral TCP port. Every process is bounded by {@code timeout} and by {@link Process#waitFor}.
 */
@Timeout(60)
class OneLinersIT {
  private static final long PROCESS_SECONDS = 15;

  @TempDir Path dir;
  private BlinkServer server;
  private int port;

  @BeforeEach
  void startServer() {
    server = BlinkServer.builder()
        .store(BlinkStore.builder().memoryLimit(1 << 20).build())
        .tcp(new InetSocketAddress("127.0.0.1", 0))
        .build()
        .start();
    port = server.tcpAddress().getPort();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  @Test
  void echoIntoNetcatWithDashNPrintsOkAndExits() throws Exception {
    assumeOpenBsdNetcat();
    Result result = bash("echo \"SET foo bar\" | timeout 10 nc -N 127.0.0.1 " + port);
    assertEquals(0, result.exitCode(), result::describe);
    assertEquals("OK\n", result.stdout(), result::describe);
  }

  /**
   * The original's documented form, without {@code -N}: netcat-openbsd then never half-closes, so the server
   * never sees end of input and the connection stays open; what matters is that {@code OK} is printed. The
   * process is stopped as soon as it has printed its line ({@code timeout 5} is only the upper bound).
   */
  @Test
  void echoIntoNetcatWithoutDashNPrintsOk() throws Exception {
    assumeOpenBsdNetcat();
    Path input = Files.writeString(dir.resolve("input"), "SET foo bar\n");
    Path output = dir.resolve("output");
    Process nc = new ProcessBuilder("timeout", "5", "nc", "127.0.0.1", String.valueOf(port))
        .redirectInput(input.toFile())
        .redirectOutput(output.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    try {
      for (int i = 0; i < 500 && nc.isAlive() && !Files.readString(output).contains("\n"); i++) {
        Thread.sleep(10); // bounded: 500 polls, and timeout 5 ends nc anyway
      }
    } finally {
      nc.destroy(); // SIGTERM to timeout, which passes it on to nc
      if (!nc.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS)) {
        nc.destroyForcibly();
      }
    }
    assertEquals("OK\n", Files.readString(output), "what nc printed");
  }

  @Test
  void pythonSocketOneLinerGetsBothRepliesAfterHalfClose() throws Exception {
    assumeTool("python3 --version", "python3 is not installed");
    String script = "import socket,sys; s=socket.create_connection((\"127.0.0.1\"," + port + ")); "
        + "s.sendall(b\"SET foo bar\\nGET foo\\n\"); s.shutdown(socket.SHUT_WR); "
        + "sys.stdout.write(b\"\".join(iter(lambda: s.recv(4096), b\"\")).decode())";
    Result result = run(List.of("timeout", "10", "python3", "-c", script));
    assertEquals(0, result.exitCode(), result::describe);
    assertEquals("OK\nVALUE YmFy\n", result.stdout(), result::describe);
  }

  @Test
  void bashDevTcpGetsOk() throws Exception {
    Result result = bash("exec 3<>/dev/tcp/127.0.0.1/" + port + "; echo \"SET foo bar\" >&3; timeout 10 head -n1 <&3");
    assertEquals(0, result.exitCode(), result::describe);
    assertEquals("OK\n", result.stdout(), result::describe);
  }

  private static void assumeOpenBsdNetcat() throws Exception {
    assumeTool("command -v nc", "nc is not installed (apt-get install netcat-openbsd)");
    Result help = bash("nc -h 2>&1 | head -n1");
    if (!help.stdout().contains("OpenBSD")) {
      abort("nc is not netcat-openbsd (it has no -N): " + help.stdout().trim());
    }
  }

  private static void assumeTool(String probe, String whyNot) throws Exception {
    if (bash(probe).exitCode() != 0) {
      abort(whyNot);
    }
  }

  private static Result bash(String script) throws Exception {
    return run(List.of("bash", "-c", script));
  }

  private static Result run(List<String> command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("blink-oneliner", ".out");
    Path err = Files.createTempFile("blink-oneliner", ".err");
    try {
      Process process = new ProcessBuilder(command)
          .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
          .redirectOutput(out.toFile())
          .redirectError(err.toFile())
          .start();
      if (!process.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(PROCESS_SECONDS, TimeUnit.SECONDS);
        throw new AssertionError(command + " did not finish within " + PROCESS_SECONDS + " s; stdout: "
            + Files.readString(out) + " stderr: " + Files.readString(err));
      }
      return new Result(command, process.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private record Result(List<String> command, int exitCode, String stdout, String stderr) {
    String describe() {
      return command + " exited " + exitCode + "; stdout: [" + stdout + "] stderr: [" + stderr + "]";
    }
  }
}
