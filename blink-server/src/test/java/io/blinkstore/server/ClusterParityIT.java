package io.blinkstore.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CONFIG REWRITE} and {@code CLUSTER}, sent to our server and to a real {@code redis-server} started without
 * a config file and with {@code cluster-enabled no} (on a Unix socket), byte for byte in RESP2 and RESP3: the
 * errors, every subcommand's arity and unknown subcommands, and their {@code COMMAND INFO} and {@code DOCS} (and
 * {@code COMMAND LIST} patterns that match one name each: Redis lists several in its hash table's order, random per
 * process).
 * Skipped where {@code redis-server} is not installed.
 */
@Timeout(60)
class ClusterParityIT {
  private static final List<List<String>> REQUESTS = List.of(
      List.of("CONFIG", "REWRITE"),
      List.of("CONFIG", "REWRITE", "x"),
      List.of("CLUSTER"),
      List.of("CLUSTER", "HELP"),
      List.of("CLUSTER", "help", "x"),
      List.of("CLUSTER", "INFO"),
      List.of("CLUSTER", "NODES"),
      List.of("CLUSTER", "SLOTS"),
      List.of("CLUSTER", "SHARDS"),
      List.of("CLUSTER", "MYID"),
      List.of("CLUSTER", "KEYSLOT", "foo"),
      List.of("CLUSTER", "KEYSLOT"),
      List.of("CLUSTER", "COUNTKEYSINSLOT", "1"),
      List.of("CLUSTER", "GETKEYSINSLOT", "1", "10"),
      List.of("CLUSTER", "ADDSLOTS", "1", "2"),
      List.of("CLUSTER", "ADDSLOTS"),
      List.of("CLUSTER", "ADDSLOTSRANGE", "1", "2"),
      List.of("CLUSTER", "DELSLOTS", "1"),
      List.of("CLUSTER", "DELSLOTSRANGE", "1", "2"),
      List.of("CLUSTER", "MEET", "127.0.0.1", "7000"),
      List.of("CLUSTER", "SETSLOT", "1", "STABLE"),
      List.of("CLUSTER", "BUMPEPOCH"),
      List.of("CLUSTER", "FLUSHSLOTS"),
      List.of("CLUSTER", "SAVECONFIG"),
      List.of("CLUSTER", "FORGET", "x"),
      List.of("CLUSTER", "REPLICATE", "x"),
      List.of("CLUSTER", "SET-CONFIG-EPOCH", "1"),
      List.of("CLUSTER", "FAILOVER", "FORCE"),
      List.of("CLUSTER", "COUNT-FAILURE-REPORTS", "x"),
      List.of("CLUSTER", "REPLICAS", "x"),
      List.of("CLUSTER", "SLAVES", "x"),
      List.of("CLUSTER", "LINKS"),
      List.of("CLUSTER", "RESET", "HARD"),
      List.of("CLUSTER", "NOPE"),
      List.of("COMMAND", "INFO", "config|rewrite", "cluster|help", "cluster|info", "cluster|addslots",
          "cluster|reset", "cluster|getkeysinslot", "cluster|count-failure-reports", "cluster|setslot"),
      List.of("COMMAND", "DOCS", "config|rewrite", "cluster|help", "cluster|setslot", "cluster|failover"),
      List.of("COMMAND", "LIST", "FILTERBY", "PATTERN", "cluster|h*"),
      List.of("COMMAND", "LIST", "FILTERBY", "PATTERN", "config|rew*"),
      List.of("ASKING"),
      List.of("ASKING", "x"),
      List.of("READONLY"),
      List.of("readonly", "x"),
      List.of("READWRITE"),
      List.of("CONFIG", "HELP"),
      List.of("CONFIG", "HELP", "x"),
      List.of("COMMAND", "HELP"),
      List.of("command", "help", "x"),
      List.of("COMMAND", "INFO", "asking", "readonly", "readwrite", "config|help", "command|help"),
      List.of("COMMAND", "DOCS", "asking", "readonly", "config|help", "command|help"));

  @TempDir Path dir;
  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  @Test
  void configRewriteAndClusterMatchRedisByteForByte() throws Exception {
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), REQUESTS);
  }

  @Test
  void configRewriteAndClusterInRespThreeMatchRedisByteForByte() throws Exception {
    List<List<String>> requests = new ArrayList<>();
    requests.add(List.of("HELLO", "3"));
    requests.addAll(REQUESTS);
    PipelinedParity.assertRepliesMatch(dir, redis.socket(), requests);
  }
}
