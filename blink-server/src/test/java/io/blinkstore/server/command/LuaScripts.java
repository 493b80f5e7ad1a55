package io.blinkstore.server.command;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LoadState;
import org.luaj.vm2.LuaValue;
import java.util.concurrent.atomic.AtomicReference;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.PackageLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * Runs a script in a luaj {@code Globals} built as the scripting engine's sandbox builds it (luaj's base library
 * without file access, its package library only because luaj's {@code TableLib} registers itself there, then
 * {@code table}, {@code string}, {@code math} (luaj's {@code JseMathLib}: its {@code MathLib} alone computes
 * {@code x ^ y} by an approximation, {@code 2^-1074} is 0 there), then {@link LuaLibraries#install}), for the
 * libraries' tests here and the parity test against redis-server in {@code io.blinkstore.server}.
 */
public final class LuaScripts {
  private LuaScripts() {}

  /** A fresh sandbox. */
  static Globals sandbox() {
    Globals globals = new Globals();
    globals.load(new BaseLib());
    globals.load(new PackageLib());
    globals.load(new TableLib());
    globals.load(new StringLib());
    globals.load(new JseMathLib());
    LoadState.install(globals);
    LuaC.install(globals);
    for (String fileAccess : new String[] {"dofile", "loadfile", "print", "package", "require"}) {
      globals.set(fileAccess, LuaValue.NIL);
    }
    LuaLibraries.install(globals);
    return globals;
  }

  /**
   * The stack a script thread needs for the libraries to nest as deep as Redis's (8,000 Lua stack slots): with the
   * JVM's default 1 MiB, {@code cjson.encode} of a table holding itself stops at about 2,000 levels, with the same
   * Lua error.
   */
  static final long SCRIPT_STACK_BYTES = 64L << 20;

  /** What {@code script} returns in a fresh sandbox, on a thread of {@code stackBytes}. */
  static LuaValue run(String script, long stackBytes) {
    AtomicReference<Object> result = new AtomicReference<>();
    Thread thread = new Thread(null, () -> {
      try {
        result.set(sandbox().load(script, "@user_script").invoke().arg1());
      } catch (RuntimeException | Error e) {
        result.set(e);
      }
    }, "lua-script", stackBytes);
    thread.start();
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    if (result.get() instanceof RuntimeException e) {
      throw e;
    }
    if (result.get() instanceof Error e) {
      throw e;
    }
    return (LuaValue) result.get();
  }

  /** The bytes of the string {@code script} returns in a fresh sandbox (Latin-1, one char a byte). */
  public static String runToString(String script) {
    return latin1(run(script, SCRIPT_STACK_BYTES));
  }

  /** The same, on a thread of {@code stackBytes}. */
  static String runToString(String script, long stackBytes) {
    return latin1(run(script, stackBytes));
  }

  private static String latin1(LuaValue value) {
    byte[] bytes = new byte[value.checkstring().length()];
    value.checkstring().copyInto(0, bytes, 0, bytes.length);
    return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
