package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.MOVABLEKEYS;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.SortedSets;
import io.blinkstore.internal.SortedSets.Members;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * Redis 7.0's sorted-set pops and random reads: {@code ZPOPMIN}, {@code ZPOPMAX}, {@code ZMPOP} (and the pop the
 * blocking forms share, {@link #pop}), {@code ZRANDMEMBER} and {@code ZSCAN}, with Redis's reply shapes: a single
 * pop flat, a counted one nested in RESP3, {@code ZMPOP}'s {@code [key, [[member, score] ...]]} in both
 * protocols. A pop is measured against the output cap before it removes anything.
 */
final class RespSortedSetPops {
  private static final Result.Error OUT_OF_RANGE = Result.error("value is out of range");
  private static final Result.Error INVALID_CURSOR = Result.error("invalid cursor");
  private static final Result EMPTY_SCAN = new Result.Array(List.of(Result.bulk("0"), Result.EMPTY_ARRAY));

  private final ZsetAccess access;

  RespSortedSetPops(ZsetAccess access) {
    this.access = access;
  }

  void register(CommandTable commands) {
    commands.add("zpopmin", -2, Keys.ONE, (c, a) -> popMinMax(c, a, false), WRITE, FAST);
    commands.add("zpopmax", -2, Keys.ONE, (c, a) -> popMinMax(c, a, true), WRITE, FAST);
    commands.add("zmpop", -4, Keys.NONE, this::mpop, WRITE, MOVABLEKEYS);
    commands.add("zrandmember", -2, Keys.ONE, this::randmember, READONLY);
    commands.add("zscan", -3, Keys.ONE, this::scan, READONLY);
  }

  /**
   * Pops up to {@code count} members from the low end of the set of {@code key} (the high end if {@code max}):
   * what was popped, measured first against {@code maxBytes} (nothing popped if it would pass), empty if none.
   *
   * @throws ListReplies.TooLarge if the reply would pass {@code maxBytes}
   */
  static SortedSetReplies pop(SortedSets zsets, String key, boolean max, long count, long maxBytes) {
    return zsets.update(key, false, 0, 0, set -> {
      SortedSetReplies popped = new SortedSetReplies(count, true, maxBytes);
      set.walk(max ? set.size() - 1 : 0, max, popped);
      popped.members().forEach(set::remove);
      return popped;
    }, new SortedSetReplies(0, true, 0), popped -> popped.size() > 0);
  }

  /**
   * Redis's events of a pop of {@code popped} members from the sorted set of {@code key} (store key
   * {@code storeKey}): {@code zpopmin} or {@code zpopmax}, then {@code del} if it emptied the set; none if it popped
   * nothing.
   */
  static void notifyPop(ClientState client, SortedSets zsets, byte[] key, String storeKey, boolean max, int popped) {
    if (popped > 0 && client.notifying(KeyspaceEvents.ZSET | KeyspaceEvents.GENERIC)) {
      client.notifyRemoval(KeyspaceEvents.ZSET, max ? "zpopmax" : "zpopmin", key,
          zsets.read(storeKey, Members::size, 0L) == 0);
    }
  }

  /** {@code ZPOPMIN key [count]}: flat {@code [member, score ...]}, nested pairs in RESP3 with a count. */
  private Result popMinMax(ClientState client, byte[][] args, boolean max) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    if (args.length > 3) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    long count = 1;
    if (args.length == 3) {
      Long parsed = Arguments.integer(args[2]);
      if (parsed == null || parsed < 0) {
        return RespListCommands.NOT_POSITIVE; // Redis's getPositiveLongFromObjectOrReply, for both
      }
      count = parsed;
    }
    try {
      String key = access.writeKey(client, args[1]);
      SortedSetReplies popped = pop(zsets, key, max, count, access.maxReplyBytes());
      notifyPop(client, zsets, args[1], key, max, popped.size());
      return SortedSetReplies.pairs(popped.members(), popped.scores(), true,
          args.length == 3 && client.protocol() >= 3);
    } catch (ListReplies.TooLarge e) {
      return RespSortedSetCommands.tooLarge(e, access.maxReplyBytes());
    }
  }

  /** The arguments of {@code ZMPOP} and {@code BZMPOP}: {@code numkeys key ... MIN|MAX [COUNT count]}. */
  record MultiPop(List<byte[]> keys, boolean max, long count) {
    /** Reads them from {@code numkeys} at {@code args[at]}: a {@link MultiPop} or Redis's error. */
    static Object parse(byte[][] args, int at) {
      Long numkeys = Arguments.integer(args[at]);
      if (numkeys == null || numkeys < 1) {
        return RespListCommands.NUMKEYS;
      }
      if (numkeys >= args.length - at - 1) {
        return RespKeyCommands.SYNTAX_ERROR;
      }
      int whereAt = at + numkeys.intValue() + 1;
      String where = Arguments.lowerCase(args[whereAt]);
      if (!where.equals("min") && !where.equals("max")) {
        return RespKeyCommands.SYNTAX_ERROR;
      }
      long count = -1;
      for (int i = whereAt + 1; i < args.length; i++) {
        if (count == -1 && Arguments.lowerCase(args[i]).equals("count") && i + 1 < args.length) {
          Long value = Arguments.integer(args[++i]);
          if (value == null || value < 1) {
            return RespListCommands.MPOP_COUNT;
          }
          count = value;
        } else {
          return RespKeyCommands.SYNTAX_ERROR;
        }
      }
      return new MultiPop(Arrays.asList(args).subList(at + 1, whereAt), where.equals("max"), count == -1 ? 1 : count);
    }

    /**
     * Pops from the set of {@code key} (the store key of key argument {@code name}): {@code [name, [[member, score]
     * ...]]}, or {@code null} if it has none; the output cap's error if the reply would pass it.
     */
    @Nullable Result attempt(ClientState client, SortedSets zsets, String key, byte[] name, long maxBytes) {
      SortedSetReplies popped;
      try {
        popped = pop(zsets, key, max, count, maxBytes);
      } catch (ListReplies.TooLarge e) {
        return RespKeyCommands.replyTooLarge(e.bytes(), maxBytes);
      }
      notifyPop(client, zsets, name, key, max, popped.size());
      return popped.size() == 0 ? null : new Result.Array(List.of(new Result.Bulk(name),
          SortedSetReplies.pairs(popped.members(), popped.scores(), true, true)));
    }
  }

  /** {@code ZMPOP numkeys key ... MIN|MAX [COUNT count]}: from the first key that has a sorted set. */
  private Result mpop(ClientState client, byte[][] args) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    Object parsed = MultiPop.parse(args, 1);
    if (parsed instanceof Result.Error error) {
      return error;
    }
    MultiPop pop = (MultiPop) parsed;
    for (byte[] key : pop.keys()) {
      Result popped = pop.attempt(client, zsets, access.writeKey(client, key), key, access.maxReplyBytes());
      if (popped != null) {
        return popped;
      }
    }
    return new Result.NullArray();
  }

  /** {@code ZRANDMEMBER key [count [WITHSCORES]]}, as {@code HRANDFIELD}: a negative count may repeat members. */
  private Result randmember(ClientState client, byte[][] args) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    String key = client.key(args[1]);
    if (args.length == 2) {
      SortedSetReplies one = zsets.read(key, set -> random(set, 1, false, Long.MAX_VALUE),
          new SortedSetReplies(0, false, 0));
      return one.size() == 0 ? Result.NULL : new Result.Bulk(one.members().get(0));
    }
    Long count = Arguments.integer(args[2]);
    if (count == null || count == Long.MIN_VALUE) {
      return count == null ? RespKeyCommands.NOT_AN_INTEGER
          : Result.error("value is out of range, value must between " + -Long.MAX_VALUE + " and " + Long.MAX_VALUE);
    }
    boolean withScores = args.length == 4 && Arguments.lowerCase(args[3]).equals("withscores");
    if (args.length > 4 || args.length == 4 && !withScores) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    if (withScores && (count < -Long.MAX_VALUE / 2 || count > Long.MAX_VALUE / 2)) {
      return OUT_OF_RANGE;
    }
    try {
      SortedSetReplies picked = zsets.read(key, set -> random(set, count, withScores, access.maxReplyBytes()),
          new SortedSetReplies(0, withScores, 0));
      return picked.reply(client);
    } catch (ListReplies.TooLarge e) {
      return RespSortedSetCommands.tooLarge(e, access.maxReplyBytes());
    }
  }

  /**
   * {@code count} members at random ranks: distinct if positive (all of them, in order, if the set has no more),
   * {@code -count} of them with repeats if negative.
   */
  private static SortedSetReplies random(Members set, long count, boolean withScores, long maxBytes) {
    long size = set.size();
    if (count >= size) {
      SortedSetReplies all = new SortedSetReplies(-1, withScores, maxBytes);
      set.walk(0, false, all);
      return all;
    }
    long wanted = Math.abs(count);
    SortedSetReplies picked = new SortedSetReplies(-1, withScores, maxBytes);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (count < 0) {
      for (long i = 0; i < wanted; i++) {
        set.walk(random.nextLong(size), false, (member, score) -> {
          picked.visit(member, score);
          return false;
        });
      }
      return picked;
    }
    // Distinct: a partial Fisher-Yates shuffle of the ranks, kept sparse (count < size).
    java.util.Map<Long, Long> swapped = new java.util.HashMap<>();
    for (long i = 0; i < wanted; i++) {
      long j = i + random.nextLong(size - i);
      long rank = swapped.getOrDefault(j, j);
      swapped.put(j, swapped.getOrDefault(i, i));
      set.walk(rank, false, (member, score) -> {
        picked.visit(member, score);
        return false;
      });
    }
    return picked;
  }

  /** {@code ZSCAN key cursor [MATCH pattern] [COUNT count]}, in {@code HSCAN}'s order of checks. */
  private Result scan(ClientState client, byte[][] args) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    Long cursor = RespScanCommands.cursor(args[2]);
    if (cursor == null) {
      return INVALID_CURSOR;
    }
    String key = client.key(args[1]);
    if (zsets.read(key, Members::size, 0L) == 0) {
      return EMPTY_SCAN;
    }
    Object options = ScanOptions.parse(args, RespScanCommands.MAX_COUNT);
    if (options instanceof Result.Error error) {
      return error;
    }
    ScanOptions scan = (ScanOptions) options;
    SortedSets.Step step = zsets.read(key, set -> set.scan(cursor, scan.count()),
        new SortedSets.Step(0, List.of(), new double[0]));
    List<Result> found = new ArrayList<>();
    for (int i = 0; i < step.members().size(); i++) {
      byte[] member = step.members().get(i);
      if (scan.matches(member)) {
        found.add(new Result.Bulk(member));
        found.add(Result.bulk(CDoubles.g17(step.scores()[i])));
      }
    }
    return new Result.Array(List.of(Result.bulk(Long.toUnsignedString(step.cursor())), new Result.Array(found)));
  }
}
