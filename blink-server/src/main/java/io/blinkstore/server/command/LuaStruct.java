package io.blinkstore.server.command;

import java.util.ArrayList;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Redis's {@code struct} library (Roberto Ierusalimschy's, {@code deps/lua/src/lua_struct.c}) for luaj, as it runs on
 * Redis's x86-64 builds: little-endian by default, {@code long} and {@code size_t} 8 bytes, integers up to 32 bytes
 * ({@code i9999999} refused before anything is built), its alignment rules and error messages.
 */
final class LuaStruct extends TwoArgFunction {
  private static final int MAX_INT_SIZE = 32;
  private static final int MAX_ALIGN = 8;
  private static final String[] NAMES = {"pack", "unpack", "size"};

  @Override
  public LuaValue call(LuaValue modname, LuaValue env) {
    LuaTable struct = new LuaTable();
    for (int i = 0; i < NAMES.length; i++) {
      struct.set(NAMES[i], new StructFunction(i));
    }
    env.set("struct", struct);
    return struct;
  }

  /** A format being read: the position in it, the byte order and the alignment its options have set. */
  private static final class Format {
    final byte[] text;
    int at;
    boolean little = true;
    int align = 1;
    final String function;

    Format(LuaString format, String function) {
      this.text = new byte[format.length()];
      format.copyInto(0, text, 0, text.length);
      this.function = function;
    }

    boolean more() {
      return at < text.length && text[at] != 0;
    }

    int next() {
      return text[at++] & 0xff;
    }

    long number(long absent) {
      if (!more() || !isDigit(text[at])) {
        return absent;
      }
      long a = 0;
      do {
        int digit = text[at++] - '0';
        if (a > Integer.MAX_VALUE / 10 || a * 10 > Integer.MAX_VALUE - digit) {
          throw new LuaError("integral size overflow");
        }
        a = a * 10 + digit;
      } while (more() && isDigit(text[at]));
      return a;
    }

    long size(int option) {
      switch (option) {
        case 'B': case 'b': case 'x': return 1;
        case 'H': case 'h': return 2;
        case 'L': case 'l': case 'T': case 'd': return 8;
        case 'f': return 4;
        case 'c': return number(1);
        case 'i': case 'I': {
          long size = number(4);
          if (size > MAX_INT_SIZE) {
            throw new LuaError("integral size " + size + " is larger than limit of " + MAX_INT_SIZE);
          }
          return size;
        }
        default: return 0;
      }
    }

    long padding(long length, int option, long size) {
      if (size == 0 || option == 'c') {
        return 0;
      }
      long s = Math.min(size, align);
      return (s - (length & (s - 1))) & (s - 1);
    }

    void control(int option) {
      switch (option) {
        case ' ': return;
        case '>': little = false; return;
        case '<': little = true; return;
        case '!': {
          long a = number(MAX_ALIGN);
          if (a <= 0 || (a & (a - 1)) != 0) {
            throw new LuaError("alignment " + a + " is not a power of 2");
          }
          align = (int) a;
          return;
        }
        default:
          throw new LuaError("bad argument #1 to '" + function + "' (invalid format option '" + (char) option + "')");
      }
    }
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static final class StructFunction extends VarArgFunction {
    private final int opcode;

    StructFunction(int opcode) {
      this.opcode = opcode;
      this.name = NAMES[opcode];
    }

    @Override
    public Varargs invoke(Varargs args) {
      Format format = new Format(LuaArgs.checkString(args, 1, name), name);
      switch (opcode) {
        case 0: return pack(format, args);
        case 1: return unpack(format, args);
        default: return size(format);
      }
    }

    private static double number(Varargs args, int arg) {
      return LuaArgs.checkNumber(args, arg, "pack");
    }

    /** b_pack pushes a nil after its arguments, so a missing argument is "got nil" there, not "got no value". */
    private static Varargs withNil(Varargs args) {
      LuaValue[] values = new LuaValue[args.narg() + 1];
      for (int i = 0; i < args.narg(); i++) {
        values[i] = args.arg(i + 1);
      }
      values[args.narg()] = LuaValue.NIL;
      return LuaValue.varargsOf(values);
    }

    private static LuaValue pack(Format format, Varargs given) {
      Varargs args = withNil(given);
      LuaBytes out = new LuaBytes("struct.pack");
      int arg = 2;
      long total = 0;
      while (format.more()) {
        int option = format.next();
        long size = format.size(option);
        long padding = format.padding(total, option, size);
        total += padding;
        for (long i = 0; i < padding; i++) {
          out.write(0);
        }
        switch (option) {
          case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
            integer(out, number(args, arg++), format.little, (int) size);
            break;
          case 'x': out.write(0); break;
          case 'f': integer(out, Float.floatToRawIntBits((float) number(args, arg++)), format.little, 4); break;
          case 'd': bits(out, Double.doubleToRawLongBits(number(args, arg++)), format.little, 8); break;
          case 'c': case 's': {
            LuaString s = LuaArgs.checkString(args, arg++, "pack");
            long length = size == 0 ? s.length() : size;
            if (s.length() < length) {
              throw new LuaError("bad argument #" + arg + " to 'pack' (string too short)");
            }
            out.write(s.substring(0, (int) length));
            if (option == 's') {
              out.write(0);
              length++;
            }
            size = length;
            break;
          }
          default: format.control(option);
        }
        total += size;
      }
      return out.toLuaString();
    }

    private static void integer(LuaBytes out, double n, boolean little, int size) {
      long value = n >= 0x1p63 ? (long) (n - 0x1p64) : (long) n;
      bits(out, value, little, size);
    }

    private static void bits(LuaBytes out, long value, boolean little, int size) {
      byte[] bytes = new byte[size];
      long v = value;
      for (int i = 0; i < size; i++) {
        bytes[little ? i : size - 1 - i] = (byte) v;
        v >>>= 8;
      }
      out.write(bytes);
    }

    private static Varargs unpack(Format format, Varargs args) {
      LuaString data = LuaArgs.checkString(args, 2, "unpack");
      long ld = data.length();
      long pos = LuaArgs.optInteger(args, 3, "unpack", 1);
      if (pos == 0) {
        throw new LuaError("bad argument #3 to 'unpack' (offset must be 1 or greater)");
      }
      pos--;
      List<LuaValue> results = new ArrayList<>();
      while (format.more()) {
        int option = format.next();
        long size = format.size(option);
        pos += format.padding(pos, option, size);
        if (!(size <= ld && pos >= 0 && pos <= ld - size)) {
          throw new LuaError("bad argument #2 to 'unpack' (data string too short)");
        }
        if (results.size() >= LuaCompat.MAX_RESULTS) {
          throw new LuaError("stack overflow (too many results)");
        }
        int at = (int) pos;
        switch (option) {
          case 'b': case 'B': case 'h': case 'H': case 'l': case 'L': case 'T': case 'i': case 'I':
            results.add(LuaValue.valueOf(readInteger(data, at, format.little, Character.isLowerCase(option),
                (int) size)));
            break;
          case 'x': break;
          case 'f': results.add(LuaValue.valueOf(Float.intBitsToFloat((int) read(data, at, format.little, 4))));
            break;
          case 'd': results.add(LuaValue.valueOf(Double.longBitsToDouble(read(data, at, format.little, 8))));
            break;
          case 'c': size = chars(results, data, at, size); break;
          case 's': size = zeroTerminated(results, data, at); break;
          default: format.control(option);
        }
        pos += size;
      }
      results.add(LuaValue.valueOf(pos + 1));
      return LuaValue.varargsOf(results.toArray(new LuaValue[0]));
    }

    private static long chars(List<LuaValue> results, LuaString data, int at, long declared) {
      long size = declared;
      if (size == 0) {
        LuaValue previous = results.isEmpty() ? LuaValue.NIL : results.get(results.size() - 1).tonumber();
        if (previous.isnil()) {
          throw new LuaError("format 'c0' needs a previous size");
        }
        size = (long) previous.todouble();
        results.remove(results.size() - 1);
        if (size < 0 || size > data.length() || at > data.length() - size) {
          throw new LuaError("bad argument #2 to 'unpack' (data string too short)");
        }
      }
      results.add(data.substring(at, at + (int) size));
      return size;
    }

    private static long zeroTerminated(List<LuaValue> results, LuaString data, int at) {
      int end = data.indexOf((byte) 0, at);
      if (end < 0) {
        throw new LuaError("unfinished string in data");
      }
      results.add(data.substring(at, end));
      return end - at + 1L;
    }

    private static long read(LuaString data, int at, boolean little, int size) {
      long value = 0;
      for (int i = 0; i < size; i++) {
        value = (value << 8) | (data.luaByte(at + (little ? size - 1 - i : i)) & 0xff);
      }
      return value;
    }

    private static double readInteger(LuaString data, int at, boolean little, boolean signed, int size) {
      long l = read(data, at, little, size);
      if (!signed) {
        return Double.parseDouble(Long.toUnsignedString(l));
      }
      long mask = -1L << (size * 8 - 1);
      if ((l & mask) != 0) {
        l |= mask;
      }
      return l;
    }

    private static LuaValue size(Format format) {
      long pos = 0;
      while (format.more()) {
        int option = format.next();
        long size = format.size(option);
        pos += format.padding(pos, option, size);
        if (option == 's') {
          throw new LuaError("bad argument #1 to 'size' (option 's' has no fixed size)");
        } else if (option == 'c' && size == 0) {
          throw new LuaError("bad argument #1 to 'size' (option 'c0' has no fixed size)");
        }
        if (!Character.isLetterOrDigit(option) || option > 127) {
          format.control(option);
        }
        pos += size;
      }
      return LuaValue.valueOf(pos);
    }
  }
}
