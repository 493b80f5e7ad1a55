package io.blinkstore.server.command;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.luaj.vm2.LuaValue;

/**
 * The loaded function libraries ({@code FUNCTION LOAD}), as Redis 7.0's {@code functionsLibCtx}: libraries by name
 * (case-sensitive), functions by name across all of them (case-insensitive, as Redis's {@code functionDictType}),
 * bounded in count and code bytes. Thread-safe: every method is one step under the object's lock; a library, once
 * made, never changes.
 */
final class FunctionLibraries {
  /** How many functions all libraries may register together. */
  static final int MAX_FUNCTIONS = 10_000;
  /** How many bytes of library code (shebang line included) all libraries may hold together. */
  static final long MAX_CODE_BYTES = 64L << 20;

  /** Redis's engine name, as {@code FUNCTION LIST} and {@code FUNCTION STATS} show it. */
  static final String ENGINE = "LUA";

  /**
   * One function of a library: its name as registered, description ({@code null}: none), flags ({@link Script}'s
   * bits, never {@link Script#COMPAT}) and callback.
   */
  record Function(String name, @Nullable String description, int flags, LuaValue callback, String library) {}

  /** A library: its name, its code as loaded (the shebang line too), and its functions in registration order. */
  record Library(String name, byte[] code, List<Function> functions) {}

  private final Map<String, Library> libraries = new LinkedHashMap<>();
  private final Map<String, Function> functions = new LinkedHashMap<>();
  private long codeBytes;

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
    long bytes = codeBytes;
    int count = functions.size();
    for (Library old : replaced.values()) {
      bytes -= old.code().length;
      count -= old.functions().size();
    }
    for (Library library : added) {
      bytes += library.code().length;
      count += library.functions().size();
    }
    if (count > MAX_FUNCTIONS || bytes > MAX_CODE_BYTES) {
      return "function libraries full (at most " + MAX_FUNCTIONS + " functions and " + (MAX_CODE_BYTES >> 20)
          + " MiB of code): FUNCTION DELETE or FUNCTION FLUSH frees them";
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
  }

  private void unlink(Library library) {
    libraries.remove(library.name());
    library.functions().forEach(function -> functions.remove(key(function.name())));
    codeBytes -= library.code().length;
  }

  /** Redis's case-insensitive key of a function name (ASCII letters only: names are letters, digits, {@code _}). */
  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
