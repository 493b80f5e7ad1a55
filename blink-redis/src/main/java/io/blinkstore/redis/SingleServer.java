package io.blinkstore.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** One Redis server: standalone, or the primary that the Sentinels name (Lettuce follows it on failover). */
final class SingleServer implements Nodes {
  private final RedisClient client;
  private final ClientResources resources;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final RedisAsyncCommands<String, byte[]> commands;

  SingleServer(RedisClient client, ClientResources resources, StatefulRedisConnection<String, byte[]> connection) {
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
    return commands.info(section).thenApply(List::of);
  }

  @Override
  public CompletionStage<List<Long>> dbSize() {
    return commands.dbsize().thenApply(List::of);
  }

  @Override
  public CompletionStage<List<String>> flush() {
    return commands.flushdb().thenApply(List::of);
  }

  @Override
  public void close() {
    connection.close();
    client.shutdown();
    resources.shutdown();
  }
}
