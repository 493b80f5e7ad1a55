package io.blinkstore.server.command;

import java.util.Arrays;

/**
 * Redis's glob-style patterns ({@code KEYS}, {@code SCAN MATCH}, ACL key and channel patterns), matched over bytes
 * with the results of its {@code stringmatchlen} (src/util.c in Redis 7.0): {@code *} any run of bytes, {@code ?}
 * one byte, {@code [abc]}, {@code [^abc]}, {@code [a-z]} (bounds in either order), and {@code \} to take the next
 * byte literally, inside brackets too; an unterminated bracket ends at the end of the pattern. Bytes compare as
 * signed, as C's {@code char} does there, so range bounds above 0x7f behave as in Redis. An empty string matches
 * only the empty pattern, as there.
 *
 * <p><b>Cost.</b> Redis tries each run of {@code *} at every position, recursively: a pattern of a {@code *} and
 * 200,000 literal bytes took 5 s (6.3 s in Redis) to refuse a 100,000-byte key, on the event loop, for every command
 * of a user holding it. Here the pattern is read once into tokens, and the parts between runs of {@code *} are
 * placed greedily: the first at the start, the last at the end, each other at its first place after the one before
 * (the leftmost place leaves the most room to the rest, so greedy placing finds a match whenever there is one). The
 * first and last parts cost their length; a middle part is found by bit-parallel matching (shift-and), a word per 64
 * tokens per byte of the string it passes. No part is looked for in less string than it needs, so a pattern longer
 * than the string costs reading it. Worst case, for a string of {@code n} bytes: {@code n} times {@code n / 64}
 * words; linear in the string for parts of up to 64 tokens. No recursion: any number of {@code *} is matched.
 */
final class GlobPattern {
  /** A token that is a run of {@code *}; a byte is its unsigned value, {@code ?} {@link #ANY}, a bracket below. */
  private static final int STAR = -1;
  private static final int ANY = -2;
  /** A bracket expression: {@code CLASS - i} for the {@code i}th, whose bytes are four words of bits. */
  private static final int CLASS = -3;

  private GlobPattern() {}

  /** Whether {@code string} matches {@code pattern}. */
  static boolean matches(byte[] pattern, byte[] string) {
    if (string.length == 0) {
      return pattern.length == 0;
    }
    Tokens tokens = new Tokens(pattern);
    int n = tokens.count;
    int head = 0;
    while (head < n && tokens.values[head] != STAR) {
      head++;
    }
    if (head == n) {
      return n == string.length && tokens.matchAt(0, n, string, 0);
    }
    int tail = n;
    while (tokens.values[tail - 1] != STAR) {
      tail--;
    }
    int end = string.length - (n - tail);
    if (head > end || !tokens.matchAt(0, head, string, 0) || !tokens.matchAt(tail, n, string, end)) {
      return false;
    }
    int at = head;
    for (int from = head + 1; from < tail; ) { // the middle parts, each between two stars
      int to = from;
      while (tokens.values[to] != STAR) {
        to++;
      }
      if (to > from) {
        int found = tokens.find(from, to, string, at, end);
        if (found < 0) {
          return false;
        }
        at = found + (to - from);
      }
      from = to + 1;
    }
    return true;
  }

  /** A pattern read once into tokens. */
  private static final class Tokens {
    /** Each token: {@link #STAR}, a byte's unsigned value, {@link #ANY}, or {@code CLASS - i}. */
    final int[] values;
    /** Four words per bracket expression: the bytes it takes, by unsigned value. */
    long[] classes = new long[0];
    final int count;

    Tokens(byte[] pat) {
      int[] values = new int[pat.length];
      int count = 0;
      int brackets = 0;
      for (int p = 0; p < pat.length; p++) {
        switch (pat[p]) {
          case '*' -> {
            if (count == 0 || values[count - 1] != STAR) {
              values[count++] = STAR; // a run of * is one
            }
          }
          case '?' -> values[count++] = ANY;
          case '[' -> {
            if (classes.length < 4 * (brackets + 1)) {
              classes = Arrays.copyOf(classes, Math.max(16, 2 * classes.length));
            }
            p = bracket(pat, p + 1, classes, 4 * brackets);
            values[count++] = CLASS - brackets++;
          }
          case '\\' -> {
            if (pat.length - p >= 2) {
              p++;
            }
            values[count++] = pat[p] & 0xff;
          }
          default -> values[count++] = pat[p] & 0xff;
        }
      }
      this.values = values;
      this.count = count;
    }

    boolean takes(int token, byte c) {
      int value = values[token];
      int u = c & 0xff;
      if (value >= 0) {
        return value == u;
      }
      if (value == ANY) {
        return true;
      }
      return (classes[4 * (CLASS - value) + (u >>> 6)] & (1L << u)) != 0;
    }

    /** Whether tokens {@code [from, to)} (no star among them) match {@code string} from {@code at}. */
    boolean matchAt(int from, int to, byte[] string, int at) {
      for (int t = from; t < to; t++) {
        if (!takes(t, string[at + t - from])) {
          return false;
        }
      }
      return true;
    }

    /**
     * The first place in {@code string} from {@code at} where tokens {@code [from, to)} (no star among them) match,
     * ending by {@code end}, or -1: shift-and, a bit per token, in {@code (to - from + 63) / 64} words, with the
     * tokens' masks of each byte value made when the string first shows it.
     */
    int find(int from, int to, byte[] string, int at, int end) {
      int m = to - from;
      if (m > end - at) {
        return -1;
      }
      int words = (m + 63) >>> 6;
      long[][] masks = new long[256][];
      long[] state = new long[words];
      long last = 1L << ((m - 1) & 63);
      for (int i = at; i < end; i++) {
        int u = string[i] & 0xff;
        long[] mask = masks[u];
        if (mask == null) {
          mask = masks[u] = new long[words];
          for (int t = 0; t < m; t++) {
            if (takes(from + t, string[i])) {
              mask[t >>> 6] |= 1L << t;
            }
          }
        }
        long carry = 1; // a match may begin at every byte
        for (int w = 0; w < words; w++) {
          long shifted = state[w] << 1 | carry;
          carry = state[w] >>> 63;
          state[w] = shifted & mask[w];
        }
        if ((state[words - 1] & last) != 0) {
          return i - m + 1;
        }
      }
      return -1;
    }

    private static void add(long[] sets, int set, byte c) {
      int u = c & 0xff;
      sets[set + (u >>> 6)] |= 1L << u;
    }

    /**
     * Reads the bracket expression starting at {@code p} (just past its {@code [}) into the set at {@code set}, as
     * Redis reads it, and returns the index of its closing {@code ]} (or the pattern's last byte if unterminated).
     */
    private static int bracket(byte[] pat, int p, long[] sets, int set) {
      boolean negated = at(pat, p) == '^';
      if (negated) {
        p++;
      }
      for (;; p++) {
        int left = pat.length - p;
        if (at(pat, p) == '\\' && left >= 2) {
          p++;
          add(sets, set, pat[p]);
        } else if (at(pat, p) == ']') {
          break;
        } else if (left <= 0) {
          p = pat.length - 1;
          break;
        } else if (left >= 3 && pat[p + 1] == '-') {
          int low = Math.min(pat[p], pat[p + 2]);
          int high = Math.max(pat[p], pat[p + 2]);
          p += 2;
          for (int c = low; c <= high; c++) {
            add(sets, set, (byte) c);
          }
        } else {
          add(sets, set, pat[p]);
        }
      }
      if (negated) {
        for (int w = set; w < set + 4; w++) {
          sets[w] = ~sets[w];
        }
      }
      return p;
    }

    /** The byte at {@code i}, or 0 past the end (Redis reads the terminating NUL of its strings there). */
    private static byte at(byte[] bytes, int i) {
      return i < bytes.length ? bytes[i] : 0;
    }
  }
}
