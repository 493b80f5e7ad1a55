package io.blinkstore.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's own figures for {@code STATS}, RESP {@code INFO} and the metrics endpoint: uptime, connections
 * open and accepted, commands executed. Thread-safe; updated from every event loop without locks.
 */
final class ServerCounters {
  private final long startNanos = System.nanoTime();
  private final AtomicInteger connections = new AtomicInteger();
  private final LongAdder totalConnections = new LongAdder();
  private final LongAdder commands = new LongAdder();

  /** Counts a connection just accepted and returns the number now open, this one included. */
  int connectionOpened() {
    totalConnections.increment();
    return connections.incrementAndGet();
  }

  void connectionClosed() {
    connections.decrementAndGet();
  }

  void commandExecuted() {
    commands.increment();
  }

  long uptimeSeconds() {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
  }

  /** Connections open now, including any being refused over the limit. */
  int connections() {
    return connections.get();
  }

  long totalConnections() {
    return totalConnections.sum();
  }

  long commands() {
    return commands.sum();
  }
}
