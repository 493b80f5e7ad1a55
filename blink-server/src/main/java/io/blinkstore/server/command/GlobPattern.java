package io.blinkstore.server.command;

/**
 * Redis's glob-style patterns ({@code KEYS}, {@code SCAN MATCH}), matched over bytes with the semantics of its
 * {@code stringmatchlen} (src/util.c in Redis 7.0): {@code *} any run of bytes, {@code ?} one byte,
 * {@code [abc]}, {@code [^abc]}, {@code [a-z]} (bounds in either order), and {@code \} to take the next byte
 * literally, inside brackets too; an unterminated bracket ends at the end of the pattern. Bytes compare as signed,
 * as C's {@code char} does there, so range bounds above 0x7f behave as in Redis.
 *
 * <p>Each {@code *} after the first nests one call, and a failed tail stops every earlier {@code *} from trying
 * longer runs (Redis's "skip longer matches"), so matching is polynomial. Patterns with more than
 * {@link #MAX_STARS} runs of {@code *} match nothing, so that no pattern can exhaust an event loop's stack.
 */
final class GlobPattern {
  /** The most runs of {@code *} a pattern may have; more and it matches no key. */
  static final int MAX_STARS = 1_000;

  private GlobPattern() {}

  /** Whether {@code string} matches {@code pattern}. */
  static boolean matches(byte[] pattern, byte[] string) {
    return match(pattern, 0, string, 0, new boolean[1], 0);
  }

  /** The byte at {@code i}, or 0 past the end (Redis reads the terminating NUL of its strings there). */
  private static byte at(byte[] bytes, int i) {
    return i < bytes.length ? bytes[i] : 0;
  }

  private static boolean match(byte[] pat, int p, byte[] str, int s, boolean[] giveUp, int depth) {
    while (p < pat.length && s < str.length) {
      switch (pat[p]) {
        case '*' -> {
          while (at(pat, p + 1) == '*') {
            p++;
          }
          if (p == pat.length - 1) {
            return true;
          }
          if (depth == MAX_STARS) {
            return false;
          }
          for (; s < str.length; s++) {
            if (match(pat, p + 1, str, s, giveUp, depth + 1)) {
              return true;
            }
            if (giveUp[0]) {
              return false;
            }
          }
          // The tail matches nowhere in the rest: no earlier * can do better by matching more.
          giveUp[0] = true;
          return false;
        }
        case '?' -> s++;
        case '[' -> {
          p = bracketEnd(pat, p + 1, str[s]);
          if (p < 0) {
            return false;
          }
          s++;
        }
        case '\\' -> {
          if (pat.length - p >= 2) {
            p++;
          }
          if (pat[p] != str[s]) {
            return false;
          }
          s++;
        }
        default -> {
          if (pat[p] != str[s]) {
            return false;
          }
          s++;
        }
      }
      p++;
      if (s == str.length) {
        while (at(pat, p) == '*') {
          p++;
        }
        break;
      }
    }
    return p == pat.length && s == str.length;
  }

  /**
   * Matches the byte {@code c} against the bracket expression starting at {@code p} (just past its {@code [}).
   *
   * @return the index of its closing {@code ]} (or the last byte of the pattern if unterminated), or -1 if
   *     {@code c} does not match
   */
  private static int bracketEnd(byte[] pat, int p, byte c) {
    boolean negated = at(pat, p) == '^';
    if (negated) {
      p++;
    }
    boolean matched = false;
    for (;; p++) {
      int left = pat.length - p;
      if (at(pat, p) == '\\' && left >= 2) {
        p++;
        matched |= pat[p] == c;
      } else if (at(pat, p) == ']') {
        break;
      } else if (left <= 0) {
        p = pat.length - 1;
        break;
      } else if (left >= 3 && pat[p + 1] == '-') {
        int low = Math.min(pat[p], pat[p + 2]);
        int high = Math.max(pat[p], pat[p + 2]);
        p += 2;
        matched |= c >= low && c <= high;
      } else {
        matched |= pat[p] == c;
      }
    }
    return matched != negated ? p : -1;
  }
}
