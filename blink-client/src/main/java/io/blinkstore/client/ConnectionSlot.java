package io.blinkstore.client;

import java.net.SocketAddress;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One place in the client's pool: the current {@link Connection} to the server, replaced when it fails. A
 * command that finds it failed reconnects on the caller's thread (bounded by the connect timeout); after a
 * failed attempt, commands fail at once until the backoff delay has passed, which doubles with each failure up to
 * {@link BlinkClientOptions#reconnectMaxDelay()}. Thread-safe.
 */
final class ConnectionSlot<R> {
  private final Wire<R> wire;
  private final SocketAddress address;
  private final BlinkClientOptions options;
  private final ScheduledExecutorService timer;
  private Connection<R> current;
  /** Written under the lock; volatile for {@link #backingOff}, which the pool asks without it. */
  private volatile int failedAttempts;
  private volatile long nextAttemptNanos;
  private @Nullable BlinkConnectionException lastFailure;
  private boolean closed;

  /** Connects at once. @throws BlinkConnectionException if the server cannot be reached */
  ConnectionSlot(Wire<R> wire, SocketAddress address, BlinkClientOptions options, ScheduledExecutorService timer) {
    this.wire = wire;
    this.address = address;
    this.options = options;
    this.timer = timer;
    this.current = Connection.open(wire, address, options, timer);
  }

  /**
   * Returns a working connection, reconnecting if needed and allowed.
   *
   * @throws BlinkConnectionException naming {@code command} if there is none
   * @throws IllegalStateException if the slot was closed
   */
  synchronized Connection<R> connection(String command) {
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
    if (current.isOpen()) {
      return current;
    }
    if (!options.reconnect()) {
      throw new BlinkConnectionException(command, current + " was lost and reconnect is off", null);
    }
    long now = System.nanoTime();
    if (failedAttempts > 0 && now - nextAttemptNanos < 0) {
      throw new BlinkConnectionException(command, "not connected to " + address + "; next reconnect attempt in "
          + TimeUnit.NANOSECONDS.toMillis(nextAttemptNanos - now) + " ms", lastFailure);
    }
    try {
      current = Connection.open(wire, address, options, timer);
      failedAttempts = 0;
      return current;
    } catch (BlinkConnectionException e) {
      failedAttempts++;
      nextAttemptNanos = System.nanoTime() + backoffNanos(options, failedAttempts);
      lastFailure = e;
      throw new BlinkConnectionException(command, "reconnect failed (attempt " + failedAttempts + ")", e);
    }
  }

  /**
   * Tells whether a command here would fail at once: the last reconnect attempt failed and its backoff delay has
   * not passed. Does not wait for a reconnect under way.
   */
  boolean backingOff() {
    return failedAttempts > 0 && System.nanoTime() - nextAttemptNanos < 0;
  }

  /** The wait after {@code failures} failed attempts: the minimum delay doubled per failure, up to the maximum. */
  static long backoffNanos(BlinkClientOptions options, int failures) {
    long min = options.reconnectMinDelay().toNanos();
    long max = options.reconnectMaxDelay().toNanos();
    int doublings = Math.min(failures - 1, 62);
    return min > (max >> doublings) ? max : Math.min(max, min << doublings);
  }

  /** Closes the connection; later calls to {@link #connection} throw {@link IllegalStateException}. */
  synchronized void close() {
    closed = true;
    current.close();
  }
}
