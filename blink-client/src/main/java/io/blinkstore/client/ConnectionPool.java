package io.blinkstore.client;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections of a client, used in turn by successive commands ({@link BlinkClientOptions#poolSize()}) but
 * for those waiting to reconnect while another works, and the timer that notices commands whose reply is late.
 *
 * @param <R> the protocol's reply type
 */
final class ConnectionPool<R> {
  private final ConnectionSlot<R>[] slots;
  private final ScheduledThreadPoolExecutor timer;
  private final AtomicInteger next = new AtomicInteger();
  private volatile boolean closed;

  /** Connects every connection of the pool. @throws BlinkConnectionException if the server cannot be reached */
  @SuppressWarnings("unchecked") // a generic array, never exposed
  ConnectionPool(Wire<R> wire, SocketAddress address, BlinkClientOptions options) {
    this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "blink-client-timer " + address);
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true);
    this.slots = new ConnectionSlot[options.poolSize()];
    try {
      for (int i = 0; i < slots.length; i++) {
        slots[i] = new ConnectionSlot<>(wire, address, options, timer);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Sends {@code request} on the next connection of the pool; returns its future. */
  <T> CompletableFuture<T> send(Exchange<R, T> request) {
    ensureOpen();
    ConnectionSlot<R> slot = nextSlot();
    Connection<R> connection;
    try {
      connection = slot.connection(request.command());
    } catch (BlinkConnectionException e) {
      return CompletableFuture.failedFuture(e);
    }
    return connection.submit(request);
  }

  /**
   * The slot whose turn it is, passing over slots backing off after a failed reconnect, where the command would
   * fail at once, while another can take it. If every slot is backing off, the one whose turn it is: its failure
   * says when it tries again.
   */
  private ConnectionSlot<R> nextSlot() {
    int turn = next.getAndIncrement();
    for (int i = 0; i < slots.length; i++) {
      ConnectionSlot<R> slot = slots[Math.floorMod(turn + i, slots.length)];
      if (!slot.backingOff()) {
        return slot;
      }
    }
    return slots[Math.floorMod(turn, slots.length)];
  }

  /** @throws IllegalStateException if the client is closed */
  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the client is closed");
    }
  }

  /** Closes every connection (commands not yet answered fail) and the timer. Idempotent. */
  void close() {
    closed = true;
    for (ConnectionSlot<R> slot : slots) {
      if (slot != null) {
        slot.close();
      }
    }
    timer.shutdownNow();
  }
}
