package io.blinkstore.client;

import io.blinkstore.BlinkList;
import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Transport} of a {@link BlinkClient} speaking the Blink Store text protocol: builds each command's
 * {@link Request} with {@link TextProtocol} and sends it on the pool. {@code getOrLoad} uses the server's fill
 * leases ({@link LeasedLoad}).
 */
final class TextCommands implements Transport, LeasedLoad.Words {
  private final TextProtocol protocol;
  private final ConnectionPool<byte[]> pool;
  private final LeasedLoad leasedLoad;

  /** Connects every connection of the pool. @throws BlinkConnectionException if the server cannot be reached */
  TextCommands(SocketAddress address, BlinkClientOptions options) {
    this.protocol = new TextProtocol(options.maxRequestBytes());
    this.pool = new ConnectionPool<>(new TextProtocol(BlinkClientOptions.MIN_MAX_REQUEST_BYTES), address, options);
    this.leasedLoad = new LeasedLoad(this, this, options);
  }

  @Override
  public CompletableFuture<byte[]> get(String key) {
    return send(protocol.get(key));
  }

  @Override
  public CompletableFuture<Void> set(String key, byte[] value) {
    return send(protocol.set(key, value));
  }

  @Override
  public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value) {
    return send(protocol.setIfAbsent(key, value, 0));
  }

  @Override
  public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value, Duration ttl) {
    return send(protocol.setIfAbsent(key, value, TextProtocol.ttlMillis(ttl)));
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

  @Override
  public byte @Nullable [] load(String key, long ttlMillis, BlinkStore.Loader loader) {
    return leasedLoad.load(key, ttlMillis, loader);
  }

  @Override
  public CompletableFuture<LeasedLoad.Answer> getOrLease(String key, Duration leaseTime) {
    return send(protocol.getOrLease(key, leaseTime));
  }

  @Override
  public CompletableFuture<Boolean> fill(String key, long token, long ttlMillis, byte[] value) {
    return send(protocol.fill(key, token, ttlMillis, value));
  }

  @Override
  public CompletableFuture<Boolean> release(String key, long token) {
    return send(protocol.release(key, token));
  }

  /** Sends {@code request} on the next connection of the pool; returns its future. */
  <T> CompletableFuture<T> send(Request<T> request) {
    return pool.send(request);
  }

  @Override
  public BlinkList list(String key) {
    throw new UnsupportedOperationException("lists are not in Blink Store's text protocol (blink://): connect with "
        + "redis:// to the same server for lists (docs/protocol.md)");
  }

  @Override
  public void ensureOpen() {
    pool.ensureOpen();
  }

  @Override
  public void close() {
    pool.close();
  }
}
