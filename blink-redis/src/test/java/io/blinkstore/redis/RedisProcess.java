package io.blinkstore.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package) for the tests: a process on free loopback ports, persistence off,
 * stopped by its PID. It always listens on a plain port, from which the tests administer it (with the
 * password, if it has one), whatever else it serves (TLS). Tests are skipped where the binary is missing;
 * {@code .ci/run} installs it.
 */
final class RedisProcess implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/redis-server");
  private static final long START_TIMEOUT_MILLIS = 15_000;

  private final Process process;
  private final int port;
  private final Path dir;
  private final String adminPassword;

  private RedisProcess(Process process, int port, Path dir, String adminPassword) {
    this.process = process;
    this.port = port;
    this.dir = dir;
    this.adminPassword = adminPassword;
  }

  /** Skips the calling test if there is no {@code redis-server}. */
  static void assumeInstalled() {
    assumeTrue(Files.isExecutable(BINARY), BINARY + " is missing (Debian package redis-server)");
  }

  /**
   * Starts one on {@code port} in {@code dir} (its working directory and log), with {@code extra} arguments
   * after the defaults; {@code adminPassword} is what the tests authenticate their own commands with (null:
   * none). A replica's first sync starts at once ({@code repl-diskless-sync-delay 0}): Redis 7 waits 5 s by default
   * for more replicas to share the transfer, which every cluster and Sentinel set-up would otherwise spend idle.
   */
  static RedisProcess start(Path dir, int port, String adminPassword, String... extra)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--port", Integer.toString(port),
        "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no",
        "--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru", "--repl-diskless-sync-delay", "0"));
    command.addAll(List.of(extra));
    return startWith(dir, port, adminPassword, command);
  }

  /** Runs {@code command}, a {@code redis-server} that will listen on {@code port}, and waits until it answers. */
  static RedisProcess startWith(Path dir, int port, String adminPassword, List<String> command)
      throws IOException, InterruptedException {
    assumeInstalled();
    Files.createDirectories(dir);
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
    RedisProcess redis = new RedisProcess(process, port, dir, adminPassword);
    try {
      redis.awaitReady();
    } catch (IOException | RuntimeException e) {
      redis.close();
      throw e;
    }
    return redis;
  }

  /** A loopback port no one listens on now. */
  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void awaitReady() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
    while (true) {
      try {
        if (command("PING").equals("PONG")) {
          return;
        }
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() - deadline > 0) {
          throw new IOException("redis-server did not start on port " + port + ": " + log(), e);
        }
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  Path dir() {
    return dir;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The server's log so far, for failure messages. */
  String log() {
    try {
      return Files.readString(dir.resolve("redis.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * Sends one command on a fresh plain connection (authenticated first if the server has a password) and returns
   * its reply: a simple string or integer as text, a bulk string's text, an array's items one a line, an error
   * as {@code -message}.
   */
  String command(String... words) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      if (adminPassword != null) {
        out.write(request("AUTH", adminPassword));
        String auth = reply(in);
        if (!auth.equals("OK")) {
          throw new IOException("AUTH failed: " + auth);
        }
      }
      out.write(request(words));
      out.flush();
      return reply(in);
    }
  }

  /**
   * Whether this server answers {@code ROLE} as a primary now. A connection closed or reset meanwhile counts as
   * not yet: a Sentinel promoting a replica closes its normal clients ({@code CLIENT KILL TYPE normal}) as part of
   * the promotion, a poll's connection included.
   */
  boolean isPrimary() {
    try {
      return command("ROLE").startsWith("master");
    } catch (IOException closedDuringPromotion) {
      return false;
    }
  }

  private static byte[] request(String... words) {
    StringBuilder request = new StringBuilder("*" + words.length + "\r\n");
    for (String word : words) {
      request.append('$').append(word.getBytes(UTF_8).length).append("\r\n").append(word).append("\r\n");
    }
    return request.toString().getBytes(UTF_8);
  }

  private static String reply(InputStream in) throws IOException {
    String line = line(in);
    char type = line.charAt(0);
    String rest = line.substring(1);
    switch (type) {
      case '+', ':' -> {
        return rest;
      }
      case '-' -> {
        return line;
      }
      case '$' -> {
        int length = Integer.parseInt(rest);
        if (length < 0) {
          return "(nil)";
        }
        byte[] bytes = in.readNBytes(length + 2);
        return new String(bytes, 0, length, UTF_8);
      }
      case '*' -> {
        int count = Integer.parseInt(rest);
        List<String> items = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          items.add(reply(in));
        }
        return String.join("\n", items);
      }
      default -> throw new IOException("unexpected reply: " + line);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int c; (c = in.read()) != '\n'; ) {
      if (c < 0) {
        throw new IOException("redis-server closed the connection");
      }
      if (c != '\r') {
        line.write(c);
      }
    }
    return line.toString(UTF_8);
  }

  /**
   * Stops the process (SIGSTOP) without closing its sockets, as a hung node or a partitioned network looks to a
   * client: connections stay open, the kernel still accepts new ones, nothing is answered. {@link #resume()} ends it.
   */
  void stop() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** Lets a {@linkplain #stop() stopped} process run again (SIGCONT). */
  void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + name + " " + process.pid() + " failed");
    }
  }

  /** Kills the process at once (SIGKILL), as a crash would, and waits for it. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
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
