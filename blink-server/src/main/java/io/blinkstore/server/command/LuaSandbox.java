package io.blinkstore.server.command;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.compiler.LuaC;
import org.luaj.vm2.lib.BaseLib;
import org.luaj.vm2.lib.StringLib;
import org.luaj.vm2.lib.TableLib;
import org.luaj.vm2.lib.TwoArgFunction;
import org.luaj.vm2.lib.VarArgFunction;
import org.luaj.vm2.lib.jse.JseMathLib;

/**
 * The Lua state scripts run in, built by {@link #newGlobals} alone, as Redis 7.0 builds its own
 * ({@code luaRegisterRedisAPI}, {@code scriptingInit}): luaj's base library without {@code dofile},
 * {@code loadfile}, {@code print} and {@code rawlen} (not in Lua 5.1), the {@code table}, {@code string} and
 * {@code math} libraries, the {@code redis} table, Redis's {@code pcall}; then every table reachable from the
 * globals made read-only and the globals guarded against reads of names they do not have. Never
 * {@code JsePlatform.standardGlobals()}: no {@code os}, {@code io}, {@code luajava}, {@code package},
 * {@code require}, {@code debug} or {@code coroutine} (luaj runs each coroutine on a Java thread of its own, which
 * a script could multiply). Chunks are compiled from source only: the state has no undumper, so {@code load} of a
 * binary chunk ({@code string.dump}'s) fails with {@code No undumper.}.
 */
final class LuaSandbox {
  /** The chunk name Redis gives a script: errors say {@code user_script:1:}. */
  static final String CHUNK_NAME = "@user_script";

  /** The chunk name Redis gives a function library: errors say {@code user_function:1:}. */
  static final String FUNCTION_CHUNK_NAME = "@user_function";

  /** luaj's position prefix on an error message: {@code @user_script:3 message}. */
  private static final Pattern POSITION = Pattern.compile("^@?([^\\s:]*):(\\d+) (.*)$", Pattern.DOTALL);

  private LuaSandbox() {}

  /**
   * A new Lua state for scripts, with {@code redis} as its {@code redis} table and {@code interrupts} as the hook
   * that stops a script; locked: no script can change it.
   */
  static LuaGlobals newGlobals(LuaTable redis, LuaInterrupts interrupts) {
    LuaGlobals globals = new LuaGlobals();
    LuaTable loaded = new LuaTable();
    LuaTable packages = new LuaTable();
    packages.set("loaded", loaded);
    globals.set("package", packages); // luaj's libraries register in package.loaded; removed below
    globals.load(new BaseLib());
    globals.load(new TableLib());
    globals.load(new StringLib());
    globals.load(new JseMathLib());
    LuaC.install(globals); // a compiler, and no undumper: binary chunks cannot be loaded
    globals.load(interrupts); // sets globals.debuglib, which luaj calls on every instruction
    // Redis's cjson, cmsgpack, bit, struct and Lua 5.1's names (string.rep bounded among them), while package.loaded
    // still exists (luaj's libraries register there) and before the protection at the end:
    LuaLibraries.install(globals);
    for (String name : new String[] {"package", "debug", "dofile", "loadfile", "print", "rawlen", "require",
        "module"}) {
      globals.set(name, LuaValue.NIL);
    }
    globals.set("pcall", new RedisPcall());
    globals.set("rawset", new Positionless(globals.get("rawset")));
    globals.set("setmetatable", new Positionless(globals.get("setmetatable")));
    LuaValue tables = globals.get("table");
    for (String name : new String[] {"insert", "remove", "sort"}) {
      tables.set(name, new Positionless(tables.get(name)));
    }
    globals.set("collectgarbage", new CollectGarbage());
    globals.set("redis", redis);
    protect(globals);
    return globals;
  }

  /**
   * Makes every table the globals reach read-only copies ({@link LuaReadOnlyTable}), the strings' metatable too,
   * and gives the globals Redis's guard: reading a global they do not have is an error.
   */
  private static void protect(LuaGlobals globals) {
    Map<LuaValue, LuaValue> copies = LuaReadOnlyTable.copies();
    copies.put(globals, globals);
    LuaValue key = LuaValue.NIL;
    while (true) {
      Varargs next = globals.next(key);
      key = next.arg1();
      if (key.isnil()) {
        break;
      }
      globals.rawset(key, LuaReadOnlyTable.copyOf(next.arg(2), copies));
    }
    LuaValue strings = LuaString.s_metatable;
    if (strings != null) {
      LuaString.s_metatable = LuaReadOnlyTable.copyOf(strings, copies);
    }
    globals.setmetatable(guard());
    globals.lock();
  }

  /** Redis's guard, as a locked metatable: reading a name its table does not have is an error. */
  static LuaReadOnlyTable guard() {
    LuaReadOnlyTable guard = new LuaReadOnlyTable();
    guard.rawset("__index", new MissingGlobal());
    guard.lock();
    return guard;
  }

  /**
   * Compiles {@code source} (from {@code offset}: after a shebang line, whose line feed stays so that line numbers
   * are the user's) into a function of {@code globals}.
   *
   * @throws LuaError with the compiler's message if it is not valid Lua
   */
  static LuaValue compile(LuaGlobals globals, byte[] source, int offset) {
    return compile(globals, new ByteArrayInputStream(source, offset, source.length - offset), CHUNK_NAME, globals);
  }

  /**
   * As {@link #compile(LuaGlobals, byte[], int)}, of the text {@code source} reads, named {@code chunkName}
   * ({@link #FUNCTION_CHUNK_NAME} for a library), its globals {@code env}: its functions' instructions pass
   * {@code env}'s hook ({@code debuglib}).
   *
   * @throws LuaError with the compiler's message if it is not valid Lua, or what {@code source} raises
   */
  static LuaValue compile(LuaGlobals globals, InputStream source, String chunkName, LuaGlobals env) {
    return globals.load(source, chunkName, "t", env);
  }

  /**
   * What {@code error} says as Lua 5.1 would put it: a message of luaj's, {@code @user_script:3 text} (and the
   * traceback line that follows), as {@code user_script:3: text}; an error object (a table) as it is.
   */
  static LuaValue messageObject(LuaError error) {
    LuaValue object = error.getMessageObject();
    String message = error.getMessage();
    if (object != null && (!object.isstring() || !object.tojstring().equals(message))) {
      return object; // a table, or a string raised as an object: no position (Positionless)
    }
    return LuaValue.valueOf(message == null ? "" : text(message));
  }

  /** A message of luaj's ({@code @user_script:3 text\n}) as Lua 5.1's ({@code user_script:3: text}). */
  static String text(String message) {
    String trimmed = message.endsWith("\n") ? message.substring(0, message.length() - 1) : message;
    Matcher position = POSITION.matcher(trimmed);
    return position.matches()
        ? position.group(1) + ':' + position.group(2) + ": " + LuaErrorTexts.lua51(position.group(3))
        : LuaErrorTexts.lua51(trimmed);
  }

  /** The line at which {@code error} was raised in the script, or -1 if it is not known. */
  static int line(LuaError error) {
    String message = error.getMessage();
    if (message == null) {
      return -1;
    }
    Matcher position = POSITION.matcher(message);
    return position.matches() ? Integer.parseInt(position.group(2)) : -1;
  }

  /**
   * Redis 7.0's {@code pcall} ({@code luaRedisPcall}): as Lua's, but an error that is a table with an {@code err}
   * string (a {@code redis.call} error) is given as that string.
   */
  private static final class RedisPcall extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
      LuaValue function = args.checkvalue(1);
      try {
        return LuaValue.varargsOf(LuaValue.TRUE, function.invoke(args.subargs(2)).eval());
      } catch (LuaError e) {
        LuaValue message = messageObject(e);
        LuaValue err = message.istable() ? message.rawget("err") : LuaValue.NIL;
        return LuaValue.varargsOf(LuaValue.FALSE, err.isstring() ? err : message);
      } catch (StackOverflowError e) {
        return LuaValue.varargsOf(LuaValue.FALSE, LuaValue.valueOf("stack overflow"));
      }
    }
  }

  /**
   * {@code collectgarbage}, which must not make a script able to run the JVM's collector (luaj's calls
   * {@code System.gc()}): {@code count} answers the heap in use in KiB, every other option does nothing.
   */
  private static final class CollectGarbage extends VarArgFunction {
    @Override
    public Varargs invoke(Varargs args) {
      String option = args.optjstring(1, "collect");
      if (option.equals("count")) {
        Runtime runtime = Runtime.getRuntime();
        return LuaValue.valueOf((runtime.totalMemory() - runtime.freeMemory()) / 1024.0);
      }
      return LuaValue.ZERO;
    }
  }

  /**
   * A library function that may write a table ({@code rawset}, {@code setmetatable}, {@code table.insert}, ...)
   * whose read-only error carries no position, as in Redis, where only the VM's own writes ({@code a = 1}) get
   * one: the error is raised as an object, which luaj does not prefix.
   */
  private static final class Positionless extends VarArgFunction {
    private final LuaValue function;

    Positionless(LuaValue function) {
      this.function = function;
    }

    @Override
    public Varargs invoke(Varargs args) {
      try {
        return function.invoke(args);
      } catch (LuaError e) {
        if (LuaReadOnlyTable.READONLY.equals(e.getMessage())) {
          throw new LuaError(LuaValue.valueOf(LuaReadOnlyTable.READONLY));
        }
        throw e;
      }
    }
  }

  /** The globals' {@code __index}: Redis 7.0's error for a global that does not exist. */
  private static final class MissingGlobal extends TwoArgFunction {
    @Override
    public LuaValue call(LuaValue table, LuaValue name) {
      throw new LuaError("Script attempted to access nonexistent global variable '" + name.tojstring() + "'");
    }
  }
}
