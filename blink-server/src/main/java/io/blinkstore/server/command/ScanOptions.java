package io.blinkstore.server.command;

import org.jspecify.annotations.Nullable;

/**
 * The options of a container's scan ({@code HSCAN}, {@code ZSCAN}: {@code [MATCH pattern] [COUNT count]} from
 * {@code args[3]}), read as Redis reads them: each option with its value, a later one winning, a count below 1 a
 * syntax error.
 *
 * @param pattern the glob members must match, or {@code null} for all
 * @param count how many members a step is asked for (10 unless {@code COUNT} says), at most {@code maxCount}
 */
record ScanOptions(byte @Nullable [] pattern, int count) {
  /** The options of {@code args} from index 3, a step at most {@code maxCount}: a {@link ScanOptions} or an error. */
  static Object parse(byte[][] args, int maxCount) {
    long count = 10;
    byte[] pattern = null;
    for (int i = 3; i < args.length; i += 2) {
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
    return new ScanOptions(pattern, (int) Math.min(count, maxCount));
  }

  /** Whether {@code member} passes the pattern. */
  boolean matches(byte[] member) {
    return pattern == null || GlobPattern.matches(pattern, member);
  }
}
