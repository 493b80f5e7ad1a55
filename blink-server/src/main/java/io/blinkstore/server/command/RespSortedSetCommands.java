package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.SortedSets;
import io.blinkstore.internal.SortedSets.Members;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.ArrayList;
import java.util.List;

/**
 * Redis 7.0's sorted-set commands that read or write one key by member, count or rank ({@code ZADD},
 * {@code ZINCRBY}, {@code ZREM}, {@code ZCARD}, {@code ZSCORE}, {@code ZMSCORE}, {@code ZRANK}, {@code ZREVRANK},
 * {@code ZCOUNT}, {@code ZLEXCOUNT}, {@code ZREMRANGEBY*}), over the store's {@link SortedSets}, with Redis's replies
 * and errors: scores are doubles in RESP3 and {@code %.17g} bulk strings in RESP2, a key of another type
 * {@code -WRONGTYPE}, a write past the memory limit {@code -OOM} and no change. The ranges are
 * {@link RespSortedSetRanges}', the pops {@link RespSortedSetPops}', the set algebra {@link RespSortedSetAlgebra}'s.
 */
final class RespSortedSetCommands {
  private static final Result.Error NAN_SCORE = Result.error("resulting score is not a number (NaN)");
  private static final Result.Error XX_AND_NX = Result.error("XX and NX options at the same time are not compatible");
  private static final Result.Error GT_LT_NX =
      Result.error("GT, LT, and/or NX options at the same time are not compatible");
  private static final Result.Error INCR_PAIRS = Result.error("INCR option supports a single increment-element pair");

  private final ZsetAccess access;

  RespSortedSetCommands(ZsetAccess access) {
    this.access = access;
  }

  void register(CommandTable commands) {
    commands.add("zadd", -4, Keys.ONE, (client, args) -> add(client, args, false), WRITE, DENYOOM, FAST);
    commands.add("zincrby", 4, Keys.ONE, (client, args) -> add(client, args, true), WRITE, DENYOOM, FAST);
    commands.add("zrem", -3, Keys.ONE, this::rem, WRITE, FAST);
    commands.add("zcard", 2, Keys.ONE, this::card, READONLY, FAST);
    commands.add("zscore", 3, Keys.ONE, this::score, READONLY, FAST);
    commands.add("zmscore", -3, Keys.ONE, this::mscore, READONLY, FAST);
    commands.add("zrank", 3, Keys.ONE, (client, args) -> rank(client, args, false), READONLY, FAST);
    commands.add("zrevrank", 3, Keys.ONE, (client, args) -> rank(client, args, true), READONLY, FAST);
    commands.add("zcount", 4, Keys.ONE, (client, args) -> count(client, args, Scores.scoreRange(args[2], args[3])),
        READONLY, FAST);
    commands.add("zlexcount", 4, Keys.ONE, (client, args) -> count(client, args, Scores.lexRange(args[2], args[3])),
        READONLY, FAST);
    commands.add("zremrangebyrank", 4, Keys.ONE, this::remRangeByRank, WRITE);
    commands.add("zremrangebyscore", 4, Keys.ONE,
        (client, args) -> remRange(client, args, Scores.scoreRange(args[2], args[3]), true), WRITE);
    commands.add("zremrangebylex", 4, Keys.ONE,
        (client, args) -> remRange(client, args, Scores.lexRange(args[2], args[3]), false), WRITE);
  }

  /** The options of a {@code ZADD}: {@code NX}, {@code XX}, {@code GT}, {@code LT}, {@code CH}, {@code INCR}. */
  private record AddOptions(boolean nx, boolean xx, boolean gt, boolean lt, boolean ch, boolean incr) {}

  /** What a {@code ZADD} did: members added, scores changed, pairs not skipped, the last score. */
  private static final class Added {
    long added;
    long updated;
    long processed;
    double score;
  }

  /**
   * {@code ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member ...} and {@code ZINCRBY key increment member}, checked
   * in Redis's order: the options, the pairs, the scores, then the key's type. {@code GEOADD} ends here too.
   */
  Result add(ClientState client, byte[][] args, boolean zincrby) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    boolean nx = false, xx = false, gt = false, lt = false, ch = false, incr = zincrby;
    int at = 2;
    for (; !zincrby && at < args.length; at++) {
      switch (Arguments.lowerCase(args[at])) {
        case "nx" -> nx = true;
        case "xx" -> xx = true;
        case "gt" -> gt = true;
        case "lt" -> lt = true;
        case "ch" -> ch = true;
        case "incr" -> incr = true;
        default -> {
          return pairs(client, zsets, args, at, new AddOptions(nx, xx, gt, lt, ch, incr));
        }
      }
    }
    return pairs(client, zsets, args, at, new AddOptions(nx, xx, gt, lt, ch, incr));
  }

  private Result pairs(ClientState client, SortedSets zsets, byte[][] args, int from, AddOptions options) {
    int elements = args.length - from;
    if (elements % 2 == 1 || elements == 0) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    int pairs = elements / 2;
    if (options.nx() && options.xx()) {
      return XX_AND_NX;
    }
    if (options.nx() && (options.gt() || options.lt()) || options.gt() && options.lt()) {
      return GT_LT_NX;
    }
    if (options.incr() && pairs > 1) {
      return INCR_PAIRS;
    }
    double[] scores = new double[pairs];
    long grow = 0;
    String key = client.key(args[1]);
    for (int i = 0; i < pairs; i++) {
      Double score = Scores.score(args[from + 2 * i]);
      if (score == null) {
        return Scores.NOT_A_FLOAT;
      }
      scores[i] = score;
      access.sizeLimits().checkLength(key, args[from + 2 * i + 1].length);
      grow += args[from + 2 * i + 1].length + 8L;
    }
    Added answer;
    try {
      answer = zsets.update(access.writeKey(client, args[1]), !options.xx(), grow, pairs,
          set -> addAll(set, args, from, scores, options), new Added(), done -> done.added + done.updated > 0);
    } catch (Refused e) {
      return e.reply;
    }
    if (answer.added + answer.updated > 0) {
      client.notifyKeyspace(KeyspaceEvents.ZSET, options.incr() ? "zincr" : "zadd", args[1]);
    }
    if (options.incr()) {
      return answer.processed > 0 ? new Result.Double(answer.score) : Result.NULL;
    }
    return new Result.Int(options.ch() ? answer.added + answer.updated : answer.added);
  }

  private static Added addAll(Members set, byte[][] args, int from, double[] scores, AddOptions options) {
    Added done = new Added();
    for (int i = 0; i < scores.length; i++) {
      byte[] member = args[from + 2 * i + 1];
      double current = set.score(member);
      double score = scores[i];
      if (Double.isNaN(current)) {
        if (options.xx()) {
          continue;
        }
        set.put(member, score);
        done.added++;
      } else {
        if (options.nx()) {
          continue;
        }
        if (options.incr()) {
          score += current;
          if (Double.isNaN(score)) {
            throw new Refused(NAN_SCORE); // INCR takes one pair: nothing was changed
          }
        }
        if (options.lt() && score >= current || options.gt() && score <= current) {
          continue;
        }
        if (score != current) {
          set.put(member, score);
          done.updated++;
        }
      }
      done.processed++;
      done.score = score;
    }
    return done;
  }

  /** {@code ZREM key member ...}: how many were there. */
  private Result rem(ClientState client, byte[][] args) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    String key = access.writeKey(client, args[1]);
    return removed(client, zsets, "zrem", args[1], key, zsets.update(key, false, 0, 0, set -> {
      long removed = 0;
      for (int i = 2; i < args.length; i++) {
        removed += set.remove(args[i]) ? 1 : 0;
      }
      return removed;
    }, 0L, removed -> removed > 0));
  }

  /** The count of a removal from the sorted set at {@code key}, and Redis's events if it removed any. */
  static Result removed(ClientState client, SortedSets zsets, String event, byte[] key, String storeKey, long removed) {
    if (removed > 0 && client.notifying(KeyspaceEvents.ZSET | KeyspaceEvents.GENERIC)) {
      client.notifyRemoval(KeyspaceEvents.ZSET, event, key, zsets.read(storeKey, Members::size, 0L) == 0);
    }
    return new Result.Int(removed);
  }

  private Result card(ClientState client, byte[][] args) {
    SortedSets zsets = access.zsets();
    return zsets == null ? ZsetAccess.NO_ZSETS
        : new Result.Int(zsets.read(client.key(args[1]), Members::size, 0L));
  }

  private Result score(ClientState client, byte[][] args) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    double score = zsets.read(client.key(args[1]), set -> set.score(args[2]), Double.NaN);
    return Double.isNaN(score) ? Result.NULL : new Result.Double(score);
  }

  private Result mscore(ClientState client, byte[][] args) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    double[] none = new double[args.length - 2];
    java.util.Arrays.fill(none, Double.NaN);
    double[] scores = zsets.read(client.key(args[1]), set -> {
      double[] found = new double[args.length - 2];
      for (int i = 2; i < args.length; i++) {
        found[i - 2] = set.score(args[i]);
      }
      return found;
    }, none);
    return access.measured(client, scores.length,
        i -> Double.isNaN(scores[i]) ? Result.NULL : new Result.Double(scores[i]));
  }

  private Result rank(ClientState client, byte[][] args, boolean reverse) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    long rank = zsets.read(client.key(args[1]), set -> {
      long ascending = set.rank(args[2]);
      return ascending < 0 || !reverse ? ascending : set.size() - 1 - ascending;
    }, -1L);
    return rank < 0 ? Result.NULL : new Result.Int(rank);
  }

  /** {@code ZCOUNT}, {@code ZLEXCOUNT}: the members in the range, which is parsed before the key is read. */
  private Result count(ClientState client, byte[][] args, Object range) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    if (range instanceof Result.Error error) {
      return error;
    }
    Scores.Range parsed = (Scores.Range) range;
    return new Result.Int(zsets.read(client.key(args[1]), set -> parsed.in(set).count(), 0L));
  }

  /** {@code ZREMRANGEBYRANK key start stop}: ranks as {@code ZRANGE}'s, negative from the end. */
  private Result remRangeByRank(ClientState client, byte[][] args) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    Long start = Arguments.integer(args[2]);
    Long stop = Arguments.integer(args[3]);
    if (start == null || stop == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    String key = access.writeKey(client, args[1]);
    return removed(client, zsets, "zremrangebyrank", args[1], key, zsets.update(key, false, 0, 0,
        set -> removeRanks(set, RespSortedSetRanges.ranks(set.size(), start, stop)), 0L, removed -> removed > 0));
  }

  private Result remRange(ClientState client, byte[][] args, Object range, boolean byScore) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    if (range instanceof Result.Error error) {
      return error;
    }
    Scores.Range parsed = (Scores.Range) range;
    String key = access.writeKey(client, args[1]);
    return removed(client, zsets, byScore ? "zremrangebyscore" : "zremrangebylex", args[1], key,
        zsets.update(key, false, 0, 0, set -> removeRanks(set, parsed.in(set)), 0L, removed -> removed > 0));
  }

  /** Removes the members of {@code ranks}; how many. */
  static long removeRanks(Members set, Scores.Ranks ranks) {
    long count = ranks.count();
    if (count == 0) {
      return 0;
    }
    List<byte[]> doomed = new ArrayList<>();
    set.walk(ranks.from(), false, (member, score) -> doomed.add(member) && doomed.size() < count);
    doomed.forEach(set::remove);
    return doomed.size();
  }

  /** A refusal from inside an update: nothing was changed. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Result.Error reply;

    Refused(Result.Error reply) {
      super(reply.message(), null, false, false);
      this.reply = reply;
    }

    Result.Error reply() {
      return reply;
    }
  }

  /** A reply refused as too large, as the output cap refuses it. */
  static Result tooLarge(ListReplies.TooLarge e, long maxReplyBytes) {
    return RespKeyCommands.replyTooLarge(e.bytes(), maxReplyBytes);
  }
}
