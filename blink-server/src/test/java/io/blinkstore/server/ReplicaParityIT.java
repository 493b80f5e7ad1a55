package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica's refusals and replies (issue 23), byte for byte against a real {@code redis-server} made a replica the
 * same way, RESP2 and RESP3: both follow a primary that is not there ({@code 127.0.0.1:1}, nothing listens), so
 * the link is down on both, whatever the moment. {@code REPLICAOF}'s replies and errors, {@code -READONLY} for a
 * write (alone, queued in {@code MULTI}, and {@code REPLICAOF} run inside {@code EXEC} before a write, as Redis's
 * suite's {@code MULTI / EXEC with REPLICAOF}), {@code replica-read-only no}, {@code -MASTERDOWN} with
 * {@code replica-serve-stale-data no}, {@code -NOREPLICAS} on a primary with {@code min-replicas-to-write}, the
 * replication settings' {@code CONFIG SET}/{@code GET} with their errors, and {@code REPLICAOF NO ONE} keeping the
 * data. The state changes between a {@code MULTI} and its {@code EXEC} made by another connection, which
 * {@code EXEC} re-checks ({@code -EXECABORT ... MASTERDOWN}, {@code NOREPLICAS}), are compared step by step on two
 * connections to each server. {@code ROLE} and {@code INFO} are not compared here: the link's state and the offset
 * are the moment's ({@code ReplicaIT}).
 */
@Timeout(60)
class ReplicaParityIT {
  private static final List<List<String>> REQUESTS = List.of(
      List.of("SET", "k", "v"),
      List.of("REPLICAOF", "127.0.0.1", "1"),
      List.of("REPLICAOF", "127.0.0.1", "1"),
      List.of("SLAVEOF", "127.0.0.1", "1"),
      List.of("REPLICAOF", "127.0.0.1", "x"),
      List.of("REPLICAOF", "127.0.0.1", "65536"),
      List.of("REPLICAOF", "127.0.0.1", "-1"),
      List.of("REPLICAOF", "127.0.0.1"),
      List.of("SET", "k", "v2"),
      List.of("GET", "k"),
      List.of("INCR", "n"),
      List.of("DEL", "k"),
      List.of("MULTI"),
      List.of("SET", "a", "1"),
      List.of("GET", "k"),
      List.of("EXEC"),
      List.of("MULTI"),
      List.of("GET", "k"),
      List.of("PING"),
      List.of("EXEC"),
      List.of("EVAL", "return redis.call('replicaof', 'no', 'one')", "0"),
      List.of("CONFIG", "GET", "replicaof"),
      List.of("CONFIG", "GET", "slaveof"),
      List.of("CONFIG", "SET", "replicaof", "no one"),
      List.of("CONFIG", "GET", "replica-read-only"),
      List.of("CONFIG", "SET", "replica-read-only", "no"),
      List.of("SET", "k", "v3"),
      List.of("CONFIG", "GET", "slave-read-only"),
      List.of("CONFIG", "SET", "slave-read-only", "maybe"),
      List.of("CONFIG", "SET", "slave-read-only", "YES"),
      List.of("SET", "k", "v4"),
      List.of("CONFIG", "SET", "replica-serve-stale-data", "no"),
      List.of("GET", "k"),
      List.of("PING"),
      List.of("CONFIG", "GET", "replica-serve-stale-data"),
      List.of("MULTI"),
      List.of("GET", "k"),
      List.of("EXEC"),
      List.of("CONFIG", "SET", "slave-serve-stale-data", "yes"),
      List.of("GET", "k"),
      List.of("REPLICAOF", "NO", "ONE"),
      List.of("GET", "k"),
      List.of("SET", "k", "v5"),
      List.of("MULTI"),
      List.of("SET", "b", "1"),
      List.of("REPLICAOF", "127.0.0.1", "1"),
      List.of("SET", "c", "1"),
      List.of("EXEC"),
      List.of("SET", "d", "1"),
      List.of("MGET", "b", "c", "d"),
      List.of("REPLICAOF", "no", "one"),
      List.of("CONFIG", "SET", "min-replicas-to-write", "1"),
      List.of("SET", "k", "v6"),
      List.of("GET", "k"),
      List.of("MULTI"),
      List.of("SET", "k", "v7"),
      List.of("EXEC"),
      List.of("CONFIG", "SET", "min-replicas-max-lag", "0"),
      List.of("SET", "k", "v8"),
      List.of("CONFIG", "SET", "min-slaves-max-lag", "10"),
      List.of("CONFIG", "GET", "min-replicas-max-lag"),
      List.of("CONFIG", "GET", "min-slaves-to-write"),
      List.of("CONFIG", "SET", "min-replicas-to-write", "-1"),
      List.of("CONFIG", "SET", "min-replicas-to-write", "x"),
      List.of("CONFIG", "SET", "min-replicas-to-write", "0"),
      List.of("SET", "k", "v9"),
      List.of("CONFIG", "SET", "repl-backlog-size", "2mb"),
      List.of("CONFIG", "GET", "repl-backlog-size"),
      List.of("CONFIG", "SET", "repl-backlog-size", "0"),
      List.of("CONFIG", "SET", "repl-backlog-size", "lots"),
      List.of("CONFIG", "SET", "repl-backlog-size", "1mb", "repl-timeout", "60"),
      List.of("CONFIG", "SET", "repl-timeout", "0"),
      List.of("CONFIG", "SET", "repl-diskless-load", "swapdb"),
      List.of("CONFIG", "SET", "repl-diskless-load", "sometimes"),
      List.of("CONFIG", "SET", "repl-diskless-load", "disabled"),
      List.of("CONFIG", "SET", "masterauth", ""),
      List.of("CONFIG", "GET", "masteruser"),
      List.of("CONFIG", "GET", "replica-priority"),
      List.of("CONFIG", "GET", "replica-announced"),
      List.of("GET", "k"));

  @TempDir Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void aReplicasRepliesAndRefusalsMatchRedisByteForByte() throws Exception {
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), REQUESTS);
  }

  @Test
  void aReplicasRepliesAndRefusalsInRespThreeMatchRedisByteForByte() throws Exception {
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("HELLO", "3"));
    requests.addAll(REQUESTS);
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), requests);
  }

  @Test
  void execRechecksTheStateAnotherConnectionChangedSinceMultiAsRedisDoes() throws Exception {
    List<ParitySteps.Step> steps = List.of(
        step(0, "SET", "xx", "1"),
        step(0, "CONFIG", "SET", "replica-serve-stale-data", "no"),
        step(0, "MULTI"),
        step(0, "GET", "xx"),
        step(1, "REPLICAOF", "127.0.0.1", "1"),
        step(0, "EXEC"),
        step(1, "REPLICAOF", "NO", "ONE"),
        step(0, "MULTI"),
        step(0, "PING"),
        step(1, "REPLICAOF", "127.0.0.1", "1"),
        step(0, "EXEC"),
        step(0, "MULTI"),
        step(1, "REPLICAOF", "NO", "ONE"),
        step(0, "GET", "xx"),
        step(0, "EXEC"),
        step(0, "MULTI"),
        step(0, "INCR", "xx"),
        step(1, "REPLICAOF", "127.0.0.1", "1"),
        step(0, "EXEC"),
        step(1, "REPLICAOF", "NO", "ONE"),
        step(0, "MULTI"),
        step(0, "INCR", "xx"),
        step(1, "CONFIG", "SET", "min-replicas-to-write", "2"),
        step(0, "EXEC"),
        step(1, "CONFIG", "SET", "min-replicas-to-write", "0"),
        step(0, "MULTI"),
        step(0, "GET", "xx"),
        step(1, "CONFIG", "SET", "min-replicas-to-write", "2"),
        step(0, "EXEC"),
        step(1, "CONFIG", "SET", "min-replicas-to-write", "0"),
        step(0, "GET", "xx"),
        step(0, "CONFIG", "SET", "replica-serve-stale-data", "yes"));
    ParitySteps.assertRepliesMatch(dir, redis.socket(), steps, 2, false);
    ParitySteps.assertRepliesMatch(dir, redis.socket(), steps, 2, true);
  }

  private static ParitySteps.Step step(int connection, String... request) {
    return ParitySteps.Step.one(connection, 2, request);
  }
}
