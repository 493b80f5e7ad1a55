package io.blinkstore.spring;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** A Blink Store server in the test's JVM, on a loopback ephemeral port and a Unix socket in {@code dir}. */
final class SidecarServer {
  private SidecarServer() {}

  static BlinkServer start(Path dir) {
    return BlinkServer.builder()
        .store(BlinkStore.builder().memoryLimit(16L << 20).build())
        .tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .unix(dir.resolve("blink.sock"))
        .build()
        .start();
  }

  static String tcpAddress(BlinkServer server) {
    return "blink://127.0.0.1:" + server.tcpAddress().getPort();
  }
}
