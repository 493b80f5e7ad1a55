package io.blinkstore.server.command;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;

/**
 * The scripts the server knows, by SHA1 (looked up case-insensitively, as Redis's dictionary does), bounded in
 * count and bytes: Redis 7.0 keeps every script for ever; here, as Redis 7.4 does, scripts that only {@code EVAL}
 * brought are kept in least-recently-used order and the oldest is dropped beyond {@link #MAX_EVAL_SCRIPTS}
 * (its {@code EVALSHA} then answers {@code NOSCRIPT}, which clients handle by sending {@code EVAL}), while
 * {@code SCRIPT LOAD}ed ones stay until {@code SCRIPT FLUSH}, and a {@code SCRIPT LOAD} past
 * {@link #MAX_SCRIPTS} or {@link #MAX_BYTES} once no EVAL script is left to drop is refused with {@link #FULL} (an
 * {@code EVAL} then runs its script without keeping it). Thread-safe: event loops look scripts up and load
 * them, the script thread runs them.
 */
final class ScriptCache {
  /** How many scripts that only {@code EVAL} brought are kept (Redis 7.4's number). */
  static final int MAX_EVAL_SCRIPTS = 500;
  /** How many scripts are kept in all. */
  static final int MAX_SCRIPTS = 10_000;
  /** How many bytes of script bodies are kept in all. */
  static final long MAX_BYTES = 64L << 20;
  /** What a kept script costs beyond its body: its entry, SHA and compiled function's header. */
  static final int OVERHEAD_BYTES = 512;
  /**
   * How many bytes scripts may hold in all with their compiled functions ({@link #held}): 64 MiB, or an eighth of
   * the heap where that is less. A compiled function takes more than its source (luaj keeps 8 bytes per
   * instruction, with its line): 31 distinct {@code SCRIPT LOAD}s of 1 MB of {@code a=a+1} ended a server with a
   * 92 MiB heap in an OutOfMemoryError while their sources were within {@link #MAX_BYTES}.
   */
  static final long MAX_HELD_BYTES = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);

  static final Result.Error FULL = Result.error("script cache full (at most " + MAX_SCRIPTS + " scripts and "
      + (MAX_HELD_BYTES >> 20) + " MiB): SCRIPT FLUSH frees it");

  private final Map<String, Script> scripts = new HashMap<>();
  /** The scripts only EVAL brought, least recently used first. */
  private final LinkedHashMap<String, Script> evalOnly = new LinkedHashMap<>(16, 0.75f, true);
  private long bytes;
  /** What the scripts hold with their compiled functions, as {@link #held} counts it. */
  private long heldBytes;

  /** The script of {@code sha} (any case), or {@code null}; an EVAL script becomes the most recently used. */
  synchronized @Nullable Script find(String sha) {
    String key = sha.toLowerCase(Locale.ROOT);
    Script script = scripts.get(key);
    if (script != null) {
      evalOnly.get(key);
    }
    return script;
  }

  /**
   * Keeps {@code script}, which {@code SCRIPT LOAD} brought ({@code loaded}) or {@code EVAL}; a known script
   * becomes a loaded one if {@code loaded}.
   *
   * @return whether it is kept: a load past the bounds is not (an EVAL past them drops EVAL scripts first)
   */
  synchronized boolean add(Script script, boolean loaded) {
    String key = script.sha();
    if (scripts.containsKey(key)) {
      if (loaded) {
        evalOnly.remove(key);
      } else {
        evalOnly.get(key);
      }
      return true;
    }
    long cost = cost(script);
    long held = held(script);
    while (!evalOnly.isEmpty() && (scripts.size() >= MAX_SCRIPTS || bytes + cost > MAX_BYTES
        || heldBytes + held > MAX_HELD_BYTES || !loaded && evalOnly.size() >= MAX_EVAL_SCRIPTS)) {
      dropOldestEval();
    }
    if (scripts.size() >= MAX_SCRIPTS || bytes + cost > MAX_BYTES || heldBytes + held > MAX_HELD_BYTES) {
      return false;
    }
    scripts.put(key, script);
    bytes += cost;
    heldBytes += held;
    if (!loaded) {
      evalOnly.put(key, script);
    }
    return true;
  }

  private void dropOldestEval() {
    Iterator<Map.Entry<String, Script>> oldest = evalOnly.entrySet().iterator();
    Script dropped = oldest.next().getValue();
    oldest.remove();
    scripts.remove(dropped.sha());
    bytes -= cost(dropped);
    heldBytes -= held(dropped);
  }

  private static long cost(Script script) {
    return script.body().length + (long) OVERHEAD_BYTES;
  }

  /** {@link #cost}, and its compiled function's, estimated from its prototypes. */
  private static long held(Script script) {
    LuaValue function = script.function();
    return cost(script) + (function instanceof LuaClosure closure ? compiled(closure.p) : 0);
  }

  /** A compiled function's size: 8 bytes per instruction (with its line), 64 per constant, local, upvalue. */
  private static long compiled(Prototype function) {
    long size = 8L * function.code.length + 64L * (function.k.length + function.locvars.length
        + function.upvalues.length);
    for (Prototype nested : function.p) {
      size += compiled(nested);
    }
    return size;
  }

  /** Forgets every script ({@code SCRIPT FLUSH}). */
  synchronized void clear() {
    scripts.clear();
    evalOnly.clear();
    bytes = 0;
    heldBytes = 0;
  }

  /** How many scripts it holds ({@code INFO}'s {@code number_of_cached_scripts}). */
  synchronized int size() {
    return scripts.size();
  }

  /** What its scripts take, as it counts them ({@code INFO}'s {@code used_memory_scripts_eval}). */
  synchronized long bytes() {
    return bytes;
  }
}
