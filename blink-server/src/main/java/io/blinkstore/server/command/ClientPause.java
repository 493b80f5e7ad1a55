package io.blinkstore.server.command;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code CLIENT PAUSE timeout [WRITE|ALL]} and {@code CLIENT UNPAUSE}, server-wide, for every connection of either
 * protocol. A paused request costs no thread: its connection's handler keeps it (and stops reading, as under
 * backpressure) and schedules its own retry on its event loop at the pause's end ({@link #waitNanos}); an
 * {@code UNPAUSE} runs the wake-ups the held connections registered ({@link #wakeOnUnpause}), at most one per
 * connection. So a pause never outlives its timeout and never blocks an event loop. Thread-safe.
 */
final class ClientPause {
  static final Result.Error MODE = Result.error("CLIENT PAUSE mode must be WRITE or ALL");
  static final Result.Error NOT_AN_INTEGER = Result.error("timeout is not an integer or out of range");
  static final Result.Error NEGATIVE = Result.error("timeout is negative");

  /** Whether a pause was set and not lifted; it may have ended by its time (one volatile read for every request). */
  private volatile boolean set;
  private volatile boolean all;
  /** The {@link System#nanoTime} at which it ends. */
  private volatile long endNanos;
  private final Set<Runnable> wakes = ConcurrentHashMap.newKeySet();

  /**
   * How long a request must wait before it runs, in nanoseconds: the pause's time left, for every request in
   * {@code ALL} mode and for writes in {@code WRITE} mode; 0: it runs now.
   */
  long waitNanos(boolean write) {
    if (!set || !write && !all) {
      return 0;
    }
    return Math.max(0, endNanos - System.nanoTime());
  }

  /**
   * {@code CLIENT PAUSE timeout [WRITE|ALL]}: as Redis, a pause while one is on keeps the longer end and the
   * stricter mode; {@code timeout} is in milliseconds.
   */
  synchronized Result pause(ClientState client, byte[][] args) {
    boolean allMode = true;
    if (args.length == 4) {
      switch (Arguments.lowerCase(args[3])) {
        case "write" -> allMode = false;
        case "all" -> allMode = true;
        default -> {
          return MODE;
        }
      }
    }
    Long millis = Arguments.integer(args[2]);
    if (millis == null) {
      return NOT_AN_INTEGER;
    }
    if (millis < 0) {
      return NEGATIVE;
    }
    long now = System.nanoTime();
    long end = now + TimeUnit.MILLISECONDS.toNanos(Math.min(millis, TimeUnit.NANOSECONDS.toMillis(Long.MAX_VALUE / 4)));
    boolean on = set && endNanos - now > 0;
    all = on ? all || allMode : allMode;
    endNanos = on && endNanos - end > 0 ? endNanos : end;
    set = true;
    return Result.OK;
  }

  /** {@code CLIENT UNPAUSE}: the pause ends now, and every held request is retried. */
  synchronized Result unpause(ClientState client, byte[][] args) {
    set = false;
    for (Runnable wake : wakes) {
      wakes.remove(wake);
      wake.run();
    }
    return Result.OK;
  }

  /** Runs {@code wake} (once, from any thread) if the pause is lifted before its end; until {@link #forget}. */
  void wakeOnUnpause(Runnable wake) {
    wakes.add(wake);
  }

  /** Drops a wake-up registered with {@link #wakeOnUnpause} (its connection woke or closed). */
  void forget(Runnable wake) {
    wakes.remove(wake);
  }
}
