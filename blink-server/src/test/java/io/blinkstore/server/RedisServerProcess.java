package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A real {@code redis-server} (Debian's) on a loopback port, persistence off, started for a test and stopped by
 * {@link #close()}: the peer our replies are compared with, and the reference a third-party client's checks must
 * pass against before they mean anything against ours.
 */
final class RedisServerProcess implements AutoCloseable {
  static final Path REDIS_SERVER = Path.of("/usr/bin/redis-server");

  private final Process process;
  private final @Nullable InetSocketAddress address;

  private RedisServerProcess(Process process, @Nullable InetSocketAddress address) {
    this.process = process;
    this.address = address;
  }

  static boolean installed() {
    return Files.isExecutable(REDIS_SERVER);
  }

  /** Starts redis-server in {@code dir} on a free loopback port and returns once its log says it is ready. */
  static RedisServerProcess start(Path dir, String... extraArguments) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1"));
    command.addAll(List.of(extraArguments));
    return start(dir, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), command);
  }

  /** Starts redis-server in {@code dir} on the Unix socket {@code socket} only (no TCP port), once it is ready. */
  static RedisServerProcess startOnUnixSocket(Path dir, Path socket, String... extraArguments) throws IOException {
    List<String> command = new ArrayList<>(List.of("--port", "0", "--unixsocket", socket.toString()));
    command.addAll(List.of(extraArguments));
    return start(dir, null, command);
  }

  private static RedisServerProcess start(Path dir, @Nullable InetSocketAddress address, List<String> arguments)
      throws IOException {
    List<String> command = new ArrayList<>(List.of(REDIS_SERVER.toString(), "--save", "", "--appendonly", "no",
        "--dir", dir.toString()));
    command.addAll(arguments);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    RedisServerProcess redis = new RedisServerProcess(process, address);
    try {
      redis.awaitReady();
    } catch (IOException | RuntimeException | Error e) {
      redis.close();
      throw e;
    }
    return redis;
  }

  /** Waits for the log line saying it is ready (not a sleep), then keeps draining its output. */
  private void awaitReady() throws IOException {
    BufferedReader log =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    for (String line = ""; !line.contains("ready to accept connections"); ) {
      line = log.readLine();
      assertNotNull(line, "redis-server ended before it was ready");
      line = line.toLowerCase(Locale.ROOT);
    }
    Thread drain = new Thread(() -> {
      try {
        log.transferTo(Writer.nullWriter());
      } catch (IOException ended) {
        // the process has ended; nothing more to drain
      }
    }, "redis-server-log");
    drain.setDaemon(true);
    drain.start();
  }

  /** Its TCP address; not for a server started on a Unix socket only. */
  InetSocketAddress address() {
    return Objects.requireNonNull(address, "started on a Unix socket only");
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
