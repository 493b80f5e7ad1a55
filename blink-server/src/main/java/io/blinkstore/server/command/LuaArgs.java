package io.blinkstore.server.command;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Arguments read as Lua 5.1's {@code luaL_check*} read them, with its messages ({@code bad argument #2 to 'pack'
 * (number expected, got nil)}); luaj's own checks say {@code bad argument: number expected, got nil}, without the
 * position or the function. Numbers read as strings are written with {@code %.14g}, as 5.1 converts them.
 */
final class LuaArgs {
  private LuaArgs() {}

  static LuaError error(int arg, String function, String message) {
    return new LuaError("bad argument #" + arg + " to '" + function + "' (" + message + ")");
  }

  static LuaError typeError(Varargs args, int arg, String function, String expected) {
    String got = arg > args.narg() ? "no value" : args.arg(arg).typename();
    return error(arg, function, expected + " expected, got " + got);
  }

  static LuaString checkString(Varargs args, int arg, String function) {
    LuaValue value = args.arg(arg);
    if (value.type() == LuaValue.TNUMBER) {
      return LuaValue.valueOf(LuaCompat.formatG(value.todouble(), 14));
    }
    if (value.type() != LuaValue.TSTRING) {
      throw typeError(args, arg, function, "string");
    }
    return value.checkstring();
  }

  static double checkNumber(Varargs args, int arg, String function) {
    LuaValue number = args.arg(arg).tonumber();
    if (number.isnil()) {
      throw typeError(args, arg, function, "number");
    }
    return number.todouble();
  }

  /** {@code luaL_checkinteger}: a number, truncated toward zero. */
  static long checkInteger(Varargs args, int arg, String function) {
    return (long) checkNumber(args, arg, function);
  }

  static long optInteger(Varargs args, int arg, String function, long absent) {
    return args.arg(arg).isnil() ? absent : checkInteger(args, arg, function);
  }

  static LuaTable checkTable(Varargs args, int arg, String function) {
    if (!args.arg(arg).istable()) {
      throw typeError(args, arg, function, "table");
    }
    return args.arg(arg).checktable();
  }

  static LuaValue checkFunction(Varargs args, int arg, String function) {
    if (!args.arg(arg).isfunction()) {
      throw typeError(args, arg, function, "function");
    }
    return args.arg(arg);
  }
}
