package io.blinkstore.server.command;

import io.blinkstore.server.command.RespTransactionCommands.Runner;
import java.util.concurrent.TimeUnit;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * The Lua state scripts run in ({@link LuaSandbox}), one script at a time: it compiles a body into a
 * {@link Script} and runs a {@link ScriptRun} to its reply, with Redis 7.0's error texts
 * ({@code luaCallFunction}): a raised error is the reply, followed by {@code script: <sha>, on @user_script:<line>.}
 * (a function's: {@code script: <name>, on @user_function:<line>.}). Functions ({@code FCALL}) run in this state
 * too: they read its globals, and are given the keys and arguments where a script finds {@code KEYS} and
 * {@code ARGV}.
 * The caller holds the store's gate exclusive for {@link #execute}; {@link #compile} may run meanwhile, on another
 * thread: compiling reads nothing a run changes.
 */
final class ScriptEngine {
  /**
   * How many bytes one script's body may have (its shebang line included), 256 KiB, as a function library's code
   * ({@link FunctionLibraries#MAX_LIBRARY_BYTES}): it is compiled on the caller's event loop, at 0.2 to 3 s per MiB
   * (docs/resp.md, Functions), and its size bounds what the compiler holds meanwhile. Redis has no bound but the
   * bulk string's 512 MB.
   */
  static final int MAX_SCRIPT_BYTES = 256 << 10;

  /**
   * From how many bytes a script's body is compiled only if the heap has room for it ({@link HeapGuard#roomFor}),
   * 64 KiB: a smaller one costs the compiler at most 1 MiB, within the heap guard's margin, and is compiled even
   * while the heap is nearly full, so that read-only scripts still run then (as Redis compiles outside maxmemory).
   */
  static final int HEAP_CHECK_BYTES = 64 << 10;

  /** How long compiling one script may take, as a library's load ({@link FunctionLoader#LOAD_TIMEOUT_MILLIS}). */
  static final long COMPILE_TIMEOUT_MILLIS = FunctionLoader.LOAD_TIMEOUT_MILLIS;

  static final String COMPILE_TIMEOUT = "Error compiling script (new function): compiling took more than "
      + COMPILE_TIMEOUT_MILLIS + " ms";

  private final LuaRedisApi api;
  private final LuaInterrupts interrupts = new LuaInterrupts();
  private final LuaGlobals globals;
  private final long maxReplyBytes;
  private final ErrorStats errors;

  /**
   * An engine whose {@code redis.call} finds commands in {@code table}, refuses those {@code denial} denies and
   * runs the others with {@code runner}, and whose scripts' replies hold at most {@code maxReplyBytes}
   * ({@code --max-output-bytes}); {@code redis.call}'s refusals ({@code acl}'s, the server's {@code role}'s too) are
   * counted in {@code errors}.
   */
  ScriptEngine(CommandTable table, Runner runner, OutOfMemory outOfMemory, ScriptDenial denial, long maxReplyBytes,
      ErrorStats errors, AclCheck acl, ReplicaRole role) {
    this.maxReplyBytes = maxReplyBytes;
    this.errors = errors;
    this.api = new LuaRedisApi(table, runner, outOfMemory, denial, errors, acl, role);
    this.globals = LuaSandbox.newGlobals(api.newTable(), interrupts);
  }

  /**
   * The script of {@code body}, compiled, the compiler stopped at {@code deadline} ({@code System.nanoTime()}:
   * {@link #compileDeadline}).
   *
   * @throws IllegalArgumentException with the reply's text if its shebang or its Lua is refused, or the compiler
   *     was still reading it at {@code deadline}
   */
  Script compile(byte[] body, String sha, long deadline) {
    return compile(globals, body, sha, deadline);
  }

  /** As {@link #compile(byte[], String, long)}, in the state of {@code globals}. */
  static Script compile(LuaGlobals globals, byte[] body, String sha, long deadline) {
    Script.Shebang shebang = Script.shebang(body);
    try {
      return new Script(sha, body, shebang.flags(), LuaSandbox.compile(globals,
          new TimedSource(body, shebang.length(), deadline), LuaSandbox.CHUNK_NAME, globals));
    } catch (TimedSource.Timeout e) {
      throw new IllegalArgumentException(COMPILE_TIMEOUT, e);
    } catch (LuaError e) {
      String message = e.getMessage();
      throw new IllegalArgumentException("Error compiling script (new function): "
          + LuaSandbox.text(message == null ? "" : message), e);
    }
  }

  /** When a compile that begins now must have ended ({@code System.nanoTime()}). */
  static long compileDeadline() {
    return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(COMPILE_TIMEOUT_MILLIS);
  }

  /** The state's globals: what a function reads when it runs ({@link FunctionLoader}). */
  LuaGlobals globals() {
    return globals;
  }

  /** The state's instruction hook, which a function's instructions pass when it runs. */
  LuaInterrupts interrupts() {
    return interrupts;
  }

  /** Runs {@code run} to its reply; the caller holds the gate exclusive, and no other run is in progress. */
  Result execute(ScriptRun run) {
    globals.unlock();
    try { // a function gets them as arguments: the globals KEYS and ARGV do not exist for it, as in Redis
      globals.rawset("KEYS", run.isFunction() ? LuaValue.NIL : array(run.keys()));
      globals.rawset("ARGV", run.isFunction() ? LuaValue.NIL : array(run.argv()));
    } finally {
      globals.lock();
    }
    api.run(run);
    interrupts.watch(run);
    ScriptRun.runningHere(run);
    try {
      LuaValue value = run.isFunction() ? run.script().function().call(array(run.keys()), array(run.argv()))
          : run.script().function().call();
      Result reply = LuaReplies.toResult(value, run.client().protocol(), new LuaReplies.Budget(maxReplyBytes));
      long bytes = run.client().replySize().bytes(reply);
      if (bytes > maxReplyBytes) {
        return RespKeyCommands.replyTooLarge(bytes, maxReplyBytes);
      }
      errors.countNested(reply); // an error table inside the reply is an error reply too; the reply itself is
      return reply; // counted where it is answered
    } catch (LuaError e) {
      return failure(run.script(), e, interrupts.line(),
          run.isFunction() ? LuaSandbox.FUNCTION_CHUNK_NAME : LuaSandbox.CHUNK_NAME);
    } catch (LuaReplies.TooLarge e) {
      return Result.error(String.valueOf(e.getMessage()));
    } catch (StackOverflowError e) {
      return Result.error("Error running script " + run.script().sha() + ", stack overflow");
    } catch (RuntimeException e) {
      return Result.error("Error running script " + run.script().sha() + ", " + e);
    } finally {
      api.run(null);
      interrupts.watch(null);
      ScriptRun.runningHere(null);
    }
  }

  /**
   * The reply of a run that raised {@code error}: its text, and where it was raised (luaj's position, else the
   * line of the last instruction run, {@code lastLine}: a call in tail position raised it).
   */
  private static Result failure(Script script, LuaError error, int lastLine, String chunk) {
    LuaValue object = LuaSandbox.messageObject(error);
    int line = LuaSandbox.line(error);
    String message;
    if (object.istable()) {
      LuaValue err = object.rawget("err");
      message = err.type() == LuaValue.TSTRING ? LuaReplies.string(err) : "ERR " + object.tojstring();
    } else if (line < 0 && lastLine >= 0) {
      message = "ERR " + chunk.substring(1) + ':' + lastLine + ": " + LuaReplies.string(object);
    } else {
      message = "ERR " + LuaReplies.string(object);
    }
    line = line < 0 ? lastLine : line;
    Result.Error reply = LuaReplies.error(line < 0 ? message
        : message + " script: " + script.sha() + ", on " + chunk + ':' + line + '.');
    return object.istable() && LuaReplies.isCounted(object) ? reply.asCounted() : reply;
  }

  private static LuaTable array(byte[][] values) {
    LuaTable table = new LuaTable(values.length, 0);
    for (int i = 0; i < values.length; i++) {
      table.rawset(i + 1, LuaValue.valueOf(values[i]));
    }
    return table;
  }
}
