package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a script builds is held to the heap at once, not only at the instruction hook's checks (every 1,024
 * instructions, and the heap guard's state known only after a collection): the concatenation operator refuses a
 * result past {@link LuaBytes#MAX_BYTES}, and every large piece a script asks for (concatenations, the strings the
 * libraries build, {@code redis.call}'s argument copies and the replies it converts) counts toward
 * {@link ScriptRun#CHECK_BYTES}, past which the heap is looked at before the next piece. Each script here runs far
 * fewer than 1,024 instructions, so only that count can stop it.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScriptHeapBoundsTest {
  /**
   * The length of the string the scripts here build pieces from: building it (with its buffer's growth) asks for
   * less than {@link ScriptRun#CHECK_BYTES}, and {@link #PIECES} pieces of it ask for twice that.
   */
  private static final long PIECE = ScriptRun.CHECK_BYTES / 8;
  private static final int PIECES = 16;
  private static final String NEARLY_FULL = "OOM script stopped: the server's heap is nearly full script: ";

  private final BlinkStore store = BlinkStore.builder().build();

  @AfterEach
  void close() {
    store.close();
  }

  /** {@code script} run by a client of a dispatcher whose heap guard is {@code guard}. */
  private Result eval(HeapGuard guard, String script) {
    Dispatcher dispatcher = new Dispatcher(store, new Leases(), Clock.systemUTC(), new ServerCounters(), guard,
        null, 1 << 20, EntrySizeLimits.NONE);
    ClientState client = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
    return RespTester.copied(dispatcher.dispatch(client, RespTester.toBytes("EVAL", script, "0")));
  }

  private Result eval(String script) {
    return eval(HeapGuard.NONE, script);
  }

  /**
   * {@code script} run with a heap guard whose threshold any heap in use passes: its state after collections
   * allows writes (no collection is reported to it), only a look at the heap now ({@link HeapGuard#roomFor}) finds
   * no room.
   */
  private Result evalNearlyFull(String script) {
    return eval(new HeapGuard(Double.MIN_VALUE), script);
  }

  private static String errorLine(Result result) {
    return assertInstanceOf(Result.Error.class, result).line();
  }

  /** A script that builds {@link #PIECES} strings with {@code piece} (of {@code s}, {@link #PIECE} long). */
  private static String building(String piece) {
    return "local s = string.rep('x', " + PIECE + ") local t = {} for i = 1, " + PIECES + " do t[i] = " + piece
        + " end return #t";
  }

  @Test
  void aConcatenationPastTheBoundIsRefusedBeforeItIsBuilt() {
    String refused = "string concatenation: result larger than " + LuaBytes.MAX_BYTES + " bytes";
    String doubling = errorLine(eval("local s = 'x' while true do s = s .. s end"));
    assertTrue(doubling.startsWith("ERR user_script:1: " + refused), doubling);
    String three = errorLine(eval("local s = string.rep('x', " + (LuaBytes.MAX_BYTES / 3 + 1) + ")"
        + " local r = s .. s .. s return #r"));
    assertTrue(three.contains(refused), "the operands of one OP_CONCAT together: " + three);
    assertEquals(integer(LuaBytes.MAX_BYTES), eval("local s = string.rep('x', " + (LuaBytes.MAX_BYTES - 1) + ")"
        + " return #(s .. 'x')"), "up to the bound");
    assertEquals(integer(LuaBytes.MAX_BYTES - 31), eval("local s = string.rep('x', " + (LuaBytes.MAX_BYTES - 32)
        + ") return #(s .. 1)"), "a number counts as the longest text of one, 32 bytes");
    assertEquals(bulk("ab1x2.5"), eval("local function f(a) return a .. 1 end return f('ab') .. 'x' .. 2.5"));
    assertEquals(bulk("caught"), eval("local ok = pcall(function() local s = 'x' while true do s = s .. s end end)"
        + " if ok then return 'no error' end return 'caught'"), "an error a script may catch, as Lua's own");
  }

  @Test
  void largeAllocationsLookAtTheHeapAtOnceNotOnlyEveryThousandInstructions() {
    assertEquals(integer(PIECES), eval(building("s .. i")), "the heap has room: they run");
    for (String piece : new String[] {"s .. i", "string.rep(s, 1)", "table.concat({s})", "s:gsub('^x', 'y')",
        "cjson.encode(s)", "string.format('%s', s)"}) {
      assertTrue(errorLine(evalNearlyFull(building(piece))).startsWith(NEARLY_FULL), piece);
    }
  }

  @Test
  void redisCallsArgumentsAndRepliesCountTowardTheHeapCheck() {
    int value = 1 << 20;
    long gets = ScriptRun.CHECK_BYTES / value + 1;
    assertEquals(Result.OK, eval("return redis.call('SET', 'big', string.rep('x', " + value + "))"));
    String getting = "local t = {} for i = 1, " + gets + " do t[i] = redis.call('GET', 'big') end return #t";
    assertEquals(integer(gets), eval(getting));
    assertTrue(errorLine(evalNearlyFull(getting)).startsWith(NEARLY_FULL), "replies");
    assertTrue(errorLine(evalNearlyFull(building("redis.pcall('EXISTS', s)"))).startsWith(NEARLY_FULL),
        "arguments");
  }

  @Test
  void theCacheCountsWhatScriptsTakeCompiledNotOnlyTheirSource() {
    ScriptCache cache = new ScriptCache();
    LuaGlobals globals = LuaSandbox.newGlobals(new org.luaj.vm2.LuaTable(), new LuaInterrupts());
    byte[] body = ("local a = 0 " + "a=a+1 ".repeat(170_000)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    int kept = 0;
    while (kept < 100 && cache.add(new Script(Integer.toString(kept), body, Script.COMPAT,
        LuaSandbox.compile(globals, body, 0)), true)) {
      kept++;
    }
    assertTrue(kept < 100 && cache.bytes() < ScriptCache.MAX_BYTES / 2,
        "refused after " + kept + " scripts of 1 MB, their sources " + cache.bytes() + " bytes");
  }

  @Test
  void onceStoppedForTheHeapPcallCannotGoOn() {
    String script = "local s = string.rep('x', " + PIECE + ") local caught = 0"
        + " for round = 1, 20 do pcall(function() local t = {} for i = 1, " + PIECES
        + " do t[i] = s .. i end end) caught = caught + 1 for j = 1, 2000 do end end return caught";
    assertTrue(errorLine(evalNearlyFull(script)).startsWith(NEARLY_FULL));
  }
}
