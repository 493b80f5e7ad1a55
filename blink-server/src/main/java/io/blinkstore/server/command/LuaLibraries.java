package io.blinkstore.server.command;

import org.luaj.vm2.Globals;

/**
 * The libraries Redis 7.0 gives scripts beyond Lua's base, {@code table}, {@code string} and {@code math}:
 * {@code cjson}, {@code cmsgpack}, {@code bit} and {@code struct}, and the Lua 5.1 names and behaviour those scripts
 * were written against ({@link LuaCompat}). The engine builds its sandbox {@code Globals} with luaj's base library
 * (without file access), {@code TableLib}, {@code StringLib} and {@code MathLib}, calls {@link #install}, and only
 * then protects the globals. Two things the engine decides make the libraries match Redis further: luaj's
 * {@code JseMathLib} rather than its {@code MathLib} (which computes {@code x ^ y} by an approximation), and a
 * script thread with a stack of some tens of MiB (at the JVM's default 1 MiB, {@code cjson} and {@code cmsgpack}
 * stop nesting at about 2,000 levels instead of Redis's 8,000 stack slots, with the same Lua error).
 */
final class LuaLibraries {
  private LuaLibraries() {}

  /** Adds Redis's script libraries and Lua 5.1 compatibility to {@code globals}, and removes luaj's {@code bit32}. */
  static void install(Globals globals) {
    globals.load(new LuaCjson());
    globals.load(new LuaCmsgpack());
    globals.load(new LuaBit());
    globals.load(new LuaStruct());
    globals.load(new LuaCompat(globals));
    LuaBoundedStrings.install(globals);
    LuaCountedStrings.install(globals);
  }
}
