package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica in a JVM sized as the launcher sizes one for a 64 MiB memory limit (92 MiB of heap, G1, an exit on
 * OutOfMemoryError), whose primary, a real {@code redis-server}, holds a dataset within that limit that the heap
 * cannot hold twice: 50,000 values of 1,000 bytes, an RDB of about 51 MB sent uncompressed (REV3's finding: an RDB
 * of 34 MB ended such a replica in an OutOfMemoryError, its bytes held three or four times in the heap). The sync is
 * refused in one log line, the server answers all along ({@code -LOADING} while it reads the file, as Redis), and
 * once the primary's dataset is small the link, which tries again every second, comes up with it. The conditions are
 * polled within the test's timeout, never timed.
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReplicaHeapIT {
  /** {@code bin/blink-store}'s options for a 64 MiB limit, as its sizing computes them. */
  private static final List<String> LAUNCHER_64MB = List.of("-Xmx92m", "-Xms32m", "-XX:+UseG1GC", "-Xmn8m",
      "-XX:G1HeapRegionSize=2m", "-Xss512k", "-XX:MaxDirectMemorySize=16m", "-XX:+ExitOnOutOfMemoryError",
      "-XX:-UsePerfData", "-Dio.netty.jfr.enabled=false", "-Dblink.jvm.sized=true");
  private static final String REFUSED = "does not fit in this server's heap";

  @TempDir Path dir;

  @Test
  void aDatasetTheHeapCannotHoldIsRefusedInOneLineAndTheLinkTriesAgain() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    try (RedisServerProcess redis = RedisServerProcess.start(dir, "--enable-debug-command", "yes",
            "--rdbcompression", "no", "--repl-diskless-sync-delay", "0");
        ServerProcess replica = ServerProcess.start(dir, LAUNCHER_64MB, 0, "serve", "--tcp", "127.0.0.1:0",
            "--memory-limit", "64MB");
        LineClient primary = LineClient.tcp(redis.address());
        LineClient client = LineClient.tcp(replica.address())) {
      assertEquals("+OK\r\n", ReplicaIT.call(primary, "DEBUG", "POPULATE", "50000", "key", "1000"));
      assertEquals("+OK\r\n", ReplicaIT.call(client, "REPLICAOF", "127.0.0.1",
          Integer.toString(redis.address().getPort())));
      while (!replica.log().contains(REFUSED)) {
        assertTrue(replica.isAlive(), "the replica ended:\n" + replica.log());
        String pong = ReplicaIT.call(client, "PING");
        assertTrue(pong.equals("+PONG\r\n") || pong.startsWith("-LOADING"), pong); // Redis's PING gets LOADING too
        Thread.sleep(100);
      }
      assertTrue(ReplicaIT.info(client).contains("master_link_status:down\r\n"));
      assertEquals("+OK\r\n", ReplicaIT.call(primary, "FLUSHALL"));
      assertEquals("+OK\r\n", ReplicaIT.call(primary, "SET", "small", "dataset"));
      ReplicaIT.awaitInfo(client, "master_link_status:up");
      assertEquals("$7\r\ndataset\r\n", ReplicaIT.call(client, "GET", "small"));
      assertEquals(":1\r\n", ReplicaIT.call(client, "DBSIZE"));
      String log = replica.log();
      assertEquals(1, log.split(REFUSED, -1).length - 1, "one line for the refusals of one primary:\n" + log);
      assertFalse(log.contains("OutOfMemoryError"), log);
    }
  }
}
