package io.blinkstore.client;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/** Starts real Blink Store servers for the client tests, and names how a client reaches them. */
final class Servers {
  private Servers() {}

  /** How a client reaches the server. */
  enum Endpoint {
    TCP,
    UNIX;

    SocketAddress address(BlinkServer server) {
      return this == TCP ? server.tcpAddress() : UnixDomainSocketAddress.of(server.unixPath());
    }
  }

  /** Starts a server on a loopback ephemeral port and on {@code dir/blink.sock}, holding at most {@code limit}. */
  static BlinkServer start(Path dir, long memoryLimit) {
    return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), dir, memoryLimit);
  }

  /** Starts a server on {@code tcp} and on {@code dir/blink.sock}. */
  static BlinkServer start(InetSocketAddress tcp, Path dir, long memoryLimit) {
    return BlinkServer.builder()
        .store(BlinkStore.builder().memoryLimit(memoryLimit).build())
        .tcp(tcp)
        .unix(dir.resolve("blink.sock"))
        .build()
        .start();
  }

  /**
   * Options for tests that are not about timeouts: waits far longer than any reply takes, even with thousands of
   * commands queued on a loaded machine under Netty's paranoid leak detection (the test's own timeout still
   * bounds every test).
   */
  static BlinkClientOptions.Builder testOptions() {
    return BlinkClientOptions.builder().connectTimeout(Duration.ofSeconds(10)).commandTimeout(Duration.ofSeconds(30));
  }
}
