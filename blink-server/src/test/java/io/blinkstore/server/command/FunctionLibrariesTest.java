package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.blinkstore.server.command.FunctionLibraries.Function;
import io.blinkstore.server.command.FunctionLibraries.Library;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

/**
 * The libraries' bounds, each at the limit and one past it ({@link FunctionLibraries#MAX_FUNCTIONS},
 * {@link FunctionLibraries#MAX_HELD_BYTES}), the all-or-nothing joins of {@code FUNCTION RESTORE}, and the
 * metadata line as Redis's {@code sdssplitargs} reads it.
 */
class FunctionLibrariesTest {
  private static final String FULL = "function libraries full (at most 10000 functions and "
      + (FunctionLibraries.MAX_HELD_BYTES >> 20)
      + " MiB of code, compiled, and of what it made as it loaded): FUNCTION DELETE or FUNCTION FLUSH frees them";

  private static Library library(String name, int functions, int codeBytes) {
    return library(name, functions, codeBytes, codeBytes);
  }

  private static Library library(String name, int functions, int codeBytes, long held) {
    List<Function> list = new ArrayList<>();
    for (int i = 0; i < functions; i++) {
      list.add(new Function(name + "_f" + i, null, 0, LuaValue.NIL, name));
    }
    return new Library(name, new byte[codeBytes], list, held);
  }

  @Test
  void functionsAreHeldToTheirCountAtTheLimitAndOnePast() {
    FunctionLibraries libraries = new FunctionLibraries();
    assertNull(libraries.add(List.of(library("a", FunctionLibraries.MAX_FUNCTIONS - 1, 10)), false, true));
    assertEquals(FULL, libraries.add(List.of(library("b", 2, 10)), false, true));
    assertNull(libraries.add(List.of(library("b", 1, 10)), false, true));
    assertEquals(FunctionLibraries.MAX_FUNCTIONS, libraries.functionCount());
    assertEquals(FULL, libraries.add(List.of(library("c", 1, 10)), false, true));
    assertNull(libraries.add(List.of(library("b", 1, 10)), true, true), "a replaced library frees its functions");
  }

  @Test
  void whatTheLibrariesHoldCompiledIsBoundedAtTheLimitAndOnePast() {
    FunctionLibraries libraries = new FunctionLibraries();
    long half = FunctionLibraries.MAX_HELD_BYTES / 2;
    assertNull(libraries.add(List.of(library("a", 1, 100, half)), false, true));
    assertEquals(FULL, libraries.add(List.of(library("b", 1, 100, half + 1)), false, true),
        "the compiled functions count, not only the code");
    assertNull(libraries.add(List.of(library("b", 1, 100, half)), false, true));
    assertEquals(2 * half, libraries.heldBytes());
    assertEquals(200, libraries.codeBytes());
    assertNull(libraries.add(List.of(library("a", 1, 100, half)), true, true), "a replaced library frees its bytes");
    libraries.delete("a");
    assertEquals(half, libraries.heldBytes());
  }


  @Test
  void aJoinAddsEveryLibraryOrNone() {
    FunctionLibraries libraries = new FunctionLibraries();
    assertNull(libraries.add(List.of(library("a", 2, 1)), false, true));
    Library clash = new Library("c", new byte[1], List.of(new Function("A_F1", null, 0, LuaValue.NIL, "c")), 1);
    assertEquals("Function A_F1 already exists", libraries.add(List.of(library("b", 1, 1), clash), false, false));
    assertEquals(1, libraries.libraryCount());
    assertEquals("Library a already exists", libraries.add(List.of(library("a", 1, 1)), false, false));
    assertEquals("Library 'a' already exists", libraries.add(List.of(library("a", 1, 1)), false, true));
    assertNull(libraries.function("b_f0"));
    assertEquals("a", libraries.function("A_F0").library(), "function names are case-insensitive");
  }

  @Test
  void metadataIsSplitAsRedisSplitsArguments() {
    assertEquals(List.of("#!lua", "name=x"), FunctionLoader.splitArgs("#!lua   name=x "));
    assertEquals(List.of("#!lua", "name=a b"), FunctionLoader.splitArgs("#!lua name=\"a b\""));
    assertEquals(List.of("#!lua", "name=\n"), FunctionLoader.splitArgs("#!lua name=\"\\n\""));
    assertEquals(List.of("#!lua", "name=A"), FunctionLoader.splitArgs("#!lua name=\"\\x41\""));
    assertEquals(List.of("#!lua", "it's"), FunctionLoader.splitArgs("#!lua 'it\\'s'"));
    assertNull(FunctionLoader.splitArgs("#!lua name=\"open"));
    assertNull(FunctionLoader.splitArgs("#!lua name=\"a\"b"));
    assertEquals("x", FunctionLoader.metadata("#!lua NAME=x\n".getBytes()).name());
  }
}
