package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.luaj.vm2.LuaTable;

/**
 * What bounds a script before it is compiled on the caller's event loop, as a function library is bounded
 * ({@link FunctionLoaderBoundsTest}): its body's size, at the limit and one past it
 * ({@link ScriptEngine#MAX_SCRIPT_BYTES}); the heap's room to compile one of 64 KiB or more, asked first
 * ({@link HeapGuard#roomFor});
 * and the compile's deadline ({@link ScriptEngine#COMPILE_TIMEOUT_MILLIS}), which stops a compiler still reading.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScriptCompileBoundsTest {
  private final BlinkStore store = BlinkStore.builder().build();

  @AfterEach
  void close() {
    store.close();
  }

  private static Result run(Dispatcher dispatcher, String... args) {
    ClientState client = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
    return RespTester.copied(dispatcher.dispatch(client, RespTester.toBytes(args)));
  }

  /** A script of exactly {@code bytes} bytes: {@code return 1}, and a comment to fill it. */
  private static String script(int bytes) {
    String code = "return 1\n--";
    return code + "x".repeat(bytes - code.length());
  }

  @Test
  void aScriptIsHeldToItsBytesAtTheLimitAndOnePastByLoadAndByEval() {
    Dispatcher dispatcher = new Dispatcher(store);
    int limit = ScriptEngine.MAX_SCRIPT_BYTES;
    String atLimit = script(limit);
    assertEquals(Result.bulk(Script.sha1hex(atLimit.getBytes(StandardCharsets.UTF_8))),
        run(dispatcher, "SCRIPT", "LOAD", atLimit));
    assertEquals(new Result.Int(1), run(dispatcher, "EVAL", script(limit - 1), "0"));
    Result tooLarge = Result.error("script too large (" + (limit + 1) + " bytes; at most " + limit
        + " per script)");
    assertEquals(tooLarge, run(dispatcher, "SCRIPT", "LOAD", script(limit + 1)));
    assertEquals(tooLarge, run(dispatcher, "EVAL", script(limit + 1), "0"));
    String memory = run(dispatcher, "INFO", "memory").toString();
    assertTrue(memory.contains("number_of_cached_scripts:2"), "the two within the bound are kept: " + memory);
  }

  @Test
  void aScriptTheHeapHasNoRoomToCompileIsRefusedOutOfMemory() {
    // a guard whose room keeps 10% of the heap beyond a threshold of 10%: never room, though writes are allowed
    Dispatcher dispatcher = new Dispatcher(store, new Leases(), Clock.systemUTC(), new ServerCounters(),
        new HeapGuard(0.1), null, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, EntrySizeLimits.NONE);
    int large = ScriptEngine.HEAP_CHECK_BYTES;
    assertEquals(Dispatcher.OOM, run(dispatcher, "SCRIPT", "LOAD", script(large)));
    assertEquals(Dispatcher.OOM, run(dispatcher, "EVAL", script(large + 1), "0"));
    assertEquals(new Result.Int(1), run(dispatcher, "EVAL", script(large - 1), "0"),
        "a smaller one is compiled: read-only scripts run while the heap is nearly full");
    assertEquals(Result.OK, run(dispatcher, "SET", "k", "v"), "writes are allowed: only the compile had no room");
  }

  @Test
  void compilingPastTheDeadlineIsRefusedAndInTimeIsCompiled() {
    LuaGlobals globals = LuaSandbox.newGlobals(new LuaTable(), new LuaInterrupts());
    byte[] body = script(100_000).getBytes(StandardCharsets.UTF_8);
    String sha = Script.sha1hex(body);
    IllegalArgumentException late = assertThrows(IllegalArgumentException.class,
        () -> ScriptEngine.compile(globals, body, sha, System.nanoTime() - 1));
    assertEquals(ScriptEngine.COMPILE_TIMEOUT, late.getMessage());
    assertEquals(sha, ScriptEngine.compile(globals, body, sha, ScriptEngine.compileDeadline()).sha()); // in time: compiled
  }
}
