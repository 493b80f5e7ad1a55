package io.blinkstore.server.command;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * {@code string.gsub} and {@code table.concat} held to {@link LuaBytes#MAX_BYTES}: both build one string whose
 * length a script chooses by repetition ({@code s:gsub('.', s)}, {@code table.concat} of a table holding the same
 * large string a thousand times), and luaj builds it in one buffer, so that a single call could ask the heap for
 * more than it has. Each is refused, with the libraries' error, before that buffer is built; below the bound they
 * are luaj's own functions, called as they are.
 */
final class LuaBoundedStrings {
  /** The longest text of a number as a string (luaj's {@code tostring}): at most this many bytes. */
  private static final int NUMBER_BYTES = 32;

  private LuaBoundedStrings() {}

  /** Replaces {@code string.gsub} and {@code table.concat} of {@code globals} with their bounded forms. */
  static void install(Globals globals) {
    LuaValue string = globals.get("string");
    string.set("gsub", new Gsub(string.get("gsub"), string.get("find")));
    LuaValue table = globals.get("table");
    table.set("concat", new Concat(table.get("concat")));
  }

  /**
   * Elements {@code first} to {@code last} of {@code table} in a new table from 1, each number as Lua 5.1 writes
   * it ({@code %.14g}: luaj's {@code table.concat} writes 0.0003 as {@code 3.0E-4}).
   */
  private static LuaTable written(LuaValue table, long first, long last) {
    LuaTable copy = new LuaTable((int) Math.min(last - first + 1, Integer.MAX_VALUE), 0);
    for (long i = first; i <= last; i++) {
      LuaValue element = table.get(LuaValue.valueOf((double) i));
      copy.rawset((int) (i - first + 1), element.type() == LuaValue.TNUMBER
          ? LuaCompat.numberString(element.todouble()) : element);
    }
    return copy;
  }

  /** The length {@code value} adds to a string it is written into, if it is a string or a number; else 0. */
  private static long bytesOf(LuaValue value) {
    return value.type() == LuaValue.TSTRING ? value.rawlen() : value.type() == LuaValue.TNUMBER ? NUMBER_BYTES : 0;
  }

  /**
   * {@code table.concat(t, sep, i, j)}: the elements' lengths are added up first (a look at each; one that is
   * neither a string nor a number raises Redis's error), then luaj's runs, on a copy whose numbers are written as
   * Lua 5.1 writes them if there are any.
   */
  private static final class Concat extends VarArgFunction {
    private final LuaValue concat;

    Concat(LuaValue concat) {
      this.concat = concat;
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaValue table = args.arg1();
      if (table.istable()) {
        long separator = args.isstring(2) ? args.arg(2).rawlen() : 0;
        long first = args.isnumber(3) ? (long) args.arg(3).todouble() : 1;
        long last = args.isnumber(4) ? (long) args.arg(4).todouble() : table.length();
        long total = 0;
        boolean numbers = false;
        for (long i = first; i <= last; i++) {
          LuaValue element = table.get(LuaValue.valueOf((double) i));
          if (!element.isstring()) {
            throw new LuaError("invalid value (" + element.typename() + ") at index " + i
                + " in table for 'concat'"); // Redis's Lua 5.1 words; luaj's are "bad argument: ..."
          }
          numbers |= element.type() == LuaValue.TNUMBER;
          total += bytesOf(element) + (i < last ? separator : 0);
          LuaBytes.check("table.concat", total);
        }
        LuaBytes.reserve("table.concat", total);
        if (numbers) {
          return concat.invoke(LuaValue.varargsOf(new LuaValue[] {written(table, first, last), args.arg(2),
              LuaValue.valueOf(1), LuaValue.valueOf((double) (last - first + 1))}));
        }
      }
      return concat.invoke(args);
    }
  }

  /**
   * {@code string.gsub(s, pattern, repl, n)}. A function or table {@code repl} is called through a function that
   * adds up the lengths of the replacements it gives (their total and {@code s}'s length bound the result) and
   * refuses past the bound. A string {@code repl} is run as it is when even the most it could make fits; only when
   * it might not (a long {@code s} and a {@code repl} with captures) a first pass adds up what each match would
   * become, from its captures, before luaj's runs.
   */
  private static final class Gsub extends VarArgFunction {
    private final LuaValue gsub;
    private final LuaValue find;

    Gsub(LuaValue gsub, LuaValue find) {
      this.gsub = gsub;
      this.find = find;
    }

    @Override
    public Varargs invoke(Varargs args) {
      LuaValue repl = args.arg(3);
      if (!args.isstring(1) || !args.isstring(2)) {
        return gsub.invoke(args); // luaj's own argument errors
      }
      long source = args.arg1().rawlen();
      if (repl.isfunction() || repl.istable()) {
        return counted(gsub.invoke(withReplacement(args, new Accounted(repl, source))));
      }
      if (repl.isstring() && mostFrom(source, repl.checkstring(), args) > LuaBytes.maxBytes()) {
        expansions(args, repl.checkstring());
      }
      return counted(gsub.invoke(args));
    }

    /** {@code result}, its string counted toward the running script's heap check once built (at most the bound). */
    private static Varargs counted(Varargs result) {
      ScriptRun.allocatingHere(result.arg1().rawlen());
      return result;
    }

    /**
     * The first pass for a string replacement: finds the matches as gsub will ({@code string.find} from where the
     * last ended, one byte on after an empty one; the first alone for a pattern anchored by {@code ^}) and adds up
     * what {@code repl} makes of each ({@code %0} the match, {@code %1} to {@code %9} its captures, the match
     * itself for {@code %1} of a pattern without captures), refusing once the total passes the bound. Builds no
     * string.
     */
    private void expansions(Varargs args, LuaString repl) {
      LuaValue source = args.arg1();
      LuaValue pattern = args.arg(2);
      long length = source.rawlen();
      double most = args.isnumber(4) ? args.arg(4).todouble() : length + 1;
      boolean anchored = pattern.rawlen() > 0 && pattern.checkstring().luaByte(0) == '^';
      long total = length;
      long init = 1;
      for (int n = 0; n < most && init <= length + 1; n++) {
        Varargs found = find.invoke(LuaValue.varargsOf(source, pattern, LuaValue.valueOf((double) init)));
        if (found.arg1().isnil()) {
          return;
        }
        long start = found.arg1().tolong();
        long end = found.arg(2).tolong();
        long match = end - start + 1;
        for (int i = 0; i < repl.length(); i++) {
          int next = repl.luaByte(i) == '%' && i + 1 < repl.length() ? repl.luaByte(++i) : -1;
          total += next == '0' || next == '1' && found.narg() == 2 ? match
              : next >= '1' && next <= '9' ? bytesOf(found.arg(next - '0' + 2)) : 1;
        }
        LuaBytes.check("string.gsub", total);
        if (anchored) {
          return;
        }
        init = end >= start ? end + 1 : start + 1;
      }
    }

    /** The most a string {@code repl} can make of {@code source} bytes: every match a capture of all of them. */
    private static double mostFrom(long source, LuaString repl, Varargs args) {
      double matches = args.isnumber(4) ? Math.max(0, Math.min(args.arg(4).todouble(), source + 1)) : source + 1;
      double each = 0;
      for (int i = 0; i < repl.length(); i++) {
        boolean capture = repl.luaByte(i) == '%' && i + 1 < repl.length() && Character.isDigit(repl.luaByte(i + 1));
        each += capture ? source : 1;
        i += capture ? 1 : 0;
      }
      return source + matches * each;
    }

    private static Varargs withReplacement(Varargs args, LuaValue replacement) {
      return LuaValue.varargsOf(new LuaValue[] {args.arg1(), args.arg(2), replacement}, args.subargs(4));
    }
  }

  /** A function or table replacement, called as luaj would, whose results' lengths are added up and bounded. */
  private static final class Accounted extends VarArgFunction {
    private final LuaValue repl;
    private long total;

    Accounted(LuaValue repl, long source) {
      this.repl = repl;
      this.total = source;
    }

    @Override
    public Varargs invoke(Varargs captures) {
      LuaValue value = repl.isfunction() ? repl.invoke(captures).arg1() : repl.get(captures.arg1());
      total += bytesOf(value);
      LuaBytes.check("string.gsub", total);
      return value;
    }
  }
}
