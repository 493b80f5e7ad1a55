package io.blinkstore.dist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Dockerfile ({@code blink-dist/target/Dockerfile}, made from {@code src/docker/Dockerfile}) builds an image from
 * the release tarball that serves on its published port. Needs a Docker engine and the base image
 * (eclipse-temurin:17-jre) from a registry: skipped, with the reason, where either is missing (the machines this
 * project is built on have the docker client but no engine).
 */
@Timeout(value = 600, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DockerImageIT {
  private static final Path CONTEXT = Path.of(System.getProperty("blink.tarball")).getParent();
  /** What docker build says (BuildKit or the classic builder) when the registry cannot be reached or refuses. */
  private static final List<String> PULL_FAILURES = List.of("failed to resolve source metadata",
      "pull access denied", "failed to do request", "Error response from daemon: Get", "TLS handshake timeout",
      "no such host", "i/o timeout", "toomanyrequests", "manifest unknown");

  @Test
  void theImageBuiltFromTheTarballServes() throws Exception {
    Result engine = run("docker", "info", "--format", "{{.ServerVersion}}");
    assumeTrue(engine.status == 0, "no Docker engine here (docker info: " + engine.output.strip() + ")");
    String image = "blink-store-it:" + ProcessHandle.current().pid();
    Result build = run("docker", "build", "-t", image, CONTEXT.toString());
    assumeTrue(build.status == 0 || !baseImageUnreachable(build.output),
        "the base image cannot be pulled here: " + build.output.strip());
    assertEquals(0, build.status, build.output);
    try {
      Result started = run("docker", "run", "-d", "--rm", "-p", "127.0.0.1::8765", image);
      assertEquals(0, started.status, started.output);
      String container = started.output.strip();
      try {
        String published = run("docker", "port", container, "8765").output.strip().split("\n")[0];
        int port = Integer.parseInt(published.substring(published.lastIndexOf(':') + 1));
        assertEquals("OK", TextRequest.send(port, "SET greeting hello", () -> true));
        assertEquals("VALUE aGVsbG8=", TextRequest.send(port, "GET greeting", () -> true));
      } finally {
        run("docker", "stop", container);
      }
    } finally {
      run("docker", "rmi", image);
    }
  }

  /**
   * Whether a failed build failed only because the registry would not give the base image. Every build's output
   * names eclipse-temurin (its FROM line), so that alone would skip any broken Dockerfile or tarball too.
   */
  private static boolean baseImageUnreachable(String output) {
    return output.contains("eclipse-temurin") && PULL_FAILURES.stream().anyMatch(output::contains);
  }

  private record Result(int status, String output) {}

  private static Result run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), UTF_8);
    return new Result(process.waitFor(), output);
  }
}
