package io.blinkstore.server.command;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * The loaded function libraries ({@code FUNCTION LOAD}), as Redis 7.0's {@code functionsLibCtx}: libraries by name
 * (case-sensitive), functions by name across all of them (case-insensitive, as Redis's {@code functionDictType}),
 * bounded in count and in what their code holds on the heap, compiled ({@link #MAX_HELD_BYTES}). Thread-safe: every
 * method is one step under the object's lock; a library, once made, never changes.
 */
final class FunctionLibraries {
  /** How many functions all libraries may register together. */
  static final int MAX_FUNCTIONS = 10_000;
  /**
   * How many bytes one library's code may have (shebang line included), 256 KiB: luaj compiles it on the caller's
   * event loop before the library's code runs, at 0.2 to 2 s per MiB (docs/resp.md, Functions), within the load's
   * 500 ms. Its source also bounds what the compiler holds meanwhile.
   */
  static final int MAX_LIBRARY_BYTES = 256 << 10;

  /**
   * How many bytes all libraries may hold on the heap together, their code and its compiled functions as
   * {@link #heldBytes} estimates them and what their code made while it loaded ({@link ScriptRun#made}): 64 MiB, or
   * an eighth of the heap where that is less (11 MiB of a 92 MiB heap).
   * Compiled Lua costs several times its source (REV3: 15 libraries of 3 MiB of {@code x = 1} ended a server with a
   * 92 MiB heap in an OutOfMemoryError within a bound of 64 MiB of source); scripts have an eighth of their own
   * ({@link ScriptCache#MAX_HELD_BYTES}).
   */
  static final long MAX_HELD_BYTES = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);

  /** The refusal of a load or restore past {@link #MAX_FUNCTIONS} or {@link #MAX_HELD_BYTES}. */
  static final String FULL = "function libraries full (at most " + MAX_FUNCTIONS + " functions and "
      + (MAX_HELD_BYTES >> 20) + " MiB of code, compiled, and of what it made as it loaded): FUNCTION DELETE or "
      + "FUNCTION FLUSH frees them";

  /** What one compiled function's objects and arrays take, beyond its instructions, constants and locals. */
  private static final int PROTOTYPE_BYTES = 192;

  /** Redis's engine name, as {@code FUNCTION LIST} and {@code FUNCTION STATS} show it. */
  static final String ENGINE = "LUA";

  /**
   * One function of a library: its name as registered, description ({@code null}: none), flags ({@link Script}'s
   * bits, never {@link Script#COMPAT}) and callback.
   */
  record Function(String name, @Nullable String description, int flags, LuaValue callback, String library) {}

  /**
   * A library: its name, its code as loaded (the shebang line too), its functions in registration order, and what it
   * holds on the heap: its code compiled ({@link #heldBytes}) and what its code made while it loaded
   * ({@link ScriptRun#made}: the strings, tables and closures its functions can keep, counted as they were made).
   */
  record Library(String name, byte[] code, List<Function> functions, long held) {}

  /**
   * What a library of {@code code} compiled to {@code chunk} holds on the heap, estimated: its code, and for each
   * function compiled 192 bytes, 8 per instruction (with its line) and 64 per constant, local and upvalue. Measured
   * against the heap luaj's prototypes retain (docs/resp.md, Functions): within a fifth for code of statements, and
   * 192 bytes is the prototype's own objects and arrays, which a library of many small functions is mostly made of.
   */
  static long heldBytes(byte[] code, Prototype chunk) {
    return code.length + compiled(chunk);
  }

  private static long compiled(Prototype function) {
    long size = PROTOTYPE_BYTES + 8L * function.code.length + 64L * (function.k.length + function.locvars.length
        + function.upvalues.length);
    for (Prototype nested : function.p) {
      size += compiled(nested);
    }
    return size;
  }

  private final Map<String, Library> libraries = new LinkedHashMap<>();
  private final Map<String, Function> functions = new LinkedHashMap<>();
  private long codeBytes;
  private long heldBytes;

  /** The function named {@code name} (any case), or {@code null}. */
  synchronized @Nullable Function function(String name) {
    return functions.get(key(name));
  }

  /** Whether a library named {@code name} (exactly) is loaded. */
  synchronized boolean has(String name) {
    return libraries.containsKey(name);
  }

  /** The libraries, in the order they were loaded. */
  synchronized List<Library> libraries() {
    return List.copyOf(libraries.values());
  }

  /** How many functions are registered. */
  synchronized int functionCount() {
    return functions.size();
  }

  /** How many libraries are loaded. */
  synchronized int libraryCount() {
    return libraries.size();
  }

  /** The bytes of code the libraries hold. */
  synchronized long codeBytes() {
    return codeBytes;
  }

  /** What the libraries hold on the heap, their compiled functions too ({@link Library#held}). */
  synchronized long heldBytes() {
    return heldBytes;
  }

  /**
   * How many bytes one more library may hold ({@link Library#held}) under {@link #MAX_HELD_BYTES}, if it replaces
   * the library named {@code replaced} ({@code null}: none): a load's own bound while its code runs.
   */
  synchronized long room(@Nullable String replaced) {
    Library old = replaced == null ? null : libraries.get(replaced);
    return MAX_HELD_BYTES - heldBytes + (old == null ? 0 : old.held());
  }

  /**
   * Adds {@code added}, replacing the libraries of the same name if {@code replace}, all or none, in Redis's order
   * of checks ({@code libraryJoin}, {@code functionsCreateWithLibraryCtx}).
   *
   * @return {@code null}, or why nothing was added: {@code Library 'x' already exists} ({@code quoted}, as
   *     {@code FUNCTION LOAD} words it) or {@code Library x already exists} ({@code FUNCTION RESTORE}'s),
   *     {@code Function f already exists}, or the bounds
   */
  synchronized @Nullable String add(Collection<Library> added, boolean replace, boolean quoted) {
    Map<String, Library> replaced = new LinkedHashMap<>();
    for (Library library : added) {
      Library old = libraries.get(library.name());
      if (old != null && !replace) {
        return quoted ? "Library '" + library.name() + "' already exists"
            : "Library " + library.name() + " already exists";
      }
      if (old != null) {
        replaced.put(old.name(), old);
      }
    }
    for (Library library : added) {
      for (Function function : library.functions()) {
        Function other = functions.get(key(function.name()));
        if (other != null && !replaced.containsKey(other.library())) {
          return "Function " + function.name() + " already exists";
        }
      }
    }
    long bytes = heldBytes;
    int count = functions.size();
    for (Library old : replaced.values()) {
      bytes -= old.held();
      count -= old.functions().size();
    }
    for (Library library : added) {
      bytes += library.held();
      count += library.functions().size();
    }
    if (count > MAX_FUNCTIONS || bytes > MAX_HELD_BYTES) {
      return FULL;
    }
    replaced.values().forEach(this::unlink);
    added.forEach(this::link);
    return null;
  }

  /** Deletes the library named {@code name}; whether there was one. */
  synchronized boolean delete(String name) {
    Library library = libraries.get(name);
    if (library == null) {
      return false;
    }
    unlink(library);
    return true;
  }

  /** Deletes every library. */
  synchronized void clear() {
    libraries.clear();
    functions.clear();
    codeBytes = 0;
    heldBytes = 0;
  }

  /** Replaces every library with {@code loaded} ({@code FUNCTION RESTORE ... FLUSH}); as {@link #add}. */
  synchronized @Nullable String replaceAll(Collection<Library> loaded) {
    List<Library> old = new ArrayList<>(libraries.values());
    clear();
    String refusal = add(loaded, false, false);
    if (refusal != null) {
      old.forEach(this::link);
    }
    return refusal;
  }

  private void link(Library library) {
    libraries.put(library.name(), library);
    library.functions().forEach(function -> functions.put(key(function.name()), function));
    codeBytes += library.code().length;
    heldBytes += library.held();
  }

  private void unlink(Library library) {
    libraries.remove(library.name());
    library.functions().forEach(function -> functions.remove(key(function.name())));
    codeBytes -= library.code().length;
    heldBytes -= library.held();
  }

  /** Redis's case-insensitive key of a function name (ASCII letters only: names are letters, digits, {@code _}). */
  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
