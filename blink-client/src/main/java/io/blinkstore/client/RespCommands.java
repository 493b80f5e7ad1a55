package io.blinkstore.client;

import io.blinkstore.BlinkHash;
import io.blinkstore.BlinkList;
import io.blinkstore.BlinkSet;
import io.blinkstore.BlinkSortedSet;
import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Transport} of a {@link BlinkClient} speaking RESP2 (a {@code redis://} address): builds each
 * command's {@link RespRequest} with {@link RespProtocol} and sends it on the pool. Against a Blink Store server,
 * {@code getOrLoad} uses its fill leases over RESP ({@link LeasedLoad}), as over the text protocol. Redis and
 * Valkey have no such words: once the first {@code GETL} has told so, {@code getOrLoad} is single-flight within
 * the client only ({@code GET}, then on a miss the loader and a {@code SET}), and clients in other processes
 * that miss at once each load.
 */
final class RespCommands implements Transport, LeasedLoad.Words {
  private final RespProtocol protocol;
  private final ConnectionPool<RespReply> pool;
  private final LeasedLoad leasedLoad;
  /** False once the server has answered {@code GETL} as an unknown command. */
  private volatile boolean serverHasLeases = true;

  /** Connects every connection of the pool. @throws BlinkConnectionException if the server cannot be reached */
  RespCommands(SocketAddress address, BlinkClientOptions options) {
    this.protocol = new RespProtocol(options.maxRequestBytes());
    this.pool = new ConnectionPool<>(new RespProtocol(BlinkClientOptions.MIN_MAX_REQUEST_BYTES), address, options);
    this.leasedLoad = new LeasedLoad(this, this, options);
  }

  /** The hash of {@code key} over this pool (a checked key). */
  BlinkHash hash(String key) {
    return new RespHash(this, protocol, key);
  }

  /** The sorted set of {@code key} over this pool (a checked key). */
  BlinkSortedSet sortedSet(String key) {
    return new RespSortedSet(this, protocol, key);
  }

  /** The set of {@code key} over this pool (a checked key). */
  BlinkSet set(String key) {
    return new RespSet(this, key);
  }

  /** Sends {@code name key rest...} as a typed view's command ({@link RespProtocol#hashCommand}); its answer. */
  <T> T call(String name, String key, long valueBytes, List<byte[]> rest, RespRequest.ReplyDecoder<T> decoder) {
    return BlinkClient.await(send(protocol.hashCommand(name, key, valueBytes, rest, decoder)));
  }

  /** Sends one request on the pool. */
  <T> CompletableFuture<T> send(RespRequest<T> request) {
    return pool.send(request);
  }

  @Override
  public CompletableFuture<byte[]> get(String key) {
    return pool.send(protocol.get(key));
  }

  @Override
  public CompletableFuture<Void> set(String key, byte[] value) {
    return pool.send(protocol.set(key, value));
  }

  @Override
  public CompletableFuture<Void> set(String key, byte[] value, Duration ttl) {
    return pool.send(protocol.set(key, value, ttl));
  }

  @Override
  public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value) {
    return pool.send(protocol.setIfAbsent(key, value, null));
  }

  @Override
  public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value, Duration ttl) {
    return pool.send(protocol.setIfAbsent(key, value, Objects.requireNonNull(ttl, "ttl")));
  }

  @Override
  public CompletableFuture<Boolean> delete(String key) {
    return pool.send(protocol.delete(key));
  }

  @Override
  public CompletableFuture<Boolean> expire(String key, Duration ttl) {
    return pool.send(protocol.expire(key, ttl));
  }

  @Override
  public CompletableFuture<Boolean> persist(String key) {
    return pool.send(protocol.persist(key));
  }

  @Override
  public CompletableFuture<Duration> ttl(String key) {
    return pool.send(protocol.ttl(key));
  }

  @Override
  public CompletableFuture<Long> incrementBy(String key, long delta) {
    return pool.send(protocol.incrementBy(key, delta));
  }

  @Override
  public CompletableFuture<Long> usage() {
    return pool.send(protocol.usage());
  }

  @Override
  public CompletableFuture<Long> size() {
    return pool.send(protocol.size());
  }

  @Override
  public CompletableFuture<Long> memoryLimit() {
    return pool.send(protocol.memoryLimit());
  }

  @Override
  public CompletableFuture<BlinkStats> stats() {
    return pool.send(protocol.stats());
  }

  @Override
  public CompletableFuture<Void> clear() {
    return pool.send(protocol.flush());
  }

  @Override
  public BlinkList list(String key) {
    RespProtocol.keyBytes(key);
    return new RespList(key, protocol, pool::send);
  }

  @Override
  public CompletableFuture<Void> ping() {
    return pool.send(protocol.ping());
  }

  @Override
  public byte @Nullable [] load(String key, long ttlMillis, BlinkStore.Loader loader) {
    if (serverHasLeases) {
      try {
        return leasedLoad.load(key, ttlMillis, loader);
      } catch (LeasedLoad.Unsupported e) {
        serverHasLeases = false; // Redis or Valkey; nothing was loaded yet
      }
    }
    return loadWithoutLease(key, ttlMillis, loader);
  }

  /** {@code GET}; on a miss, the loader, then {@code SET} (with {@code PX} if there is a time to live). */
  private byte @Nullable [] loadWithoutLease(String key, long ttlMillis, BlinkStore.Loader loader) {
    byte[] present = BlinkClient.await(get(key));
    if (present != null) {
      return present;
    }
    byte[] value = LeasedLoad.runLoader(key, loader);
    if (value != null) {
      BlinkClient.await(ttlMillis == 0 ? set(key, value) : set(key, value, Duration.ofMillis(ttlMillis)));
    }
    return value;
  }

  @Override
  public CompletableFuture<LeasedLoad.Answer> getOrLease(String key, Duration leaseTime) {
    return pool.send(protocol.getOrLease(key, leaseTime));
  }

  @Override
  public CompletableFuture<Boolean> fill(String key, long token, long ttlMillis, byte[] value) {
    return pool.send(protocol.fill(key, token, ttlMillis, value));
  }

  @Override
  public CompletableFuture<Boolean> release(String key, long token) {
    return pool.send(protocol.release(key, token));
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
