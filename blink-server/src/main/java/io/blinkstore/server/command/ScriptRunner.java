package io.blinkstore.server.command;

import io.blinkstore.internal.Isolation;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where scripts run, one at a time, with the store's gate held exclusive ({@link Isolation#atomically}: no other
 * command of any client, of either protocol, and no in-process caller runs meanwhile, and the store's clock stands
 * still, as Redis 7.0 freezes it for a script). A script a connection sends runs on the script thread, so that no
 * event loop is held for its length: the connection waits for its reply as for a blocking pop's
 * ({@link LaterReply}). A script an {@code EXEC} runs, which already holds the gate, runs on the {@code EXEC}'s
 * thread.
 *
 * <p>While a script runs, a command of another client ({@link #busy}) waits for it only until the script has run
 * {@code busy-reply-threshold} ({@code lua-time-limit}, 5 s by default); then, and until the script ends, such
 * commands are answered {@link #BUSY}, but for those flagged {@link CommandFlag#ALLOW_BUSY} ({@code SCRIPT KILL}).
 */
final class ScriptRunner {
  /** The default of {@code busy-reply-threshold}, as in Redis. */
  static final long DEFAULT_BUSY_MILLIS = 5000;
  /** The stack of the script thread: deep enough for scripts that recurse as Redis's Lua allows. */
  static final long STACK_BYTES = 16L << 20;

  static final Result.Error BUSY = new Result.Error(
      "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.");
  /** Redis's {@code BUSY} while a function runs ({@code shared.slowscripterr}). */
  static final Result.Error BUSY_FUNCTION = new Result.Error(
      "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.");
  static final Result.Error NOTBUSY = new Result.Error("NOTBUSY No scripts in execution right now.");
  static final Result.Error UNKILLABLE = new Result.Error("UNKILLABLE Sorry the script already executed write "
      + "commands against the dataset. You can either wait the script termination or kill the server in a hard way "
      + "using the SHUTDOWN NOSAVE command.");

  private static final Logger log = LoggerFactory.getLogger(ScriptRunner.class);

  private final ScriptEngine engine;
  private final Isolation isolation;
  private final Runnable afterRun;
  private final ExclusiveTurn turn;
  /** One thread, started when a script comes and ended after a minute without one. */
  private final ExecutorService thread = new ThreadPoolExecutor(0, 1, 60, TimeUnit.SECONDS,
      new LinkedBlockingQueue<>(), task -> {
        Thread scripts = new Thread(null, task, "blink-script", STACK_BYTES);
        scripts.setDaemon(true);
        return scripts;
      });
  private volatile @Nullable ScriptRun current;
  private volatile long busyMillis = DEFAULT_BUSY_MILLIS;

  /**
   * Runs scripts with {@code engine} under {@code isolation}'s gate; {@code afterRun} runs after each run on the
   * script thread, the gate released (it serves the clients blocked on the keys the script pushed to). A script
   * takes {@code turn} before the gate.
   */
  ScriptRunner(ScriptEngine engine, Isolation isolation, Runnable afterRun, ExclusiveTurn turn) {
    this.engine = engine;
    this.turn = turn;
    this.isolation = isolation;
    this.afterRun = afterRun;
  }

  /** Runs {@code run} on the script thread; its reply reaches the caller through it ({@link LaterReply}). */
  void submit(ScriptRun run) {
    if (thread.isShutdown()) {
      run.finish(Result.error("script stopped: the server is shutting down"));
      return;
    }
    thread.execute(() -> {
      Result result;
      try {
        result = turn.await(() -> isolation.atomically(view -> execute(run)));
      } catch (RuntimeException | StackOverflowError e) {
        log.warn("internal error running a script", e);
        result = Result.error("internal error");
      }
      run.finish(result);
      afterRun.run();
    });
  }

  /**
   * Runs {@code run} on this thread, which holds the gate exclusive if {@code gateHeld} ({@code EXEC}); otherwise
   * {@link #BUSY} if another script holds the turn past {@code busy-reply-threshold}.
   */
  Result runHere(ScriptRun run, boolean gateHeld) {
    Result ran = gateHeld ? execute(run)
        : turn.tryRun(this::busyNow, () -> isolation.atomically(view -> execute(run)));
    Result result = ran == null ? BUSY : ran;
    run.finish(result);
    return result;
  }

  private Result execute(ScriptRun run) {
    run.started();
    current = run;
    try {
      return engine.execute(run);
    } finally {
      current = null;
    }
  }

  /**
   * Whether {@code spec} must be answered {@link #BUSY}: a script has run past {@code busy-reply-threshold}; until
   * then the caller waits for it to end. {@code null}: it may run (no script runs, or it ended meanwhile).
   */
  @Nullable Result busy(CommandSpec spec) {
    ScriptRun run = current;
    if (run == null || spec.has(CommandFlag.ALLOW_BUSY)) {
      return null;
    }
    long limit = busyMillis;
    if (limit <= 0) {
      run.awaitEnd(Long.MAX_VALUE);
      return null;
    }
    long left = TimeUnit.MILLISECONDS.toNanos(limit) - run.runningNanos();
    if (left > 0 && run.awaitEnd(left)) {
      return null;
    }
    return current == run ? busyError(run) : null;
  }

  private static Result.Error busyError(ScriptRun run) {
    return run.isFunction() ? BUSY_FUNCTION : BUSY;
  }

  /** The run in progress ({@code FUNCTION STATS}), or {@code null}. */
  @Nullable ScriptRun current() {
    return current;
  }

  /** Whether a script runs now and has run past {@code busy-reply-threshold}. */
  boolean busyNow() {
    ScriptRun run = current;
    return run != null && busyMillis > 0 && run.runningNanos() >= TimeUnit.MILLISECONDS.toNanos(busyMillis);
  }

  /**
   * {@code SCRIPT KILL} ({@code function} false) or {@code FUNCTION KILL}: stops the running script or function
   * unless it has written, in Redis's order of refusals ({@code scriptKill}); each kills only its own kind.
   */
  Result kill(boolean function) {
    ScriptRun run = current;
    if (run == null) {
      return NOTBUSY;
    }
    if (run.hasWritten()) {
      return UNKILLABLE;
    }
    if (run.isFunction() != function) {
      return busyError(run);
    }
    return run.kill() ? Result.OK : UNKILLABLE;
  }

  /**
   * The server is stopping: the running script stops at its next check, even one that wrote (Redis's
   * {@code SHUTDOWN NOSAVE} ends it so), and the script thread ends once the scripts queued have had their turn.
   */
  void close() {
    thread.shutdown();
    ScriptRun run = current;
    if (run != null) {
      run.abort();
    }
  }

  /** {@code busy-reply-threshold} ({@code lua-time-limit}), in milliseconds, as {@code CONFIG SET} changes it. */
  LiveSetting threshold() {
    return new LiveSetting() {
      @Override
      public @Nullable String refusal(long value) {
        return null; // any value in Redis's range: 0 makes others wait for the script's end, as in Redis
      }

      @Override
      public void apply(long value) {
        busyMillis = value;
      }
    };
  }
}
