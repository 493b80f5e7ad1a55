package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package) for the tests, started as a process on a free loopback port with
 * persistence off and a memory limit, and stopped by its PID. Tests that need one are skipped when the binary is
 * missing; {@code .ci/run} installs it.
 */
final class RedisServer implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/redis-server");
  /** {@code --maxmemory}: far above what any test stores. */
  static final long MAX_MEMORY = 64L << 20;
  private static final long START_TIMEOUT_MILLIS = 10_000;

  private final Process process;
  private final int port;

  private RedisServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts one, logging to {@code dir}; skips the calling test if the binary is missing. */
  static RedisServer start(Path dir) throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(BINARY), BINARY + " is missing (Debian package redis-server)");
    int port = freePort();
    Process process = new ProcessBuilder(BINARY.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--maxmemory", Long.toString(MAX_MEMORY),
        "--maxmemory-policy", "allkeys-lru", "--dir", dir.toString(), "--daemonize", "no")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    RedisServer server = new RedisServer(process, port);
    try {
      server.awaitReady();
    } catch (IOException | RuntimeException e) {
      server.close();
      throw e;
    }
    return server;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (true) {
      try {
        if (command("PING").equals("+PONG")) {
          return;
        }
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() - deadline > 0) {
          throw new IOException("redis-server did not start on port " + port + " (see redis.log)", e);
        }
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  URI uri() {
    return URI.create("redis://127.0.0.1:" + port);
  }

  InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
  }

  /**
   * Sends one command on a fresh connection and returns the first line of its reply ({@code +OK}, {@code :1},
   * ...), for what the client does not do (such as {@code CONFIG RESETSTAT}).
   */
  String command(String... words) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      StringBuilder request = new StringBuilder("*" + words.length + "\r\n");
      for (String word : List.of(words)) {
        request.append('$').append(word.getBytes(UTF_8).length).append("\r\n").append(word).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) {
          throw new IOException("redis-server closed the connection");
        }
        if (c != '\r') {
          line.append((char) c);
        }
      }
      return line.toString();
    }
  }

  /** Stops the process by its PID (SIGTERM, then SIGKILL if it lingers) and waits for it. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
