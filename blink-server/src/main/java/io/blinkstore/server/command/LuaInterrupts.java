package io.blinkstore.server.command;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaFunction;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.DebugLib;

/**
 * The scripts' instruction hook: luaj calls a state's {@code DebugLib} before every instruction of an interpreted
 * closure ({@code LuaClosure}, the only kind the engine makes: scripts are never compiled to JVM bytecode), and this
 * one asks the running script, every {@link #CHECK_EVERY} instructions, whether it must stop
 * ({@link ScriptRun#checkInterrupt}: {@code SCRIPT KILL}, the heap nearly full). It replaces Redis's count hook
 * ({@code luaMaskCountHook}, every 100,000 instructions) with a cheaper check run more often: a decrement per
 * instruction, a volatile read every 1,024. It also keeps where the last instruction ran ({@link #line}): luaj
 * runs a call in tail position ({@code return redis.call(...)}) after its caller's frame has gone, so an error
 * raised there carries no position, where Redis's carries the caller's line. Nothing else of {@code DebugLib}
 * runs (the {@code debug} table is not given to scripts, as Redis 7.0 removes it), and an error carries no
 * traceback.
 */
final class LuaInterrupts extends DebugLib {
  /** How many instructions run between two checks. */
  static final int CHECK_EVERY = 1024;

  private int countdown = CHECK_EVERY;
  /** The functions running, innermost last ({@code null} for a Java function luaj reports). */
  private @Nullable Prototype[] running = new Prototype[64];
  private int depth;
  private @Nullable Prototype lastFunction;
  private int lastPc;
  /** The run being checked; set and read on the thread that runs scripts, one at a time. */
  private @Nullable ScriptRun run;

  /** Checks {@code run} from now on ({@code null}: none). */
  void watch(@Nullable ScriptRun run) {
    this.run = run;
    countdown = CHECK_EVERY;
    depth = 0;
    lastFunction = null;
  }

  /** The line of the script's last instruction run, or -1. */
  int line() {
    Prototype function = lastFunction;
    if (function == null || function.lineinfo == null || lastPc < 0 || lastPc >= function.lineinfo.length) {
      return -1;
    }
    return function.lineinfo[lastPc];
  }

  @Override
  public void onInstruction(int pc, Varargs v, int top) {
    lastPc = pc;
    lastFunction = depth > 0 ? running[depth - 1] : null;
    if (--countdown > 0) {
      return;
    }
    countdown = CHECK_EVERY;
    ScriptRun current = run;
    if (current != null) {
      try {
        current.checkInterrupt();
      } catch (RuntimeException e) {
        countdown = 1; // stopped for good: every later instruction throws again, so pcall cannot resume it
        throw e;
      }
    }
  }

  @Override
  public void onCall(LuaFunction f) {
    push(null);
  }

  @Override
  public void onCall(LuaClosure c, Varargs varargs, LuaValue[] stack) {
    push(c.p);
  }

  private void push(@Nullable Prototype function) {
    if (depth == running.length) {
      running = Arrays.copyOf(running, depth * 2);
    }
    running[depth++] = function;
  }

  @Override
  public void onReturn() {
    if (depth > 0) {
      running[--depth] = null;
    }
  }

  @Override
  public String traceback(int level) {
    return "";
  }
}
