package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code redis-cli --cluster import} from a Blink Store into a real 3-primary Redis Cluster (Debian's
 * {@code redis-server} and {@code redis-cli --cluster create}): the tool reads our {@code INFO}, {@code DBSIZE} and
 * {@code SCAN}s, and sends us one {@code MIGRATE} per key; afterwards every key, of every type, with its TTL, is
 * readable from the primary that serves its slot, and none is left here.
 */
@Timeout(180)
class ClusterImportIT {
  @TempDir Path dir;

  @Test
  void everyKeyIsReadableFromTheClusterAfterTheImport() throws Exception {
    assumeTrue(RedisServerProcess.installed() && Files.isExecutable(Path.of("/usr/bin/redis-cli")),
        "redis-server and redis-cli are not installed");
    List<RedisServerProcess> nodes = new ArrayList<>();
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO,
        Files.createDirectories(dir.resolve("ours")), 64 << 20)) {
      for (int i = 0; i < 3; i++) {
        nodes.add(RedisServerProcess.start(Files.createDirectories(dir.resolve("node" + i)), "--cluster-enabled",
            "yes", "--cluster-port", Integer.toString(freePort()), "--cluster-config-file", "nodes.conf"));
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      nodes.forEach(node -> create.add("127.0.0.1:" + node.address().getPort()));
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      run(create);
      awaitClusterOk(nodes);

      List<String> keys = new ArrayList<>();
      try (MigrateIT.Conn blink = new MigrateIT.Conn(Objects.requireNonNull(server.tcpAddress()))) {
        for (int i = 0; i < 60; i++) {
          blink.call("SET", "s" + i, "v" + i);
          blink.call("SET", "t" + i, "ttl" + i, "EX", "1000");
          blink.call("HSET", "h" + i, "f", "x" + i);
          blink.call("RPUSH", "l" + i, "a" + i, "b" + i);
          keys.addAll(List.of("s" + i, "t" + i, "h" + i, "l" + i));
        }
        run(List.of("redis-cli", "--cluster", "import", "127.0.0.1:" + nodes.get(0).address().getPort(),
            "--cluster-from", "127.0.0.1:" + server.tcpAddress().getPort()));
        assertEquals(":0\r\n", blink.call("DBSIZE"), "every key moved");
      }
      List<MigrateIT.Conn> cluster = new ArrayList<>();
      try {
        for (RedisServerProcess node : nodes) {
          cluster.add(new MigrateIT.Conn(node.address()));
        }
        for (String key : keys) {
          MigrateIT.Conn owner = ownerOf(cluster, key);
          String expected = switch (key.charAt(0)) {
            case 's' -> "$" + (key.length()) + "\r\nv" + key.substring(1) + "\r\n";
            case 't' -> "$" + (key.length() + 2) + "\r\nttl" + key.substring(1) + "\r\n";
            case 'h' -> "$" + (key.length()) + "\r\nx" + key.substring(1) + "\r\n";
            default -> "*2\r\n$" + key.length() + "\r\na" + key.substring(1) + "\r\n$" + key.length() + "\r\nb"
                + key.substring(1) + "\r\n";
          };
          String read = switch (key.charAt(0)) {
            case 's', 't' -> owner.call("GET", key);
            case 'h' -> owner.call("HGET", key, "f");
            default -> owner.call("LRANGE", key, "0", "-1");
          };
          assertEquals(expected, read, key);
          String ttl = owner.call("TTL", key);
          assertEquals(key.startsWith("t"), !ttl.equals(":-1\r\n"), key + " " + ttl);
        }
      } finally {
        for (MigrateIT.Conn conn : cluster) {
          conn.close();
        }
      }
    } finally {
      nodes.forEach(RedisServerProcess::close);
    }
  }

  /** The node that holds {@code key}: the others answer {@code -MOVED}. */
  private static MigrateIT.Conn ownerOf(List<MigrateIT.Conn> cluster, String key) throws IOException {
    for (MigrateIT.Conn node : cluster) {
      if (!node.call("TYPE", key).startsWith("-MOVED")) {
        return node;
      }
    }
    throw new AssertionError("no node serves " + key);
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  private void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, process.waitFor(), String.join(" ", command) + "\n" + output);
  }

  /** Waits until every node says the cluster is ok (gossip takes a moment after the create). */
  private static void awaitClusterOk(List<RedisServerProcess> nodes) throws IOException, InterruptedException {
    for (RedisServerProcess node : nodes) {
      try (MigrateIT.Conn conn = new MigrateIT.Conn(node.address())) {
        while (!conn.call("CLUSTER", "INFO").contains("cluster_state:ok")) {
          TimeUnit.MILLISECONDS.sleep(50);
        }
      }
    }
  }
}
