package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * REV5's finding 3: what a library's code makes as it loads, and its functions can keep (the strings, tables and
 * closures they capture), counts in what the library holds ({@code used_memory_functions}) and so in the
 * libraries' bound ({@link FunctionLibraries#MAX_HELD_BYTES}); {@code FUNCTION DELETE} and {@code FLUSH} give it
 * back; and a load's run stops once it has made more than the room its library has left, at the limit and one past
 * it, where it used to run until its 500 ms or the heap ended it.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FunctionLoadMadeTest {
  private static final String FULL = "ERR Error registering functions: ERR " + FunctionLibraries.FULL;

  private final BlinkStore store = BlinkStore.builder().build();
  private final Dispatcher dispatcher = new Dispatcher(store);
  private final ClientState client = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });

  @AfterEach
  void close() {
    store.close();
  }

  private Result send(String... request) {
    return RespTester.copied(dispatcher.dispatch(client, RespTester.toBytes(request)));
  }

  private Result load(String name, String code) {
    return send("FUNCTION", "LOAD", "#!lua name=" + name + "\n" + code + "\nredis.register_function('f_" + name
        + "', function() return 1 end)");
  }

  /** {@code used_memory_functions}: what the libraries hold. */
  private long held() {
    String info = assertInstanceOf(Result.Verbatim.class, send("INFO", "memory")).text();
    int at = info.indexOf("used_memory_functions:") + "used_memory_functions:".length();
    return Long.parseLong(info.substring(at, info.indexOf('\r', at)));
  }

  private static String errorLine(Result result) {
    return assertInstanceOf(Result.Error.class, result).line();
  }

  @Test
  void theStringsALibrarysCodeMakesCountInWhatItHoldsUntilItIsDeleted() {
    assertEquals(RespTester.bulk("small"), load("small", "local t = {}"));
    long small = held();
    int mib = 1 << 20;
    // rep and the concatenation count where they build; sub's copy (under half its string) and reverse once made
    assertEquals(RespTester.bulk("kept"), load("kept", "local s = ('x'):rep(" + mib + ")\n"
        + "local t = {s:sub(1, 400000), s:reverse(), s .. 'y'}\nlocal function keep() return #t end"));
    long kept = held() - small;
    long made = mib + 400_000 + mib + mib + 1;
    assertTrue(kept >= made && kept < made + (64 << 10), "held " + kept + " for " + made + " bytes of strings made");
    assertEquals(Result.OK, send("FUNCTION", "DELETE", "kept"));
    assertEquals(small, held(), "deleted: its bytes given back");
    assertEquals(Result.OK, send("FUNCTION", "FLUSH"));
    assertEquals(0, held());
  }

  /** A library that keeps one string of {@code bytes} (nine digits: the same code, and compiled size, for any). */
  private Result probe(long bytes) {
    return load("probe", "local s = ('x'):rep(" + String.format("%09d", bytes) + ")\nlocal function keep() "
        + "return #s end");
  }

  /**
   * Regression (REV6): {@code upper} and {@code lower} built a copy of their argument without counting it, so six
   * libraries of four 4 MiB upper-cased copies each (96 MiB, past the bound) all loaded, and a loop of them in an
   * {@code EVAL} ran the JVM out of heap between two of the hook's checks.
   */
  @Test
  void upperAndLowerCountTheCopiesTheyMake() {
    long before = held();
    assertEquals(RespTester.bulk("up"), load("up", "local s = ('x'):rep(1024 * 1024)\n"
        + "local t = {s:upper(), s:lower(), s:upper()}"));
    assertTrue(held() - before >= 4L << 20, "the 1 MiB string and its three copies: " + (held() - before));
    int refused = 0;
    for (int i = 0; i < 6; i++) {
      Result reply = load("big" + i, "local s = ('x'):rep(4 * 1024 * 1024)\n"
          + "local t = {s:upper(), s:upper(), s:lower(), s:upper()}");
      if (reply instanceof Result.Error) {
        assertEquals(FULL, errorLine(reply));
        refused++;
      }
    }
    assertTrue(refused > 0 && held() <= FunctionLibraries.MAX_HELD_BYTES,
        "six libraries keeping 16 MiB each: " + refused + " refused, held " + held());
  }

  @Test
  void aLoadIsHeldToTheRoomItsLibraryHasLeftAtTheLimitAndOnePast() {
    long half = (FunctionLibraries.MAX_HELD_BYTES - (2 << 20)) / 2; // at most LuaBytes.MAX_BYTES, as heap/16 is
    assertEquals(RespTester.bulk("fill"), load("fill", "local a, b = ('x'):rep(" + half + "), ('y'):rep(" + half
        + ")\nlocal function keep() return #a + #b end"));
    long filled = held();
    assertTrue(filled > 2 * half, "the two strings counted: " + filled);
    assertEquals(RespTester.bulk("probe"), probe(1000));
    long probe = held() - filled - 1000; // what a probe holds beside its string
    assertEquals(Result.OK, send("FUNCTION", "DELETE", "probe"));
    long room = FunctionLibraries.MAX_HELD_BYTES - filled;
    assertEquals(RespTester.bulk("probe"), probe(room - probe), "at the limit");
    assertEquals(FunctionLibraries.MAX_HELD_BYTES, held());
    assertEquals(Result.OK, send("FUNCTION", "DELETE", "probe"));
    assertEquals(FULL, errorLine(probe(room - probe + 1)), "one past it");
    assertEquals(FULL, errorLine(load("slots", "local t = {} for i = 1, 1e9 do t[i] = i end")),
        "table slots count: without end, the load stops at its room, not at its 500 ms");
    assertEquals(FULL, errorLine(load("strings", "local s = ('x'):rep(65536) local t = {} for i = 1, 1e9 do "
        + "t[i] = s .. i end")));
    assertEquals(FULL, errorLine(load("closures", "local t = {} for i = 1, 1e9 do local a, b, c = i, i, i "
        + "t[i] = function() return a + b + c end end")));
    assertEquals(filled, held(), "the refused loads hold nothing");
    assertEquals(Result.OK, send("FUNCTION", "FLUSH"));
    assertEquals(0, held());
    assertEquals(RespTester.bulk("probe"), probe(room - probe), "flushed: the room given back");
  }
}
