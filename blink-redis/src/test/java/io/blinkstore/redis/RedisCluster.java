package io.blinkstore.redis;

import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real Redis Cluster for the tests: {@code redis-server} processes with {@code --cluster-enabled yes} on free
 * loopback ports (a free bus port each, {@code --cluster-port}), joined by {@code redis-cli --cluster create}
 * with one replica per primary, with a node timeout of {@link #NODE_TIMEOUT_MILLIS} so that a failover takes
 * seconds. Every node requires {@link TestRedis#ADMIN_PASSWORD} and has the ACL user the stores log in as.
 */
final class RedisCluster implements AutoCloseable {
  /** {@code cluster-node-timeout}: how long a primary may be unreachable before its replica takes over. */
  static final int NODE_TIMEOUT_MILLIS = 2000;
  private static final long READY_TIMEOUT_MILLIS = 60_000;

  private final List<RedisProcess> nodes;

  private RedisCluster(List<RedisProcess> nodes) {
    this.nodes = nodes;
  }

  /** Starts {@code primaries} primaries, each with one replica, and waits until the cluster is whole. */
  static RedisCluster start(Path dir, int primaries) throws Exception {
    RedisProcess.assumeInstalled();
    List<RedisProcess> nodes = new ArrayList<>();
    RedisCluster cluster = new RedisCluster(nodes);
    try {
      for (int i = 0; i < primaries * 2; i++) {
        int port = RedisProcess.freePort();
        nodes.add(TestRedis.startWithAclUser(dir.resolve("node-" + port), port, "--cluster-enabled", "yes",
            "--cluster-node-timeout", Integer.toString(NODE_TIMEOUT_MILLIS), "--cluster-port",
            Integer.toString(RedisProcess.freePort()), "--cluster-config-file", "nodes.conf",
            "--masterauth", TestRedis.ADMIN_PASSWORD));
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--no-auth-warning", "-a", TestRedis.ADMIN_PASSWORD,
          "--cluster", "create"));
      nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
      create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      Tools.run(dir, create);
      cluster.awaitWhole(primaries);
      return cluster;
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** The seed address a store connects to: two of the nodes (the rest are discovered). */
  String address(String scheme) {
    return scheme + "://" + TestRedis.ACL_USER + ":" + TestRedis.ACL_PASSWORD + "@127.0.0.1:" + nodes.get(0).port()
        + ",127.0.0.1:" + nodes.get(1).port();
  }

  /** Every node started, live or killed. */
  List<RedisProcess> nodes() {
    return nodes;
  }

  /** The live nodes that are primaries serving slots, as a live node's {@code CLUSTER NODES} shows them now. */
  List<RedisProcess> primaries() throws IOException {
    return select(line -> line.flags().contains("master") && !line.flags().contains("fail") && line.hasSlots());
  }

  private RedisProcess anyLive() {
    return nodes.stream().filter(RedisProcess::isAlive).findFirst().orElseThrow();
  }

  /** The primary that serves {@code key}'s slot now. */
  RedisProcess primaryOf(String key) throws IOException {
    int slot = Integer.parseInt(anyLive().command("CLUSTER", "KEYSLOT", key));
    return select(line -> line.flags().contains("master") && !line.flags().contains("fail") && line.serves(slot))
        .get(0);
  }

  /** Tells, for any key, whether {@code primary} serves its slot now (a key's slot as Lettuce computes it). */
  Predicate<String> servedBy(RedisProcess primary) throws IOException {
    String id = idOf(primary);
    ClusterNodesLine line = ClusterNodesLine.parse(primary.command("CLUSTER", "NODES")).stream()
        .filter(node -> node.id().equals(id)).findFirst().orElseThrow();
    return key -> line.serves(SlotHash.getSlot(key));
  }

  /** The replica of {@code primary}. */
  RedisProcess replicaOf(RedisProcess primary) throws IOException {
    String id = primary.command("CLUSTER", "MYID");
    return select(line -> line.flags().contains("slave") && line.primaryId().equals(id)).get(0);
  }

  /**
   * Moves {@code slots} hash slots, and their keys, from primary {@code from} to primary {@code to} with
   * {@code redis-cli --cluster reshard}, and returns its output once it has finished.
   */
  String reshard(Path dir, RedisProcess from, RedisProcess to, int slots) throws IOException, InterruptedException {
    awaitAgreement();
    return Tools.run(dir, List.of("redis-cli", "--no-auth-warning", "-a", TestRedis.ADMIN_PASSWORD, "--cluster",
        "reshard", "127.0.0.1:" + from.port(), "--cluster-from", idOf(from), "--cluster-to", idOf(to),
        "--cluster-slots", Integer.toString(slots), "--cluster-yes"));
  }

  /** The node id of {@code node}. */
  static String idOf(RedisProcess node) throws IOException {
    return node.command("CLUSTER", "MYID");
  }

  private List<RedisProcess> select(Predicate<ClusterNodesLine> wanted) throws IOException {
    List<RedisProcess> selected = new ArrayList<>();
    for (ClusterNodesLine line : ClusterNodesLine.parse(anyLive().command("CLUSTER", "NODES"))) {
      if (wanted.test(line)) {
        nodes.stream().filter(node -> node.port() == line.port() && node.isAlive()).forEach(selected::add);
      }
    }
    return selected;
  }

  /** Empties every primary and zeroes every live node's counters, as the contract wants each new store to find it. */
  void emptyWithZeroedCounters() {
    try {
      for (RedisProcess primary : primaries()) {
        TestRedis.expect("OK", primary.command("FLUSHALL"));
      }
      for (RedisProcess node : nodes) {
        if (node.isAlive()) {
          TestRedis.expect("OK", node.command("CONFIG", "RESETSTAT"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Waits until every live node says the cluster is {@code ok}, knows the same {@code primaries} primaries with
   * every slot, sees every node in its role (gossip spreads a replica's role some time after the replica itself
   * has synced), and every replica is in sync with its primary.
   */
  void awaitWhole(int primaries) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
    String state = "";
    while (System.nanoTime() - deadline < 0) {
      state = whyNotWhole(primaries);
      if (state == null) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    throw new IllegalStateException("the cluster did not become whole within " + READY_TIMEOUT_MILLIS + " ms: "
        + state);
  }

  private String whyNotWhole(int primaries) throws IOException {
    for (RedisProcess node : nodes) {
      if (!node.isAlive()) {
        continue;
      }
      String text = node.command("CLUSTER", "INFO");
      Map<String, Long> info = InfoFields.parse(text);
      if (!text.contains("cluster_state:ok") || info.getOrDefault("cluster_slots_ok", 0L) != 16384
          || info.getOrDefault("cluster_size", 0L) != primaries) {
        return node.port() + ": " + text.lines().limit(7).toList();
      }
      String replication = node.command("INFO", "replication");
      if (replication.contains("role:slave") && !replication.contains("master_link_status:up")) {
        return node.port() + " is a replica not yet in sync";
      }
      List<ClusterNodesLine> view = ClusterNodesLine.parse(node.command("CLUSTER", "NODES"));
      long replicas = view.stream().filter(line -> line.flags().contains("slave") && !line.primaryId().equals("-"))
          .count();
      if (view.size() != nodes.size() || replicas != nodes.size() - primaries) {
        return node.port() + " does not see every node in its role yet: " + view;
      }
    }
    return null;
  }

  /**
   * Waits until every live node shows the same primaries with the same slots, as {@code redis-cli --cluster
   * reshard} requires ("Nodes don't agree about configuration" otherwise, as right after another resharding).
   */
  private void awaitAgreement() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MILLIS);
    while (true) {
      Set<List<String>> views = new HashSet<>();
      for (RedisProcess node : nodes) {
        if (node.isAlive()) {
          views.add(ClusterNodesLine.parse(node.command("CLUSTER", "NODES")).stream()
              .filter(line -> line.flags().contains("master"))
              .map(line -> line.id() + " " + line.slots()).sorted().toList());
        }
      }
      if (views.size() == 1) {
        return;
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("the nodes did not agree on the slots within " + READY_TIMEOUT_MILLIS
            + " ms: " + views);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  /** Stops every node. */
  @Override
  public void close() throws InterruptedException {
    for (RedisProcess node : nodes) {
      node.close();
    }
  }

  /** One line of {@code CLUSTER NODES}: {@code id host:port@bus flags primary ping pong epoch link slots...}. */
  record ClusterNodesLine(String id, int port, String flags, String primaryId, List<String> slots) {
    static List<ClusterNodesLine> parse(String text) {
      List<ClusterNodesLine> lines = new ArrayList<>();
      for (String line : text.split("\n")) {
        String[] fields = line.trim().split(" ");
        if (fields.length < 8) {
          continue;
        }
        String hostPort = fields[1].substring(0, fields[1].indexOf('@'));
        int port = Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1));
        lines.add(new ClusterNodesLine(fields[0], port, fields[2], fields[3],
            List.of(fields).subList(8, fields.length)));
      }
      return lines;
    }

    boolean hasSlots() {
      return slots.stream().anyMatch(slot -> !slot.startsWith("["));
    }

    boolean serves(int slot) {
      for (String range : slots) {
        if (range.startsWith("[")) {
          continue;
        }
        int dash = range.indexOf('-');
        int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
        int last = Integer.parseInt(dash < 0 ? range : range.substring(dash + 1));
        if (slot >= first && slot <= last) {
          return true;
        }
      }
      return false;
    }
  }
}
