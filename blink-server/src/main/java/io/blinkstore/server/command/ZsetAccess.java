package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.SortedSets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * What the sorted-set commands share: the store's {@link SortedSets} ({@code null} for a store without them, every
 * command then answering {@link #NO_ZSETS}), the fill leases a write ends, the entry size limits a write is held
 * to, and the connection's output cap.
 *
 * @param store the store the commands delete through (it ends fill leases and marks watchers)
 * @param zsets the store's sorted sets, or {@code null}
 * @param leases the server's fill leases, each write ending its key's
 * @param sizeLimits the entry size limits (a member is held to them as a value)
 * @param maxReplyBytes the output cap: a reply that would pass it is refused before it is built
 */
record ZsetAccess(BlinkStore store, @Nullable SortedSets zsets, Leases leases, EntrySizeLimits sizeLimits,
    long maxReplyBytes) {
  static final Result.Error NO_ZSETS = Result.error("this store cannot hold sorted sets");

  /** The store key of a write's key, its fill lease ended and its size checked. */
  String writeKey(ClientState client, byte[] key) {
    String storeKey = client.key(key);
    sizeLimits.checkKey(storeKey);
    leases.invalidate(storeKey);
    return storeKey;
  }

  /**
   * Replaces whatever {@code destination} holds with a sorted set of the first {@code count} of {@code members} and
   * their {@code scores} (none: the key is deleted), as Redis's {@code setKey} does for {@code ZRANGESTORE},
   * {@code ZUNIONSTORE} and the others: no time to live is kept. Run with the store's gate held exclusive, so no
   * other client sees the key between the delete and the write. Returns {@code count}. Redis's events: {@code event}
   * (the command's), or {@code del} if it stored nothing and deleted a value.
   */
  long replace(SortedSets zsets, ClientState client, byte[] destination, List<byte[]> members, double[] scores,
      int count, String event) {
    String key = writeKey(client, destination);
    long grow = 0;
    for (int i = 0; i < count; i++) {
      sizeLimits.checkLength(key, members.get(i).length);
      grow += members.get(i).length + 8L;
    }
    boolean deleted = store.delete(key);
    if (count == 0) {
      if (deleted) {
        client.notifyKeyspace(KeyspaceEvents.GENERIC, "del", destination);
      }
      return 0;
    }
    long total = grow;
    long stored = zsets.update(key, true, total, count, set -> {
      for (int i = 0; i < count; i++) {
        set.put(members.get(i), scores[i]);
      }
      return (long) count;
    }, 0L, any -> true);
    client.notifyKeyspace(KeyspaceEvents.ZSET, event, destination);
    return stored;
  }

  /**
   * The array of {@code count} replies, {@code element(i)} each, or the output cap's refusal once they would pass it:
   * each is measured in the connection's protocol as it is made, so a request naming a member a million times
   * ({@code GEOPOS}, {@code GEOHASH}, {@code ZMSCORE}) never holds a reply past the cap.
   */
  Result measured(ClientState client, int count, IntFunction<Result> element) {
    List<Result> reply = new ArrayList<>(count);
    long bytes = 0;
    for (int i = 0; i < count; i++) {
      Result one = element.apply(i);
      bytes += client.replySize().bytes(one);
      if (bytes > maxReplyBytes) {
        return RespKeyCommands.replyTooLarge(bytes, maxReplyBytes);
      }
      reply.add(one);
    }
    return new Result.Array(reply);
  }

  /**
   * Registers Redis 7.0's sorted-set commands and the geo commands on them in {@code commands}, the blocking pops on {@code blocked}, and makes
   * the {@code zset-max-*} settings of {@code config} live (with a store that has sorted sets).
   */
  void register(CommandTable commands, BlockedClients blocked, ServerConfig config) {
    new RespSortedSetCommands(this).register(commands);
    new RespSortedSetRanges(this).register(commands);
    new RespSortedSetPops(this).register(commands);
    new RespSortedSetAlgebra(this).register(commands);
    new RespSortedSetBlocking(this, blocked).register(commands);
    new RespGeoCommands(this).register(commands);
    new RespGeoSearchCommands(this).register(commands);
    if (zsets != null) {
      HashBounds.makeLive(config, zsets);
    }
  }
}
