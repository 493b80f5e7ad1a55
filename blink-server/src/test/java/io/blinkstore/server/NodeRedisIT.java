package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * node-redis, the npm {@code redis} package, against our server: {@code src/test/node/node-redis.js} connects with
 * the package's default options and runs commands, their replies checked in the script (which prints each check
 * and exits 1 at the first failure), a pipeline of 10,000 commands and a 2 MiB value among them. node-redis 6
 * speaks RESP3 by default (its connection starts with {@code HELLO 3}, which once got {@code -NOPROTO} and no
 * connection); node-redis 5 speaks RESP2 unless asked.
 * Skipped where {@code node} or the packages are not installed ({@code .ci/run} installs both:
 * {@code npm ci} in {@code src/test/node}).
 */
@Timeout(180)
class NodeRedisIT {
  private static final Path SCRIPTS = Path.of("src/test/node");

  @TempDir Path dir;

  @ParameterizedTest(name = "{0} RESP {1}")
  @CsvSource({"redis6, default", "redis5, default", "redis5, 3", "redis6, 2"})
  void nodeRedisConnectsAndRunsCommands(String pkg, String resp) throws Exception {
    assumeTrue(nodeInstalled(), "node is not installed");
    assumeTrue(Files.isDirectory(SCRIPTS.resolve("node_modules").resolve(pkg)),
        "the npm packages are not installed: npm ci in " + SCRIPTS.toAbsolutePath());
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64 << 20)) {
      List<String> command = new ArrayList<>(List.of("node", "node-redis.js", pkg,
          Integer.toString(server.tcpAddress().getPort())));
      if (!resp.equals("default")) {
        command.add(resp);
      }
      Path out = dir.resolve("node.out");
      Process node = new ProcessBuilder(command).directory(SCRIPTS.toFile())
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!node.waitFor(120, TimeUnit.SECONDS)) {
        node.destroyForcibly().waitFor();
      }
      String printed = Files.readString(out);
      assertEquals(0, node.exitValue(), printed);
      assertEquals(List.of("connected", "set and get", "mget, incr, exists, expire, ttl", "config get", "info",
          "pipeline of 10000", "2 MiB value", "done"), printed.lines().toList(), printed);
    }
  }

  private static boolean nodeInstalled() {
    for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, "node"))) {
        return true;
      }
    }
    return false;
  }
}
