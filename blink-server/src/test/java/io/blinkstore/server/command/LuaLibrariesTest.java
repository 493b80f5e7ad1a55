package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The script libraries in a luaj sandbox built as the engine builds it, without a redis-server: the answers expected
 * here are redis-server 7.0.15's for the same scripts (LuaLibrariesParityIT compares many more against a live one),
 * and hostile input (deep nesting, lengths claimed past the input, huge sizes, wrong types) ends in Redis's Lua
 * error, never in a StackOverflowError or OutOfMemoryError.
 */
class LuaLibrariesTest {
  /** The message of the error {@code call} (a Lua expression) raises, or "no error". */
  private static String failure(String setup, String call) {
    return LuaScripts.runToString(setup + " local ok, e = pcall(function() local r = " + call + " return r end)"
        + " if ok then return 'no error' end return (string.gsub(e, '^@?user_script:%d+:? ', ''))");
  }

  private static String eval(String script) {
    return LuaScripts.runToString(script);
  }

  @Test
  void numbersAreWrittenAsLua51AndLuaCjsonWriteThem() {
    assertEquals("1e+15 0.1 9.007199254741e+15 0.33333333333333 1e-05 100 1.2345678901235e+17 -0 inf -inf nan",
        String.join(" ", LuaCompat.formatG(1e15, 14), LuaCompat.formatG(0.1, 14), LuaCompat.formatG(0x1p53, 14),
            LuaCompat.formatG(1.0 / 3, 14), LuaCompat.formatG(1e-5, 14), LuaCompat.formatG(100, 14),
            LuaCompat.formatG(123456789012345678.0, 14), LuaCompat.formatG(-0.0, 14),
            LuaCompat.formatG(Double.POSITIVE_INFINITY, 14), LuaCompat.formatG(Double.NEGATIVE_INFINITY, 14),
            LuaCompat.formatG(Double.NaN, 14)));
    assertEquals("1e+15 0.1 9.007199254741e+15 0.33333333333333",
        eval("return tostring(1e15) .. ' ' .. tostring(0.1) .. ' ' .. tostring(2^53) .. ' ' .. tostring(1/3)"));
    assertEquals("[0.1,0.33333333333333,1e+15,1e+100,\"\\/\\u0000\\u007f\"]",
        eval("return cjson.encode({0.1, 1/3, 1e15, 1e100, '/\\0\\127'})"));
  }

  @Test
  void stringFormatFollowsCPrintfAsLua51() {
    assertEquals("3|1099511627776| 1.23|1e+20|  0x0ff|ab   |1.234568e+04|0.12",
        eval("return string.format('%d|%d|%5.2f|%g|%#7.3x|%-5s|%e|%.2f', 3.7, 2^40, 1.234, 1e20, 255, 'ab',"
            + " 12345.678, 0.125)"));
  }

  @Test
  void lua51FunctionsRedisHasAndLuajLacksAreThere() {
    assertEquals("3 2 2 7.5 1 3 one,two Lua 5.1 nil nil nil nil",
        eval("local f = loadstring('return 3') return f() .. ' ' .. select('#', unpack({1, 2})) .. ' '"
            + " .. table.getn({1, 2}) .. ' ' .. table.maxn({[7.5] = 1}) .. ' ' .. math.mod(7, 3) .. ' '"
            + " .. math.log10(1000) .. ' ' .. table.concat((function() local t = {} for w in"
            + " string.gfind('one two', '%a+') do t[#t + 1] = w end return t end)(), ',') .. ' ' .. _VERSION"
            + " .. ' ' .. tostring(bit32) .. ' ' .. tostring(table.unpack) .. ' ' .. tostring(table.pack) .. ' '"
            + " .. tostring(rawlen)"));
    assertEquals("'setn' is obsolete", failure("", "table.setn({}, 1)"));
  }

  @Test
  void deepJsonNestingIsALuaErrorAtRedisDepths() {
    assertEquals("Found too many nested data structures (1001) at character 1001",
        failure("", "cjson.decode(string.rep('[', 100000))"));
    assertEquals("Found too many nested data structures (7999) at character 7999",
        failure("cjson.decode_max_depth(1000000000)", "cjson.decode(string.rep('[', 1000000))"));
    assertEquals("Found too many nested data structures (4000) at character 19996",
        failure("cjson.decode_max_depth(1000000000)", "cjson.decode(string.rep('{\"a\":', 100000))"));
  }

  @Test
  void encodingATableHoldingItselfIsALuaErrorAtRedisDepths() {
    assertEquals("Cannot serialise, excessive nesting (1001)", failure("local t = {} t[1] = t", "cjson.encode(t)"));
    assertEquals("Cannot serialise, excessive nesting (7998)",
        failure("cjson.encode_max_depth(1000000000) local t = {} t[1] = t", "cjson.encode(t)"));
    assertEquals("Cannot serialise, excessive nesting (4000)",
        failure("cjson.encode_max_depth(1000000000) local t = {} t.a = t", "cjson.encode(t)"));
    assertEquals("\\x91\\x91\\x91", eval("local t = {} t[1] = t return string.sub(cmsgpack.pack(t), 1, 3)")
        .chars().limit(3).mapToObj(c -> String.format("\\x%02x", c)).reduce("", String::concat));
  }

  /**
   * On a thread with a small stack the deep recursions end sooner than Redis's, but as the same Lua error: no
   * StackOverflowError reaches the script or the server.
   */
  @Test
  void deepNestingOnASmallStackIsStillALuaError() {
    long small = 256 << 10;
    assertTrue(LuaScripts.runToString("cjson.encode_max_depth(1000000000) local t = {} t[1] = t"
        + " local ok, e = pcall(cjson.encode, t) return e", small)
        .matches("Cannot serialise, excessive nesting \\(\\d+\\)"));
    assertTrue(LuaScripts.runToString("cjson.decode_max_depth(1000000000)"
        + " local ok, e = pcall(cjson.decode, string.rep('[', 100000)) return e", small)
        .matches("Found too many nested data structures \\(\\d+\\) at character \\d+"));
    assertEquals("stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)",
        LuaScripts.runToString("local ok, e = pcall(cmsgpack.unpack, string.rep(string.char(0x91), 100000)"
            + " .. string.char(1)) return e", small));
  }

  @Test
  void sparseArraysAreRefusedAndTheirOutputIsBounded() {
    assertEquals("Cannot serialise table: excessively sparse array", failure("", "cjson.encode({[1000] = 1})"));
    assertEquals("cjson.encode: result larger than 67108864 bytes",
        failure("cjson.encode_sparse_array(false, 0)", "cjson.encode({[2^30] = 1})"));
  }

  @Test
  void msgpackLengthsClaimedPastTheInputCostNothing() {
    for (String header : new String[] {"0xdd, 0xff, 0xff, 0xff, 0xff", "0xdb, 0xff, 0xff, 0xff, 0xff, 1",
        "0xdf, 0xff, 0xff, 0xff, 0xff", "0xda, 0xff, 0xff", "0xcb, 1"}) {
      assertEquals("Missing bytes in input.", failure("", "cmsgpack.unpack(string.char(" + header + "))"), header);
    }
    assertEquals("Bad data format in input.", failure("", "cmsgpack.unpack(string.char(0xc1))"));
  }

  @Test
  void msgpackNestingAndResultCountsStopAtLuaStackLimits() {
    assertEquals("stack overflow (in function mp_decode_to_lua_array)",
        failure("", "cmsgpack.unpack(string.rep(string.char(0x91), 100000) .. string.char(1))"));
    String tooMany = "stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)";
    assertEquals(tooMany, failure("", "cmsgpack.unpack(string.rep(string.char(0), 100000))"));
    assertEquals(tooMany,
        failure("", "cmsgpack.unpack(string.rep(string.char(0x81, 0xa1, 0x61), 100000) .. string.char(1))"));
    assertEquals("7999", eval("return tostring(select('#', cmsgpack.unpack(string.rep(string.char(0), 7999))))"));
  }

  @Test
  void hugeSizesAndCountsAreRefusedBeforeAnythingIsBuilt() {
    assertEquals("integral size 9999999 is larger than limit of 32", failure("", "struct.pack('i9999999', 1)"));
    assertEquals("integral size overflow", failure("", "struct.pack('c99999999999', 'x')"));
    assertEquals("bad argument #3 to 'pack' (string too short)", failure("", "struct.pack('c2000000000', 'x')"));
    assertEquals("too many results to unpack", failure("", "unpack({}, 1, 1e9)"));
    assertEquals("too many results to unpack", failure("", "unpack({}, 1, 7998)"));
    assertEquals("7997", eval("return tostring(select('#', unpack({}, 1, 7997)))"));
    assertEquals("string.rep: result larger than 67108864 bytes", failure("", "string.rep('x', 1e10)"));
    assertEquals("string.format: result larger than 67108864 bytes",
        failure("local s = string.rep('x', 40000000)", "string.format('%s%s', s, s)"));
  }

  /** Long input is read once, with the position of its error; nothing it claims is allocated ahead. */
  @Test
  void hugeJsonIsDecodedOrRefusedWithItsPosition() {
    assertEquals("30000000", eval("return tostring(#cjson.decode('\"' .. string.rep('a', 30000000) .. '\"'))"));
    assertEquals("Expected comma or array end but found T_END at character 10000003",
        failure("", "cjson.decode('[' .. string.rep('1,', 5000000) .. '1')"));
  }

  @Test
  void bitOnNonNumbersIsRedisError() {
    assertEquals("bad argument #1 to 'tobit' (number expected, got string)", failure("", "bit.tobit('x')"));
    assertEquals("bad argument #2 to 'band' (number expected, got table)", failure("", "bit.band(1, {})"));
    assertEquals("bad argument #1 to 'bnot' (number expected, got no value)", failure("", "bit.bnot()"));
    assertEquals("-1 5 12 ffffffff", eval("return bit.tobit(0xffffffff) .. ' ' .. bit.tobit(2^32 + 5) .. ' '"
        + " .. bit.tobit('12') .. ' ' .. bit.tohex(-1)"));
  }
}
