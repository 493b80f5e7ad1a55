package io.blinkstore.client;

import io.blinkstore.BlinkStats;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link BlinkAsyncCommands} of a {@link BlinkClient}: builds each command's {@link Request} with
 * {@link TextProtocol} and hands it to the next connection of the pool, round-robin. Owns the pool and the
 * timer that fails commands whose reply is late.
 */
final class PipelinedCommands implements BlinkAsyncCommands {
  private final TextProtocol protocol;
  private final ConnectionSlot[] pool;
  private final ScheduledThreadPoolExecutor timer;
  private final AtomicInteger next = new AtomicInteger();
  private volatile boolean closed;

  /** Connects every connection of the pool. @throws BlinkConnectionException if the server cannot be reached */
  PipelinedCommands(SocketAddress address, BlinkClientOptions options) {
    this.protocol = new TextProtocol(options.maxRequestBytes());
    this.timer = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "blink-client-timer " + address);
      thread.setDaemon(true);
      return thread;
    });
    timer.setRemoveOnCancelPolicy(true);
    this.pool = new ConnectionSlot[options.poolSize()];
    try {
      for (int i = 0; i < pool.length; i++) {
        pool[i] = new ConnectionSlot(address, options, timer);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public CompletableFuture<byte[]> get(String key) {
    return send(protocol.get(key));
  }

  @Override
  public CompletableFuture<String> getString(String key) {
    return get(key).thenApply(value -> value == null ? null : new String(value, StandardCharsets.UTF_8));
  }

  @Override
  public CompletableFuture<Void> set(String key, byte[] value) {
    return send(protocol.set(key, value));
  }

  @Override
  public CompletableFuture<Void> set(String key, String value) {
    return set(key, value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public CompletableFuture<Boolean> delete(String key) {
    return send(protocol.delete(key));
  }

  @Override
  public CompletableFuture<Long> usage() {
    return send(protocol.usage());
  }

  @Override
  public CompletableFuture<Long> size() {
    return send(protocol.stats()).thenApply(ServerStats::keys);
  }

  @Override
  public CompletableFuture<Long> memoryLimit() {
    return send(protocol.stats()).thenApply(ServerStats::limit);
  }

  @Override
  public CompletableFuture<BlinkStats> stats() {
    return send(protocol.stats()).thenApply(ServerStats::blinkStats);
  }

  @Override
  public CompletableFuture<Void> clear() {
    return send(protocol.flush());
  }

  @Override
  public CompletableFuture<Void> ping() {
    return send(protocol.ping());
  }

  @Override
  public CompletableFuture<Void> set(String key, byte[] value, Duration ttl) {
    return send(protocol.set(key, value, ttl));
  }

  @Override
  public CompletableFuture<Void> set(String key, String value, Duration ttl) {
    return set(key, value.getBytes(StandardCharsets.UTF_8), ttl);
  }

  @Override
  public CompletableFuture<Boolean> expire(String key, Duration ttl) {
    return send(protocol.expire(key, ttl));
  }

  @Override
  public CompletableFuture<Boolean> persist(String key) {
    return send(protocol.persist(key));
  }

  @Override
  public CompletableFuture<Duration> ttl(String key) {
    return send(protocol.ttl(key));
  }

  @Override
  public CompletableFuture<Long> incrementBy(String key, long delta) {
    return send(protocol.incrementBy(key, delta));
  }

  /** The text protocol the requests are made with. */
  TextProtocol protocol() {
    return protocol;
  }

  /** Sends {@code request} on the next connection of the pool; returns its future. */
  <T> CompletableFuture<T> send(Request<T> request) {
    ensureOpen();
    ConnectionSlot slot = pool[Math.floorMod(next.getAndIncrement(), pool.length)];
    Connection connection;
    try {
      connection = slot.connection(request.command());
    } catch (BlinkConnectionException e) {
      return CompletableFuture.failedFuture(e);
    }
    return connection.submit(request);
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
    for (ConnectionSlot slot : pool) {
      if (slot != null) {
        slot.close();
      }
    }
    timer.shutdownNow();
  }
}
