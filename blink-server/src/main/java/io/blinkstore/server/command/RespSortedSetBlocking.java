package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.BLOCKING;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.MOVABLEKEYS;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.WrongTypeException;
import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.SortedSets;
import io.blinkstore.internal.SortedSets.Members;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Redis 7.0's blocking sorted-set pops, {@code BZPOPMIN}, {@code BZPOPMAX} and {@code BZMPOP}, on the blocking
 * machinery the list pops use ({@link BlockedClients}): each first pops as its non-blocking form does from the first
 * of its keys that has a sorted set; if none has, its client waits until a write gives one of them members (the
 * store's write hook signals every typed write), its timeout passes (a null array), {@code CLIENT UNBLOCK} ends it,
 * or the connection closes. Inside {@code MULTI}, or for a connection that cannot wait, it answers at once as at
 * its timeout.
 */
final class RespSortedSetBlocking {
  private final ZsetAccess access;
  private final BlockedClients blocked;

  RespSortedSetBlocking(ZsetAccess access, BlockedClients blocked) {
    this.access = access;
    this.blocked = blocked;
  }

  void register(CommandTable commands) {
    Keys allButTimeout = new Keys(1, -2, 1);
    commands.add("bzpopmin", -3, allButTimeout, (c, a) -> pop(c, a, false), WRITE, NOSCRIPT, FAST, BLOCKING);
    commands.add("bzpopmax", -3, allButTimeout, (c, a) -> pop(c, a, true), WRITE, NOSCRIPT, FAST, BLOCKING);
    commands.add("bzmpop", -5, Keys.NONE, this::bzmpop, WRITE, BLOCKING, MOVABLEKEYS);
  }

  /** {@code BZPOPMIN key ... timeout}: {@code [key, member, score]} from the first key with members. */
  private Result pop(ClientState client, byte[][] args, boolean max) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    Object timeout = RespBlockingCommands.timeoutMillis(args[args.length - 1]);
    if (timeout instanceof Result.Error error) {
      return error;
    }
    Map<String, byte[]> keys = new LinkedHashMap<>();
    for (int i = 1; i < args.length - 1; i++) {
      keys.putIfAbsent(client.key(args[i]), args[i]);
    }
    BlockedRequest.Attempt attempt = key -> {
      if (!hasMembers(zsets, key)) {
        return null;
      }
      SortedSetReplies popped;
      try {
        popped = RespSortedSetPops.pop(zsets, key, max, 1, access.maxReplyBytes());
      } catch (ListReplies.TooLarge e) {
        return RespSortedSetCommands.tooLarge(e, access.maxReplyBytes());
      }
      RespSortedSetPops.notifyPop(client, zsets, argument(keys, key), key, max, popped.size());
      return popped.size() == 0 ? null : new Result.Array(List.of(new Result.Bulk(argument(keys, key)),
          new Result.Bulk(popped.members().get(0)), new Result.Double(popped.score(0))));
    };
    return firstOrBlock(zsets, client, new ArrayList<>(keys.keySet()), attempt, (long) timeout);
  }

  /** {@code BZMPOP timeout numkeys key ... MIN|MAX [COUNT count]}: {@code [key, [[member, score] ...]]}. */
  private Result bzmpop(ClientState client, byte[][] args) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    Object parsed = RespSortedSetPops.MultiPop.parse(args, 2);
    if (parsed instanceof Result.Error error) {
      return error;
    }
    Object timeout = RespBlockingCommands.timeoutMillis(args[1]);
    if (timeout instanceof Result.Error error) {
      return error;
    }
    RespSortedSetPops.MultiPop pop = (RespSortedSetPops.MultiPop) parsed;
    Map<String, byte[]> keys = new LinkedHashMap<>();
    pop.keys().forEach(key -> keys.putIfAbsent(client.key(key), key));
    BlockedRequest.Attempt attempt = key -> hasMembers(zsets, key)
        ? pop.attempt(client, zsets, key, argument(keys, key), access.maxReplyBytes()) : null;
    return firstOrBlock(zsets, client, new ArrayList<>(keys.keySet()), attempt, (long) timeout);
  }

  /**
   * Whether {@code key} holds a sorted set (which has members): a key of another type serves nobody and keeps its
   * clients blocked, as in Redis, where the command's own first look answers {@code WRONGTYPE}.
   */
  private static boolean hasMembers(SortedSets zsets, String key) {
    try {
      return zsets.read(key, Members::size, 0L) > 0;
    } catch (WrongTypeException e) {
      return false;
    }
  }

  private static byte[] argument(Map<String, byte[]> keys, String key) {
    return Objects.requireNonNull(keys.get(key), "a key the request waits on");
  }

  /**
   * The reply of {@code attempt} on the first of {@code keys} that has members (a key of another type first:
   * {@code WRONGTYPE}); else, where the client may wait, its request blocked; where it may not, a null array.
   */
  private Result firstOrBlock(SortedSets zsets, ClientState client, List<String> keys,
      BlockedRequest.Attempt attempt, long timeoutMillis) {
    for (String key : keys) {
      if (zsets.read(key, Members::size, 0L) > 0) {
        Result served = attempt.serve(key);
        if (served != null) {
          return served;
        }
      }
    }
    if (client.transaction() != null || !client.mayBlock()) {
      return new Result.NullArray();
    }
    Object request = blocked.block(client, keys, attempt, TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    return request instanceof Result served ? served : RespBlockingCommands.BLOCKED;
  }
}
