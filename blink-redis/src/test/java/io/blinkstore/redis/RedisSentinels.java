package io.blinkstore.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Sentinel-managed primary for the tests: a primary and its replica (both with {@link TestRedis#ADMIN_PASSWORD}
 * and the ACL user), and three Sentinels ({@code redis-server --sentinel}, the same binary Debian's
 * {@code redis-sentinel} runs) watching it under the name {@link #PRIMARY_NAME} with a quorum of two, which call
 * it down after {@link #DOWN_AFTER_MILLIS}.
 */
final class RedisSentinels implements AutoCloseable {
  static final String PRIMARY_NAME = "blink-primary";
  static final int DOWN_AFTER_MILLIS = 1000;
  private static final int SENTINELS = 3;

  private final RedisProcess primary;
  private final RedisProcess replica;
  private final List<RedisProcess> sentinels;

  private RedisSentinels(RedisProcess primary, RedisProcess replica, List<RedisProcess> sentinels) {
    this.primary = primary;
    this.replica = replica;
    this.sentinels = sentinels;
  }

  static RedisSentinels start(Path dir) throws Exception {
    RedisProcess primary = null;
    RedisProcess replica = null;
    List<RedisProcess> sentinels = new ArrayList<>();
    try {
      int primaryPort = RedisProcess.freePort();
      primary = TestRedis.startWithAclUser(dir.resolve("primary"), primaryPort, "--masterauth",
          TestRedis.ADMIN_PASSWORD);
      replica = TestRedis.startWithAclUser(dir.resolve("replica"), RedisProcess.freePort(), "--masterauth",
          TestRedis.ADMIN_PASSWORD, "--replicaof", "127.0.0.1", Integer.toString(primaryPort));
      awaitInSync(replica);
      for (int i = 0; i < SENTINELS; i++) {
        sentinels.add(startSentinel(dir.resolve("sentinel-" + i), primaryPort));
      }
      RedisSentinels started = new RedisSentinels(primary, replica, sentinels);
      started.awaitSentinelsSee(2);
      return started;
    } catch (Exception | Error e) {
      for (RedisProcess process : sentinels) {
        process.close();
      }
      if (replica != null) {
        replica.close();
      }
      if (primary != null) {
        primary.close();
      }
      throw e;
    }
  }

  private static RedisProcess startSentinel(Path dir, int primaryPort) throws Exception {
    Files.createDirectories(dir);
    int port = RedisProcess.freePort();
    Path config = dir.resolve("sentinel.conf");
    Files.writeString(config, String.join("\n",
        "port " + port,
        "bind 127.0.0.1",
        "dir " + dir,
        "sentinel monitor " + PRIMARY_NAME + " 127.0.0.1 " + primaryPort + " 2",
        "sentinel auth-pass " + PRIMARY_NAME + " " + TestRedis.ADMIN_PASSWORD,
        "sentinel down-after-milliseconds " + PRIMARY_NAME + " " + DOWN_AFTER_MILLIS,
        "sentinel failover-timeout " + PRIMARY_NAME + " 10000",
        ""));
    return RedisProcess.startWith(dir, port, null, List.of(RedisProcess.BINARY.toString(), config.toString(),
        "--sentinel"));
  }

  private static void awaitInSync(RedisProcess replica) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!replica.command("INFO", "replication").contains("master_link_status:up")) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("the replica did not sync: " + replica.log());
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /** Waits until every Sentinel knows the replica and {@code others - 1} other Sentinels. */
  private void awaitSentinelsSee(int others) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (RedisProcess sentinel : sentinels) {
      while (true) {
        String info = sentinel.command("SENTINEL", "MASTER", PRIMARY_NAME);
        if (field(info, "num-slaves") >= 1 && field(info, "num-other-sentinels") >= others) {
          break;
        }
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("the Sentinels did not find each other: " + info);
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  /** A field of {@code SENTINEL MASTER}'s reply, which alternates names and values one a line. */
  private static long field(String reply, String name) {
    List<String> lines = reply.lines().toList();
    int at = lines.indexOf(name);
    return at < 0 ? -1 : Long.parseLong(lines.get(at + 1));
  }

  /** {@code redis-sentinel://blink:blink-secret@127.0.0.1:s1,...#blink-primary}. */
  String address() {
    List<String> hosts = sentinels.stream().map(sentinel -> "127.0.0.1:" + sentinel.port()).toList();
    return "redis-sentinel://" + TestRedis.ACL_USER + ":" + TestRedis.ACL_PASSWORD + "@" + String.join(",", hosts)
        + "#" + PRIMARY_NAME;
  }

  RedisProcess primary() {
    return primary;
  }

  RedisProcess replica() {
    return replica;
  }

  @Override
  public void close() throws InterruptedException {
    for (RedisProcess sentinel : sentinels) {
      sentinel.close();
    }
    replica.close();
    primary.close();
  }
}
