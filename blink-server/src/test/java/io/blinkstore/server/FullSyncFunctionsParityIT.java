package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.blinkstore.BlinkStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Function libraries in a full sync (issue 23), as Redis 7.0 carries them ({@code rdbSaveFunctions},
 * {@code FUNCTION2} records; a replica's {@code emptyData} drops its own libraries, {@code rdbFunctionLoad} loads
 * the primary's): three replicas that each loaded a library of their own first, a {@code redis-server} following a
 * {@code redis-server} (the reference), our server following the same {@code redis-server}, and a
 * {@code redis-server} following our server (whose primary loaded the same library), answer {@code FUNCTION LIST},
 * {@code FUNCTION STATS}, {@code FCALL_RO} of the primary's function and of their own, byte for byte alike, in RESP2
 * and RESP3, after the full sync and again after the primary loads a second library (the stream). One library per
 * {@code FUNCTION LIST} and one function per library: Redis lists both in its hash tables' order, which differs
 * from one process to another (a random hash seed each). Skipped where {@code redis-server} is not installed. The
 * links are polled until up within the test's timeout, never timed.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FullSyncFunctionsParityIT {
  private static final String SYNCED = "#!lua name=synced\n"
      + "redis.register_function{function_name='r', callback=function(keys, args) return 'from-primary' end,\n"
      + "  flags={'no-writes'}, description='reads'}\n";
  private static final String OWN = "#!lua name=own\n"
      + "redis.register_function('mine', function(keys, args) return 'replica' end)\n";
  private static final String LATER = "#!lua name=later\n"
      + "redis.register_function{function_name='l', callback=function() return 2 end, flags={'no-writes'}}\n";
  private static final List<List<String>> REQUESTS = List.of(
      List.of("FUNCTION", "LIST", "LIBRARYNAME", "synced"),
      List.of("FUNCTION", "LIST", "LIBRARYNAME", "later"),
      List.of("FUNCTION", "LIST", "LIBRARYNAME", "own"),
      List.of("FUNCTION", "STATS"),
      List.of("FCALL_RO", "r", "0"),
      List.of("FCALL_RO", "mine", "0"),
      List.of("FCALL_RO", "l", "0"),
      List.of("GET", "a"));

  @TempDir Path dir;

  @Test
  void replicasOfEitherPrimaryEndWithThePrimarysLibrariesAsRedisReplicasDo() throws Exception {
    assumeTrue(RedisServerProcess.installed(), "redis-server is not installed");
    try (RedisServerProcess redisPrimary = redis("primary");
        RedisServerProcess reference = redis("reference");
        RedisServerProcess redisOfOurs = redis("of-ours");
        BlinkStore primaryStore = BlinkStore.builder().build();
        BlinkServer ourPrimary = TestServers.onLoopback(primaryStore);
        BlinkStore replicaStore = BlinkStore.builder().build();
        BlinkServer ourReplica = TestServers.onLoopback(replicaStore);
        LineClient theirPrimary = LineClient.tcp(redisPrimary.address());
        LineClient ours = LineClient.tcp(Objects.requireNonNull(ourPrimary.tcpAddress()));
        LineClient referenceClient = LineClient.tcp(reference.address());
        LineClient oursOfTheirs = LineClient.tcp(Objects.requireNonNull(ourReplica.tcpAddress()));
        LineClient theirsOfOurs = LineClient.tcp(redisOfOurs.address())) {
      for (LineClient primary : List.of(theirPrimary, ours)) {
        assertEquals("$6\r\nsynced\r\n", ReplicaIT.call(primary, "FUNCTION", "LOAD", SYNCED));
        assertEquals("+OK\r\n", ReplicaIT.call(primary, "SET", "a", "1"));
      }
      List<LineClient> replicas = List.of(referenceClient, oursOfTheirs, theirsOfOurs);
      for (LineClient replica : replicas) {
        assertEquals("$3\r\nown\r\n", ReplicaIT.call(replica, "FUNCTION", "LOAD", OWN));
      }
      follow(referenceClient, redisPrimary.address().getPort());
      follow(oursOfTheirs, redisPrimary.address().getPort());
      follow(theirsOfOurs, Objects.requireNonNull(ourPrimary.tcpAddress()).getPort());
      assertRepliesAlike(replicas);
      assertEquals("$5\r\nlater\r\n", ReplicaIT.call(theirPrimary, "FUNCTION", "LOAD", LATER));
      assertEquals(":2\r\n", ReplicaIT.call(theirPrimary, "WAIT", "2", "0"), "both its replicas have it");
      assertEquals("$5\r\nlater\r\n", ReplicaIT.call(ours, "FUNCTION", "LOAD", LATER));
      assertEquals(":1\r\n", ReplicaIT.call(ours, "WAIT", "1", "0"));
      assertRepliesAlike(replicas);
      for (LineClient replica : replicas) {
        ReplicaIT.call(replica, "HELLO", "3"); // its reply names the server: not compared
      }
      assertRepliesAlike(replicas);
    }
  }

  private RedisServerProcess redis(String name) throws Exception {
    return RedisServerProcess.start(Files.createDirectory(dir.resolve(name)), "--repl-diskless-sync-delay", "0");
  }

  private static void follow(LineClient replica, int port) throws Exception {
    assertEquals("+OK\r\n", ReplicaIT.call(replica, "REPLICAOF", "127.0.0.1", Integer.toString(port)));
    ReplicaIT.awaitInfo(replica, "master_link_status:up");
  }

  /** Each request's reply from every replica is the reference's (the first's). */
  private static void assertRepliesAlike(List<LineClient> replicas) throws Exception {
    for (List<String> request : REQUESTS) {
      String[] args = request.toArray(String[]::new);
      String expected = ReplicaIT.call(replicas.get(0), args);
      for (int i = 1; i < replicas.size(); i++) {
        assertEquals(expected, ReplicaIT.call(replicas.get(i), args), "replica " + i + ": " + request);
      }
    }
  }
}
