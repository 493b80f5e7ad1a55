package io.blinkstore.spring;

import io.blinkstore.server.BlinkServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/** The cache contract on the sidecar, over TCP and over its Unix socket, one server for both. */
class SidecarCacheIT {
  @TempDir static Path dir;
  static BlinkServer server;

  @BeforeAll
  static void startServer() {
    server = SidecarServer.start(dir);
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Nested
  class OverTcp extends CacheContract {
    @Override
    String[] properties() {
      return new String[] {"blink.address=" + SidecarServer.tcpAddress(server)};
    }
  }

  @Nested
  class OverAUnixSocket extends CacheContract {
    @Override
    String[] properties() {
      return new String[] {"blink.address=blink-socket://" + server.unixPath()};
    }
  }
}
