package io.blinkstore.server.command;

import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;

/**
 * The server's own figures for {@code STATS}, RESP {@code INFO} and the metrics endpoint: uptime, connections
 * open and accepted, commands executed, and what client connections hold together and how many of them were
 * closed for it (the transport's {@code ClientMemory}). Thread-safe; updated from every event loop
 * without locks.
 */
public final class ServerCounters {
  private final long startNanos = System.nanoTime();
  private final AtomicInteger connections = new AtomicInteger();
  private final LongAdder totalConnections = new LongAdder();
  private final LongAdder commands = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final AtomicLong clientBytes = new AtomicLong();
  private final LongAdder evictedClients = new LongAdder();
  private final LongAdder outputLimitDisconnections = new LongAdder();
  private volatile int tcpPort;
  private volatile IntSupplier blockedClients = () -> 0;
  private volatile ToIntFunction<Subscriptions.Kind> pubSub = kind -> 0;
  private volatile TrackingFigures tracking = TrackingFigures.NONE;
  private final ErrorStats errors = new ErrorStats();

  /** The errors answered, for {@code INFO}'s {@code total_error_replies} and {@code errorstats}. */
  ErrorStats errors() {
    return errors;
  }

  /** Counts a connection just accepted and returns the number now open, this one included. */
  public int connectionOpened() {
    totalConnections.increment();
    return connections.incrementAndGet();
  }

  public void connectionClosed() {
    connections.decrementAndGet();
  }

  public void commandExecuted() {
    commands.increment();
  }

  /** Counts {@code spec}'s run if it is a write that did not answer an error (for the snapshot schedule). */
  void ran(CommandSpec spec, Result result) {
    if (spec.has(CommandFlag.WRITE) && !(result instanceof Result.Error)) {
      writes.increment();
    }
  }

  /** The writes counted so far ({@link #ran}). */
  long writes() {
    return writes.sum();
  }

  public long uptimeSeconds() {
    return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
  }

  /** Records the TCP port the server listens on, once bound, for {@code INFO}'s {@code tcp_port}. */
  public void tcpPort(int port) {
    tcpPort = port;
  }

  /** Counts the clients a blocking pop holds with {@code count}, for {@code INFO}'s {@code blocked_clients}. */
  void blockedClients(IntSupplier count) {
    blockedClients = count;
  }

  /** Counts the channels, patterns and shard channels subscribed to with {@code count}, for {@code INFO}. */
  void pubSub(ToIntFunction<Subscriptions.Kind> count) {
    pubSub = count;
  }

  /** How many channels (patterns, shard channels) of {@code kind} have a subscriber now. */
  int pubSub(Subscriptions.Kind kind) {
    return pubSub.applyAsInt(kind);
  }

  /** Client-side caching's figures, for {@code INFO}: {@code tracking_clients}, {@code tracking_total_*}. */
  interface TrackingFigures {
    TrackingFigures NONE = new TrackingFigures() { };

    /** The connections that track. */
    default int clients() {
      return 0;
    }

    /** The keys in the tracking table. */
    default long keys() {
      return 0;
    }

    /** The connection ids in the tracking table, over every key. */
    default long items() {
      return 0;
    }

    /** The BCAST prefixes registered. */
    default long prefixes() {
      return 0;
    }
  }

  /** Reports client-side caching's figures through {@code figures}. */
  void tracking(TrackingFigures figures) {
    tracking = figures;
  }

  TrackingFigures tracking() {
    return tracking;
  }

  /** The clients a blocking pop ({@code BLPOP}) holds now. */
  public int blockedClients() {
    return blockedClients.getAsInt();
  }

  /** The TCP port the server listens on; 0 before it is bound, or without TCP (as Redis reports it). */
  public int tcpPort() {
    return tcpPort;
  }

  /** Connections open now, including any being refused over the limit. */
  public int connections() {
    return connections.get();
  }

  public long totalConnections() {
    return totalConnections.sum();
  }

  public long commands() {
    return commands.sum();
  }

  /** What client connections hold together: the transport's {@code ClientMemory} keeps it here. */
  public AtomicLong clientBytes() {
    return clientBytes;
  }

  public void clientEvicted() {
    evictedClients.increment();
  }

  /** Connections closed because all together held more than {@code --max-client-memory}. */
  public long evictedClients() {
    return evictedClients.sum();
  }

  /** Counts a connection closed because its replies not yet sent passed {@code --max-output-bytes}. */
  public void outputLimitReached() {
    outputLimitDisconnections.increment();
  }

  /** Connections closed because their replies not yet sent passed {@code --max-output-bytes}. */
  public long outputLimitDisconnections() {
    return outputLimitDisconnections.sum();
  }

  /**
   * The figures of {@code store} and of these counters now: the one source of {@code STATS}, the metrics endpoint
   * and RESP {@code INFO}, so that they always agree.
   */
  public ServerStats stats(BlinkStore store) {
    BlinkStats stats = store.stats();
    long lookups = stats.hits() + stats.misses();
    ServerFigures server = new ServerFigures(uptimeSeconds(), connections(), totalConnections(),
        commands(), lookups == 0 ? 0 : (double) stats.hits() / lookups, evictedClients(), clientBytes().get(),
        outputLimitDisconnections());
    return new ServerStats(store.size(), store.usage(), store.memoryLimit(), stats.hits(), stats.misses(),
        stats.evictions(), stats.expirations(), stats.expiring(), server);
  }
}
