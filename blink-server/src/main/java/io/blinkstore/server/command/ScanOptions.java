package io.blinkstore.server.command;

import org.jspecify.annotations.Nullable;

/**
 * The options of a scan of one key's members ({@code HSCAN}, {@code SSCAN}): {@code [MATCH pattern] [COUNT count]},
 * in any order, each may repeat (the last wins), with Redis's errors: {@code syntax error} for another word, an
 * option without its value or a count below 1, {@code value is not an integer or out of range} for a count that is
 * not an integer. The count is capped at {@link RespScanCommands#MAX_COUNT}, as {@code SCAN}'s.
 *
 * @param count how many members a step should return
 * @param pattern the glob members are filtered by, or {@code null} for all
 */
record ScanOptions(int count, byte @Nullable [] pattern) {
  /** The options in {@code args} from {@code from} on: a {@link ScanOptions}, or the {@link Result.Error} to answer. */
  static Object parse(byte[][] args, int from) {
    long count = 10;
    byte[] pattern = null;
    for (int i = from; i < args.length; i += 2) {
      String option = Arguments.lowerCase(args[i]);
      if (i + 1 == args.length || !option.equals("count") && !option.equals("match")) {
        return RespKeyCommands.SYNTAX_ERROR;
      }
      if (option.equals("match")) {
        pattern = args[i + 1];
        continue;
      }
      Long parsed = Arguments.integer(args[i + 1]);
      if (parsed == null || parsed < 1) {
        return parsed == null ? RespKeyCommands.NOT_AN_INTEGER : RespKeyCommands.SYNTAX_ERROR;
      }
      count = parsed;
    }
    return new ScanOptions((int) Math.min(count, RespScanCommands.MAX_COUNT), pattern);
  }

  /** Whether {@code member} passes the pattern. */
  boolean matches(byte[] member) {
    return pattern == null || GlobPattern.matches(pattern, member);
  }
}
