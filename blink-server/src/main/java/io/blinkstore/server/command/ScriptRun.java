package io.blinkstore.server.command;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.luaj.vm2.LuaError;

/**
 * One run of a script ({@code EVAL}, {@code EVALSHA}): what it runs with, the state {@code SCRIPT KILL} and the
 * busy check read from other threads (when it started, whether it has written, whether it was killed), and its
 * reply, which reaches the caller's connection later ({@link LaterReply}) when it runs on the script thread.
 */
final class ScriptRun implements LaterReply {
  /** The connection a script's commands are seen through: {@code MONITOR} shows them as Redis does, {@code lua}. */
  static final ClientConnection LUA = ClientConnection.detached("lua");

  /** Redis's error for a script stopped by {@code SCRIPT KILL}, raised at its next instruction checked. */
  static final String KILLED = "Script killed by user with SCRIPT KILL...";

  /** Redis's error for a library whose code runs past {@code FUNCTION LOAD}'s time limit. */
  static final String LOAD_TIMEOUT = "FUNCTION LOAD timeout";

  /**
   * How many bytes a run may ask for in large pieces ({@link #allocating}) before the heap is looked at at once: a
   * sixty-fourth of the heap, at least 1 MiB. The instruction hook looks every 1,024 instructions, and the heap
   * guard learns the heap's state only after a collection, both too late for a loop that builds megabytes in a few
   * instructions ({@code t[i] = s .. i} of a long {@code s}).
   */
  static final long CHECK_BYTES = Math.max(1 << 20, Runtime.getRuntime().maxMemory() / 64);

  /** The run on this thread, for the libraries' allocations ({@link #allocatingHere}). */
  private static final ThreadLocal<@Nullable ScriptRun> RUNNING = new ThreadLocal<>();

  private final Script script;
  private final byte[][] keys;
  private final byte[][] argv;
  private final ClientState client;
  private final boolean readOnly;
  private final HeapGuard heapGuard;
  /** The function's call ({@code FCALL}), or {@code null} for a script ({@code EVAL}) or a library's load. */
  private final byte @Nullable [][] functionCall;
  /** When a library's load must have ended ({@code System.nanoTime()}), or 0: not a load. */
  private final long loadDeadline;
  /** How many bytes a library's load may make ({@link #made}), or -1: not a load. */
  private final long loadRoom;
  private final CountDownLatch ended = new CountDownLatch(1);
  private volatile long startNanos;
  private volatile boolean wrote;
  private volatile boolean killed;
  private volatile boolean aborted;
  /** The heap had no room for what it asked: every later check stops it again, so pcall cannot go on. */
  private volatile boolean outOfHeap;
  /** What it asked for since the heap was last looked at; read and written on the thread that runs it. */
  private long allocated;
  /** What a library's load has made so far ({@link #made}); read and written on the thread that runs it. */
  private long made;
  /** A library's load made more than its room: every later check stops it again. */
  private volatile boolean overRoom;
  /** The bytes of the arrays it asked for that waste part of the collector's regions, and that waste. */
  private long wastefulMade;
  private long wasteMade;
  /** The heap in use when it first asked for a large piece, or -1 before that. */
  private long usedAtFirst = -1;
  private final ReplySlot reply = new ReplySlot();

  /**
   * A run of {@code script} for {@code caller}, with {@code keys} and {@code argv}; read-only if {@code readOnly}
   * ({@code EVAL_RO}, or a {@code no-writes} script). Its heap checks ask {@code heapGuard}.
   */
  ScriptRun(Script script, byte[][] keys, byte[][] argv, ClientState caller, boolean readOnly, HeapGuard heapGuard) {
    this(script, keys, argv, caller, readOnly, heapGuard, null, 0, -1);
  }

  private ScriptRun(Script script, byte[][] keys, byte[][] argv, ClientState caller, boolean readOnly,
      HeapGuard heapGuard, byte @Nullable [][] functionCall, long loadDeadline, long loadRoom) {
    this.script = script;
    this.keys = keys;
    this.argv = argv;
    this.client = caller.forScript(LUA);
    this.readOnly = readOnly;
    this.heapGuard = heapGuard;
    this.functionCall = functionCall;
    this.loadDeadline = loadDeadline;
    this.loadRoom = loadRoom;
  }

  /**
   * A call of {@code function} ({@code FCALL}, its arguments {@code call}): {@code function}'s {@link Script#sha}
   * is the function's name, its {@link Script#function} the callback, given {@code keys} and {@code argv}.
   */
  static ScriptRun functionCall(Script function, byte[][] call, byte[][] keys, byte[][] argv, ClientState caller,
      boolean readOnly, HeapGuard heapGuard) {
    return new ScriptRun(function, keys, argv, caller, readOnly, heapGuard, call, 0, -1);
  }

  /**
   * The run of a library's code while it loads ({@code FUNCTION LOAD}), stopped at {@code deadline} (a
   * {@code System.nanoTime()}, not 0), and with {@link FunctionLibraries#FULL} once it has made more than
   * {@code room} bytes ({@link #made}).
   */
  static ScriptRun load(ClientState caller, HeapGuard heapGuard, long deadline, long room) {
    return new ScriptRun(new Script("", new byte[0], 0, org.luaj.vm2.LuaValue.NIL), new byte[0][], new byte[0][],
        caller, true, heapGuard, null, deadline == 0 ? 1 : deadline, Math.max(0, room));
  }

  /**
   * What a library's load has made, in bytes, as {@link #allocating} was told: every string its code built, table
   * slot it set and closure it made ({@link LuaInterrupts#countingMade}), garbage too. An upper bound of what the
   * library's functions can keep of it.
   */
  long made() {
    return made;
  }

  /** Whether it calls a function ({@code FCALL}) rather than running a script ({@code EVAL}). */
  boolean isFunction() {
    return functionCall != null;
  }

  /** The {@code FCALL} it runs for, as the caller sent it ({@code FUNCTION STATS}); empty for a script. */
  byte[][] functionCall() {
    return functionCall == null ? new byte[0][] : functionCall;
  }

  Script script() {
    return script;
  }

  byte[][] keys() {
    return keys;
  }

  byte[][] argv() {
    return argv;
  }

  /** The client its commands run as. */
  ClientState client() {
    return client;
  }

  boolean readOnly() {
    return readOnly;
  }

  /** Whether write commands it calls may run past the heap guard ({@code allow-oom}). */
  boolean allowOom() {
    return script.has(Script.ALLOW_OOM) && !script.has(Script.COMPAT);
  }

  /** It begins now (the gate is held). */
  void started() {
    startNanos = System.nanoTime();
  }

  /** How long it has run, in nanoseconds. */
  long runningNanos() {
    return System.nanoTime() - startNanos;
  }

  /** It called a write command: from now on {@code SCRIPT KILL} cannot stop it. */
  void wrote() {
    wrote = true;
  }

  boolean hasWritten() {
    return wrote;
  }

  /**
   * {@code SCRIPT KILL}: stops it at its next instruction checked, unless it has written.
   *
   * @return whether it will stop
   */
  boolean kill() {
    if (wrote) {
      return false;
    }
    killed = true;
    return true;
  }

  /** The server is stopping: it stops at its next instruction checked, written or not. */
  void abort() {
    aborted = true;
  }

  /**
   * Called every few thousand instructions ({@link LuaInterrupts}): throws if it must stop, killed or with the heap
   * nearly full (a script that allocates without end must not take the server's heap with it).
   */
  void checkInterrupt() {
    if (killed) {
      throw new LuaError(LuaRedisApi.errorTable(KILLED));
    }
    if (aborted) {
      throw new LuaError(LuaRedisApi.errorTable("script stopped: the server is shutting down"));
    }
    if (overRoom) {
      throw new LuaError(LuaRedisApi.errorTable(FunctionLibraries.FULL));
    }
    if (loadDeadline != 0 && System.nanoTime() - loadDeadline > 0) {
      throw new LuaError(LuaRedisApi.errorTable(LOAD_TIMEOUT));
    }
    if (outOfHeap || !heapGuard.writesAllowed()) {
      throw new LuaError(LuaRedisApi.errorTable("-OOM script stopped: the server's heap is nearly full"));
    }
  }

  /** Runs on this thread from now on ({@code null}: none does), for {@link #allocatingHere}. */
  static void runningHere(@Nullable ScriptRun run) {
    if (run == null) {
      RUNNING.remove();
    } else {
      RUNNING.set(run);
    }
  }

  /** The keys the script running on this thread was given ({@code KEYS}), or none if no script runs here. */
  static byte[][] keysHere() {
    ScriptRun run = RUNNING.get();
    return run == null ? new byte[0][] : run.keys;
  }

  /** The longest string the run on this thread may build in one piece ({@link HeapGuard#holdScriptStringsTo}). */
  static int scriptStringBytesHere() {
    ScriptRun run = RUNNING.get();
    return run == null ? Integer.MAX_VALUE : run.heapGuard.scriptStringBytes();
  }

  /** The run on this thread, if any, is about to allocate {@code bytes} ({@link #allocating}). */
  static void allocatingHere(long bytes) {
    ScriptRun run = RUNNING.get();
    if (run != null) {
      run.allocating(bytes);
    }
  }

  /**
   * It is about to allocate {@code bytes} (a string it builds, a copy for or from {@code redis.call}): once
   * {@link #CHECK_BYTES} have been asked for since the last look, the heap is looked at at once
   * ({@link HeapGuard#roomFor}), and it stops, as {@link #checkInterrupt} stops it, if there is no room. A library's
   * load adds it up ({@link #made}) and stops once that passes its room.
   */
  void allocating(long bytes) {
    if (loadRoom >= 0) {
      made += bytes;
      if (made > loadRoom) {
        overRoom = true;
        checkInterrupt();
      }
    }
    long waste = heapGuard.regionWaste(bytes);
    if (waste > 0 && usedAtFirst < 0) {
      Runtime runtime = Runtime.getRuntime();
      usedAtFirst = runtime.totalMemory() - runtime.freeMemory();
    }
    if (waste > 0) {
      wastefulMade += bytes;
      wasteMade += waste;
    }
    allocated += bytes;
    if (allocated < CHECK_BYTES) {
      return;
    }
    allocated = 0;
    if (!heapGuard.roomFor(bytes + waste, this::unseenWaste)) {
      outOfHeap = true;
    }
    checkInterrupt();
  }

  /**
   * What the arrays it made may waste of the collector's regions while {@code used} bytes are in use, which G1's
   * figures leave out: a script upper-casing a 512 KiB string 200 times ended a 92 MiB heap in an OutOfMemoryError
   * when the heap looked a quarter emptier than it was (REV7). Those arrays' waste, but for no more of them than
   * the heap has grown by since the first of them: strings that became garbage are not counted past it, nor is a
   * full store (REV8: on a store at its capacity, 40 upper-cased copies of a 512 KiB string, all garbage, were
   * refused when their waste ratio was applied to the whole heap in use).
   */
  long unseenWaste(long used) {
    long grown = used - usedAtFirst;
    if (wasteMade == 0 || grown <= 0) {
      return 0;
    }
    return wastefulMade <= grown ? wasteMade : (long) ((double) wasteMade / wastefulMade * grown);
  }

  /** Waits at most {@code nanos} for it to end; whether it has. */
  boolean awaitEnd(long nanos) {
    try {
      return ended.await(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ended.getCount() == 0;
    }
  }

  /** It has ended with {@code result}: the caller gets it. */
  void finish(Result result) {
    ended.countDown();
    reply.give(result);
  }

  @Override
  public long timeoutNanos() {
    return 0;
  }

  @Override
  public void whenDone(Consumer<Result> taker) {
    reply.whenDone(taker);
  }

  @Override
  public void timeOut() {
    // a script has no timeout of its caller's: lua-time-limit makes other clients busy, not this one
  }

  /** The caller's connection has closed: the script runs on (as in Redis), its reply goes nowhere. */
  @Override
  public void cancel() {
    reply.cancel();
  }
}
