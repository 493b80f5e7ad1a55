package io.blinkstore.server.command;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's {@code string.format} with C's printf rules for flags, width and precision, which luaj 3.0.1 gets
 * wrong: its {@code %d} truncates to 32 bits ({@code 2^40} became 0), its {@code %e %f %g} ignore width and precision
 * ({@code %.2f} of 1.234 was {@code 1.234}), its {@code %s} ignores them too, and its {@code %q} writes a NUL as
 * {@code \0}. Only {@code %c} is handed to luaj's own format.
 */
final class LuaStringFormat extends VarArgFunction {
  private static final String FLAGS = "-+ #0";

  private final LuaValue luajFormat;

  LuaStringFormat(LuaValue luajFormat) {
    this.luajFormat = luajFormat;
    this.name = "format";
  }

  @Override
  public Varargs invoke(Varargs args) {
    LuaString format = LuaArgs.checkString(args, 1, name);
    byte[] bytes = new byte[format.length()];
    format.copyInto(0, bytes, 0, bytes.length);
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    StringBuilder plain = new StringBuilder();
    LuaBytes out = new LuaBytes("string.format");
    int arg = 1;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i++);
      if (c != '%' || i < text.length() && text.charAt(i) == '%') {
        plain.append(c);
        i += c == '%' ? 1 : 0;
        continue;
      }
      int start = i;
      i = scan(text, i);
      String spec = text.substring(start, i);
      if (i >= text.length()) {
        throw new LuaError("invalid option '%' to 'format'");
      }
      char conversion = text.charAt(i++);
      arg++;
      if (args.narg() < arg) {
        throw new LuaError("bad argument #" + arg + " to 'format' (no value)");
      }
      flush(plain, out);
      out.write(directive(spec, conversion, args, arg));
    }
    flush(plain, out);
    return out.toLuaString();
  }

  /** Lua 5.1's {@code scanformat}: flags, then at most two digits of width and two of precision. */
  private static int scan(String text, int start) {
    int i = start;
    while (i < text.length() && FLAGS.indexOf(text.charAt(i)) >= 0) {
      i++;
    }
    if (i - start > FLAGS.length()) {
      throw new LuaError("invalid format (repeated flags)");
    }
    i = digits(text, i);
    if (i < text.length() && text.charAt(i) == '.') {
      i = digits(text, i + 1);
    }
    return i;
  }

  private static int digits(String text, int start) {
    int i = start;
    while (i < text.length() && i - start < 2 && Character.isDigit(text.charAt(i))) {
      i++;
    }
    if (i < text.length() && Character.isDigit(text.charAt(i))) {
      throw new LuaError("invalid format (width or precision too long)");
    }
    return i;
  }

  private static void flush(StringBuilder plain, LuaBytes out) {
    out.write(plain.toString().getBytes(StandardCharsets.ISO_8859_1));
    plain.setLength(0);
  }

  private LuaString directive(String spec, char conversion, Varargs args, int arg) {
    Spec parsed = new Spec(spec);
    switch (conversion) {
      case 'd': case 'i': case 'o': case 'u': case 'x': case 'X':
        return LuaValue.valueOf(parsed.integer(conversion, (long) LuaArgs.checkNumber(args, arg, "format")));
      case 'e': case 'E': case 'f': case 'g': case 'G':
        return LuaValue.valueOf(parsed.floating(conversion, LuaArgs.checkNumber(args, arg, "format")));
      case 's':
        return parsed.string(LuaArgs.checkString(args, arg, "format"));
      case 'q':
        return quoted(LuaArgs.checkString(args, arg, "format"));
      case 'c':
        return luajFormat.call(LuaValue.valueOf("%" + spec + conversion), args.arg(arg)).checkstring();
      default:
        throw new LuaError("invalid option '%" + conversion + "' to 'format'");
    }
  }

  /** {@code %q} as 5.1's {@code addquoted}: a NUL as {@code \000} and a carriage return as {@code \r}. */
  private static LuaString quoted(LuaString s) {
    LuaBytes out = new LuaBytes("string.format");
    out.write('"');
    for (int i = 0; i < s.length(); i++) {
      int c = s.luaByte(i);
      switch (c) {
        case '"': case '\\': case '\n': out.write('\\'); out.write(c); break;
        case '\r': out.write(new byte[] {'\\', 'r'}); break;
        case 0: out.write(new byte[] {'\\', '0', '0', '0'}); break;
        default: out.write(c);
      }
    }
    out.write('"');
    return out.toLuaString();
  }

  /** One directive's flags, width and precision, and C's printf rules for them. */
  private static final class Spec {
    final String flags;
    final int width;
    final int precision;

    Spec(String spec) {
      int i = 0;
      while (i < spec.length() && FLAGS.indexOf(spec.charAt(i)) >= 0) {
        i++;
      }
      flags = spec.substring(0, i);
      int dot = spec.indexOf('.', i);
      String widthText = spec.substring(i, dot < 0 ? spec.length() : dot);
      width = widthText.isEmpty() ? 0 : Integer.parseInt(widthText);
      String precisionText = dot < 0 ? null : spec.substring(dot + 1);
      precision = precisionText == null ? -1 : precisionText.isEmpty() ? 0 : Integer.parseInt(precisionText);
    }

    boolean has(char flag) {
      return flags.indexOf(flag) >= 0;
    }

    String sign(boolean negative) {
      return negative ? "-" : has('+') ? "+" : has(' ') ? " " : "";
    }

    String integer(char conversion, long value) {
      String digits;
      String prefix = "";
      switch (conversion) {
        case 'o': digits = Long.toOctalString(value); break;
        case 'u': digits = Long.toUnsignedString(value); break;
        case 'x': digits = Long.toHexString(value); break;
        case 'X': digits = Long.toHexString(value).toUpperCase(Locale.ROOT); break;
        default:
          digits = value == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(Math.abs(value));
          prefix = sign(value < 0);
      }
      if (precision == 0 && value == 0) {
        digits = "";
      }
      StringBuilder padded = new StringBuilder(digits);
      while (padded.length() < precision) {
        padded.insert(0, '0');
      }
      if (has('#') && conversion == 'o' && (padded.length() == 0 || padded.charAt(0) != '0')) {
        padded.insert(0, '0');
      } else if (has('#') && value != 0 && (conversion == 'x' || conversion == 'X')) {
        prefix = conversion == 'x' ? "0x" : "0X";
      }
      return pad(prefix, padded.toString(), precision < 0);
    }

    String floating(char conversion, double x) {
      boolean negative = x < 0 || x == 0 && 1 / x < 0 || Double.doubleToRawLongBits(x) < 0;
      boolean upper = Character.isUpperCase(conversion);
      if (!Double.isFinite(x)) {
        String text = Double.isNaN(x) ? "nan" : "inf";
        return pad(sign(negative), upper ? text.toUpperCase(Locale.ROOT) : text, false);
      }
      int digits = precision < 0 ? 6 : precision;
      double magnitude = Math.abs(x);
      String body;
      if (conversion == 'f') {
        body = new BigDecimal(magnitude).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
      } else if (conversion == 'e' || conversion == 'E') {
        body = scientific(magnitude, digits);
      } else {
        body = LuaCompat.formatG(magnitude, digits);
      }
      return pad(sign(negative), upper ? body.toUpperCase(Locale.ROOT) : body, true);
    }

    private static String scientific(double magnitude, int digits) {
      BigDecimal rounded = new BigDecimal(magnitude).round(new MathContext(digits + 1, RoundingMode.HALF_EVEN));
      int exponent = magnitude == 0 ? 0 : rounded.precision() - rounded.scale() - 1;
      String mantissa = rounded.movePointLeft(exponent).setScale(digits, RoundingMode.HALF_EVEN).toPlainString();
      int size = Math.abs(exponent);
      return mantissa + (exponent < 0 ? "e-" : "e+") + (size < 10 ? "0" : "") + size;
    }

    LuaString string(LuaString value) {
      int length = value.length();
      int zero = value.indexOf((byte) 0, 0);
      if (precision >= 0 || length < 100) {
        length = Math.min(zero < 0 ? length : zero, precision < 0 ? Integer.MAX_VALUE : precision);
      }
      LuaString body = value.substring(0, length);
      if (body.length() >= width) {
        return body;
      }
      LuaString spaces = LuaValue.valueOf(" ".repeat(width - body.length()));
      return (has('-') ? body.concat(spaces) : spaces.concat(body)).checkstring();
    }

    /** Pads to the width: left-justified with {@code -}, with zeros after the sign where allowed, else spaces. */
    private String pad(String prefix, String body, boolean zerosAllowed) {
      int missing = width - prefix.length() - body.length();
      if (missing <= 0) {
        return prefix + body;
      }
      if (has('-')) {
        return prefix + body + " ".repeat(missing);
      }
      if (has('0') && zerosAllowed) {
        return prefix + "0".repeat(missing) + body;
      }
      return " ".repeat(missing) + prefix + body;
    }
  }
}
