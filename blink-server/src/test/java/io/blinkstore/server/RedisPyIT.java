package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * redis-py (Debian's {@code python3-redis}, run by Debian's {@code /usr/bin/python3}) against our server with its
 * default options: a 2 MiB value set and read back whole, which once was a protocol error that closed the
 * connection (the RESP request bounded by the 1 MiB line limit), and a pipeline of 10,000 commands. Skipped
 * where redis-py is not installed ({@code .ci/run} installs it).
 */
@Timeout(120)
class RedisPyIT {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private static final String SCRIPT = String.join("\n",
      "import sys, redis",
      "r = redis.Redis(host='127.0.0.1', port=int(sys.argv[1]))",
      "big = b'p' * (2 * 1024 * 1024)",
      "assert r.set('py:big', big)",
      "assert r.get('py:big') == big",
      "print('2 MiB value')",
      "p = r.pipeline(transaction=False)",
      "for i in range(10000):",
      "    p.incr('py:n')",
      "assert p.execute()[-1] == 10000",
      "print('pipeline of 10000')");

  @TempDir Path dir;

  @Test
  void redisPySetsAndGetsATwoMebibyteValueAndPipelines() throws Exception {
    assumeTrue(Files.isExecutable(PYTHON)
        && new ProcessBuilder(PYTHON.toString(), "-c", "import redis").start().waitFor() == 0,
        "redis-py (python3-redis) is not installed");
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64 << 20)) {
      Path out = dir.resolve("python.out");
      Process python = new ProcessBuilder(PYTHON.toString(), "-c", SCRIPT,
          Integer.toString(server.tcpAddress().getPort()))
          .redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!python.waitFor(90, TimeUnit.SECONDS)) {
        python.destroyForcibly().waitFor();
      }
      String printed = Files.readString(out);
      assertEquals(0, python.exitValue(), printed);
      assertEquals(List.of("2 MiB value", "pipeline of 10000"), printed.lines().toList(), printed);
    }
  }
}
