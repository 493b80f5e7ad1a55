package io.blinkstore.redis;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The Redis servers a {@link BlinkRedis} store is made of, as Lettuce reaches them: one server (standalone, or the
 * primary the Sentinels name), or every primary of a cluster. Commands on one key go through {@link #commands()},
 * which routes them; the whole-store operations ask each primary in turn through the other methods.
 */
interface Nodes extends AutoCloseable {

  /** The commands on one key, sent to the server (or the cluster node) that holds it. */
  RedisClusterAsyncCommands<String, byte[]> commands();

  /** {@code INFO section} of every primary that serves data: their replies, once all have come. */
  CompletionStage<List<String>> info(String section);

  /** {@code DBSIZE} of every primary that serves data. */
  CompletionStage<List<Long>> dbSize();

  /** {@code FLUSHDB} on every primary that serves data. */
  CompletionStage<List<String>> flush();

  /** Closes the connections and the Lettuce client, waiting for both. */
  @Override
  void close();
}
