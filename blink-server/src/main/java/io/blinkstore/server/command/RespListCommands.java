package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.MOVABLEKEYS;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkList;
import io.blinkstore.BlinkList.End;
import io.blinkstore.internal.ListReplies;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Redis 7.0's list commands that never block ({@code t_list.c}): {@code LPUSH}, {@code RPUSH}, {@code LPUSHX},
 * {@code RPUSHX}, {@code LPOP}/{@code RPOP} with a count, {@code LLEN}, {@code LINDEX}, {@code LRANGE},
 * {@code LSET}, {@code LREM}, {@code LINSERT}, {@code LPOS}, {@code LTRIM}, {@code LMOVE}, {@code RPOPLPUSH} and
 * {@code LMPOP}, with Redis's replies and errors in Redis's order (an argument Redis parses before it looks the
 * key up is checked first here too). Each runs against the store's list of the key ({@link BlinkList}), one
 * atomic call per key. Every write of a list signals the clients blocked on it through the store's write hook
 * ({@link BlockedClients#signal}), whoever wrote it. {@code LMOVE} and {@code RPOPLPUSH} run with the store's gate
 * held exclusive ({@link RespTransactionCommands}), so no other client sees the element between the two lists.
 */
final class RespListCommands {
  static final Result.Error NOT_POSITIVE = Result.error("value is out of range, must be positive");
  private static final Result.Error NO_SUCH_KEY = Result.error("no such key");
  private static final Result.Error INDEX_OUT_OF_RANGE = Result.error("index out of range");
  private static final Result.Error RANK_ZERO = Result.error("RANK can't be zero: use 1 to start from the first "
      + "match, 2 from the second ... or use negative to start from the end of the list");
  private static final Result.Error COUNT_NEGATIVE = Result.error("COUNT can't be negative");
  private static final Result.Error MAXLEN_NEGATIVE = Result.error("MAXLEN can't be negative");
  static final Result.Error NUMKEYS = Result.error("numkeys should be greater than 0");
  static final Result.Error MPOP_COUNT = Result.error("count should be greater than 0");

  private final Function<String, BlinkList> lists;
  private final Leases leases;
  private final EntrySizeLimits sizeLimits;
  private final long maxReplyBytes;

  /**
   * Commands on the list {@code lists} gives for a store key, whose writes that may create a list end the fill
   * lease ({@code leases}) of its key, and hold that key and the elements they store to {@code sizeLimits}, as
   * string and hash writes do (a lease is only granted on an absent key, so the write that creates the list is the
   * one that must end it), and whose replies of several elements ({@code LRANGE}, pops with a count) are
   * refused before anything is copied or popped if they would pass {@code maxReplyBytes}, the connection's output
   * cap, as {@code MGET}'s are.
   */
  RespListCommands(Function<String, BlinkList> lists, Leases leases, EntrySizeLimits sizeLimits,
      long maxReplyBytes) {
    this.lists = lists;
    this.leases = leases;
    this.sizeLimits = sizeLimits;
    this.maxReplyBytes = maxReplyBytes;
  }

  /** The store key of a key a write may create, checked against the key limit, its fill lease ended. */
  static String createdKey(ClientState client, byte[] key, Leases leases, EntrySizeLimits sizeLimits) {
    String storeKey = client.key(key);
    sizeLimits.checkKey(storeKey);
    leases.invalidate(storeKey);
    return storeKey;
  }

  void register(CommandTable commands) {
    commands.add("lpush", -3, Keys.ONE, (c, a) -> push(c, a, End.LEFT, false), WRITE, DENYOOM, FAST);
    commands.add("rpush", -3, Keys.ONE, (c, a) -> push(c, a, End.RIGHT, false), WRITE, DENYOOM, FAST);
    commands.add("lpushx", -3, Keys.ONE, (c, a) -> push(c, a, End.LEFT, true), WRITE, DENYOOM, FAST);
    commands.add("rpushx", -3, Keys.ONE, (c, a) -> push(c, a, End.RIGHT, true), WRITE, DENYOOM, FAST);
    commands.add("lpop", -2, Keys.ONE, (c, a) -> pop(c, a, End.LEFT, "lpop"), WRITE, FAST);
    commands.add("rpop", -2, Keys.ONE, (c, a) -> pop(c, a, End.RIGHT, "rpop"), WRITE, FAST);
    commands.add("llen", 2, Keys.ONE, (c, a) -> new Result.Int(list(c, a[1]).size()), READONLY, FAST);
    commands.add("lindex", 3, Keys.ONE, this::lindex, READONLY);
    commands.add("lrange", 4, Keys.ONE, this::lrange, READONLY);
    commands.add("lset", 4, Keys.ONE, this::lset, WRITE, DENYOOM);
    commands.add("lrem", 4, Keys.ONE, this::lrem, WRITE);
    commands.add("linsert", 5, Keys.ONE, this::linsert, WRITE, DENYOOM);
    commands.add("lpos", -3, Keys.ONE, this::lpos, READONLY);
    commands.add("ltrim", 4, Keys.ONE, this::ltrim, WRITE);
    commands.add("lmove", 5, new Keys(1, 2, 1), this::lmove, WRITE, DENYOOM);
    commands.add("rpoplpush", 3, new Keys(1, 2, 1), (c, a) -> move(c, a, End.RIGHT, End.LEFT), WRITE, DENYOOM);
    commands.add("lmpop", -4, Keys.NONE, this::lmpop, WRITE, MOVABLEKEYS);
  }

  private BlinkList list(ClientState client, byte[] key) {
    return lists.apply(client.key(key));
  }

  /** {@code LPUSH key element ...}: the new length; {@code LPUSHX} only onto an existing list (else 0). */
  private Result push(ClientState client, byte[][] args, End end, boolean onlyIfPresent) {
    byte[][] elements = Arrays.copyOfRange(args, 2, args.length);
    String key = createdKey(client, args[1], leases, sizeLimits);
    for (byte[] element : elements) {
      sizeLimits.checkLength(key, element.length); // all checked before any is stored
    }
    BlinkList list = lists.apply(key);
    long length = onlyIfPresent ? list.pushIfPresent(end, elements) : list.push(end, elements);
    if (length > 0) {
      client.notifyKeyspace(KeyspaceEvents.LIST, end == End.LEFT ? "lpush" : "rpush", args[1]);
    }
    return new Result.Int(length);
  }

  /** Redis's events of a pop from {@code list}, the list of {@code key}: lpop or rpop, then del if it emptied it. */
  static void notifyPop(ClientState client, byte[] key, End end, BlinkList list) {
    if (client.notifying(KeyspaceEvents.LIST | KeyspaceEvents.GENERIC)) {
      client.notifyRemoval(KeyspaceEvents.LIST, end == End.LEFT ? "lpop" : "rpop", key, list.size() == 0);
    }
  }

  /**
   * Redis's events of an {@code LMOVE source destination} ({@code args}) that moved an element out of {@code list}:
   * the push onto the destination, then the pop from the source, then its del if that emptied it.
   */
  static void notifyMove(ClientState client, byte[][] args, End from, End to, BlinkList list) {
    client.notifyKeyspace(KeyspaceEvents.LIST, to == End.LEFT ? "lpush" : "rpush", args[2]);
    notifyPop(client, args[1], from, list);
  }

  /** {@code LPOP key [count]}: one element (nil if absent), or with a count an array (nil array if absent). */
  private Result pop(ClientState client, byte[][] args, End end, String name) {
    if (args.length > 3) {
      return Dispatcher.wrongArity(name);
    }
    BlinkList list = list(client, args[1]);
    if (args.length == 2) { // one element, held to the cap as a count's are: a pop past it would be lost
      try {
        byte[] element = MultiPop.popOne(list, end, maxReplyBytes);
        if (element != null) {
          notifyPop(client, args[1], end, list);
        }
        return new Result.Bulk(element);
      } catch (ListReplies.TooLarge e) {
        return RespKeyCommands.replyTooLarge(e.bytes(), maxReplyBytes);
      }
    }
    Long count = Arguments.integer(args[2]);
    if (count == null || count < 0) {
      return NOT_POSITIVE; // Redis's getPositiveLongFromObjectOrReply answers this for both
    }
    try {
      List<byte[]> popped = MultiPop.pop(list, end, count, maxReplyBytes);
      if (popped != null && !popped.isEmpty()) {
        notifyPop(client, args[1], end, list);
      }
      return popped == null ? new Result.NullArray() : bulks(popped);
    } catch (ListReplies.TooLarge e) {
      return RespKeyCommands.replyTooLarge(e.bytes(), maxReplyBytes);
    }
  }

  /** {@code LINDEX key index}: the element, nil out of range; an absent key answers nil before the index is read. */
  private Result lindex(ClientState client, byte[][] args) {
    BlinkList list = list(client, args[1]);
    if (list.size() == 0) {
      return Result.NULL;
    }
    Long index = Arguments.integer(args[2]);
    return index == null ? RespKeyCommands.NOT_AN_INTEGER : new Result.Bulk(list.get(index));
  }

  private Result lrange(ClientState client, byte[][] args) {
    Long start = Arguments.integer(args[2]);
    Long stop = Arguments.integer(args[3]);
    if (start == null || stop == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    BlinkList list = list(client, args[1]);
    try {
      return bulks(list instanceof ListReplies bounded ? bounded.range(start, stop, maxReplyBytes)
          : list.range(start, stop));
    } catch (ListReplies.TooLarge e) {
      return RespKeyCommands.replyTooLarge(e.bytes(), maxReplyBytes);
    }
  }

  /** {@code LSET key index element}: an absent key is {@code -ERR no such key}, before the index is read. */
  private Result lset(ClientState client, byte[][] args) {
    sizeLimits.checkLength(client.key(args[1]), args[3].length);
    BlinkList list = list(client, args[1]);
    if (list.size() == 0) {
      return NO_SUCH_KEY;
    }
    Long index = Arguments.integer(args[2]);
    if (index == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    try {
      return list.set(index, args[3]) ? client.notified(KeyspaceEvents.LIST, "lset", args[1], Result.OK) : NO_SUCH_KEY;
    } catch (IndexOutOfBoundsException e) {
      return INDEX_OUT_OF_RANGE;
    }
  }

  private Result lrem(ClientState client, byte[][] args) {
    Long count = Arguments.integer(args[2]);
    if (count == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    BlinkList list = list(client, args[1]);
    long removed = list.remove(count, args[3]);
    if (removed > 0 && client.notifying(KeyspaceEvents.LIST | KeyspaceEvents.GENERIC)) {
      client.notifyRemoval(KeyspaceEvents.LIST, "lrem", args[1], list.size() == 0);
    }
    return new Result.Int(removed);
  }

  private Result linsert(ClientState client, byte[][] args) {
    String where = Arguments.lowerCase(args[2]);
    if (!where.equals("before") && !where.equals("after")) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    sizeLimits.checkLength(client.key(args[1]), args[4].length);
    long length = list(client, args[1]).insert(where.equals("before"), args[3], args[4]);
    if (length > 0) {
      client.notifyKeyspace(KeyspaceEvents.LIST, "linsert", args[1]);
    }
    return new Result.Int(length);
  }

  /** {@code LPOS key element [RANK r] [COUNT n] [MAXLEN m]}: an index (nil), or with COUNT an array of them. */
  private Result lpos(ClientState client, byte[][] args) {
    long rank = 1;
    long count = -1;
    long maxLength = 0;
    for (int i = 3; i < args.length; i++) {
      String option = Arguments.lowerCase(args[i]);
      boolean more = i + 1 < args.length;
      if (option.equals("rank") && more) {
        Long value = Arguments.integer(args[++i]);
        if (value == null) {
          return RespKeyCommands.NOT_AN_INTEGER;
        }
        if (value == 0) {
          return RANK_ZERO;
        }
        rank = value;
      } else if (option.equals("count") && more) {
        Long value = Arguments.integer(args[++i]);
        if (value == null || value < 0) {
          return COUNT_NEGATIVE;
        }
        count = value;
      } else if (option.equals("maxlen") && more) {
        Long value = Arguments.integer(args[++i]);
        if (value == null || value < 0) {
          return MAXLEN_NEGATIVE;
        }
        maxLength = value;
      } else {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    List<Long> found = list(client, args[1]).positions(args[2], rank, count == -1 ? 1 : count, maxLength);
    if (count == -1) {
      return found.isEmpty() ? Result.NULL : new Result.Int(found.get(0));
    }
    List<Result> indexes = new ArrayList<>(found.size());
    found.forEach(index -> indexes.add(new Result.Int(index)));
    return new Result.Array(indexes);
  }

  private Result ltrim(ClientState client, byte[][] args) {
    Long start = Arguments.integer(args[2]);
    Long stop = Arguments.integer(args[3]);
    if (start == null || stop == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    BlinkList list = list(client, args[1]);
    boolean existed = client.notifying(KeyspaceEvents.LIST | KeyspaceEvents.GENERIC) && list.size() > 0;
    list.trim(start, stop);
    if (existed) { // Redis's ltrimCommand: ltrim whatever it removed, then del if it emptied the list
      client.notifyRemoval(KeyspaceEvents.LIST, "ltrim", args[1], list.size() == 0);
    }
    return Result.OK;
  }

  private Result lmove(ClientState client, byte[][] args) {
    End from = end(args[3]);
    End to = end(args[4]);
    return from == null || to == null ? RespKeyCommands.SYNTAX_ERROR : move(client, args, from, to);
  }

  /** {@code LMOVE source destination from to}: the element moved, nil if the source is empty. */
  private Result move(ClientState client, byte[][] args, End from, End to) {
    String destination = createdKey(client, args[2], leases, sizeLimits);
    BlinkList list = list(client, args[1]);
    byte[] moved = list.move(from, destination, to);
    if (moved != null) {
      notifyMove(client, args, from, to, list);
    }
    return new Result.Bulk(moved);
  }

  /** {@code LMPOP numkeys key ... LEFT|RIGHT [COUNT count]}. */
  private Result lmpop(ClientState client, byte[][] args) {
    Object parsed = MultiPop.parse(args, 1);
    if (parsed instanceof Result.Error error) {
      return error;
    }
    MultiPop pop = (MultiPop) parsed;
    Result popped = pop.attempt(client, lists, maxReplyBytes);
    return popped == null ? new Result.NullArray() : popped;
  }

  /** {@code LEFT} or {@code RIGHT}, in any case, or {@code null}. */
  static @Nullable End end(byte[] arg) {
    String end = Arguments.lowerCase(arg);
    return end.equals("left") ? End.LEFT : end.equals("right") ? End.RIGHT : null;
  }

  /** An array of bulk strings. */
  static Result.Array bulks(List<byte[]> elements) {
    List<Result> bulks = new ArrayList<>(elements.size());
    elements.forEach(element -> bulks.add(new Result.Bulk(element)));
    return new Result.Array(bulks);
  }
}
