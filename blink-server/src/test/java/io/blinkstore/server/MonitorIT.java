package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code MONITOR}: every command of every client, RESP and text, in Redis's line format, administrative ones
 * left out; and a monitor that never reads is closed once its unread lines pass the output bound, while the
 * clients it watches go on.
 */
@Timeout(120)
class MonitorIT {
  @TempDir Path dir;

  @Test
  void aMonitorSeesTheCommandsOfEveryClientOfEitherProtocol() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient monitor = LineClient.tcp(server.tcpAddress());
        LineClient resp = LineClient.tcp(server.tcpAddress());
        LineClient text = LineClient.tcp(server.tcpAddress());
        LineClient unix = LineClient.unix(server.unixPath())) {
      assertEquals("+OK", ClientCommandsIT.line(monitor, "MONITOR"));
      int port = ((InetSocketAddress) resp.localAddress()).getPort();
      assertEquals("+OK", ClientCommandsIT.line(resp, "SET", "k", "a \"b\"\n\u0001"));
      assertMonitorLine(monitor, "[0 127.0.0.1:" + port + "] \"SET\" \"k\" \"a \\\"b\\\"\\n\\x01\"");
      ClientCommandsIT.line(resp, "CONFIG", "GET", "save"); // administrative: not shown
      assertEquals("+PONG", ClientCommandsIT.line(unix, "PING"));
      assertMonitorLine(monitor, "[0 unix:" + server.unixPath() + "] \"PING\"");
      text.send("GET k\n");
      assertTrue(text.readLine().startsWith("VALUE"));
      int textPort = ((InetSocketAddress) text.localAddress()).getPort();
      assertMonitorLine(monitor, "[0 127.0.0.1:" + textPort + "] \"get\" \"k\"");
    }
  }

  /** The next line the monitor gets is {@code +<seconds>.<6 digits> <rest>}. */
  private static void assertMonitorLine(LineClient monitor, String rest) throws Exception {
    String line = monitor.readLine().strip();
    assertTrue(line.matches("\\+\\d{10}\\.\\d{6} .*"), line);
    assertEquals(rest, line.substring(line.indexOf(' ') + 1));
  }

  /**
   * A monitor with a small receive window that never reads, while a client writes values of 64 KiB: the lines
   * it does not take are bounded by --max-output-bytes (1 MiB here), past which it is closed; the writer never
   * waits on it. Without the bound, the server held every line (here 40 MiB, and without end in production).
   */
  @Test
  void aMonitorThatNeverReadsIsClosedOnceItsLinesPassTheOutputBound() throws Exception {
    assertStalledMonitorIsClosed(builder -> builder.maxOutputBytes(1 << 20).maxClientMemory(1L << 30));
  }

  /** The same with a per-connection bound above what is written: its lines count in --max-client-memory. */
  @Test
  void aMonitorThatNeverReadsIsEvictedOnceItsLinesPassTheClientMemoryBound() throws Exception {
    assertStalledMonitorIsClosed(builder -> builder.maxOutputBytes(1L << 30).maxClientMemory(4 << 20));
  }

  private void assertStalledMonitorIsClosed(UnaryOperator<BlinkServerBuilder> bounds) throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64L << 20, bounds);
        SocketChannel stalled = SocketChannel.open();
        LineClient writer = LineClient.tcp(server.tcpAddress());
        LineClient observer = LineClient.tcp(server.tcpAddress())) {
      stalled.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
      stalled.connect(server.tcpAddress());
      stalled.write(ByteBuffer.wrap(RespIT.resp("MONITOR")));
      String id = null;
      for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); id == null; ) {
        id = monitorId(ClientCommandsIT.text(observer, "CLIENT", "LIST"));
        assertTrue(System.nanoTime() < deadline, "the monitor never showed up");
      }
      String value = "v".repeat(64 << 10);
      for (int i = 0; i < 640; i++) {
        assertEquals("+OK", ClientCommandsIT.line(writer, "SET", "k", value));
      }
      String list = ClientCommandsIT.text(observer, "CLIENT", "LIST");
      assertEquals(null, monitorId(list), "the stalled monitor was closed: " + list);
      assertEquals("+PONG", ClientCommandsIT.line(writer, "PING"));
    }
  }

  /** The id of the connection in MONITOR mode (flags=O) in a CLIENT LIST, or null. */
  private static String monitorId(String list) {
    for (String client : list.split("\n")) {
      if (client.contains(" flags=O ")) {
        return client.substring(3, client.indexOf(' '));
      }
    }
    return null;
  }
}
