package io.blinkstore.server.command;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The options of a {@code SORT} or {@code SORT_RO} line, read as Redis 7.0's {@code sortCommandGeneric} reads
 * them: left to right, the last {@code BY}, {@code LIMIT}, {@code STORE} and {@code ASC}/{@code DESC} winning,
 * every {@code GET} kept in order. A {@code BY} pattern without {@code *} (before any NUL byte, as C's
 * {@code strchr} finds it) turns sorting off for good, even if a later {@code BY} has one, as in Redis.
 * {@code STORE} is an option of {@code SORT} only; {@code SORT_RO} answers a syntax error for it.
 */
record SortOptions(boolean desc, boolean alpha, long limitStart, long limitCount, byte @Nullable [] store,
    byte @Nullable [] by, boolean dontSort, List<byte[]> gets) {

  /** The options of {@code args} (from {@code args[2]}), or the error Redis answers for them. */
  static Object parse(byte[][] args, boolean readOnly) {
    boolean desc = false;
    boolean alpha = false;
    boolean dontSort = false;
    long limitStart = 0;
    long limitCount = -1;
    byte[] store = null;
    byte[] by = null;
    List<byte[]> gets = new ArrayList<>();
    for (int j = 2; j < args.length; j++) {
      int left = args.length - j - 1;
      String option = Arguments.lowerCase(args[j]);
      if (option.equals("asc")) {
        desc = false;
      } else if (option.equals("desc")) {
        desc = true;
      } else if (option.equals("alpha")) {
        alpha = true;
      } else if (option.equals("limit") && left >= 2) {
        Long start = Arguments.integer(args[j + 1]);
        Long count = Arguments.integer(args[j + 2]);
        if (start == null || count == null) {
          return RespKeyCommands.NOT_AN_INTEGER;
        }
        limitStart = start;
        limitCount = count;
        j += 2;
      } else if (!readOnly && option.equals("store") && left >= 1) {
        store = args[++j];
      } else if (option.equals("by") && left >= 1) {
        by = args[++j];
        dontSort |= SortPattern.star(by) < 0;
      } else if (option.equals("get") && left >= 1) {
        gets.add(args[++j]);
      } else {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    return new SortOptions(desc, alpha, limitStart, limitCount, store, by, dontSort, List.copyOf(gets));
  }

  /**
   * The positions of the keys of a {@code SORT} line ({@code line[0]} the name) as Redis's {@code sortGetKeys}
   * finds them for {@code COMMAND GETKEYS}: the sorted key, then the last {@code STORE}'s, skipping the arguments
   * of {@code LIMIT}, {@code GET} and {@code BY} (not {@code STORE}'s own); {@code SORT_RO}'s: the sorted key.
   */
  static List<Integer> keyPositions(byte[][] line, boolean readOnly) {
    int store = -1;
    for (int i = 2; i < line.length && !readOnly; i++) {
      String option = Arguments.lowerCase(line[i]);
      switch (option) {
        case "limit" -> i += 2;
        case "get", "by" -> i++;
        case "store" -> store = i + 1 < line.length ? i + 1 : store;
        default -> { }
      }
    }
    return store < 0 ? List.of(1) : List.of(1, store);
  }

  /**
   * Whether a {@code SORT} line may read or write keys other than the one it sorts ({@code BY}, {@code GET},
   * {@code STORE}), so that it must run with the store's gate held exclusive, every key it reads from one instant.
   * Any such word counts, wherever it stands: a line it wrongly counts only runs exclusive, as a script would.
   */
  static boolean readsOtherKeys(byte[][] args) {
    for (int j = 2; j < args.length; j++) {
      String option = Arguments.lowerCase(args[j]);
      if (option.equals("by") || option.equals("get") || option.equals("store")) {
        return true;
      }
    }
    return false;
  }
}
