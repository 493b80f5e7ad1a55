package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Redis's {@code cjson} library (lua_cjson 2.1.0, {@code deps/lua/src/lua_cjson.c}) for luaj, with its defaults,
 * options, output (numbers as {@code %.14g}, {@code /} escaped, sparse arrays refused) and error messages. Objects
 * are written in luaj's table order, which is not Lua 5.1's: the same object with several keys may come out with its
 * keys in another order than Redis writes them. Decoding is {@link LuaJsonDecoder}'s.
 */
final class LuaCjson extends TwoArgFunction {
  /** Redis's {@code cjson.null}: a light userdata NULL there, one userdata here, written as {@code null}. */
  static final LuaValue NULL = LuaValue.userdataOf(new Object());

  private static final String[] ON_OFF = {"off", "on"};
  private static final String[] NAMES = {
      "encode", "decode", "encode_sparse_array", "encode_max_depth", "decode_max_depth", "encode_number_precision",
      "encode_keep_buffer", "encode_invalid_numbers", "decode_invalid_numbers", "new"};

  @Override
  public LuaValue call(LuaValue modname, LuaValue env) {
    LuaTable cjson = newModule();
    env.set("cjson", cjson);
    return cjson;
  }

  private static LuaTable newModule() {
    Config config = new Config();
    LuaTable cjson = new LuaTable();
    for (int i = 0; i < NAMES.length; i++) {
      CjsonFunction function = new CjsonFunction(i, config);
      cjson.set(NAMES[i], function);
    }
    cjson.set("null", NULL);
    cjson.set("_NAME", "cjson");
    cjson.set("_VERSION", "2.1.0");
    return cjson;
  }

  /** One module's settings, as lua_cjson keeps them per module ({@code cjson.new()} makes another). */
  static final class Config {
    boolean sparseConvert;
    int sparseRatio = 2;
    int sparseSafe = 10;
    int encodeMaxDepth = 1000;
    int decodeMaxDepth = 1000;
    int encodeNumberPrecision = 14;
    boolean keepBuffer = true;
    int encodeInvalidNumbers;
    boolean decodeInvalidNumbers = true;
  }

  private static final class CjsonFunction extends VarArgFunction {
    private final int opcode;
    private final Config config;

    CjsonFunction(int opcode, Config config) {
      this.opcode = opcode;
      this.name = NAMES[opcode];
      this.config = config;
    }

    @Override
    public Varargs invoke(Varargs args) {
      switch (opcode) {
        case 0: return encode(args);
        case 1: return decode(args);
        case 2: arguments(args, 3);
          return sparseArray(args);
        default: arguments(args, 1);
          return option(args);
      }
    }

    private Varargs option(Varargs args) {
      switch (opcode) {
        case 3: config.encodeMaxDepth = integerOption(args, 1, config.encodeMaxDepth, 1, Integer.MAX_VALUE);
          return LuaValue.valueOf(config.encodeMaxDepth);
        case 4: config.decodeMaxDepth = integerOption(args, 1, config.decodeMaxDepth, 1, Integer.MAX_VALUE);
          return LuaValue.valueOf(config.decodeMaxDepth);
        case 5: config.encodeNumberPrecision = integerOption(args, 1, config.encodeNumberPrecision, 1, 14);
          return LuaValue.valueOf(config.encodeNumberPrecision);
        case 6: config.keepBuffer = enumOption(args, 1, config.keepBuffer ? 1 : 0, ON_OFF) == 1;
          return LuaValue.valueOf(config.keepBuffer);
        case 7: return invalidNumbers(args);
        case 8: config.decodeInvalidNumbers = enumOption(args, 1, config.decodeInvalidNumbers ? 1 : 0, ON_OFF) == 1;
          return LuaValue.valueOf(config.decodeInvalidNumbers);
        default: return newModule();
      }
    }

    private Varargs encode(Varargs args) {
      oneArgument(args);
      LuaBytes out = new LuaBytes("cjson.encode");
      Encoder encoder = new Encoder(config, out);
      try {
        encoder.value(args.arg1(), 0);
      } catch (StackOverflowError e) {
        throw new LuaError("Cannot serialise, excessive nesting (" + encoder.depth + ")");
      }
      return out.toLuaString();
    }

    private Varargs decode(Varargs args) {
      oneArgument(args);
      LuaString json = LuaArgs.checkString(args, 1, name);
      return new LuaJsonDecoder(json, config).decode();
    }

    private void oneArgument(Varargs args) {
      if (args.narg() != 1) {
        throw new LuaError("bad argument #1 to '" + name + "' (expected 1 argument)");
      }
    }

    private Varargs sparseArray(Varargs args) {
      config.sparseConvert = enumOption(args, 1, config.sparseConvert ? 1 : 0, ON_OFF) == 1;
      config.sparseRatio = integerOption(args, 2, config.sparseRatio, 0, Integer.MAX_VALUE);
      config.sparseSafe = integerOption(args, 3, config.sparseSafe, 0, Integer.MAX_VALUE);
      return LuaValue.varargsOf(LuaValue.valueOf(config.sparseConvert), LuaValue.valueOf(config.sparseRatio),
          LuaValue.valueOf(config.sparseSafe));
    }

    private Varargs invalidNumbers(Varargs args) {
      config.encodeInvalidNumbers =
          enumOption(args, 1, config.encodeInvalidNumbers, new String[] {"off", "on", "null"});
      return config.encodeInvalidNumbers == 2 ? LuaValue.valueOf("null")
          : LuaValue.valueOf(config.encodeInvalidNumbers == 1);
    }

    private void arguments(Varargs args, int most) {
      if (args.narg() > most) {
        throw new LuaError("bad argument #" + (most + 1) + " to '" + name + "' (found too many arguments)");
      }
    }

    private int integerOption(Varargs args, int index, int current, int min, int max) {
      LuaValue value = args.arg(index);
      if (value.isnil()) {
        return current;
      }
      long integer = LuaArgs.checkInteger(args, index, name);
      if (integer < min || integer > max) {
        throw new LuaError("bad argument #1 to '" + name + "' (expected integer between " + min + " and " + max
            + ")");
      }
      return (int) integer;
    }

    private int enumOption(Varargs args, int index, int current, String[] options) {
      LuaValue value = args.arg(index);
      if (value.isnil()) {
        return current;
      }
      if (value.isboolean()) {
        return value.toboolean() ? 1 : 0;
      }
      String[] names = options;
      String given = LuaArgs.checkString(args, index, name).tojstring();
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(given)) {
          return i;
        }
      }
      throw new LuaError("bad argument #" + index + " to '" + name + "' (invalid option '" + given + "')");
    }
  }

  /** Writes one Lua value as JSON, the way {@code json_append_data} does. */
  private static final class Encoder {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final Config config;
    private final LuaBytes out;
    /** Lua stack slots in use, as lua_cjson's {@code lua_checkstack} counts them: the argument, then per level. */
    private int slots = 1;
    int depth;

    Encoder(Config config, LuaBytes out) {
      this.config = config;
      this.out = out;
    }

    void value(LuaValue value, int depth) {
      switch (value.type()) {
        case LuaValue.TSTRING: string(value.checkstring()); break;
        case LuaValue.TNUMBER: number(value.todouble(), value); break;
        case LuaValue.TBOOLEAN: ascii(value.toboolean() ? "true" : "false"); break;
        case LuaValue.TNIL: ascii("null"); break;
        case LuaValue.TTABLE: table((LuaTable) value, depth + 1); break;
        default:
          if (value == NULL) {
            ascii("null");
            break;
          }
          throw unsupported(value, "type not supported");
      }
    }

    private static LuaError unsupported(LuaValue value, String reason) {
      return new LuaError("Cannot serialise " + value.typename() + ": " + reason);
    }

    private void table(LuaTable table, int depth) {
      this.depth = depth;
      if (depth > config.encodeMaxDepth || slots + 3 > LuaCompat.MAX_RESULTS) {
        throw new LuaError("Cannot serialise, excessive nesting (" + depth + ")");
      }
      int length = arrayLength(table);
      if (length > 0) {
        out.write('[');
        for (int i = 1; i <= length; i++) {
          if (i > 1) {
            out.write(',');
          }
          slots++;
          value(table.rawget(i), depth);
          slots--;
        }
        out.write(']');
        return;
      }
      out.write('{');
      boolean comma = false;
      for (Varargs entry = table.next(LuaValue.NIL); !entry.arg1().isnil(); entry = table.next(entry.arg1())) {
        if (comma) {
          out.write(',');
        }
        comma = true;
        LuaValue key = entry.arg1();
        if (key.type() == LuaValue.TNUMBER) {
          out.write('"');
          number(key.todouble(), key);
          ascii("\":");
        } else if (key.type() == LuaValue.TSTRING) {
          string(key.checkstring());
          out.write(':');
        } else {
          throw unsupported(key, "table key must be a number or string");
        }
        slots += 2;
        value(entry.arg(2), depth);
        slots -= 2;
      }
      out.write('}');
    }

    /** The array length, or -1 for an object, as {@code lua_array_length} decides it. */
    private int arrayLength(LuaTable table) {
      double max = 0;
      long items = 0;
      for (Varargs entry = table.next(LuaValue.NIL); !entry.arg1().isnil(); entry = table.next(entry.arg1())) {
        LuaValue key = entry.arg1();
        double k = key.type() == LuaValue.TNUMBER ? key.todouble() : 0;
        if (k == 0 || Math.floor(k) != k || k < 1) {
          return -1;
        }
        max = Math.max(max, k);
        items++;
      }
      if (config.sparseRatio > 0 && max > (double) items * config.sparseRatio && max > config.sparseSafe) {
        if (!config.sparseConvert) {
          throw unsupported(table, "excessively sparse array");
        }
        return -1;
      }
      return (int) max;
    }

    private void number(double number, LuaValue value) {
      if (config.encodeInvalidNumbers == 0) {
        if (Double.isInfinite(number) || Double.isNaN(number)) {
          throw unsupported(value, "must not be NaN or Inf");
        }
      } else if (config.encodeInvalidNumbers == 1) {
        if (Double.isNaN(number)) {
          ascii("nan");
          return;
        }
      } else if (Double.isInfinite(number) || Double.isNaN(number)) {
        ascii("null");
        return;
      }
      ascii(LuaCompat.formatG(number, config.encodeNumberPrecision));
    }

    private void string(LuaString string) {
      out.write('"');
      for (int i = 0; i < string.m_length; i++) {
        int c = string.m_bytes[string.m_offset + i] & 0xff;
        switch (c) {
          case '"': ascii("\\\""); break;
          case '\\': ascii("\\\\"); break;
          case '/': ascii("\\/"); break;
          case '\b': ascii("\\b"); break;
          case '\t': ascii("\\t"); break;
          case '\n': ascii("\\n"); break;
          case '\f': ascii("\\f"); break;
          case '\r': ascii("\\r"); break;
          default:
            if (c < 0x20 || c == 0x7f) {
              ascii("\\u00");
              out.write(HEX[c >> 4]);
              out.write(HEX[c & 15]);
            } else {
              out.write(c);
            }
        }
      }
      out.write('"');
    }

    private void ascii(String text) {
      out.write(text.getBytes(StandardCharsets.US_ASCII));
    }
  }
}
