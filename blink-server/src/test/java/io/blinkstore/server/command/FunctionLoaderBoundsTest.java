package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.luaj.vm2.LuaTable;

/**
 * What bounds a library before its code runs (REV3's findings): its code's size, at the limit and one past it
 * ({@link FunctionLibraries#MAX_LIBRARY_BYTES}); the heap's room to compile it, asked before compiling
 * ({@link HeapGuard#roomFor}); and the load's deadline, which the compiler meets too (a compile past it is Redis's
 * {@code FUNCTION LOAD timeout}, where it used to run outside the load's 500 ms).
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FunctionLoaderBoundsTest {
  private final BlinkStore store = BlinkStore.builder().build();

  @AfterEach
  void close() {
    store.close();
  }

  private static Result load(Dispatcher dispatcher, String library) {
    ClientState client = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
    return RespTester.copied(dispatcher.dispatch(client, new byte[][] {"FUNCTION".getBytes(StandardCharsets.UTF_8),
        "LOAD".getBytes(StandardCharsets.UTF_8), library.getBytes(StandardCharsets.UTF_8)}));
  }

  /** A library named {@code name} of exactly {@code bytes} bytes: one function, and a comment to fill it. */
  private static String library(String name, int bytes) {
    String code = "#!lua name=" + name + "\nredis.register_function('f_" + name + "', function() return 1 end)\n--";
    return code + "x".repeat(bytes - code.length());
  }

  @Test
  void aLibraryIsHeldToItsBytesAtTheLimitAndOnePast() {
    Dispatcher dispatcher = new Dispatcher(store);
    int limit = FunctionLibraries.MAX_LIBRARY_BYTES;
    assertEquals(Result.bulk("atlimit"), load(dispatcher, library("atlimit", limit)));
    assertEquals(Result.error("library code too large (" + (limit + 1) + " bytes; at most " + limit
        + " per library)"), load(dispatcher, library("past", limit + 1)));
  }

  @Test
  void aLibraryTheHeapHasNoRoomToCompileIsRefusedOutOfMemory() {
    // a guard whose room keeps 10% of the heap beyond a threshold of 10%: never room, though writes are allowed
    Dispatcher dispatcher = new Dispatcher(store, new Leases(), Clock.systemUTC(), new ServerCounters(),
        new HeapGuard(0.1), null, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, EntrySizeLimits.NONE);
    assertEquals(Dispatcher.OOM, load(dispatcher, library("small", 200)));
    assertEquals(Result.OK, RespTester.copied(dispatcher.dispatch(
        dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { }),
        RespTester.toBytes("SET", "k", "v"))), "writes are allowed: only the compile had no room");
  }

  @Test
  void compilingPastTheLoadsDeadlineIsTheLoadsTimeout() {
    LuaGlobals globals = LuaSandbox.newGlobals(new LuaTable(), new LuaInterrupts());
    byte[] code = library("late", 100_000).getBytes(StandardCharsets.UTF_8);
    int start = FunctionLoader.metadata(code).codeStart();
    IllegalArgumentException late = assertThrows(IllegalArgumentException.class,
        () -> FunctionLoader.compile(globals, code, start, new LuaGlobals(), System.nanoTime() - 1));
    assertEquals("Error registering functions: ERR " + ScriptRun.LOAD_TIMEOUT, late.getMessage());
    FunctionLoader.compile(globals, code, start, new LuaGlobals(), FunctionLoader.deadline()); // in time: compiled
  }
}
