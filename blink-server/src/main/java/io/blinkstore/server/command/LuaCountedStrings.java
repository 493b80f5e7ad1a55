package io.blinkstore.server.command;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * The string functions that make strings luaj builds itself, each result counted, once made, toward the running
 * script's heap check and a library load's made bytes ({@link ScriptRun#allocatingHere}): {@code string.sub},
 * {@code find}, {@code match}, {@code gmatch} (and {@code gfind}: each string its iterator gives), {@code reverse},
 * {@code char} and {@code dump}. None makes more than its arguments' lengths (luaj copies a piece shorter than half its
 * string and shares a longer one's bytes, counted here all the same), so none needs a bound of its own; what they
 * make is counted so that a library cannot keep copies of a long string uncounted. The others count what they make
 * where they make it ({@link LuaBytes}, {@link LuaBoundedStrings}), or make no string.
 */
final class LuaCountedStrings {
  private static final String[] NAMES = {"sub", "find", "match", "gmatch", "gfind", "reverse", "char", "dump"};

  private LuaCountedStrings() {}

  /** Replaces those functions of {@code globals}' {@code string} table with their counted forms. */
  static void install(Globals globals) {
    LuaValue string = globals.get("string");
    for (String name : NAMES) {
      string.set(name, new Counted(string.get(name)));
    }
  }

  /** {@code function}, whose string results are counted; a function it returns (an iterator) is counted too. */
  private static final class Counted extends VarArgFunction {
    private final LuaValue function;

    Counted(LuaValue function) {
      this.function = function;
    }

    @Override
    public Varargs invoke(Varargs args) {
      Varargs results = function.invoke(args);
      long bytes = 0;
      for (int i = 1; i <= results.narg(); i++) {
        LuaValue result = results.arg(i);
        if (result.type() == LuaValue.TSTRING) {
          bytes += result.rawlen();
        } else if (result.type() == LuaValue.TFUNCTION && results.narg() == 1) {
          return new Counted(result);
        }
      }
      if (bytes > 0) {
        ScriptRun.allocatingHere(bytes);
      }
      return results;
    }
  }
}
