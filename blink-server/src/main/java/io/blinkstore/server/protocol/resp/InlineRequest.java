package io.blinkstore.server.protocol.resp;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Splits a Redis inline request ({@code SET k "a b"}, one line) into its arguments as Redis's
 * {@code sdssplitargs} does: arguments are separated by blanks; {@code "..."} takes the escapes {@code \n},
 * {@code \r}, {@code \t}, {@code \b}, {@code \a}, {@code \xHH} and a backslash before any other character;
 * {@code '...'} only {@code \'}; a closing quote must be followed by a blank or the end of the line; a quote opens
 * in the middle of an argument too ({@code a"b c"} is {@code ab c}). The line ends at its first NUL byte, as a C
 * string does there.
 */
final class InlineRequest {
  private InlineRequest() {}

  /** The arguments of {@code line} (without its line ending), none for a blank line; null for unbalanced quotes. */
  static byte @Nullable [][] split(byte[] line) {
    List<byte[]> args = new ArrayList<>();
    int p = 0;
    for (;;) {
      while (isSpace(at(line, p))) {
        p++;
      }
      if (at(line, p) == 0) {
        return args.toArray(new byte[0][]);
      }
      ByteArrayOutputStream current = new ByteArrayOutputStream();
      p = token(line, p, current);
      if (p < 0) {
        return null;
      }
      args.add(current.toByteArray());
    }
  }

  /** Reads one argument from {@code p} into {@code current}; the position after it, or -1 for unbalanced quotes. */
  private static int token(byte[] line, int p, ByteArrayOutputStream current) {
    boolean doubleQuoted = false;
    boolean singleQuoted = false;
    for (;;) {
      int c = at(line, p);
      if (doubleQuoted) {
        if (c == '\\' && at(line, p + 1) == 'x' && hex(at(line, p + 2)) >= 0 && hex(at(line, p + 3)) >= 0) {
          current.write(hex(at(line, p + 2)) * 16 + hex(at(line, p + 3)));
          p += 3;
        } else if (c == '\\' && at(line, p + 1) != 0) {
          p++;
          current.write(escaped(at(line, p)));
        } else if (c == '"') {
          return closed(line, p);
        } else if (c == 0) {
          return -1;
        } else {
          current.write(c);
        }
      } else if (singleQuoted) {
        if (c == '\\' && at(line, p + 1) == '\'') {
          p++;
          current.write('\'');
        } else if (c == '\'') {
          return closed(line, p);
        } else if (c == 0) {
          return -1;
        } else {
          current.write(c);
        }
      } else {
        switch (c) {
          case ' ', '\n', '\r', '\t', 0 -> {
            return p; // the blank is skipped by the caller
          }
          case '"' -> doubleQuoted = true;
          case '\'' -> singleQuoted = true;
          default -> current.write(c);
        }
      }
      p++;
    }
  }

  /** After the closing quote at {@code p}: the next position, or -1 if something other than a blank follows. */
  private static int closed(byte[] line, int p) {
    int next = at(line, p + 1);
    return next != 0 && !isSpace(next) ? -1 : p + 1;
  }

  private static int escaped(int c) {
    return switch (c) {
      case 'n' -> '\n';
      case 'r' -> '\r';
      case 't' -> '\t';
      case 'b' -> '\b';
      case 'a' -> 7;
      default -> c;
    };
  }

  /** The byte at {@code i} (0 to 255), or 0 past the end, as C reads the string's terminating NUL. */
  private static int at(byte[] line, int i) {
    return i < line.length ? line[i] & 0xff : 0;
  }

  /** C's {@code isspace} in the C locale. */
  private static boolean isSpace(int c) {
    return c == ' ' || c >= '\t' && c <= '\r';
  }

  private static int hex(int c) {
    return Character.digit(c, 16);
  }
}
