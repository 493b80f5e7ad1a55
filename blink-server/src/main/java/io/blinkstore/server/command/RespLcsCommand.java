package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.READONLY;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]}: the longest common subsequence of two values,
 * as Redis 7.0's {@code lcsCommand} answers it (the same subsequence and ranges: its dynamic programming table,
 * walked back from the end, preferring the second string's side on ties).
 *
 * <p><b>Bounded.</b> The table has a cell for every pair of bytes, so its time and memory grow with the product of
 * the lengths: Redis refuses a table over 512 MB (134 million cells, seconds of a single thread). Here a command
 * runs on an event loop that serves other connections, so at most {@link #MAX_CELLS} pairs are compared (two
 * values of 2 KiB: 18 ms, where 2^24 pairs took 89 ms, on a loaded 2-vCPU machine, docs/resp.md), and the
 * table keeps one bit per cell (the direction the walk takes) with two rows of lengths: at most 512 KiB per
 * command, one command per event loop at a time. {@code LEN} keeps the two rows alone. Past the bound:
 * {@code -ERR LCS of <n> and <m> bytes compares more than 4194304 pairs of bytes}.
 */
final class RespLcsCommand {
  /** The most pairs of bytes one {@code LCS} compares: 2^22. */
  static final long MAX_CELLS = 1L << 22;

  private static final Result.Error LEN_AND_IDX =
      Result.error("If you want both the length and indexes, please just use IDX.");

  private final BlinkStore store;

  RespLcsCommand(BlinkStore store) {
    this.store = store;
  }

  void register(CommandTable commands) {
    commands.add("lcs", -3, new Keys(1, 2, 1), this::lcs, READONLY);
  }

  /** The options of one {@code LCS}. */
  private record Options(boolean len, boolean idx, boolean withMatchLen, long minMatchLen) {}

  private Result lcs(ClientState client, byte[][] args) {
    byte[] a = valueOf(client, args[1]);
    byte[] b = valueOf(client, args[2]);
    boolean len = false;
    boolean idx = false;
    boolean withMatchLen = false;
    long minMatchLen = 0;
    for (int i = 3; i < args.length; i++) {
      String option = Arguments.lowerCase(args[i]);
      if (option.equals("idx")) {
        idx = true;
      } else if (option.equals("len")) {
        len = true;
      } else if (option.equals("withmatchlen")) {
        withMatchLen = true;
      } else if (option.equals("minmatchlen") && i + 1 < args.length) {
        Long min = Arguments.integer(args[++i]);
        if (min == null) {
          return RespKeyCommands.NOT_AN_INTEGER;
        }
        minMatchLen = Math.max(0, min);
      } else {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    if (len && idx) {
      return LEN_AND_IDX;
    }
    if ((long) a.length * b.length > MAX_CELLS) {
      return Result.error("LCS of " + a.length + " and " + b.length + " bytes compares more than " + MAX_CELLS
          + " pairs of bytes");
    }
    Options options = new Options(len, idx, withMatchLen, minMatchLen);
    return len ? new Result.Int(length(a, b)) : walk(a, b, options);
  }

  private byte[] valueOf(ClientState client, byte[] key) {
    byte[] value = store.get(client.key(key));
    return value == null ? new byte[0] : value;
  }

  /** The length of the longest common subsequence, with two rows of the table. */
  private static int length(byte[] a, byte[] b) {
    int[] previous = new int[b.length + 1];
    int[] current = new int[b.length + 1];
    for (int i = 1; i <= a.length; i++) {
      for (int j = 1; j <= b.length; j++) {
        current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length];
  }

  /**
   * The table's directions: bit {@code (i-1)·|b| + (j-1)} is set where the walk back from cell (i, j), its bytes
   * different, goes up (the LCS without {@code a[i-1]} is longer than without {@code b[j-1]}), as Redis decides.
   */
  private static long[] directions(byte[] a, byte[] b) {
    long[] up = new long[(int) (((long) a.length * b.length + 63) >>> 6)];
    int[] previous = new int[b.length + 1];
    int[] current = new int[b.length + 1];
    for (int i = 1; i <= a.length; i++) {
      for (int j = 1; j <= b.length; j++) {
        if (a[i - 1] == b[j - 1]) {
          current[j] = previous[j - 1] + 1;
        } else if (previous[j] > current[j - 1]) {
          current[j] = previous[j];
          long cell = (long) (i - 1) * b.length + (j - 1);
          up[(int) (cell >>> 6)] |= 1L << cell;
        } else {
          current[j] = current[j - 1];
        }
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return up;
  }

  /** Redis's walk back from the table's end: the subsequence, or with {@code IDX} its matching ranges. */
  private static Result walk(byte[] a, byte[] b, Options options) {
    long[] up = directions(a, b);
    byte[] reversed = new byte[Math.min(a.length, b.length)];
    int found = 0;
    List<Result> matches = new ArrayList<>();
    int aStart = -1;
    int aEnd = 0;
    int bStart = 0;
    int bEnd = 0;
    int i = a.length;
    int j = b.length;
    while (i > 0 && j > 0) {
      boolean emit = false;
      if (a[i - 1] == b[j - 1]) {
        reversed[found++] = a[i - 1];
        if (aStart < 0) {
          aStart = aEnd = i - 1;
          bStart = bEnd = j - 1;
        } else {
          aStart--; // the walk only meets a match next to the one before, or after a range was emitted
          bStart--;
        }
        emit = aStart == 0 || bStart == 0;
        i--;
        j--;
      } else {
        long cell = (long) (i - 1) * b.length + (j - 1);
        if ((up[(int) (cell >>> 6)] & (1L << cell)) != 0) {
          i--;
        } else {
          j--;
        }
        emit = aStart >= 0;
      }
      if (emit) {
        long matchLen = aEnd - aStart + 1;
        if (options.idx() && matchLen >= options.minMatchLen()) {
          matches.add(range(aStart, aEnd, bStart, bEnd, options.withMatchLen() ? matchLen : -1));
        }
        aStart = -1;
      }
    }
    if (!options.idx()) {
      byte[] lcs = new byte[found];
      for (int k = 0; k < found; k++) {
        lcs[k] = reversed[found - 1 - k];
      }
      return new Result.Bulk(lcs);
    }
    return new Result.Map(List.of(Result.bulk("matches"), new Result.Array(matches), Result.bulk("len"),
        new Result.Int(found)));
  }

  /** One match: its range in each value, and its length if {@code matchLen} is not negative. */
  private static Result range(int aStart, int aEnd, int bStart, int bEnd, long matchLen) {
    List<Result> match = new ArrayList<>(3);
    match.add(new Result.Array(List.of(new Result.Int(aStart), new Result.Int(aEnd))));
    match.add(new Result.Array(List.of(new Result.Int(bStart), new Result.Int(bEnd))));
    if (matchLen >= 0) {
      match.add(new Result.Int(matchLen));
    }
    return new Result.Array(match);
  }
}
