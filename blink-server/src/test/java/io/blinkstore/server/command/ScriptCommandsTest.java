package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.luaj.vm2.LuaValue;

/**
 * EVAL and SCRIPT on one dispatcher, run on the caller's thread (a client that cannot wait for a later reply): the
 * sandbox refuses every way out (Java, the OS, files, modules, bytecode, the globals and the shared metatables),
 * nothing a script does leaks into the next, the bounds hold ({@code string.rep}, the script cache), and what the
 * parity test cannot send to Redis pipelined ({@code SCRIPT DEBUG}, compile errors in luaj's words).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScriptCommandsTest {
  private final BlinkStore store = BlinkStore.builder().build();
  private final Dispatcher dispatcher = new Dispatcher(store);
  private final ClientState client = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });

  @AfterEach
  void close() {
    store.close();
  }

  private Result run(String... args) {
    return RespTester.copied(dispatcher.dispatch(client, RespTester.toBytes(args)));
  }

  private Result eval(String script) {
    return run("EVAL", script, "0");
  }

  private static String errorLine(Result result) {
    return assertInstanceOf(Result.Error.class, result).line();
  }

  @Test
  void aScriptRunsItsCommandsThroughTheCommandLayerInTheCallersDatabase() {
    assertEquals(Result.OK, run("SELECT", "3"));
    assertEquals(Result.OK, run("EVAL", "return redis.call('SET', KEYS[1], ARGV[1])", "1", "k", "v"));
    assertEquals(bulk("v"), run("GET", "k"));
    assertEquals(integer(0), run("EVAL", "redis.call('SELECT', 0); return redis.call('EXISTS', KEYS[1])", "1",
        "k"));
    assertEquals(bulk("v"), run("GET", "k"), "SELECT in a script leaves the caller's database as it was");
  }

  @Test
  void everyWayOutOfTheSandboxFails() {
    for (String name : List.of("luajava", "os", "io", "require", "module", "package", "debug", "dofile",
        "loadfile", "print", "coroutine")) {
      assertEquals("ERR user_script:1: Script attempted to access nonexistent global variable '" + name + "'",
          errorLine(eval("return " + name)).replaceAll(" script: .*", ""), name);
    }
    assertTrue(errorLine(eval("return luajava.bindClass('java.lang.System')")).contains("'luajava'"));
    assertTrue(errorLine(eval("return os.execute('true')")).contains("'os'"));
    assertTrue(errorLine(eval("return io.open('/etc/passwd')")).contains("'io'"));
    assertEquals(bulk("No undumper."), eval("return select(2, load(string.dump(function() return 1 end)))"),
        "bytecode cannot be loaded");
    for (String write : List.of("setmetatable(_G, nil)", "rawset(_G, 'x', 1)", "getmetatable('').__index = {}",
        "getmetatable('').__index.upper = nil", "string.upper = nil", "redis.call = nil", "math.pi = 3",
        "table.insert(table, 1)", "setmetatable(string, {})", "_G.x = 1", "x = 1")) {
      assertTrue(errorLine(eval(write)).contains("Attempt to modify a readonly table"), write);
    }
  }

  @Test
  void nothingAScriptDoesIsSeenByTheNext() {
    eval("x = 1");
    eval("string.leak = function() return 'leaked' end");
    eval("getmetatable('').__index = { upper = function() return 'leaked' end }");
    assertEquals(bulk("A"), eval("return ('a'):upper()"));
    assertTrue(errorLine(eval("return x")).contains("nonexistent global variable 'x'"));
    assertEquals(Result.NULL, eval("return string.leak"));
    assertEquals(bulk("b"), run("EVAL", "return KEYS[1] or 'none'", "1", "b"));
    assertEquals(bulk("none"), run("EVAL", "return KEYS[1] or 'none'", "0"), "KEYS is set again for each run");
  }

  @Test
  void collectgarbageDoesNotRunTheCollectorAndStringRepIsBounded() {
    assertEquals(integer(0), eval("return collectgarbage('collect')"));
    assertTrue(((Result.Int) eval("return collectgarbage('count')")).value() > 0);
    assertTrue(errorLine(eval("return string.rep('x', 2^40)")).contains("string.rep: result larger than"));
    assertEquals(bulk("ababab"), eval("return string.rep('ab', 3)"));
  }

  @Test
  void aReplyPastTheOutputCapOrNestedTooDeepIsRefused() {
    Dispatcher capped = new Dispatcher(store, new Leases(), java.time.Clock.systemUTC(), new ServerCounters(),
        HeapGuard.NONE, null, 1000, EntrySizeLimits.NONE);
    ClientState resp = capped.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
    resp.replySize(reply -> 10_000); // as the RESP codec measures: every reply here passes the cap
    assertTrue(errorLine(capped.dispatch(resp, RespTester.toBytes("EVAL", "return string.rep('x', 2000)", "0")))
        .startsWith("ERR reply exceeds the output limit of 1000 bytes"));
    assertTrue(errorLine(capped.dispatch(resp, RespTester.toBytes("EVAL",
        "local t = {} for i = 1, 100000 do t[i] = i end return t", "0")))
        .startsWith("ERR reply exceeds the output limit of 1000 bytes"));
    assertEquals("ERR reached lua stack limit", errorLine(eval("local t = {} t[1] = t return t")));
    assertEquals(2, ((Result.Array) eval("return {1, {2, {3}}}")).elements().size(), "nesting within the bound");
  }

  @Test
  void whileTheHeapIsNearlyFullAScriptIsStoppedAndItsWritesRefused() {
    HeapGuard guard = new HeapGuard(0.5);
    guard.afterCollection(90, 100);
    Dispatcher low = new Dispatcher(store, new Leases(), java.time.Clock.systemUTC(), new ServerCounters(), guard,
        null, 1 << 20, EntrySizeLimits.NONE);
    ClientState resp = low.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
    assertTrue(errorLine(low.dispatch(resp, RespTester.toBytes("EVAL", "while true do end", "0")))
        .startsWith("OOM script stopped: the server's heap is nearly full script: "));
    assertTrue(errorLine(low.dispatch(resp, RespTester.toBytes("EVAL", "return redis.call('SET', 'k', 'v')", "0")))
        .startsWith("OOM command not allowed when used memory > 'maxmemory'. script: "));
    assertEquals(RespTester.bulk("read"), low.dispatch(resp, RespTester.toBytes("EVAL", "return 'read'", "0")));
    // A shebang script without no-writes or allow-oom is DENYOOM by its flags: refused before it runs, as Redis.
    assertEquals("OOM command not allowed when used memory > 'maxmemory'.",
        errorLine(low.dispatch(resp, RespTester.toBytes("EVAL", "#!lua\nreturn 1", "0"))));
  }

  @Test
  void compileErrorsAreRedissPrefixWithLuajsMessage() {
    assertEquals("ERR Error compiling script (new function): user_script:1: syntax error", errorLine(eval("retur")));
    assertEquals("ERR Error compiling script (new function): user_script:1: syntax error",
        errorLine(run("SCRIPT", "LOAD", "retur")));
  }

  @Test
  void scriptDebugAcceptsNoAndRefusesTheDebugger() {
    assertEquals(Result.OK, run("SCRIPT", "DEBUG", "no"));
    assertTrue(errorLine(run("SCRIPT", "DEBUG", "YES")).contains("no Lua debugger"));
    assertEquals("ERR Use SCRIPT DEBUG YES/SYNC/NO", errorLine(run("SCRIPT", "DEBUG", "maybe")));
  }

  @Test
  void infoCountsTheCachedScripts() {
    String before = RespTester.copied(run("INFO", "memory")).toString();
    assertTrue(before.contains("number_of_cached_scripts:0"), before);
    run("SCRIPT", "LOAD", "return 1");
    run("EVAL", "return 2", "0");
    String after = RespTester.copied(run("INFO", "memory")).toString();
    assertTrue(after.contains("number_of_cached_scripts:2"), after);
    assertTrue(after.contains("used_memory_scripts:" + 2 * (8 + ScriptCache.OVERHEAD_BYTES)), after);
    run("SCRIPT", "FLUSH");
    assertTrue(RespTester.copied(run("INFO", "memory")).toString().contains("number_of_cached_scripts:0"));
  }

  @Test
  void theCacheDropsTheOldestEvalScriptsAndKeepsLoadedOnes() {
    String loaded = ((Result.Bulk) RespTester.copied(run("SCRIPT", "LOAD", "return 'kept'"))).toString();
    String first = Script.sha1hex(RespTester.toBytes("return 0")[0]);
    for (int i = 0; i <= ScriptCache.MAX_EVAL_SCRIPTS; i++) {
      assertEquals(integer(i), eval("return " + i));
    }
    assertEquals(ScriptCommands.NOSCRIPT_ERROR, run("EVALSHA", first, "0"), "the oldest EVAL script was dropped");
    assertEquals(bulk("kept"), run("EVALSHA", Script.sha1hex(RespTester.toBytes("return 'kept'")[0]), "0"));
    assertTrue(loaded.contains(Script.sha1hex(RespTester.toBytes("return 'kept'")[0])));
  }

  @Test
  void aLoadPastTheCacheBoundsIsRefused() {
    ScriptCache cache = new ScriptCache();
    for (int i = 0; i < ScriptCache.MAX_SCRIPTS; i++) {
      assertTrue(cache.add(new Script(Integer.toString(i), new byte[1], Script.COMPAT, LuaValue.NIL), true));
    }
    assertTrue(!cache.add(new Script("past", new byte[1], Script.COMPAT, LuaValue.NIL), true));
    assertTrue(!cache.add(new Script("eval", new byte[1], Script.COMPAT, LuaValue.NIL), false),
        "no EVAL script to drop: the EVAL runs its script without keeping it");
    ScriptCache bytes = new ScriptCache();
    byte[] big = new byte[(int) (ScriptCache.MAX_BYTES / 2)];
    assertTrue(bytes.add(new Script("a", big, Script.COMPAT, LuaValue.NIL), true));
    assertTrue(!bytes.add(new Script("b", big, Script.COMPAT, LuaValue.NIL), true), "past the bytes bound");
    assertTrue(!bytes.add(new Script("c", big, Script.COMPAT, LuaValue.NIL), false));
    assertEquals(1, bytes.size());
  }

  @Test
  void setDisableDenyScriptsLetsScriptsCallDebugAndNoOtherNoscriptCommand() {
    String denied = "This Redis command is not allowed from script";
    assertTrue(errorLine(eval("return redis.call('DEBUG', 'PROTOCOL', 'string')")).contains(denied));
    assertEquals(Result.OK, run("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "1"));
    assertEquals(bulk("Hello World"), eval("return redis.call('DEBUG', 'PROTOCOL', 'string')"));
    assertEquals(bulk("Hello World"), eval("return redis.call('debug', 'protocol', 'string')"));
    for (String call : List.of("'EVAL', 'return 1', '0'", "'EVALSHA', 'x', '0'", "'MULTI'", "'EXEC'",
        "'BLPOP', 'k', '0'", "'CLIENT', 'ID'", "'SCRIPT', 'FLUSH'", "'MONITOR'", "'AUTH', 'x'")) {
      assertTrue(errorLine(eval("return redis.call(" + call + ")")).contains(denied), call);
    }
    assertEquals(Result.OK, run("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "0"));
    assertTrue(errorLine(eval("return redis.call('DEBUG', 'PROTOCOL', 'string')")).contains(denied));
    assertEquals(Result.OK, run("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "7abc"), "read as C's atoi reads it");
    assertEquals(bulk("Hello World"), eval("return redis.call('DEBUG', 'PROTOCOL', 'string')"));
    assertEquals(Result.OK, run("DEBUG", "SET-DISABLE-DENY-SCRIPTS", "off"));
    assertTrue(errorLine(eval("return redis.call('DEBUG', 'PROTOCOL', 'string')")).contains(denied));
  }
}
