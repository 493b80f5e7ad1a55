package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.ALLOW_BUSY;
import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.MOVABLEKEYS;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.NO_MANDATORY_KEYS;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.SKIP_MONITOR;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.internal.Isolation;
import io.blinkstore.server.command.CommandSpec.Keys;
import io.blinkstore.server.command.RespTransactionCommands.Runner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code EVAL}, {@code EVALSHA}, {@code EVAL_RO}, {@code EVALSHA_RO} and {@code SCRIPT LOAD|EXISTS|FLUSH|KILL|DEBUG|
 * HELP} with Redis 7.0's semantics and error texts ({@code eval.c}, {@code script.c}): a script runs atomically
 * ({@link ScriptRunner}), sandboxed ({@link LuaSandbox}), its commands through the one command layer
 * ({@link LuaRedisApi}), its cache bounded ({@link ScriptCache}). A store that is not the in-process one has no
 * gate to make a script atomic: these commands are refused there, as transactions are.
 */
final class ScriptCommands {
  static final Result.Error NOSCRIPT_ERROR = new Result.Error("NOSCRIPT No matching script. Please use EVAL.");
  private static final Result.Error NO_GATE = Result.error("scripts need the server's in-process store");
  private static final Result.Error NOT_INTEGER = Result.error("value is not an integer or out of range");
  private static final Result.Error TOO_MANY_KEYS =
      Result.error("Number of keys can't be greater than number of args");
  private static final Result.Error NEGATIVE_KEYS = Result.error("Number of keys can't be negative");
  private static final Result.Error WRITE_FLAG_RO =
      Result.error("Can not execute a script with write flag using *_ro command.");
  private static final Result.Error OOM_FLAG = new Result.Error("OOM allow-oom flag is not set on the script, "
      + "can not run it when used memory > 'maxmemory'");
  private static final Result.Error FLUSH_MODE = Result.error("SCRIPT FLUSH only support SYNC|ASYNC option");
  private static final Result.Error DEBUG_MODE = Result.error("Use SCRIPT DEBUG YES/SYNC/NO");
  private static final Result.Error NO_DEBUGGER =
      Result.error("SCRIPT DEBUG is not supported: this server has no Lua debugger (SCRIPT DEBUG NO is accepted)");
  /** The commands that take the gate themselves (a script) or need none (the cache): never run under it shared. */
  private static final Set<String> UNGATED = Set.of("eval", "evalsha", "eval_ro", "evalsha_ro");
  private static final List<String> HELP = List.of(
      "DEBUG (YES|SYNC|NO)",
      "    Set the debug mode for subsequent scripts executed.",
      "EXISTS <sha1> [<sha1> ...]",
      "    Return information about the existence of the scripts in the script cache.",
      "FLUSH [ASYNC|SYNC]",
      "    Flush the Lua scripts cache. Very dangerous on replicas.",
      "    When called without the optional mode argument, the behavior is determined by the",
      "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
      "    * ASYNC: Asynchronously flush the scripts cache.",
      "    * SYNC: Synchronously flush the scripts cache.",
      "KILL",
      "    Kill the currently executing Lua script.",
      "LOAD <script>",
      "    Load a script into the scripts cache without executing it.");

  private final ScriptCache cache = new ScriptCache();
  private final ScriptDenial denial = new ScriptDenial();
  private final @Nullable ScriptEngine engine;
  private final @Nullable ScriptRunner runner;
  private final HeapGuard heapGuard;
  private final OutOfMemory outOfMemory;
  private final Monitors monitors;
  private final FunctionCommands functions;
  private final ReplicaRole role;

  /**
   * The script commands of a dispatcher whose commands are in {@code table}, run by {@code commands} (as
   * {@code EXEC} runs its queue); scripts are made atomic by {@code isolation} ({@code null}: refused), held to
   * {@code heapGuard} (and refused their first write in {@code outOfMemory}), shown to {@code monitors}, their replies to {@code maxReplyBytes}; {@code afterRun} runs
   * after each script on the script thread; a script takes {@code turn} before the gate; {@code redis.call}'s
   * refusals are counted in {@code errors}; its calls are held to the caller's ACL user by {@code acl}, and scripts
   * that write to the server's {@code role} (a read-only replica, a primary without its good replicas).
   */
  ScriptCommands(CommandTable table, Runner commands, @Nullable Isolation isolation, HeapGuard heapGuard,
      OutOfMemory outOfMemory, Monitors monitors, Runnable afterRun, ExclusiveTurn turn, long maxReplyBytes, ErrorStats errors,
      AclCheck acl, ReplicaRole role) {
    this.role = role;
    this.heapGuard = heapGuard;
    this.outOfMemory = outOfMemory;
    this.monitors = monitors;
    this.engine = isolation == null ? null : new ScriptEngine(table, commands, outOfMemory, denial, maxReplyBytes,
        errors, acl, role);
    this.runner = engine == null || isolation == null ? null : new ScriptRunner(engine, isolation, afterRun, turn);
    this.functions = new FunctionCommands(engine, runner, heapGuard, outOfMemory, monitors, role);
  }

  void register(CommandTable commands) {
    commands.add("eval", -3, Keys.NONE, (client, args) -> eval(client, args, false, false), NOSCRIPT, STALE,
        SKIP_MONITOR, NO_MANDATORY_KEYS, MOVABLEKEYS);
    commands.add("evalsha", -3, Keys.NONE, (client, args) -> eval(client, args, true, false), NOSCRIPT, STALE,
        SKIP_MONITOR, NO_MANDATORY_KEYS, MOVABLEKEYS);
    commands.add("eval_ro", -3, Keys.NONE, (client, args) -> eval(client, args, false, true), READONLY, NOSCRIPT,
        STALE, SKIP_MONITOR, NO_MANDATORY_KEYS, MOVABLEKEYS);
    commands.add("evalsha_ro", -3, Keys.NONE, (client, args) -> eval(client, args, true, true), READONLY,
        NOSCRIPT, STALE, SKIP_MONITOR, NO_MANDATORY_KEYS, MOVABLEKEYS);
    commands.addContainer("script", -2);
    commands.add("script|help", 2, Keys.NONE, (client, args) -> RespObjectCommands.help(args, HELP), LOADING,
        STALE);
    commands.add("script|flush", -2, Keys.NONE, this::flush, NOSCRIPT);
    commands.add("script|debug", 3, Keys.NONE, this::debug, NOSCRIPT);
    commands.add("script|exists", -3, Keys.NONE, this::exists, NOSCRIPT);
    commands.add("script|kill", 2, Keys.NONE, this::kill, NOSCRIPT, ALLOW_BUSY);
    commands.add("script|load", 3, Keys.NONE, this::load, NOSCRIPT, STALE);
    functions.register(commands);
    role.scriptFlags(this::scriptFlags);
  }

  /**
   * Whether {@code spec} runs without the gate held shared: a script or function takes it exclusive, the cache and
   * the functions' reads need none.
   */
  static boolean ungated(CommandSpec spec) {
    return UNGATED.contains(spec.name()) || spec.name().startsWith("script|") || FunctionCommands.ungated(spec);
  }

  /**
   * {@code BUSY} for {@code spec} if a script has run past {@code busy-reply-threshold} (waiting for it until
   * then), or {@code null}.
   */
  @Nullable Result busy(CommandSpec spec) {
    return runner == null ? null : runner.busy(spec);
  }

  /** Whether a script runs now and has run past {@code busy-reply-threshold}. */
  boolean busyNow() {
    return runner != null && runner.busyNow();
  }

  /** The {@code -BUSY} error a command gets now, or null: no script has run past {@code busy-reply-threshold}. */
  Result.@Nullable Error busyError() {
    ScriptRunner on = runner;
    ScriptRun run = on == null ? null : on.current();
    if (on == null || run == null || !on.busyNow()) {
      return null;
    }
    return run.isFunction() ? ScriptRunner.BUSY_FUNCTION : ScriptRunner.BUSY;
  }

  /** The script thread, or {@code null} without a gate ({@code CONFIG}'s {@code busy-reply-threshold}). */
  @Nullable ScriptRunner runner() {
    return runner;
  }

  /** The server is stopping: a running script is stopped ({@link ScriptRunner#close}). */
  void close() {
    if (runner != null) {
      runner.close();
    }
  }

  /** Which {@code noscript} commands scripts may call ({@code DEBUG SET-DISABLE-DENY-SCRIPTS}). */
  ScriptDenial denial() {
    return denial;
  }

  /** The function libraries ({@code INFO}). */
  FunctionLibraries functions() {
    return functions.libraries();
  }

  /** The cache ({@code INFO}). */
  ScriptCache cache() {
    return cache;
  }

  private Result eval(ClientState client, byte[][] args, boolean bySha, boolean readOnly) {
    monitors.show(client, args); // before its commands, as Redis feeds EVAL itself
    ScriptRunner scripts = runner;
    if (scripts == null) {
      return NO_GATE;
    }
    if (bySha && args[1].length != 40) {
      return NOSCRIPT_ERROR;
    }
    Long numkeys = Arguments.integer(args[2]);
    if (numkeys == null) {
      return NOT_INTEGER;
    }
    if (numkeys > args.length - 3) {
      return TOO_MANY_KEYS;
    }
    if (numkeys < 0) {
      return NEGATIVE_KEYS;
    }
    Object found = bySha ? cache.find(Arguments.text(args[1])) : scriptOf(args[1], false);
    if (!(found instanceof Script script)) {
      return found instanceof Result refusal ? refusal : NOSCRIPT_ERROR;
    }
    Result refusal = refusal(script, readOnly, outOfMemory, role, client);
    if (refusal != null) {
      return refusal;
    }
    int keyCount = numkeys.intValue();
    ScriptRun run = new ScriptRun(script, Arrays.copyOfRange(args, 3, 3 + keyCount),
        Arrays.copyOfRange(args, 3 + keyCount, args.length), client,
        readOnly || !script.has(Script.COMPAT) && script.has(Script.NO_WRITES), heapGuard);
    if (client.transaction() != null) {
      return scripts.runHere(run, true); // inside EXEC, which holds the gate
    }
    if (!client.mayBlock()) {
      return scripts.runHere(run, false);
    }
    client.pending(run);
    scripts.submit(run);
    return Result.OK; // not sent: the reply comes through the run
  }

  /**
   * Whether {@code EVAL}/{@code EVALSHA}/{@code FCALL} (and their {@code _RO}) of these arguments is a
   * {@code DENYOOM} command by its script's flags, as Redis's {@code evalGetCommandFlags} and
   * {@code fcallGetCommandFlags} make it: a script with a shebang, or a function, that has neither {@code no-writes}
   * nor {@code allow-oom}.
   */
  boolean denyoom(CommandSpec spec, byte[][] args) {
    int flags = scriptFlags(spec, args);
    return flags >= 0 && (flags & (Script.NO_WRITES | Script.ALLOW_OOM)) == 0;
  }

  /**
   * The flags of the script that {@code args} would run ({@link Script}'s bits), which replace the command's own
   * {@code write}, {@code denyoom} and {@code stale} as Redis's {@code getCommandFlags} replaces them: the function's
   * ({@code FCALL}), the cached script's by its SHA, or the body's shebang; -1 for any other command, a script
   * without a shebang, or one not found (refused when it runs, with Redis's error).
   */
  int scriptFlags(CommandSpec spec, byte[][] args) {
    String name = spec.name();
    if (args.length < 2 || !name.startsWith("eval") && !name.startsWith("fcall")) {
      return -1;
    }
    if (name.startsWith("fcall")) {
      return functions.flags(args[1]);
    }
    boolean bySha = name.startsWith("evalsha");
    if (bySha && args[1].length != 40) {
      return -1;
    }
    int flags;
    Script script = cache.find(bySha ? Arguments.text(args[1]) : Script.sha1hex(args[1]));
    if (script != null) {
      flags = script.flags();
    } else if (bySha) {
      return -1;
    } else {
      try {
        flags = Script.shebang(args[1]).flags();
      } catch (IllegalArgumentException invalid) {
        return -1; // refused when it runs, with Redis's error
      }
    }
    return (flags & Script.COMPAT) != 0 ? -1 : flags;
  }

  /**
   * Redis's checks before a script or a function runs ({@code scriptPrepareForRun}), in its order, or {@code null}:
   * a stale replica's {@code MASTERDOWN}; for a script with a shebang or a function that may write, a read-only
   * replica's {@code READONLY} (unless {@code caller} is its primary), {@code *_RO}, a primary without its good
   * replicas; the memory limit ({@code outOfMemory}) for one without {@code allow-oom}. The command's own checks
   * ({@link ReplicaRole#refusal}) have refused most of these already, by the same flags; these are for a script
   * or function that was not known then (queued in a transaction before it was loaded).
   */
  static @Nullable Result refusal(Script script, boolean readOnly, OutOfMemory outOfMemory, ReplicaRole role,
      ClientState caller) {
    if (script.has(Script.COMPAT)) {
      return role.stale() ? ReplicaRole.MASTERDOWN : null;
    }
    if (role.stale() && !script.has(Script.ALLOW_STALE)) {
      return ReplicaRole.MASTERDOWN_SCRIPT;
    }
    if (!script.has(Script.NO_WRITES)) {
      if (role.readOnlyFor(caller)) {
        return ReplicaRole.READONLY_SCRIPT;
      }
      if (readOnly) {
        return WRITE_FLAG_RO;
      }
      if (role.tooFewReplicas()) {
        return ReplicaRole.NOREPLICAS;
      }
    }
    if (!script.has(Script.ALLOW_OOM) && !script.has(Script.NO_WRITES) && outOfMemory.now()) {
      return OOM_FLAG;
    }
    return null;
  }

  /**
   * The script of {@code body}, from the cache or compiled and kept ({@code loaded}: by {@code SCRIPT LOAD});
   * else the error to answer: a body past {@link ScriptEngine#MAX_SCRIPT_BYTES}, {@link Dispatcher#OOM} if the heap
   * has no room to compile one of {@link ScriptEngine#HEAP_CHECK_BYTES} or more ({@link HeapGuard#roomFor} of
   * {@link FunctionLoader#COMPILE_BYTES_PER_BYTE} times its size), a compile error or timeout, {@link ScriptCache#FULL} for a load past the cache's bounds.
   */
  private Object scriptOf(byte[] body, boolean loaded) {
    if (body.length > ScriptEngine.MAX_SCRIPT_BYTES) {
      return Result.error("script too large (" + body.length + " bytes; at most " + ScriptEngine.MAX_SCRIPT_BYTES
          + " per script)");
    }
    String sha = Script.sha1hex(body);
    Script script = cache.find(sha);
    if (script == null) {
      if (body.length >= ScriptEngine.HEAP_CHECK_BYTES
          && !heapGuard.roomFor((long) FunctionLoader.COMPILE_BYTES_PER_BYTE * body.length)) {
        return Dispatcher.OOM; // as a library the heap has no room to compile
      }
      try {
        script = Objects.requireNonNull(engine, "with a runner").compile(body, sha, ScriptEngine.compileDeadline());
      } catch (IllegalArgumentException e) {
        return Result.error(String.valueOf(e.getMessage()));
      }
    }
    boolean kept = cache.add(script, loaded);
    return kept || !loaded ? script : ScriptCache.FULL;
  }

  private Result load(ClientState client, byte[][] args) {
    if (engine == null) {
      return NO_GATE;
    }
    Object found = scriptOf(args[2], true);
    return found instanceof Script script ? Result.bulk(script.sha()) : (Result) found;
  }

  private Result exists(ClientState client, byte[][] args) {
    List<Result> found = new ArrayList<>(args.length - 2);
    for (int i = 2; i < args.length; i++) {
      found.add(new Result.Int(cache.find(Arguments.text(args[i])) != null ? 1 : 0));
    }
    return new Result.Array(found);
  }

  private Result flush(ClientState client, byte[][] args) {
    if (args.length > 3 || args.length == 3 && !Set.of("sync", "async").contains(Arguments.lowerCase(args[2]))) {
      return FLUSH_MODE;
    }
    cache.clear();
    return Result.OK;
  }

  private Result kill(ClientState client, byte[][] args) {
    return runner == null ? ScriptRunner.NOTBUSY : runner.kill(false);
  }

  /** {@code SCRIPT DEBUG}: {@code NO} is what this server does anyway; {@code YES} and {@code SYNC} are refused. */
  private Result debug(ClientState client, byte[][] args) {
    String mode = Arguments.text(args[2]).toLowerCase(Locale.ROOT);
    if (mode.equals("no")) {
      return Result.OK;
    }
    return mode.equals("yes") || mode.equals("sync") ? NO_DEBUGGER : DEBUG_MODE;
  }
}
