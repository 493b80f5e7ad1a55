package io.blinkstore.redis;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.NodeSelectionAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A Redis or Valkey Cluster. Lettuce routes each key's command to the primary of its hash slot, follows
 * {@code MOVED} and {@code ASK}, and keeps the slot map fresh ({@link Connector}); the whole-store operations go to
 * the primaries that serve slots as that map shows them when the operation starts.
 */
final class ClusterNodes implements Nodes {
  private final RedisClusterClient client;
  private final ClientResources resources;
  private final StatefulRedisClusterConnection<String, byte[]> connection;
  private final RedisAdvancedClusterAsyncCommands<String, byte[]> commands;

  ClusterNodes(RedisClusterClient client, ClientResources resources,
      StatefulRedisClusterConnection<String, byte[]> connection) {
    this.client = client;
    this.resources = resources;
    this.connection = connection;
    this.commands = connection.async();
  }

  @Override
  public RedisClusterAsyncCommands<String, byte[]> commands() {
    return commands;
  }

  @Override
  public CompletionStage<List<String>> info(String section) {
    return primaries().info(section);
  }

  @Override
  public CompletionStage<List<Long>> dbSize() {
    return primaries().dbsize();
  }

  @Override
  public CompletionStage<List<String>> flush() {
    return primaries().flushdb();
  }

  /**
   * The primaries that serve at least one slot, as the slot map shows them now. A primary that has lost its
   * slots to a replica in a failover stays in the map, marked failed, until it comes back as a replica: it holds
   * no data, and is left out.
   */
  private NodeSelectionAsyncCommands<String, byte[]> primaries() {
    return commands.nodes(node -> node.is(RedisClusterNode.NodeFlag.UPSTREAM) && !node.getSlots().isEmpty())
        .commands();
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
    resources.shutdown();
  }
}
