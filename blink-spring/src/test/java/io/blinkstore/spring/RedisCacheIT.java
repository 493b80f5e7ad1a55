package io.blinkstore.spring;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The cache contract on a real {@code redis-server} (Debian's, which {@code .ci/run} installs; skipped, saying so,
 * where it is missing), reached through blink-redis: {@code blink.address=redis://...}.
 */
class RedisCacheIT extends CacheContract {
  private static final Path BINARY = Path.of("/usr/bin/redis-server");
  private Path dir;
  private Process redis;

  @Override
  String[] properties() throws IOException {
    assumeTrue(Files.isExecutable(BINARY), BINARY + " is missing (Debian package redis-server)");
    dir = Files.createTempDirectory("blink-spring-redis");
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    redis = new ProcessBuilder(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    awaitListening(port);
    return new String[] {"blink.address=redis://127.0.0.1:" + port};
  }

  private void awaitListening(int port) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        if (!redis.isAlive() || System.nanoTime() > deadline) {
          throw new IOException("redis-server did not start on port " + port + ": " + dir.resolve("redis.log"), e);
        }
        Thread.onSpinWait();
      }
    }
  }

  @Override
  void stopStore() {
    if (redis != null) {
      redis.destroy();
      try {
        redis.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (dir != null) {
      try (var files = Files.list(dir)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Files.deleteIfExists(file);
        }
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }
}
