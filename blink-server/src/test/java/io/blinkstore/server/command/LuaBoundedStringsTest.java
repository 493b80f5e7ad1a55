package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * {@code string.gsub} and {@code table.concat} refuse a result past {@link LuaBytes#MAX_BYTES} before they build it
 * (a script could otherwise ask the heap for more than it has in one call: the server stops on an
 * {@code OutOfMemoryError}), and below it answer as luaj's own functions do.
 */
class LuaBoundedStringsTest {
  /** A string of a sixty-fourth of the bound: 65 copies of it pass the bound, 63 do not. */
  private static final String PIECE = "local s = string.rep('x', " + LuaBytes.MAX_BYTES / 64 + ")";
  private static final String REFUSED = "result larger than " + LuaBytes.MAX_BYTES + " bytes";

  private static String failure(String setup, String call) {
    return LuaScripts.runToString(setup + " local ok, e = pcall(function() local r = " + call + " return r end)"
        + " if ok then return 'no error' end return (string.gsub(e, '^@?user_script:%d+:? ', ''))");
  }

  @Test
  void gsubPastTheBoundIsRefusedWhateverTheReplacement() {
    assertEquals("string.gsub: " + REFUSED, failure(PIECE, "('x'):rep(65):gsub('x', s)"));
    assertEquals("string.gsub: " + REFUSED, failure(PIECE, "('x'):rep(65):gsub('x', function() return s end)"));
    assertEquals("string.gsub: " + REFUSED, failure(PIECE, "('x'):rep(65):gsub('x', {x = s})"));
    assertEquals("string.gsub: " + REFUSED, failure(PIECE, "(s .. s):gsub('(x)(x)', ('%0'):rep(64) .. '%2')"));
    assertEquals("string.gsub: " + REFUSED, failure(PIECE, "s:rep(8):gsub('', 12345678901234)"));
  }

  @Test
  void gsubBelowTheBoundAnswersAsLuaj() {
    // Each would pass the bound if every match were as long as the subject: the first pass counts them exactly.
    assertEquals("131072 65536", LuaScripts.runToString(
        "local r, n = string.rep('x', 65536):gsub('x', '%0%0') return #r .. ' ' .. n"));
    assertEquals("262144 65536", LuaScripts.runToString(
        "local r, n = string.rep('ab', 65536):gsub('(a)b', '<%0>') return #r .. ' ' .. n"));
    assertEquals("<ab>,<ab>c 2", LuaScripts.runToString(
        "local r, n = string.rep('ab', 2):gsub('(a)(b)', '<%1%2>', 5) return r:gsub('><', '>,<') .. 'c ' .. n"));
    assertEquals(String.valueOf(LuaBytes.MAX_BYTES / 64 * 40 + 1), LuaScripts.runToString(
        PIECE + " return #(s:rep(40):gsub('^x', 'yy'))"), "anchored: one match, however long the subject");
    assertEquals("-a-b-c- 4", LuaScripts.runToString("local r, n = ('abc'):gsub('', '-') return r .. ' ' .. n"));
    assertEquals("ABC 3", LuaScripts.runToString(
        "local r, n = ('abc'):gsub('%w', function(c) return c:upper() end) return r .. ' ' .. n"));
    assertEquals("hello world", LuaScripts.runToString("return (('$a $b'):gsub('%$(%w+)', {a = 'hello', b = 'world'}))"));
  }

  @Test
  void concatPastTheBoundIsRefusedAndBelowItAnswers() {
    assertEquals("table.concat: " + REFUSED,
        failure(PIECE, "(function() local t = {} for i = 1, 65 do t[i] = s end return table.concat(t) end)()"));
    assertEquals("table.concat: " + REFUSED, failure(PIECE, "table.concat({s, s}, s:rep(63))"));
    assertEquals("1,2,x", LuaScripts.runToString("return table.concat({1, 2, 'x'}, ',')"));
    assertEquals("2-3", LuaScripts.runToString("return table.concat({1, 2, 3, 4}, '-', 2, 3)"));
    assertEquals("invalid value (table) at index 2 in table for 'concat'", failure("", "table.concat({1, {}, 3})"),
        "Redis's error for an element that is not a string");
    assertEquals("0.0003 1e+15 0.33333333333333", LuaScripts.runToString("return table.concat({0.0003, 1e15, 1/3}, ' ')"),
        "numbers as Lua 5.1 writes them (%.14g)");
  }
}
