package io.blinkstore.server.command;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's {@code math} functions that luaj's 5.2 {@code MathLib} lacks or defines otherwise: {@code math.mod} (5.1's
 * name for {@code fmod}), {@code math.log10}, {@code math.log} of one argument (5.2 takes a base), and the
 * trigonometric and hyperbolic functions only luaj's {@code JseMathLib} adds.
 */
final class LuaMath extends VarArgFunction {
  private static final String[] NAMES = {"log10", "log", "acos", "asin", "atan", "atan2", "cosh", "sinh", "tanh"};

  private final int opcode;

  private LuaMath(int opcode) {
    this.opcode = opcode;
    this.name = NAMES[opcode];
  }

  static void install(LuaTable math) {
    math.set("mod", math.get("fmod"));
    for (int i = 0; i < NAMES.length; i++) {
      math.set(NAMES[i], new LuaMath(i));
    }
  }

  @Override
  public Varargs invoke(Varargs args) {
    double x = LuaArgs.checkNumber(args, 1, name);
    switch (opcode) {
      case 0: return LuaValue.valueOf(Math.log10(x));
      case 1: return LuaValue.valueOf(Math.log(x));
      case 2: return LuaValue.valueOf(Math.acos(x));
      case 3: return LuaValue.valueOf(Math.asin(x));
      case 4: return LuaValue.valueOf(Math.atan(x));
      case 5: return LuaValue.valueOf(Math.atan2(x, LuaArgs.checkNumber(args, 2, name)));
      case 6: return LuaValue.valueOf(Math.cosh(x));
      case 7: return LuaValue.valueOf(Math.sinh(x));
      default: return LuaValue.valueOf(Math.tanh(x));
    }
  }
}
