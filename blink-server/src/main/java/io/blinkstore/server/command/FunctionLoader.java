package io.blinkstore.server.command;

import io.blinkstore.server.command.FunctionLibraries.Library;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Makes a library of a {@code FUNCTION LOAD} payload as Redis 7.0 does ({@code functionsCreateWithLibraryCtx},
 * {@code luaEngineCreate}): reads its metadata line ({@code #!lua name=mylib}), compiles its code, and runs it once
 * so that it registers its functions ({@code redis.register_function}), with Redis's errors in Redis's order.
 *
 * <p>While a library's code runs it sees only Redis's library API: a {@code redis} table of
 * {@code register_function}, {@code log}, its levels and the version; any other name is Redis's nonexistent-global
 * error. Each library has globals of its own (read-only, as the scripts'), whose missing names are then read from
 * the scripts' state ({@link ScriptEngine#globals}): what its functions see when they are called. The load, its
 * compilation included, is held to Redis's 500 ms ({@link #LOAD_TIMEOUT_MILLIS}); the code to
 * {@link FunctionLibraries#MAX_LIBRARY_BYTES}, and compiled only if the heap has room for it
 * ({@link #COMPILE_BYTES_PER_BYTE}); the run to the heap checks of a script ({@link ScriptRun}), with a hook
 * of its own, so it may run on any thread while a script or function runs on another: nothing it touches is shared
 * with them until it has ended.
 */
final class FunctionLoader {
  /** How long a library's code may run while it loads: Redis's {@code LOAD_TIMEOUT_MS}. */
  static final long LOAD_TIMEOUT_MILLIS = 500;

  /**
   * What compiling costs the heap per byte of code, at most, while the compiler runs (measured in docs/resp.md,
   * Functions): the heap must have room for that before a library is compiled ({@link HeapGuard#roomFor}).
   */
  static final int COMPILE_BYTES_PER_BYTE = 16;

  static final String BAD_NAME = "Library names can only contain letters, numbers, or underscores(_) and must be "
      + "at least one character long";

  /** The names of the scripts' {@code redis} table a library's code may read while it loads. */
  private static final List<String> LOAD_API = List.of("log", "LOG_DEBUG", "LOG_VERBOSE", "LOG_NOTICE",
      "LOG_WARNING", "REDIS_VERSION", "REDIS_VERSION_NUM");

  private final ScriptEngine engine;
  private final HeapGuard heapGuard;
  /** The metatable of a loaded library's globals: what they do not have is read from the scripts'. */
  private final LuaReadOnlyTable runtime = new LuaReadOnlyTable();

  FunctionLoader(ScriptEngine engine, HeapGuard heapGuard) {
    this.engine = engine;
    this.heapGuard = heapGuard;
    runtime.rawset("__index", engine.globals());
    runtime.lock();
  }

  /** A library's metadata: its engine's name, its name, and where its code begins (its first line feed). */
  record Metadata(String engine, String name, int codeStart) {}

  /**
   * Reads {@code payload}'s metadata line as Redis's {@code functionExtractLibMetaData} does, then checks its name
   * and engine.
   *
   * @throws IllegalArgumentException with Redis's error text
   */
  static Metadata metadata(byte[] payload) {
    if (payload.length < 2 || payload[0] != '#' || payload[1] != '!') {
      throw new IllegalArgumentException("Missing library metadata");
    }
    int end = 0;
    while (end < payload.length && payload[end] != '\n' && payload[end] != 0) {
      end++;
    }
    if (end == payload.length || payload[end] == 0) {
      throw new IllegalArgumentException("Invalid library metadata");
    }
    List<String> parts = splitArgs(new String(payload, 0, end, StandardCharsets.ISO_8859_1));
    if (parts == null || parts.isEmpty()) {
      throw new IllegalArgumentException("Invalid library metadata");
    }
    String engine = parts.get(0).length() < 2 ? "" : parts.get(0).substring(2);
    String name = null;
    for (String part : parts.subList(1, parts.size())) {
      if (!part.regionMatches(true, 0, "name=", 0, 5)) {
        throw new IllegalArgumentException("Invalid metadata value given: " + part);
      }
      if (name != null) {
        throw new IllegalArgumentException("Invalid metadata value, name argument was given multiple times");
      }
      name = part.substring(5);
    }
    if (name == null) {
      throw new IllegalArgumentException("Library name was not given");
    }
    if (!validName(name)) {
      throw new IllegalArgumentException(BAD_NAME);
    }
    if (!engine.equalsIgnoreCase(FunctionLibraries.ENGINE)) {
      throw new IllegalArgumentException("Engine '" + engine + "' not found");
    }
    return new Metadata(engine, name, end);
  }

  /** When a load that begins now must have ended ({@code System.nanoTime()}): {@link #LOAD_TIMEOUT_MILLIS} on. */
  static long deadline() {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOAD_TIMEOUT_MILLIS);
  }

  /**
   * The library of {@code payload}, whose {@code metadata} was read: compiled, and its code run once for
   * {@code caller} to register its functions, stopped at {@code deadline} ({@link #deadline}) and once what it holds
   * passes {@code room} bytes: its compiled code ({@link FunctionLibraries#heldBytes}) and what its code made while it
   * ran ({@link ScriptRun#made}), which is what its functions can keep.
   *
   * @throws IllegalArgumentException with Redis's error text, or {@link FunctionLibraries#FULL} past {@code room}
   */
  Library load(byte[] payload, Metadata metadata, ClientState caller, long deadline, long room) {
    if (payload.length > FunctionLibraries.MAX_LIBRARY_BYTES) {
      throw new IllegalArgumentException("library code too large (" + payload.length + " bytes; at most "
          + FunctionLibraries.MAX_LIBRARY_BYTES + " per library)");
    }
    if (!heapGuard.roomFor((long) COMPILE_BYTES_PER_BYTE * payload.length)) {
      throw new NoRoom();
    }
    LuaGlobals env = new LuaGlobals();
    LuaClosure chunk = compile(engine.globals(), payload, metadata.codeStart(), env, deadline);
    long compiled = FunctionLibraries.heldBytes(payload, chunk.p);
    if (compiled > room) {
      throw new IllegalArgumentException(FunctionLibraries.FULL);
    }
    Registration registration = new Registration(metadata.name());
    env.setmetatable(loadingApi(registration));
    env.lock();
    LuaInterrupts hook = LuaInterrupts.countingMade();
    env.debuglib = hook;
    ScriptRun run = ScriptRun.load(caller, heapGuard, deadline, room - compiled);
    hook.watch(run);
    ScriptRun.runningHere(run);
    LuaError failed = null;
    try {
      run.started();
      chunk.call();
    } catch (LuaError e) {
      failed = e; // its text is read once the run has ended: reading it counts toward a run that may have no room
    } catch (StackOverflowError e) {
      throw new IllegalArgumentException("Error registering functions: ERR stack overflow", e);
    } finally {
      registration.close();
      hook.watch(null);
      ScriptRun.runningHere(null);
      env.unlock();
      env.setmetatable(runtime);
      env.debuglib = engine.interrupts();
      env.lock();
    }
    if (failed != null) {
      throw new IllegalArgumentException("Error registering functions: " + message(failed), failed);
    }
    if (registration.functions.isEmpty()) {
      throw new IllegalArgumentException("No functions registered");
    }
    return new Library(metadata.name(), payload, List.copyOf(registration.functions.values()),
        compiled + run.made());
  }

  /** A library the heap has no room to compile: the load is answered {@link Dispatcher#OOM}, as Redis's. */
  static final class NoRoom extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    NoRoom() {
      super(Dispatcher.OOM.line());
    }
  }

  /**
   * The library code of {@code payload} from {@code codeStart}, compiled in the state of {@code globals} with
   * {@code env} as its globals, stopped at {@code deadline} ({@code System.nanoTime()}) with Redis's
   * {@code FUNCTION LOAD timeout} if the compiler is still reading it then.
   *
   * @throws IllegalArgumentException with the reply's text: a compile error, or the timeout
   */
  static LuaClosure compile(LuaGlobals globals, byte[] payload, int codeStart, LuaGlobals env, long deadline) {
    try {
      return (LuaClosure) LuaSandbox.compile(globals, new TimedSource(payload, codeStart, deadline),
          LuaSandbox.FUNCTION_CHUNK_NAME, env);
    } catch (TimedSource.Timeout e) {
      throw new IllegalArgumentException("Error registering functions: " + message(e), e);
    } catch (LuaError e) {
      String message = e.getMessage();
      throw new IllegalArgumentException("Error compiling function: " + LuaSandbox.text(message == null ? ""
          : message), e);
    }
  }

  /** What a raised error says, as Redis's {@code luaExtractErrorInformation} reads it. */
  private static String message(LuaError error) {
    LuaValue object = LuaSandbox.messageObject(error);
    if (object.istable()) {
      LuaValue err = object.rawget("err");
      return err.isstring() ? LuaReplies.string(err) : "(null)";
    }
    return "ERR " + LuaReplies.string(object);
  }

  /** The metatable of a loading library's globals: only Redis's library API is there. */
  private LuaReadOnlyTable loadingApi(Registration registration) {
    LuaValue scripts = engine.globals().get("redis");
    LuaReadOnlyTable redis = new LuaReadOnlyTable();
    redis.rawset("register_function", registration);
    LOAD_API.forEach(name -> redis.rawset(name, scripts.get(name)));
    redis.setmetatable(LuaSandbox.guard());
    redis.lock();
    LuaReadOnlyTable api = new LuaReadOnlyTable();
    api.rawset("redis", redis);
    api.setmetatable(LuaSandbox.guard());
    api.lock();
    LuaReadOnlyTable metatable = new LuaReadOnlyTable();
    metatable.rawset("__index", api);
    metatable.lock();
    return metatable;
  }

  /** Whether {@code name} is a valid library or function name: letters, digits and {@code _}, at least one. */
  static boolean validName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code redis.register_function} of one load ({@code luaRegisterFunction}): {@code (name, callback)} or the
   * named form {@code {function_name=, callback=, description=, flags={...}}}, with Redis's errors; once the load has
   * ended, every call is refused.
   */
  private static final class Registration extends VarArgFunction {
    /** What a function registered holds beyond its name and description (its record and map entries), at most. */
    private static final int FUNCTION_BYTES = 256;

    private final String library;
    /** The functions registered, by their exact name (a library's own names are case-sensitive, as Redis's). */
    private final Map<String, FunctionLibraries.Function> functions = new LinkedHashMap<>();
    private volatile boolean open = true;

    Registration(String library) {
      this.library = library;
    }

    void close() {
      open = false;
    }

    @Override
    public Varargs invoke(Varargs args) {
      if (!open) {
        throw raise("redis.register_function can only be called on FUNCTION LOAD command");
      }
      int count = args.narg();
      if (count < 1 || count > 2) {
        throw raise("wrong number of arguments to redis.register_function");
      }
      FunctionLibraries.Function function = count == 1 ? named(args.arg1()) : positional(args);
      if (!validName(function.name())) {
        throw raise(BAD_NAME);
      }
      if (functions.containsKey(function.name())) {
        throw raise("Function already exists in the library");
      }
      String description = function.description();
      ScriptRun.allocatingHere(FUNCTION_BYTES + 2L * (function.name().length()
          + (description == null ? 0 : description.length())));
      functions.put(function.name(), function);
      return LuaValue.NONE;
    }

    private FunctionLibraries.Function positional(Varargs args) {
      if (!args.arg1().isstring()) {
        throw raise("first argument to redis.register_function must be a string");
      }
      if (!args.arg(2).isfunction()) {
        throw raise("second argument to redis.register_function must be a function");
      }
      return new FunctionLibraries.Function(LuaReplies.string(args.arg1()), null, 0, args.arg(2), library);
    }

    private FunctionLibraries.Function named(LuaValue table) {
      if (!table.istable()) {
        throw raise("calling redis.register_function with a single argument is only applicable to Lua table "
            + "(representing named arguments).");
      }
      String name = null;
      String description = null;
      LuaValue callback = null;
      int flags = 0;
      LuaValue key = LuaValue.NIL;
      while (true) {
        Varargs next = table.next(key);
        key = next.arg1();
        if (key.isnil()) {
          break;
        }
        LuaValue value = next.arg(2);
        if (!key.isstring()) {
          throw raise("named argument key given to redis.register_function is not a string");
        }
        String argument = LuaReplies.string(key);
        if (argument.equalsIgnoreCase("function_name")) {
          if (!value.isstring()) {
            throw raise("function_name argument given to redis.register_function must be a string");
          }
          name = LuaReplies.string(value);
        } else if (argument.equalsIgnoreCase("description")) {
          if (!value.isstring()) {
            throw raise("description argument given to redis.register_function must be a string");
          }
          description = LuaReplies.string(value);
        } else if (argument.equalsIgnoreCase("callback")) {
          if (!value.isfunction()) {
            throw raise("callback argument given to redis.register_function must be a function");
          }
          callback = value;
        } else if (argument.equalsIgnoreCase("flags")) {
          if (!value.istable()) {
            throw raise("flags argument to redis.register_function must be a table representing function flags");
          }
          flags = flags(value);
        } else {
          throw raise("unknown argument given to redis.register_function");
        }
      }
      if (name == null) {
        throw raise("redis.register_function must get a function name argument");
      }
      if (callback == null) {
        throw raise("redis.register_function must get a callback argument");
      }
      return new FunctionLibraries.Function(name, description, flags, callback, library);
    }

    /** The flags of a {@code flags} table, read from index 1 to its first nil, as Redis reads them. */
    private static int flags(LuaValue table) {
      int flags = 0;
      for (int i = 1; ; i++) {
        LuaValue flag = table.get(i);
        if (flag.isnil()) {
          return flags;
        }
        int bit = flag.isstring() ? Script.flagNamed(LuaReplies.string(flag)) : 0;
        if (bit == 0) {
          throw raise("unknown flag given");
        }
        flags |= bit;
      }
    }

    private static LuaError raise(String message) {
      return new LuaError(LuaRedisApi.errorTable(message));
    }
  }

  /**
   * {@code line} split as Redis's {@code sdssplitargs}: words between blanks, {@code "..."} with its escapes and
   * {@code '...'}; {@code null} for unbalanced quotes or a closing quote followed by anything but a blank.
   */
  static @Nullable List<String> splitArgs(String line) {
    List<String> parts = new ArrayList<>();
    int p = 0;
    int n = line.length();
    while (true) {
      while (p < n && Character.isWhitespace(line.charAt(p))) {
        p++;
      }
      if (p >= n) {
        return parts;
      }
      ByteArrayOutputStream current = new ByteArrayOutputStream();
      boolean inDouble = false;
      boolean inSingle = false;
      boolean done = false;
      while (!done) {
        char c = p < n ? line.charAt(p) : 0;
        char next = p + 1 < n ? line.charAt(p + 1) : 0;
        if (inDouble) {
          if (c == '\\' && next == 'x' && p + 3 < n && hex(line.charAt(p + 2)) >= 0 && hex(line.charAt(p + 3)) >= 0) {
            current.write(hex(line.charAt(p + 2)) * 16 + hex(line.charAt(p + 3)));
            p += 3;
          } else if (c == '\\' && next != 0) {
            p++;
            current.write(switch (next) {
              case 'n' -> '\n';
              case 'r' -> '\r';
              case 't' -> '\t';
              case 'b' -> '\b';
              case 'a' -> 7;
              default -> next;
            });
          } else if (c == '"') {
            if (next != 0 && !Character.isWhitespace(next)) {
              return null;
            }
            done = true;
          } else if (c == 0) {
            return null;
          } else {
            current.write(c);
          }
        } else if (inSingle) {
          if (c == '\\' && next == '\'') {
            p++;
            current.write('\'');
          } else if (c == '\'') {
            if (next != 0 && !Character.isWhitespace(next)) {
              return null;
            }
            done = true;
          } else if (c == 0) {
            return null;
          } else {
            current.write(c);
          }
        } else if (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == 0) {
          done = true;
        } else if (c == '"') {
          inDouble = true;
        } else if (c == '\'') {
          inSingle = true;
        } else {
          current.write(c);
        }
        if (p < n) {
          p++;
        }
      }
      parts.add(current.toString(StandardCharsets.ISO_8859_1));
    }
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }
}
