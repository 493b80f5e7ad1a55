package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.SortedSets;
import io.blinkstore.internal.SortedSets.Members;
import io.blinkstore.server.command.CommandSpec.Keys;
import org.jspecify.annotations.Nullable;

/**
 * Redis 7.0's sorted-set range reads: {@code ZRANGE key min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
 * [WITHSCORES]}, its older forms ({@code ZREVRANGE}, {@code ZRANGEBYSCORE}, {@code ZREVRANGEBYSCORE},
 * {@code ZRANGEBYLEX}, {@code ZREVRANGEBYLEX}) and {@code ZRANGESTORE}, parsed as {@code zrangeGenericCommand}
 * parses them, with its errors and their order. Each range is found in O(log n) by rank, then walked; a reply that
 * would pass the output cap is refused.
 */
final class RespSortedSetRanges {
  private static final Result.Error LIMIT_BY_RANK =
      Result.error("syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  private static final Result.Error WITHSCORES_BYLEX =
      Result.error("syntax error, WITHSCORES not supported in combination with BYLEX");

  /** How a range is read: by rank, score or member. */
  private enum By { AUTO, RANK, SCORE, LEX }

  private final ZsetAccess access;

  RespSortedSetRanges(ZsetAccess access) {
    this.access = access;
  }

  void register(CommandTable commands) {
    commands.add("zrange", -4, Keys.ONE, (c, a) -> range(c, a, 1, false, By.AUTO, null), READONLY);
    commands.add("zrevrange", -4, Keys.ONE, (c, a) -> range(c, a, 1, false, By.RANK, true), READONLY);
    commands.add("zrangebyscore", -4, Keys.ONE, (c, a) -> range(c, a, 1, false, By.SCORE, false), READONLY);
    commands.add("zrevrangebyscore", -4, Keys.ONE, (c, a) -> range(c, a, 1, false, By.SCORE, true), READONLY);
    commands.add("zrangebylex", -4, Keys.ONE, (c, a) -> range(c, a, 1, false, By.LEX, false), READONLY);
    commands.add("zrevrangebylex", -4, Keys.ONE, (c, a) -> range(c, a, 1, false, By.LEX, true), READONLY);
    commands.add("zrangestore", -5, new Keys(1, 2, 1), (c, a) -> range(c, a, 2, true, By.AUTO, null), WRITE,
        DENYOOM);
  }

  /**
   * The ranks {@code [from, to)} of {@code start} to {@code stop} (both included, negative from the end) in a set
   * of {@code size}, as Redis clamps them.
   */
  static Scores.Ranks ranks(long size, long start, long stop) {
    long from = start < 0 ? size + start : start;
    long to = stop < 0 ? size + stop : stop;
    from = Math.max(0, from);
    if (from > to || from >= size) {
      return new Scores.Ranks(0, 0);
    }
    return new Scores.Ranks(from, Math.min(to, size - 1) + 1);
  }

  /** The parsed request: what is read, how, and the options. */
  private record Request(By by, boolean reverse, boolean withScores, long offset, long limit, long start, long stop,
      Scores.Range range) {}

  /**
   * {@code ZRANGE} and its forms ({@code keyAt}: the source key's argument, 2 for {@code ZRANGESTORE}); {@code by}
   * and {@code reverse} fixed by the command's name, or {@link By#AUTO} and {@code null} to be read from the options.
   */
  private Result range(ClientState client, byte[][] args, int keyAt, boolean store, By fixedBy,
      @Nullable Boolean fixedReverse) {
    SortedSets zsets = access.zsets();
    if (zsets == null) {
      return ZsetAccess.NO_ZSETS;
    }
    Object parsed = parse(args, keyAt, store, fixedBy, fixedReverse);
    if (parsed instanceof Result.Error error) {
      return error;
    }
    Request request = (Request) parsed;
    SortedSetReplies collected;
    long cap = store ? Long.MAX_VALUE : access.maxReplyBytes();
    try {
      collected = zsets.read(client.key(args[keyAt]), set -> collect(set, request, cap),
          new SortedSetReplies(0, false, 0));
    } catch (ListReplies.TooLarge e) {
      return RespSortedSetCommands.tooLarge(e, access.maxReplyBytes());
    }
    if (store) {
      return new Result.Int(access.replace(zsets, client, args[1], collected.members(), collected.scores(),
          collected.size(), "zrangestore"));
    }
    return collected.reply(client);
  }

  private static Object parse(byte[][] args, int keyAt, boolean store, By fixedBy,
      @Nullable Boolean fixedReverse) {
    By by = fixedBy;
    boolean reverse = fixedReverse != null && fixedReverse;
    boolean withScores = false;
    long offset = 0;
    long limit = -1;
    for (int i = keyAt + 3; i < args.length; i++) {
      String option = Arguments.lowerCase(args[i]);
      if (!store && option.equals("withscores")) {
        withScores = true;
      } else if (option.equals("limit") && args.length - i - 1 >= 2) {
        Long first = Arguments.integer(args[i + 1]);
        Long second = Arguments.integer(args[i + 2]);
        if (first == null || second == null) {
          return RespKeyCommands.NOT_AN_INTEGER;
        }
        offset = first;
        limit = second;
        i += 2;
      } else if (fixedReverse == null && !reverse && option.equals("rev")) {
        reverse = true;
      } else if (by == By.AUTO && option.equals("bylex")) {
        by = By.LEX;
      } else if (by == By.AUTO && option.equals("byscore")) {
        by = By.SCORE;
      } else {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    if (by == By.AUTO) {
      by = By.RANK;
    }
    if (limit != -1 && by == By.RANK) {
      return LIMIT_BY_RANK;
    }
    if (withScores && by == By.LEX) {
      return WITHSCORES_BYLEX;
    }
    byte[] min = args[keyAt + (reverse && by != By.RANK ? 2 : 1)];
    byte[] max = args[keyAt + (reverse && by != By.RANK ? 1 : 2)];
    if (by == By.RANK) {
      Long start = Arguments.integer(min);
      Long stop = Arguments.integer(max);
      if (start == null || stop == null) {
        return RespKeyCommands.NOT_AN_INTEGER;
      }
      return new Request(by, reverse, withScores || store, 0, -1, start, stop, set -> new Scores.Ranks(0, 0));
    }
    Object range = by == By.SCORE ? Scores.scoreRange(min, max) : Scores.lexRange(min, max);
    if (range instanceof Result.Error error) {
      return error;
    }
    return new Request(by, reverse, withScores || store, offset, limit, 0, 0, (Scores.Range) range);
  }

  /** Walks the members {@code request} asks for, at most {@code maxBytes} of reply. */
  private static SortedSetReplies collect(Members set, Request request, long maxBytes) {
    long size = set.size();
    Scores.Ranks ranks = request.by() == By.RANK ? ranks(size, request.start(), request.stop())
        : request.range().in(set);
    long count = ranks.count();
    long first;
    if (request.by() == By.RANK) {
      first = request.reverse() ? size - 1 - ranks.from() : ranks.from();
    } else {
      if (request.offset() < 0 || request.offset() >= count) {
        count = 0;
      } else {
        count -= request.offset();
        if (request.limit() >= 0) {
          count = Math.min(count, request.limit());
        }
      }
      first = request.reverse() ? ranks.to() - 1 - request.offset() : ranks.from() + request.offset();
    }
    SortedSetReplies collected = new SortedSetReplies(count, request.withScores(), maxBytes);
    if (count > 0) {
      set.walk(first, request.reverse(), collected);
    }
    return collected;
  }
}
