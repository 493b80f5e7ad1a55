package io.blinkstore.server.command;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The Lua 5.1 that Redis 7.0 scripts see, on luaj's 5.2 libraries: the 5.1 globals and library functions luaj
 * lacks ({@code unpack}, {@code loadstring}, {@code gcinfo}, {@code table.getn/setn/maxn/foreach/foreachi},
 * {@code math.mod/log10}, {@code string.gfind}), {@code tonumber} as 5.1 reads numbers (luaj failed with a "vm
 * error" on {@code tonumber('0x')}), {@code string.upper/lower} that keep bytes 128-255 (luaj replaced them), {@code tostring} and {@code string.format} writing numbers as 5.1
 * does ({@code %.14g}; luaj writes {@code 1e15} as {@code 1000000000000000} and {@code 1/3} with a float's 8 digits,
 * and its {@code %.2f} ignores the precision), and bounds on what luaj would allocate from a count a script gives
 * ({@code unpack({}, 1, 1e9)}, {@code string.rep('x', 1e10)}). It removes what 5.2 added and Redis's 5.1 lacks
 * ({@code table.pack}, {@code table.unpack}, {@code rawlen}, {@code bit32}). What still differs is listed in
 * docs/resp.md.
 */
final class LuaCompat extends TwoArgFunction {
  /** Lua 5.1's {@code LUAI_MAXCSTACK}: {@code unpack} of more values fails there with "too many results". */
  static final int MAX_RESULTS = 8000;

  private static final String[] NAMES = {
      "unpack", "loadstring", "gcinfo", "tostring", "getn", "setn", "maxn", "foreach", "foreachi", "rep", "upper",
      "lower", "tonumber"};

  private final Globals globals;

  LuaCompat(Globals globals) {
    this.globals = globals;
  }

  @Override
  public LuaValue call(LuaValue modname, LuaValue env) {
    LuaValue tostring = env.get("tostring");
    LuaTable table = env.get("table").checktable();
    LuaTable string = env.get("string").checktable();
    LuaTable math = env.get("math").checktable();
    CompatFunction[] functions = new CompatFunction[NAMES.length];
    for (int i = 0; i < NAMES.length; i++) {
      functions[i] = new CompatFunction(i, globals, tostring);
    }
    env.set("unpack", functions[0]);
    table.set("unpack", LuaValue.NIL);
    table.set("pack", LuaValue.NIL);
    env.set("rawlen", LuaValue.NIL);
    env.set("loadstring", functions[1]);
    env.set("gcinfo", functions[2]);
    env.set("tostring", functions[3]);
    for (int i = 4; i <= 8; i++) {
      table.set(NAMES[i], functions[i]);
    }
    string.set("rep", functions[9]);
    string.set("upper", functions[10]);
    string.set("lower", functions[11]);
    env.set("tonumber", functions[12]);
    string.set("gfind", string.get("gmatch"));
    string.set("format", new LuaStringFormat(string.get("format")));
    LuaMath.install(math);
    env.set("_VERSION", "Lua 5.1");
    env.set("bit32", LuaValue.NIL);
    return env;
  }

  /**
   * A number as Lua 5.1 turns it into a string for {@code ..}, {@code table.concat} and {@code tostring}
   * ({@code %.14g}); an integer of fewer than 15 digits, the common case, without the general formatting.
   */
  static LuaString numberString(double number) {
    if (number == Math.rint(number) && Math.abs(number) < 1e14 && (number != 0 || 1 / number > 0)) {
      return LuaValue.valueOf(Long.toString((long) number));
    }
    return LuaValue.valueOf(formatG(number, 14));
  }

  /**
   * A number as C's {@code printf("%.<precision>g")} writes it, as Lua 5.1's {@code tostring} ({@code %.14g}) and
   * lua_cjson do: {@code 1e+15}, {@code 0.1}, {@code 9.007199254741e+15}, {@code -0}, {@code inf}, {@code nan}.
   */
  static String formatG(double number, int precision) {
    if (Double.isNaN(number)) {
      return Double.doubleToRawLongBits(number) < 0 ? "-nan" : "nan";
    }
    if (Double.isInfinite(number)) {
      return number > 0 ? "inf" : "-inf";
    }
    if (number == 0) {
      return 1 / number < 0 ? "-0" : "0";
    }
    int digits = Math.max(precision, 1);
    BigDecimal rounded = new BigDecimal(number).round(new MathContext(digits, RoundingMode.HALF_EVEN));
    int exponent = rounded.precision() - rounded.scale() - 1;
    if (exponent < -4 || exponent >= digits) {
      String mantissa = rounded.unscaledValue().abs().toString().replaceAll("0+$", "");
      StringBuilder out = new StringBuilder(number < 0 ? "-" : "").append(mantissa.charAt(0));
      if (mantissa.length() > 1) {
        out.append('.').append(mantissa, 1, mantissa.length());
      }
      int magnitude = Math.abs(exponent);
      return out.append(exponent < 0 ? "e-" : "e+").append(magnitude < 10 ? "0" : "").append(magnitude).toString();
    }
    return rounded.stripTrailingZeros().toPlainString();
  }

  private static final class CompatFunction extends VarArgFunction {
    private final int opcode;
    private final Globals globals;
    private final LuaValue tostring;

    CompatFunction(int opcode, Globals globals, LuaValue tostring) {
      this.opcode = opcode;
      this.name = NAMES[opcode];
      this.globals = globals;
      this.tostring = tostring;
    }

    @Override
    public Varargs invoke(Varargs args) {
      switch (opcode) {
        case 0: return unpack(args);
        case 1: return loadstring(args);
        case 2: return LuaValue.valueOf((Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory())
            >> 10);
        case 3: return tostring(args);
        case 4: return LuaValue.valueOf(LuaArgs.checkTable(args, 1, name).length());
        case 5: throw new LuaError("'setn' is obsolete");
        case 6: return maxn(LuaArgs.checkTable(args, 1, name));
        case 7: return foreach(LuaArgs.checkTable(args, 1, name), LuaArgs.checkFunction(args, 2, name));
        case 8: return foreachi(LuaArgs.checkTable(args, 1, name), LuaArgs.checkFunction(args, 2, name));
        case 9: return rep(args);
        case 10: case 11: return changeCase(LuaArgs.checkString(args, 1, name), opcode == 10);
        default: return LuaNumberParser.tonumber(args);
      }
    }

    private Varargs tostring(Varargs args) {
      if (args.narg() == 0) {
        throw LuaArgs.error(1, name, "value expected");
      }
      return args.arg1().type() == LuaValue.TNUMBER
          ? LuaValue.valueOf(formatG(args.arg1().todouble(), 14)) : tostring.invoke(args);
    }

    /** C's toupper/tolower in the "C" locale: ASCII letters only, every other byte kept (luaj mangled 128-255). */
    private static LuaValue changeCase(LuaString s, boolean upper) {
      ScriptRun.allocatingHere(s.length()); // a copy as long as its argument: counted, and the heap asked
      byte[] bytes = new byte[s.length()];
      s.copyInto(0, bytes, 0, bytes.length);
      for (int i = 0; i < bytes.length; i++) {
        if (upper && bytes[i] >= 'a' && bytes[i] <= 'z' || !upper && bytes[i] >= 'A' && bytes[i] <= 'Z') {
          bytes[i] ^= 0x20;
        }
      }
      return LuaString.valueUsing(bytes);
    }

    private Varargs unpack(Varargs args) {
      LuaTable table = LuaArgs.checkTable(args, 1, name);
      long first = LuaArgs.optInteger(args, 2, name, 1);
      long last = LuaArgs.optInteger(args, 3, name, table.length());
      if (first > last) {
        return LuaValue.NONE;
      }
      // luaB_unpack's lua_checkstack: the arguments and the results share Lua 5.1's 8,000 stack slots
      if (last - first >= MAX_RESULTS - args.narg()) {
        throw new LuaError("too many results to unpack");
      }
      LuaValue[] values = new LuaValue[(int) (last - first + 1)];
      for (int i = 0; i < values.length; i++) {
        values[i] = table.get(LuaValue.valueOf(first + i));
      }
      return LuaValue.varargsOf(values);
    }

    private Varargs loadstring(Varargs args) {
      LuaString source = LuaArgs.checkString(args, 1, name);
      String chunkname = args.arg(2).isnil() ? source.tojstring() : LuaArgs.checkString(args, 2, name).tojstring();
      try {
        return globals.load(source.toInputStream(), chunkname, "t", globals);
      } catch (LuaError e) {
        return LuaValue.varargsOf(LuaValue.NIL, LuaValue.valueOf(String.valueOf(e.getMessage())));
      }
    }

    private static LuaValue maxn(LuaTable table) {
      double max = 0;
      for (Varargs entry = table.next(LuaValue.NIL); !entry.arg1().isnil(); entry = table.next(entry.arg1())) {
        if (entry.arg1().type() == LuaValue.TNUMBER) {
          max = Math.max(max, entry.arg1().todouble());
        }
      }
      return LuaValue.valueOf(max);
    }

    private static Varargs foreach(LuaTable table, LuaValue function) {
      for (Varargs entry = table.next(LuaValue.NIL); !entry.arg1().isnil(); entry = table.next(entry.arg1())) {
        LuaValue result = function.call(entry.arg1(), entry.arg(2));
        if (!result.isnil()) {
          return result;
        }
      }
      return LuaValue.NIL;
    }

    private static Varargs foreachi(LuaTable table, LuaValue function) {
      int length = table.length();
      for (int i = 1; i <= length; i++) {
        LuaValue result = function.call(LuaValue.valueOf(i), table.get(i));
        if (!result.isnil()) {
          return result;
        }
      }
      return LuaValue.NIL;
    }

    private LuaValue rep(Varargs args) {
      LuaString s = LuaArgs.checkString(args, 1, name);
      long n = LuaArgs.checkInteger(args, 2, name);
      if (n <= 0 || s.length() == 0) {
        return LuaValue.EMPTYSTRING;
      }
      byte[] bytes = new byte[s.length()];
      s.copyInto(0, bytes, 0, bytes.length);
      LuaBytes.check("string.rep", n * bytes.length);
      LuaBytes out = new LuaBytes("string.rep", (int) (n * bytes.length));
      for (long i = 0; i < n; i++) {
        out.write(bytes);
      }
      return out.toLuaString();
    }
  }
}
