package io.blinkstore.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication commands a client (not a replica) sends, against a real {@code redis-server} primary with no
 * replica (started here on a Unix socket), byte for byte in RESP2 and RESP3: {@code REPLCONF}'s options and errors,
 * {@code REPLICAOF NO ONE}, {@code SYNC} and {@code PSYNC} refused inside {@code MULTI} (the {@code EXEC} aborted),
 * {@code WAIT} with no replica, {@code CONFIG SET repl-ping-replica-period}, and {@code COMMAND INFO} and
 * {@code DOCS} of the replication commands. {@code ROLE} is not compared (the offset
 * differs), nor {@code SYNC} itself (the stream: {@code ReplicationIT}), nor {@code REPLCONF ACK} and
 * {@code GETACK}, which both answer nothing.
 */
@Timeout(60)
class ReplicationParityIT {
  private static final List<List<String>> REQUESTS = List.of(
      List.of("REPLCONF", "listening-port", "6380"),
      List.of("REPLCONF", "capa", "eof", "capa", "psync2"),
      List.of("REPLCONF", "ip-address", "10.0.0.1"),
      List.of("REPLCONF", "listening-port"),
      List.of("REPLCONF", "nonsense", "1"),
      List.of("REPLCONF", "listening-port", "x"),
      List.of("REPLCONF"),
      List.of("PING"),
      List.of("REPLICAOF", "NO", "ONE"),
      List.of("SLAVEOF", "no", "one"),
      List.of("REPLICAOF", "NO"),
      List.of("MULTI"),
      List.of("SYNC"),
      List.of("PSYNC", "?", "-1"),
      List.of("SET", "k", "v"),
      List.of("EXEC"),
      List.of("SYNC", "extra"),
      List.of("PSYNC", "?"),
      List.of("WAIT", "0", "0"),
      List.of("MULTI"),
      List.of("WAIT", "1", "0"),
      List.of("EXEC"),
      List.of("CONFIG", "SET", "repl-ping-replica-period", "3600"),
      List.of("CONFIG", "GET", "repl-ping-replica-period"),
      List.of("CONFIG", "SET", "repl-ping-replica-period", "0"),
      List.of("CONFIG", "SET", "repl-ping-replica-period", "10"),
      List.of("EVAL", "return redis.call('sync')", "0"),
      List.of("COMMAND", "INFO", "sync", "psync", "replconf", "role", "replicaof", "slaveof", "wait"),
      List.of("COMMAND", "DOCS", "role", "psync"));

  @TempDir Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void replicationCommandsAndTheirErrorsMatchRedisByteForByte() throws Exception {
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), REQUESTS);
  }

  /**
   * A {@code PSYNC} whose offset is not a number, or a {@code FAILOVER} one: Redis's errors, no full sync. Each alone on
   * a fresh connection: pipelined after other requests, Redis may answer {@code SYNC and PSYNC are invalid with
   * pending output} first, depending on whether it wrote their replies yet.
   */
  @Test
  void aPsyncWithABadOffsetOrFailoverGetsRedissErrors() throws Exception {
    List<List<String>> requests = List.of(List.of("PSYNC", "?", "not-an-offset"),
        List.of("PSYNC", "?", "-1", "FAILOVER"), List.of("PSYNC", "?", "99999999999999999999"),
        List.of("PSYNC", "x", "-1", "failover", "more"));
    for (int i = 0; i < requests.size(); i++) {
      PipelinedParity.assertRepliesMatch(Files.createDirectory(dir.resolve("server" + i)),
          redis.socket(), List.of(requests.get(i)));
    }
  }

  @Test
  void replicationCommandsInRespThreeMatchRedisByteForByte() throws Exception {
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("HELLO", "3"));
    requests.addAll(REQUESTS);
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), requests);
  }
}
