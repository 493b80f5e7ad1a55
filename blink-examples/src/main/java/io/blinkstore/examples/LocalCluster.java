package io.blinkstore.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway Redis Cluster of three primaries (no replicas) on free loopback ports, for the scale-out example when
 * it is given no address: {@code redis-server --cluster-enabled yes} three times, joined by
 * {@code redis-cli --cluster create}. Stopped, and its files deleted, by {@link #close()}.
 */
final class LocalCluster implements AutoCloseable {
  static final int PRIMARIES = 3;
  private static final long READY_MILLIS = 30_000;

  private final Path dir;
  private final List<Process> servers = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();

  private LocalCluster(Path dir) {
    this.dir = dir;
  }

  /** Tells whether {@code redis-server} and {@code redis-cli} are installed. */
  static boolean installed() {
    return WorkerProcesses.onPath("redis-server") && WorkerProcesses.onPath("redis-cli");
  }

  /** Starts the cluster in a new temporary directory and waits until it serves every slot. */
  static LocalCluster start() throws IOException, InterruptedException {
    LocalCluster cluster = new LocalCluster(Files.createTempDirectory("blink-cluster"));
    try {
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      for (int i = 0; i < PRIMARIES; i++) {
        int port = freePort();
        Path nodeDir = Files.createDirectories(cluster.dir.resolve("node-" + port));
        cluster.servers.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind",
            "127.0.0.1", "--save", "", "--appendonly", "no", "--cluster-enabled", "yes", "--cluster-port",
            Integer.toString(freePort()), "--cluster-config-file", "nodes.conf", "--dir", nodeDir.toString())
            .redirectErrorStream(true).redirectOutput(nodeDir.resolve("redis.log").toFile()).start());
        cluster.ports.add(port);
        create.add("127.0.0.1:" + port);
      }
      for (int port : cluster.ports) {
        cluster.awaitAnswer(port, "PING", "+PONG");
      }
      create.add("--cluster-yes");
      Process joining = new ProcessBuilder(create).redirectErrorStream(true)
          .redirectOutput(cluster.dir.resolve("create.log").toFile()).start();
      if (!joining.waitFor(60, TimeUnit.SECONDS) || joining.exitValue() != 0) {
        joining.destroyForcibly();
        throw new IOException("redis-cli --cluster create failed: "
            + Files.readString(cluster.dir.resolve("create.log")));
      }
      for (int port : cluster.ports) {
        cluster.awaitAnswer(port, "CLUSTER INFO", "cluster_state:ok");
      }
      return cluster;
    } catch (IOException | InterruptedException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The address of the cluster for {@code BlinkRedis}: every node. */
  String address() {
    return "redis-cluster://" + String.join(",", ports.stream().map(port -> "127.0.0.1:" + port).toList());
  }

  /** Waits until the node on {@code port} answers the inline {@code command} with text holding {@code expected}. */
  private void awaitAnswer(int port, String command, String expected) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_MILLIS);
    String last = "";
    while (System.nanoTime() - deadline < 0) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        byte[] reply = new byte[4096];
        int read = socket.getInputStream().read(reply);
        last = read < 0 ? "" : new String(reply, 0, read, StandardCharsets.US_ASCII);
        if (last.contains(expected)) {
          return;
        }
      } catch (IOException notYet) {
        last = notYet.toString();
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    throw new IOException("node 127.0.0.1:" + port + " did not answer " + command + " with " + expected + ": " + last);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Stops every node (SIGTERM, then SIGKILL) and deletes the cluster's files. */
  @Override
  public void close() throws IOException, InterruptedException {
    for (Process server : servers) {
      server.destroy();
      if (!server.waitFor(10, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    try (var files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
