package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Lua 5.1's {@code tonumber}: a string is a number as {@code luaO_str2d} reads it ({@code strtod}, so leading
 * whitespace, {@code 0x10}, {@code inf}, {@code nan} and {@code 1e1000}; trailing whitespace; a NUL byte ends the
 * string), or with a base from 2 to 36 as {@code strtoul} reads it. luaj 3.0.1's own failed with a "vm error"
 * ({@code ArrayIndexOutOfBoundsException}) on {@code tonumber('0x')}.
 */
final class LuaNumberParser {
  private LuaNumberParser() {}

  static LuaValue tonumber(Varargs args) {
    long base = LuaArgs.optInteger(args, 2, "tonumber", 10);
    LuaValue value = args.arg1();
    if (base == 10) {
      if (args.narg() == 0) {
        throw LuaArgs.error(1, "tonumber", "value expected");
      }
      if (value.type() == LuaValue.TNUMBER) {
        return value;
      }
      return value.type() == LuaValue.TSTRING ? decimal(bytes(value.checkstring())) : LuaValue.NIL;
    }
    if (base < 2 || base > 36) {
      throw LuaArgs.error(2, "tonumber", "base out of range");
    }
    byte[] text = bytes(LuaArgs.checkString(args, 1, "tonumber"));
    long[] parsed = unsigned(text, 0, (int) base);
    int end = (int) parsed[1];
    return parsed[2] != 0 && atEnd(text, end) ? LuaValue.valueOf(toDouble(parsed[0])) : LuaValue.NIL;
  }

  private static byte[] bytes(LuaString s) {
    int zero = s.indexOf((byte) 0, 0);
    byte[] bytes = new byte[zero < 0 ? s.length() : zero];
    s.copyInto(0, bytes, 0, bytes.length);
    return bytes;
  }

  /** {@code luaO_str2d}: strtod's number, then nothing but whitespace. */
  private static LuaValue decimal(byte[] text) {
    int start = spaces(text, 0);
    int end = LuaStrtod.scan(text, start);
    if (end == start) {
      return LuaValue.NIL;
    }
    // luaO_str2d's strtoul fallback for a trailing 'x' reads nothing more than strtod, which takes hex itself
    return atEnd(text, end)
        ? LuaValue.valueOf(LuaStrtod.parse(new String(text, start, end - start, StandardCharsets.ISO_8859_1)))
        : LuaValue.NIL;
  }

  private static boolean atEnd(byte[] text, int from) {
    return spaces(text, from) == text.length;
  }

  private static int spaces(byte[] text, int from) {
    int i = from;
    while (i < text.length && (text[i] == ' ' || text[i] >= '\t' && text[i] <= '\r')) {
      i++;
    }
    return i;
  }

  private static double toDouble(long unsigned) {
    return Double.parseDouble(Long.toUnsignedString(unsigned));
  }

  /** C's {@code strtoul}: {value, end, 1 if any digit was read}; past 2^64-1 the value is 2^64-1. */
  private static long[] unsigned(byte[] text, int from, int base) {
    int i = spaces(text, from);
    boolean negative = false;
    if (i < text.length && (text[i] == '+' || text[i] == '-')) {
      negative = text[i] == '-';
      i++;
    }
    if (base == 16 && i + 1 < text.length && text[i] == '0' && (text[i + 1] | 0x20) == 'x'
        && i + 2 < text.length && Character.digit(text[i + 2], 16) >= 0) {
      i += 2;
    }
    long value = 0;
    boolean overflow = false;
    int start = i;
    for (int digit; i < text.length && (digit = Character.digit(text[i], base)) >= 0; i++) {
      long next = value * base + digit;
      overflow |= Long.compareUnsigned(value, Long.divideUnsigned(-1L, base)) > 0
          || Long.compareUnsigned(next, value * base) < 0;
      value = next;
    }
    if (i == start) {
      return new long[] {0, from, 0};
    }
    long result = overflow ? -1L : negative ? -value : value;
    return new long[] {result, i, 1};
  }
}
