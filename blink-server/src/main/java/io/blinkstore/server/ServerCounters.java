package io.blinkstore.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's own figures for {@code STATS}, RESP {@code INFO} and the metrics endpoint: uptime, connections
 * open and accepted, commands executed, and what client connections hold together and how many of them were
 * closed for it ({@link ClientMemory}). Thread-safe; updated from every event loop without locks.
 */
final class ServerCounters {
  private final long startNanos = System.nanoTime();
  private final AtomicInteger connections = new AtomicInteger();
  private final LongAdder totalConnections = new LongAdder();
  private final LongAdder commands = new LongAdder();
  private final AtomicLong clientBytes = new AtomicLong();
  private final LongAdder evictedClients = new LongAdder();

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

  /** What client connections hold together: {@link ClientMemory} keeps it here. */
  AtomicLong clientBytes() {
    return clientBytes;
  }

  void clientEvicted() {
    evictedClients.increment();
  }

  /** Connections closed because all together held more than {@code --max-client-memory}. */
  long evictedClients() {
    return evictedClients.sum();
  }
}
