package io.blinkstore.server.command;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@code PING} a primary puts in its replication stream every {@code repl-ping-replica-period} seconds
 * ({@code CONFIG SET} live), while a replica is attached: checked every second on a thread of its own, started with
 * the first replica ({@link Replication}).
 */
final class ReplicaPings {
  private final ServerConfig config;
  private final BooleanSupplier attached;
  private final Runnable ping;
  private @Nullable ScheduledExecutorService pinger;
  /** On the pings' thread: when the last {@code PING} was sent. */
  private long lastPing = System.nanoTime();

  /** Runs {@code ping} (which takes the turn) when one is due and {@code attached} says a replica is. */
  ReplicaPings(ServerConfig config, BooleanSupplier attached, Runnable ping) {
    this.config = config;
    this.attached = attached;
    this.ping = ping;
    config.live("repl-ping-replica-period", new LiveSetting() {
      @Override
      public @Nullable String refusal(long value) {
        return null;
      }

      @Override
      public void apply(long value) {
        // read at each ping's check (pingIfDue)
      }
    });
  }

  /** Starts the checks, once. */
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

  /** Every second: a {@code PING} in the stream once {@code repl-ping-replica-period} seconds have passed. */
  private void pingIfDue() {
    long period = Long.parseLong(config.value("repl-ping-replica-period"));
    if (!attached.getAsBoolean() || System.nanoTime() - lastPing < TimeUnit.SECONDS.toNanos(period)) {
      return;
    }
    lastPing = System.nanoTime();
    ping.run();
  }

  /** Stops the checks (the server closes). */
  synchronized void close() {
    if (pinger != null) {
      pinger.shutdownNow();
    }
  }
}
