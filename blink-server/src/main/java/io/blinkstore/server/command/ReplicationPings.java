package io.blinkstore.server.command;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The primary's {@code PING}s in the replication stream ({@link Replication}): checked every second on a daemon
 * thread of their own, started with the first replica, one sent once {@code repl-ping-replica-period} seconds
 * (read at each check, so {@code CONFIG SET} is live) have passed since the last.
 */
final class ReplicationPings {
  private final LongSupplier periodSeconds;
  private final Runnable ping;
  private @Nullable ScheduledExecutorService pinger;
  /** On the pings' thread: when the last {@code PING} was sent. */
  private long lastPing = System.nanoTime();

  ReplicationPings(LongSupplier periodSeconds, Runnable ping) {
    this.periodSeconds = periodSeconds;
    this.ping = ping;
  }

  /** Starts the checks, if not started yet. */
  synchronized void start() {
    if (pinger != null) {
      return;
    }
    ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread pings = new Thread(runnable, "blink-replication-pings");
      pings.setDaemon(true);
      return pings;
    });
    pinger = thread;
    thread.scheduleWithFixedDelay(this::pingIfDue, 1, 1, TimeUnit.SECONDS);
  }

  private void pingIfDue() {
    if (System.nanoTime() - lastPing >= TimeUnit.SECONDS.toNanos(periodSeconds.getAsLong())) {
      lastPing = System.nanoTime();
      ping.run();
    }
  }

  /** Stops the checks (the server closes). */
  synchronized void close() {
    if (pinger != null) {
      pinger.shutdownNow();
    }
  }
}
