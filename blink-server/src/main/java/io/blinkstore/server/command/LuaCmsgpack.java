package io.blinkstore.server.command;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Redis's {@code cmsgpack} library (lua-cmsgpack 0.4.0, {@code deps/lua/src/lua_cmsgpack.c}) for luaj, byte for byte:
 * the same integer and float widths (a number equal to an int64 is an integer in the smallest form, else a float32
 * if that holds it exactly, else a float64), tables nested past 16 levels written as nil, and its errors. Maps are
 * written in luaj's table order, not Lua 5.1's. Decoding ({@link LuaMsgpackDecoder}) never allocates from a length
 * the input claims before the input holds those bytes.
 */
final class LuaCmsgpack extends TwoArgFunction {
  /** {@code LUACMSGPACK_MAX_NESTING}: a table this deep is written as nil (a table holding itself ends there). */
  static final int MAX_NESTING = 16;

  private static final String[] NAMES = {"pack", "unpack", "unpack_one", "unpack_limit"};

  @Override
  public LuaValue call(LuaValue modname, LuaValue env) {
    LuaTable cmsgpack = new LuaTable();
    for (int i = 0; i < NAMES.length; i++) {
      cmsgpack.set(NAMES[i], new MsgpackFunction(i));
    }
    cmsgpack.set("_NAME", "cmsgpack");
    cmsgpack.set("_VERSION", "lua-cmsgpack 0.4.0");
    cmsgpack.set("_COPYRIGHT", "Copyright (C) 2012, Salvatore Sanfilippo");
    cmsgpack.set("_DESCRIPTION", "MessagePack C implementation for Lua");
    env.set("cmsgpack", cmsgpack);
    return cmsgpack;
  }

  private static final class MsgpackFunction extends VarArgFunction {
    private final int opcode;

    MsgpackFunction(int opcode) {
      this.opcode = opcode;
      this.name = NAMES[opcode];
    }

    @Override
    public Varargs invoke(Varargs args) {
      switch (opcode) {
        case 0: return pack(args);
        case 1: return LuaMsgpackDecoder.unpack(LuaArgs.checkString(args, 1, name), 0, 0);
        case 2: return LuaMsgpackDecoder.unpack(LuaArgs.checkString(args, 1, name), 1,
            LuaArgs.optInteger(args, 2, name, 0));
        default: return LuaMsgpackDecoder.unpack(LuaArgs.checkString(args, 1, name),
            LuaArgs.checkInteger(args, 2, name), LuaArgs.optInteger(args, 3, name, 0));
      }
    }

    private static LuaValue pack(Varargs args) {
      if (args.narg() == 0) {
        throw new LuaError("bad argument #0 to 'pack' (MessagePack pack needs input.)");
      }
      LuaBytes out = new LuaBytes("cmsgpack.pack");
      for (int i = 1; i <= args.narg(); i++) {
        encode(out, args.arg(i), 0);
      }
      return out.toLuaString();
    }
  }

  static void encode(LuaBytes out, LuaValue value, int level) {
    switch (value.type()) {
      case LuaValue.TSTRING: bytes(out, value.checkstring()); break;
      case LuaValue.TBOOLEAN: out.write(value.toboolean() ? 0xc3 : 0xc2); break;
      case LuaValue.TNUMBER: number(out, value.todouble()); break;
      case LuaValue.TTABLE:
        if (level == MAX_NESTING) {
          out.write(0xc0);
        } else {
          table(out, (LuaTable) value, level);
        }
        break;
      default: out.write(0xc0);
    }
  }

  private static void bytes(LuaBytes out, LuaString s) {
    int length = s.length();
    if (length < 32) {
      out.write(0xa0 | length);
    } else if (length <= 0xff) {
      out.write(0xd9);
      out.write(length);
    } else if (length <= 0xffff) {
      header(out, 0xda, length, 2);
    } else {
      header(out, 0xdb, length, 4);
    }
    out.write(s);
  }

  private static void header(LuaBytes out, int marker, long value, int width) {
    out.write(marker);
    for (int shift = 8 * (width - 1); shift >= 0; shift -= 8) {
      out.write((int) (value >>> shift) & 0xff);
    }
  }

  private static void number(LuaBytes out, double d) {
    if (d >= -0x1p63 && d < 0x1p63 && (long) d == d) {
      integer(out, (long) d);
    } else if (d == (double) (float) d || Double.isInfinite(d)) {
      header(out, 0xca, Float.floatToRawIntBits((float) d) & 0xffffffffL, 4);
    } else {
      header(out, 0xcb, Double.doubleToRawLongBits(d), 8);
    }
  }

  private static void integer(LuaBytes out, long n) {
    if (n >= 0) {
      if (n <= 127) {
        out.write((int) n);
      } else if (n <= 0xff) {
        header(out, 0xcc, n, 1);
      } else if (n <= 0xffff) {
        header(out, 0xcd, n, 2);
      } else if (n <= 0xffffffffL) {
        header(out, 0xce, n, 4);
      } else {
        header(out, 0xcf, n, 8);
      }
    } else if (n >= -32) {
      out.write((int) n & 0xff);
    } else if (n >= -128) {
      header(out, 0xd0, n, 1);
    } else if (n >= -32768) {
      header(out, 0xd1, n, 2);
    } else if (n >= Integer.MIN_VALUE) {
      header(out, 0xd2, n, 4);
    } else {
      header(out, 0xd3, n, 8);
    }
  }

  private static void table(LuaBytes out, LuaTable table, int level) {
    if (isArray(table)) {
      int length = table.length();
      collection(out, 0x90, 0xdc, 0xdd, length);
      for (int i = 1; i <= length; i++) {
        encode(out, table.get(i), level + 1);
      }
      return;
    }
    long count = 0;
    for (Varargs entry = table.next(LuaValue.NIL); !entry.arg1().isnil(); entry = table.next(entry.arg1())) {
      count++;
    }
    collection(out, 0x80, 0xde, 0xdf, count);
    for (Varargs entry = table.next(LuaValue.NIL); !entry.arg1().isnil(); entry = table.next(entry.arg1())) {
      encode(out, entry.arg1(), level + 1);
      encode(out, entry.arg(2), level + 1);
    }
  }

  private static void collection(LuaBytes out, int fixed, int marker16, int marker32, long count) {
    if (count <= 15) {
      out.write(fixed | (int) count);
    } else if (count <= 65535) {
      header(out, marker16, count, 2);
    } else {
      header(out, marker32, count, 4);
    }
  }

  /** {@code table_is_an_array}: only keys 1..n, each a positive number equal to an int. */
  private static boolean isArray(LuaTable table) {
    long count = 0;
    double max = 0;
    for (Varargs entry = table.next(LuaValue.NIL); !entry.arg1().isnil(); entry = table.next(entry.arg1())) {
      LuaValue key = entry.arg1();
      if (key.type() != LuaValue.TNUMBER) {
        return false;
      }
      double n = key.todouble();
      if (n <= 0 || n > Integer.MAX_VALUE || (int) n != n) {
        return false;
      }
      max = Math.max(max, n);
      count++;
    }
    return max == count;
  }
}
