package io.blinkstore.server.command;

import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Redis's {@code bit} library (LuaBitOp, {@code deps/lua/src/lua_bit.c}) for luaj: 32-bit operations on numbers,
 * results signed 32-bit as LuaBitOp returns them. luaj's own {@code bit32} is Lua 5.2's, with unsigned results and
 * other names, which Redis does not have: {@link LuaLibraries} removes it.
 */
final class LuaBit extends TwoArgFunction {
  private static final String[] NAMES = {
      "tobit", "bnot", "band", "bor", "bxor", "lshift", "rshift", "arshift", "rol", "ror", "bswap", "tohex"};

  @Override
  public LuaValue call(LuaValue modname, LuaValue env) {
    LuaTable bit = new LuaTable();
    for (int i = 0; i < NAMES.length; i++) {
      BitFunction function = new BitFunction(i);
      bit.set(NAMES[i], function);
    }
    env.set("bit", bit);
    return bit;
  }

  /**
   * A number as LuaBitOp reads it: numbers and numeric strings, rounded to an integer the way adding 2^52+2^51 to a
   * double does (round half to even), keeping the low 32 bits, so {@code 2^32 + 5} is 5 and {@code -1} is
   * {@code 0xffffffff}.
   */
  static int toBits(Varargs args, int index, String function) {
    return (int) Double.doubleToRawLongBits(LuaArgs.checkNumber(args, index, function) + 6755399441055744.0);
  }

  private static final class BitFunction extends VarArgFunction {
    private final int opcode;

    BitFunction(int opcode) {
      this.opcode = opcode;
      this.name = NAMES[opcode];
    }

    @Override
    public Varargs invoke(Varargs args) {
      return apply(args);
    }

    private int bits(Varargs args, int index) {
      return toBits(args, index, name);
    }

    private LuaValue apply(Varargs args) {
      int b = bits(args, 1);
      switch (opcode) {
        case 0: return LuaValue.valueOf(b);
        case 1: return LuaValue.valueOf(~b);
        case 2: case 3: case 4: return LuaValue.valueOf(fold(b, args));
        case 5: return LuaValue.valueOf(b << (bits(args, 2) & 31));
        case 6: return LuaValue.valueOf(b >>> (bits(args, 2) & 31));
        case 7: return LuaValue.valueOf(b >> (bits(args, 2) & 31));
        case 8: return LuaValue.valueOf(Integer.rotateLeft(b, bits(args, 2) & 31));
        case 9: return LuaValue.valueOf(Integer.rotateRight(b, bits(args, 2) & 31));
        case 10: return LuaValue.valueOf(Integer.reverseBytes(b));
        default: return LuaValue.valueOf(hex(b, args.narg() < 2 ? 8 : bits(args, 2)));
      }
    }

    private int fold(int first, Varargs args) {
      int b = first;
      for (int i = args.narg(); i > 1; i--) {
        int next = bits(args, i);
        b = opcode == 2 ? b & next : opcode == 3 ? b | next : b ^ next;
      }
      return b;
    }

    private static String hex(int bits, int digits) {
      String alphabet = digits < 0 ? "0123456789ABCDEF" : "0123456789abcdef";
      int n = digits == Integer.MIN_VALUE ? 8 : Math.min(Math.abs(digits), 8);
      char[] out = new char[n];
      int b = bits;
      for (int i = n - 1; i >= 0; i--) {
        out[i] = alphabet.charAt(b & 15);
        b >>>= 4;
      }
      return new String(out);
    }
  }
}
