package io.blinkstore.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh {@code redis-server} on a Unix socket for each test of a parity class ({@code @RegisterExtension}), in a
 * directory of its own, stopped and removed after the test; the test is skipped where redis-server is not
 * installed.
 */
final class RedisOnSocket implements BeforeEachCallback, AfterEachCallback {
  private @Nullable Path dir;
  private @Nullable RedisServerProcess redis;

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    assumeTrue(RedisServerProcess.installed(), RedisServerProcess.REDIS_SERVER + " is not installed");
    dir = Files.createTempDirectory("blink-parity-redis");
    redis = RedisServerProcess.startOnUnixSocket(dir, socket());
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (redis != null) {
      redis.close();
      redis = null;
    }
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(RedisOnSocket::delete);
      }
      dir = null;
    }
  }

  /** The socket the test's redis-server listens on. */
  Path socket() {
    if (dir == null) {
      throw new IllegalStateException("redis-server runs only during a test");
    }
    return dir.resolve("redis.sock");
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
