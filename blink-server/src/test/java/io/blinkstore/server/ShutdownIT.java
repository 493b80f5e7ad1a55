package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SHUTDOWN} (issue 23): {@code blink-store serve} stops as on SIGTERM and exits 0, saving its snapshot unless
 * {@code NOSAVE}; every connection, the caller's too, closes without a reply (Redis's caller reads none either); a
 * {@code SAVE} that has no snapshot file to save to is refused and the server serves on, unless {@code FORCE}; while a
 * script runs too long only {@code SHUTDOWN NOSAVE} stops the server. Redis's errors are compared byte for byte in
 * {@link PersistenceParityIT}.
 */
@Timeout(120)
class ShutdownIT {
  @TempDir Path dir;

  private ServerProcess serve() throws IOException, InterruptedException {
    return serve(dir);
  }

  /** {@code serve} in {@code dir} with a Unix socket {@code s.sock} and a snapshot {@code blink.snapshot} there. */
  static ServerProcess serve(Path dir) throws IOException, InterruptedException {
    return ServerProcess.start(dir, List.of("-Xmx128m"), 0, "serve", "--tcp", "127.0.0.1:0", "--unix",
        dir.resolve("s.sock").toString(), "--memory-limit", "16MB", "--snapshot",
        dir.resolve("blink.snapshot").toString());
  }

  @SafeVarargs
  private static List<String> exchange(Path socket, List<String>... requests) throws Exception {
    try (RawRespClient client = RawRespClient.unix(socket)) {
      return client.exchange(List.of(requests));
    }
  }

  /** The replies a connection that ends without one reads: the connection closed, not a timeout. */
  private static void assertClosedWithoutReply(String reply) {
    assertTrue(reply.startsWith("<no reply: ") && !reply.contains("none within"), reply);
  }

  @Test
  void shutdownSavesTheSnapshotClosesEveryConnectionAndServeExitsZero() throws Exception {
    Path socket = dir.resolve("s.sock");
    try (ServerProcess server = serve(); RawRespClient idle = RawRespClient.unix(socket)) {
      assertEquals(List.of("+OK\\r\\n", "+PONG\\r\\n"),
          idle.exchange(List.of(List.of("SET", "k", "v"), List.of("PING"))));
      assertClosedWithoutReply(exchange(socket, List.of("SHUTDOWN")).get(0));
      assertEquals(0, server.awaitExit(30));
      try { // the idle connection was closed too: the write fails, or nothing comes back
        assertClosedWithoutReply(idle.exchange(List.of(List.of("PING"))).get(0));
      } catch (IOException closed) {
        assertTrue(closed.getMessage().contains("pipe") || closed.getMessage().contains("reset"), closed.toString());
      }
      String output = server.log();
      assertTrue(output.contains("SHUTDOWN from client") && output.contains("(shutdown)")
          && output.contains("stopped after"), output);
    }
    try (ServerProcess again = serve()) {
      assertEquals(List.of("$1\\r\\nv\\r\\n"), exchange(socket, List.of("GET", "k")));
    }
  }

  @Test
  void shutdownNosaveLeavesTheLastSnapshotAsItWas() throws Exception {
    Path socket = dir.resolve("s.sock");
    try (ServerProcess server = serve()) {
      assertEquals(List.of("+OK\\r\\n", "+OK\\r\\n", "+OK\\r\\n"),
          exchange(socket, List.of("SET", "saved", "1"), List.of("SAVE"), List.of("SET", "unsaved", "2")));
      assertClosedWithoutReply(exchange(socket, List.of("SHUTDOWN", "nosave")).get(0));
      assertEquals(0, server.awaitExit(30));
      assertFalse(server.log().contains("(shutdown)"), server.log());
    }
    try (ServerProcess again = serve()) {
      assertEquals(List.of("$1\\r\\n1\\r\\n", "$-1\\r\\n"),
          exchange(socket, List.of("GET", "saved"), List.of("GET", "unsaved")));
    }
  }

  @Test
  void aSaveWithNoSnapshotFileIsRefusedAndTheServerServesOnUnlessForced() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20)) {
      Path socket = server.unixPath();
      assertEquals(List.of("-ERR Errors trying to SHUTDOWN. Check logs.\\r\\n", "+PONG\\r\\n"),
          exchange(socket, List.of("SHUTDOWN", "SAVE"), List.of("PING")));
      assertClosedWithoutReply(exchange(socket, List.of("SHUTDOWN", "SAVE", "FORCE")).get(0));
      assertRefused(server.unixPath());
    }
  }

  @Test
  void whileAScriptRunsTooLongOnlyShutdownNosaveStopsTheServer() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        RawRespClient scripting = RawRespClient.unix(server.unixPath());
        RawRespClient admin = RawRespClient.unix(server.unixPath())) {
      assertEquals(List.of("+OK\\r\\n"),
          admin.exchange(List.of(List.of("CONFIG", "SET", "busy-reply-threshold", "50"))));
      Thread script = new Thread(() -> {
        try {
          scripting.exchange(List.of(List.of("EVAL", "while true do end", "0")));
        } catch (Exception ignored) {
          // the server stops the script when it closes: whatever it answers is not this test's question
        }
      });
      script.start();
      String busy;
      do { // until the script has run past the threshold
        busy = admin.exchange(List.of(List.of("PING"))).get(0);
      } while (!busy.startsWith("-BUSY"));
      assertEquals(
          List.of("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\\r\\n"),
          admin.exchange(List.of(List.of("SHUTDOWN"))));
      assertClosedWithoutReply(admin.exchange(List.of(List.of("SHUTDOWN", "NOSAVE"))).get(0));
      script.join(30_000);
      assertFalse(script.isAlive(), "the script's caller got its end");
      assertRefused(server.unixPath());
    }
  }

  /** The server no longer accepts: its socket file is gone, or a connect to it fails. */
  private static void assertRefused(Path socket) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (Files.exists(socket) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThrows(IOException.class, () -> SocketChannel.open(UnixDomainSocketAddress.of(socket)).close());
  }
}
