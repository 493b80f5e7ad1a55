package io.blinkstore.server.command;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * {@code cmsgpack.unpack}, {@code unpack_one} and {@code unpack_limit} as lua-cmsgpack decodes: each length in the
 * input is checked against the bytes left before anything is read or built from it ("Missing bytes in input."),
 * so a header claiming 2^32 elements or bytes costs nothing; the values and the nesting a call may produce are
 * held to what Lua 5.1's C stack allows ({@link LuaCompat#MAX_RESULTS} slots), with Lua's "stack overflow" error.
 */
final class LuaMsgpackDecoder {
  private static final String STACK_OVERFLOW =
      "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)";

  private final byte[] data;
  private int pos;
  /**
   * Lua stack slots in use, as lua-cmsgpack's {@code luaL_checkstack} calls count them: the argument, the results so
   * far, and per table being filled the table and the key or index waiting for its value.
   */
  private int slots = 1;

  private LuaMsgpackDecoder(byte[] data, int pos) {
    this.data = data;
    this.pos = pos;
  }

  static Varargs unpack(LuaString input, long limit, long offset) {
    int length = input.length();
    boolean all = limit == 0 && offset == 0;
    if (offset < 0 || limit < 0) {
      throw new LuaError("Invalid request to unpack with offset of " + (int) offset + " and limit of " + length + ".");
    } else if (offset > length) {
      throw new LuaError("Start offset " + (int) offset + " greater than input length " + length + ".");
    }
    byte[] bytes = new byte[length];
    input.copyInto(0, bytes, 0, length);
    LuaMsgpackDecoder decoder = new LuaMsgpackDecoder(bytes, (int) offset);
    long most = all ? Integer.MAX_VALUE : limit;
    List<LuaValue> results = new ArrayList<>();
    if (!all) {
      results.add(LuaValue.NIL);
    }
    try {
      for (long count = 0; decoder.pos < length && count < most; count++) {
        results.add(decoder.value());
        decoder.slots++;
      }
    } catch (StackOverflowError e) {
      throw new LuaError(STACK_OVERFLOW);
    }
    if (!all) {
      results.set(0, LuaValue.valueOf(decoder.pos == length ? -1 : decoder.pos));
    }
    return LuaValue.varargsOf(results.toArray(new LuaValue[0]));
  }

  private void need(long count) {
    if (data.length - pos < count) {
      throw new LuaError("Missing bytes in input.");
    }
  }

  private int u8(int at) {
    return data[at] & 0xff;
  }

  private long unsigned(int at, int width) {
    long value = 0;
    for (int i = 0; i < width; i++) {
      value = (value << 8) | u8(at + i);
    }
    return value;
  }

  /** Reads a value of {@code width} bytes after the marker, as a number, and moves past it. */
  private long fixed(int width) {
    need(1L + width);
    long value = unsigned(pos + 1, width);
    pos += 1 + width;
    return value;
  }

  private LuaValue value() {
    need(1);
    if (slots + 1 > LuaCompat.MAX_RESULTS) {
      throw new LuaError(STACK_OVERFLOW);
    }
    int marker = u8(pos);
    switch (marker) {
      case 0xcc: return LuaValue.valueOf(fixed(1));
      case 0xd0: return LuaValue.valueOf((byte) fixed(1));
      case 0xcd: return LuaValue.valueOf(fixed(2));
      case 0xd1: return LuaValue.valueOf((short) fixed(2));
      case 0xce: return LuaValue.valueOf((double) fixed(4));
      case 0xd2: return LuaValue.valueOf((int) fixed(4));
      case 0xcf: case 0xd3: return LuaValue.valueOf((double) fixed(8));
      case 0xc0: pos++; return LuaValue.NIL;
      case 0xc3: pos++; return LuaValue.TRUE;
      case 0xc2: pos++; return LuaValue.FALSE;
      case 0xca: return LuaValue.valueOf(Float.intBitsToFloat((int) fixed(4)));
      case 0xcb: return LuaValue.valueOf(Double.longBitsToDouble(fixed(8)));
      case 0xd9: return string(fixed(1));
      case 0xda: return string(fixed(2));
      case 0xdb: return string(fixed(4));
      case 0xdc: return array(fixed(2));
      case 0xdd: return array(fixed(4));
      case 0xde: return map(fixed(2));
      case 0xdf: return map(fixed(4));
      default: return fixedType(marker);
    }
  }

  private LuaValue fixedType(int marker) {
    if ((marker & 0x80) == 0) {
      pos++;
      return LuaValue.valueOf(marker);
    } else if ((marker & 0xe0) == 0xe0) {
      pos++;
      return LuaValue.valueOf((byte) marker);
    } else if ((marker & 0xe0) == 0xa0) {
      pos++;
      return string(marker & 0x1f);
    } else if ((marker & 0xf0) == 0x90) {
      pos++;
      return array(marker & 0xf);
    } else if ((marker & 0xf0) == 0x80) {
      pos++;
      return map(marker & 0xf);
    }
    throw new LuaError("Bad data format in input.");
  }

  private LuaValue string(long length) {
    need(length);
    LuaString s = LuaString.valueUsing(Arrays.copyOfRange(data, pos, pos + (int) length));
    pos += (int) length;
    return s;
  }

  private LuaTable array(long length) {
    LuaTable table = new LuaTable();
    slots++;
    if (slots + 1 > LuaCompat.MAX_RESULTS) {
      throw new LuaError("stack overflow (in function mp_decode_to_lua_array)");
    }
    for (long i = 1; i <= length; i++) {
      slots++;
      LuaValue value = value();
      slots--;
      table.set(LuaValue.valueOf((double) i), value);
    }
    slots--;
    return table;
  }

  private LuaTable map(long length) {
    LuaTable table = new LuaTable();
    slots++;
    for (long i = 0; i < length; i++) {
      LuaValue key = value();
      slots++;
      LuaValue value = value();
      slots--;
      if (key.isnil()) {
        throw new LuaError("table index is nil");
      }
      if (key.type() == LuaValue.TNUMBER && Double.isNaN(key.todouble())) {
        throw new LuaError("table index is NaN");
      }
      table.set(key, value);
    }
    slots--;
    return table;
  }
}
