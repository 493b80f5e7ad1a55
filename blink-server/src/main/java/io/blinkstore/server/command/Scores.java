package io.blinkstore.server.command;

import io.blinkstore.internal.SortedSets.Members;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Scores and ranges of sorted sets as Redis 7.0 reads them: a score as {@code getDoubleFromObject} does
 * ({@code strtod} of the whole argument, no leading space, no NaN, no overflow to infinity and no underflow to
 * zero, while {@code inf}, {@code +inf} and {@code -inf} are scores), a score range as {@code zslParseRange} does
 * ({@code (} before a bound excludes it; {@code strtod} of the rest, a leading space allowed, NaN refused), a
 * lexicographic range as {@code zslParseLexRange} does ({@code [} or {@code (} before a member, {@code -} and
 * {@code +} the ends).
 */
final class Scores {
  static final Result.Error NOT_A_FLOAT = Result.error("value is not a valid float");
  static final Result.Error RANGE_NOT_A_FLOAT = Result.error("min or max is not a float");
  static final Result.Error LEX_RANGE = Result.error("min or max not valid string range item");

  private Scores() {}

  /** A range of ranks {@code [from, to)} of a sorted set. */
  record Ranks(long from, long to) {
    long count() {
      return Math.max(0, to - from);
    }
  }

  /** A range of scores or of members, which gives the ranks it spans in a sorted set. */
  interface Range {
    Ranks in(Members set);
  }

  /** A score range: from {@code min} to {@code max}, each end excluded where its flag says. */
  record ScoreRange(double min, boolean minExcluded, double max, boolean maxExcluded) implements Range {
    @Override
    public Ranks in(Members set) {
      if (min > max || min == max && (minExcluded || maxExcluded)) {
        return new Ranks(0, 0);
      }
      return new Ranks(set.countBelow(min, minExcluded), set.countBelow(max, !maxExcluded));
    }
  }

  /** A member range: {@code null} for {@code -} (min) or {@code +} (max). */
  record LexRange(byte @Nullable [] min, boolean minExcluded, byte @Nullable [] max, boolean maxExcluded,
      boolean minIsPlus, boolean maxIsMinus) implements Range {
    @Override
    public Ranks in(Members set) {
      if (minIsPlus || maxIsMinus) {
        return new Ranks(0, 0);
      }
      if (min != null && max != null) {
        int c = Arrays.compareUnsigned(min, max);
        if (c > 0 || c == 0 && (minExcluded || maxExcluded)) {
          return new Ranks(0, 0);
        }
      }
      long from = min == null ? 0 : set.countBelowLex(min, minExcluded);
      long to = max == null ? set.size() : set.countBelowLex(max, !maxExcluded);
      return new Ranks(from, to);
    }
  }

  /** The score {@code arg} is, or {@code null} if it is not one ({@link #NOT_A_FLOAT}). */
  static @Nullable Double score(byte[] arg) {
    if (arg.length == 0 || Character.isWhitespace(arg[0])) {
      return null;
    }
    int end = LuaStrtod.scan(arg, 0);
    if (end != arg.length) {
      return null;
    }
    String text = new String(arg, StandardCharsets.ISO_8859_1);
    double value = LuaStrtod.parse(text);
    if (Double.isNaN(value) || Double.isInfinite(value) && !isInfinityWord(text)
        || value == 0 && hasNonZeroDigit(text)) {
      return null; // NaN, or strtod's ERANGE: an overflow to infinity, an underflow to zero
    }
    return value;
  }

  private static boolean isInfinityWord(String text) {
    return text.toLowerCase(java.util.Locale.ROOT).contains("inf");
  }

  /** Whether the significand (before any exponent) has a digit other than 0. */
  private static boolean hasNonZeroDigit(String text) {
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    boolean hex = lower.contains("0x");
    int end = hex ? lower.indexOf('p') : lower.indexOf('e');
    String significand = (end < 0 ? lower : lower.substring(0, end)).replace("0x", "");
    for (char c : significand.toCharArray()) {
      if (Character.digit(c, hex ? 16 : 10) > 0) {
        return true;
      }
    }
    return false;
  }

  /** The score range of {@code min} and {@code max}, or {@link #RANGE_NOT_A_FLOAT}. */
  static Object scoreRange(byte[] min, byte[] max) {
    double[] values = new double[2];
    boolean[] excluded = new boolean[2];
    byte[][] args = {min, max};
    for (int i = 0; i < 2; i++) {
      byte[] arg = args[i];
      int start = arg.length > 0 && arg[0] == '(' ? 1 : 0;
      excluded[i] = start == 1;
      while (start < arg.length && isSpace(arg[start])) {
        start++;
      }
      int end = LuaStrtod.scan(arg, start);
      if (end != arg.length) {
        return RANGE_NOT_A_FLOAT;
      }
      values[i] = end == start ? 0 : LuaStrtod.parse(new String(arg, start, end - start,
          StandardCharsets.ISO_8859_1));
      if (Double.isNaN(values[i])) {
        return RANGE_NOT_A_FLOAT;
      }
    }
    return new ScoreRange(values[0], excluded[0], values[1], excluded[1]);
  }

  private static boolean isSpace(byte b) {
    return b == ' ' || b >= '\t' && b <= '\r';
  }

  /** The member range of {@code min} and {@code max}, or {@link #LEX_RANGE}. */
  static Object lexRange(byte[] min, byte[] max) {
    if (!lexItem(min) || !lexItem(max)) {
      return LEX_RANGE;
    }
    return new LexRange(lexBound(min), min[0] == '(', lexBound(max), max[0] == '(',
        min.length == 1 && min[0] == '+', max.length == 1 && max[0] == '-');
  }

  private static boolean lexItem(byte[] arg) {
    if (arg.length == 0) {
      return false;
    }
    return arg[0] == '(' || arg[0] == '[' || arg.length == 1 && (arg[0] == '-' || arg[0] == '+');
  }

  /** The member of a bound, {@code null} for {@code -} or {@code +}. */
  private static byte @Nullable [] lexBound(byte[] arg) {
    return arg[0] == '(' || arg[0] == '[' ? Arrays.copyOfRange(arg, 1, arg.length) : null;
  }
}
