package io.blinkstore.server.command;

/**
 * The model {@link GlobPattern} is checked against: the matcher it replaced, a transcription of Redis 7.0's
 * {@code stringmatchlen} (src/util.c), recursive at each {@code *} with Redis's "skip longer matches", whose results
 * {@code RedisParityIT.globPatternsMatchRedissKeyByKey} compared with redis-server's. Its cost is quadratic and its
 * depth one call per run of {@code *}: only for the short patterns of a property.
 */
final class RedisGlobModel {
  private RedisGlobModel() {}

  /** Whether {@code string} matches {@code pattern}. */
  static boolean matches(byte[] pattern, byte[] string) {
    return match(pattern, 0, string, 0, new boolean[1]);
  }

  /** The byte at {@code i}, or 0 past the end (Redis reads the terminating NUL of its strings there). */
  private static byte at(byte[] bytes, int i) {
    return i < bytes.length ? bytes[i] : 0;
  }

  private static boolean match(byte[] pat, int p, byte[] str, int s, boolean[] giveUp) {
    while (p < pat.length && s < str.length) {
      switch (pat[p]) {
        case '*' -> {
          while (at(pat, p + 1) == '*') {
            p++;
          }
          if (p == pat.length - 1) {
            return true;
          }
          for (; s < str.length; s++) {
            if (match(pat, p + 1, str, s, giveUp)) {
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
