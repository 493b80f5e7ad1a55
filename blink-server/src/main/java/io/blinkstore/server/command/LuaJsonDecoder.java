package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * {@code cjson.decode} as lua_cjson 2.1.0 parses: C-string input (a NUL byte ends it), numbers read as
 * {@code strtod} reads them (hexadecimal, {@code inf}, {@code nan} and a leading {@code +} accepted while
 * {@code decode_invalid_numbers} is on, as it is by default), {@code null} as {@code cjson.null}, nesting held to
 * {@code decode_max_depth}, and lua_cjson's error messages with their 1-based character positions. Nothing is
 * allocated from the input beyond what it holds: every table and string decoded is one the input spells out.
 */
final class LuaJsonDecoder {
  private static final String[] TOKEN_NAMES = {
      "T_OBJ_BEGIN", "T_OBJ_END", "T_ARR_BEGIN", "T_ARR_END", "T_STRING", "T_NUMBER", "T_BOOLEAN", "T_NULL",
      "T_COLON", "T_COMMA", "T_END"};
  private static final int OBJ_BEGIN = 0;
  private static final int OBJ_END = 1;
  private static final int ARR_BEGIN = 2;
  private static final int ARR_END = 3;
  private static final int STRING = 4;
  private static final int NUMBER = 5;
  private static final int BOOLEAN = 6;
  private static final int NULL = 7;
  private static final int COLON = 8;
  private static final int COMMA = 9;
  private static final int END = 10;
  private static final int ERROR = 11;

  private final byte[] data;
  private final LuaCjson.Config config;
  private int pos;
  private int depth;
  /** Lua stack slots in use, as lua_cjson's {@code lua_checkstack} counts them: the argument, then per level. */
  private int slots = 1;
  /** The last token: its type, where it starts (0-based), its value, or the error it is. */
  private int type;
  private int index;
  private LuaValue value = LuaValue.NIL;
  private String error = "";

  /**
   * What a decoded table and each of its slots cost the heap, about (REV6 measured 43 B per table and 66-154 per
   * slot): counted as the decoder makes them ({@link ScriptRun#allocatingHere}), so a script decoding a large
   * array of empty objects again and again is stopped by the heap check, not the JVM.
   */
  private static final int TABLE_BYTES = 64;

  private static final int SLOT_BYTES = 96;

  LuaJsonDecoder(LuaString json, LuaCjson.Config config) {
    ScriptRun.allocatingHere(json.length());
    byte[] bytes = new byte[json.length()];
    json.copyInto(0, bytes, 0, bytes.length);
    this.data = bytes;
    this.config = config;
  }

  LuaValue decode() {
    if (data.length >= 2 && (data[0] == 0 || data[1] == 0)) {
      throw new LuaError("JSON parser does not support UTF-16 or UTF-32");
    }
    try {
      next();
      LuaValue result = processValue();
      next();
      if (type != END) {
        throw parseError("the end");
      }
      return result;
    } catch (StackOverflowError e) {
      throw new LuaError("Found too many nested data structures (" + depth + ") at character " + pos);
    }
  }

  private int at(int i) {
    return i < data.length ? data[i] & 0xff : 0;
  }

  private LuaError parseError(String expected) {
    String found = type == ERROR ? error : TOKEN_NAMES[type];
    return new LuaError("Expected " + expected + " but found " + found + " at character " + (index + 1));
  }

  private void descend(int needed) {
    depth++;
    if (depth > config.decodeMaxDepth || slots + needed > LuaCompat.MAX_RESULTS) {
      throw new LuaError("Found too many nested data structures (" + depth + ") at character " + pos);
    }
  }

  private LuaValue processValue() {
    switch (type) {
      case STRING: case NUMBER: case BOOLEAN: return value;
      case NULL: return LuaCjson.NULL;
      case OBJ_BEGIN: return object();
      case ARR_BEGIN: return array();
      default: throw parseError("value");
    }
  }

  private LuaTable object() {
    descend(3);
    ScriptRun.allocatingHere(TABLE_BYTES);
    LuaTable table = new LuaTable();
    slots++;
    next();
    if (type == OBJ_END) {
      return ascend(table);
    }
    while (true) {
      if (type != STRING) {
        throw parseError("object key string");
      }
      LuaValue key = value;
      next();
      if (type != COLON) {
        throw parseError("colon");
      }
      next();
      slots++;
      ScriptRun.allocatingHere(SLOT_BYTES);
      table.rawset(key, processValue());
      slots--;
      next();
      if (type == OBJ_END) {
        return ascend(table);
      }
      if (type != COMMA) {
        throw parseError("comma or object end");
      }
      next();
    }
  }

  private LuaTable ascend(LuaTable table) {
    depth--;
    slots--;
    return table;
  }

  private LuaTable array() {
    descend(2);
    ScriptRun.allocatingHere(TABLE_BYTES);
    LuaTable table = new LuaTable();
    slots++;
    next();
    if (type == ARR_END) {
      return ascend(table);
    }
    for (int i = 1; ; i++) {
      ScriptRun.allocatingHere(SLOT_BYTES);
      table.rawset(i, processValue());
      next();
      if (type == ARR_END) {
        return ascend(table);
      }
      if (type != COMMA) {
        throw parseError("comma or array end");
      }
      next();
    }
  }

  private void next() {
    int c = at(pos);
    while (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      c = at(++pos);
    }
    index = pos;
    switch (c) {
      case '{': single(OBJ_BEGIN); return;
      case '}': single(OBJ_END); return;
      case '[': single(ARR_BEGIN); return;
      case ']': single(ARR_END); return;
      case ',': single(COMMA); return;
      case ':': single(COLON); return;
      case 0: type = END; return;
      case '"': string(); return;
      default: other(c);
    }
  }

  private void single(int token) {
    type = token;
    pos++;
  }

  private void tokenError(String message) {
    type = ERROR;
    index = pos;
    error = message;
  }

  private void other(int c) {
    if (c == '-' || (c >= '0' && c <= '9')) {
      if (!config.decodeInvalidNumbers && invalidNumber()) {
        tokenError("invalid number");
      } else {
        number();
      }
    } else if (startsWith("true")) {
      literal(BOOLEAN, LuaValue.TRUE, 4);
    } else if (startsWith("false")) {
      literal(BOOLEAN, LuaValue.FALSE, 5);
    } else if (startsWith("null")) {
      literal(NULL, LuaValue.NIL, 4);
    } else if (config.decodeInvalidNumbers && (c == '+' || c == 'i' || c == 'I' || c == 'n' || c == 'N')
        && invalidNumber()) {
      number();
    } else {
      tokenError("invalid token");
    }
  }

  private void literal(int token, LuaValue literal, int length) {
    type = token;
    value = literal;
    pos += length;
  }

  private boolean startsWith(String word) {
    for (int i = 0; i < word.length(); i++) {
      if (at(pos + i) != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** {@code json_is_invalid_number}: what strtod takes but strict JSON does not. */
  private boolean invalidNumber() {
    int p = pos;
    if (at(p) == '+') {
      return true;
    }
    if (at(p) == '-') {
      p++;
    }
    int c = at(p);
    if (c == '0') {
      int c2 = at(p + 1);
      return (c2 | 0x20) == 'x' || (c2 >= '0' && c2 <= '9');
    } else if (c <= '9') {
      return false;
    }
    return startsWithIgnoringCase(p, "inf") || startsWithIgnoringCase(p, "nan");
  }

  private boolean startsWithIgnoringCase(int p, String word) {
    for (int i = 0; i < word.length(); i++) {
      if ((at(p + i) | 0x20) != word.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void number() {
    int end = LuaStrtod.scan(data, pos);
    if (end == pos) {
      tokenError("invalid number");
      return;
    }
    type = NUMBER;
    value = LuaValue.valueOf(LuaStrtod.parse(new String(data, pos, end - pos, StandardCharsets.ISO_8859_1)));
    pos = end;
  }

  private void string() {
    pos++;
    LuaBytes out = new LuaBytes("cjson.decode");
    int c;
    while ((c = at(pos)) != '"') {
      if (c == 0) {
        tokenError("unexpected end of string");
        return;
      }
      if (c == '\\') {
        int escaped = unescape(at(pos + 1));
        if (escaped == 'u') {
          if (!unicodeEscape(out)) {
            tokenError("invalid unicode escape code");
            return;
          }
          continue;
        }
        if (escaped == 0) {
          tokenError("invalid escape code");
          return;
        }
        pos++;
        c = escaped;
      }
      out.write(c);
      pos++;
    }
    pos++;
    type = STRING;
    value = out.toLuaString();
  }

  private static int unescape(int c) {
    switch (c) {
      case '"': case '\\': case '/': case 'u': return c;
      case 'b': return '\b';
      case 't': return '\t';
      case 'n': return '\n';
      case 'f': return '\f';
      case 'r': return '\r';
      default: return 0;
    }
  }

  private boolean unicodeEscape(LuaBytes out) {
    int codepoint = hex4(pos + 2);
    int length = 6;
    if (codepoint < 0) {
      return false;
    }
    if ((codepoint & 0xF800) == 0xD800) {
      if ((codepoint & 0x400) != 0 || at(pos + 6) != '\\' || at(pos + 7) != 'u') {
        return false;
      }
      int low = hex4(pos + 8);
      if (low < 0 || (low & 0xFC00) != 0xDC00) {
        return false;
      }
      codepoint = (((codepoint & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
      length = 12;
    }
    out.write(new String(Character.toChars(codepoint)).getBytes(StandardCharsets.UTF_8));
    pos += length;
    return true;
  }

  private int hex4(int p) {
    int result = 0;
    for (int i = 0; i < 4; i++) {
      int digit = Character.digit(at(p + i), 16);
      if (digit < 0) {
        return -1;
      }
      result = (result << 4) | digit;
    }
    return result;
  }
}
