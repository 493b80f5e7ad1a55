package io.blinkstore.client;

import io.blinkstore.BlinkException;
import io.blinkstore.BlinkHash;
import io.blinkstore.BlinkList;
import io.blinkstore.BlinkSortedSet;
import io.blinkstore.BlinkSet;
import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;
import io.blinkstore.internal.SingleFlight;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BlinkStore} on a Blink Store server, over TCP or a Unix domain socket: the same contract as the
 * in-process store, so code written against {@code BlinkStore} can move from one to the other by changing the
 * line that makes the store. (blink-client brings blink-core's API without Caffeine, the in-process store's
 * engine: to build in-process stores too, depend on blink-core as well.)
 *
 * <pre>{@code
 * try (BlinkStore store = BlinkClient.connect("127.0.0.1", 8765)) {   // or BlinkStore.builder().build()
 *   store.set("greeting", "hello");
 *   String value = store.getString("greeting");                       // "hello"
 * }
 * }</pre>
 *
 * <p><b>Threads.</b> Thread-safe. Every thread shares the client's connection (or its small pool, see
 * {@link BlinkClientOptions#poolSize()}): commands are pipelined and each gets its own reply. {@link #async()}
 * gives the same commands returning {@link CompletableFuture}s; the methods here wait for them.
 *
 * <p><b>Values</b> of any bytes round-trip: in the text protocol they are sent base64-encoded ({@code SET64},
 * {@code PSETEX64}), and {@code GET}'s base64 is decoded; over RESP they travel as bulk strings. Times to live
 * travel in milliseconds. The key rules are {@link BlinkStore}'s, checked here before anything is sent.
 *
 * <p><b>Errors</b>, besides the contract's: every method may throw {@link BlinkConnectionException} (no
 * connection, or it was lost before the reply came), {@link BlinkTimeoutException} (no reply within
 * {@link BlinkClientOptions#commandTimeout()}), {@link BlinkQueueFullException} (too many commands in flight) or
 * {@link BlinkServerException} (the server answered with an error: {@code ERROR}, or RESP's {@code -}), all
 * {@link BlinkException}s naming the command; and {@link IllegalArgumentException} for a request longer than
 * {@link BlinkClientOptions#maxRequestBytes()}. After such a failure the client stays usable: a lost connection is
 * replaced when the next command needs it ({@link BlinkClientOptions#reconnect()}).
 *
 * <p><b>Shared state.</b> The store is the server's: {@link #stats()} counts every client's reads,
 * {@link #clear()} empties it for everyone, and {@link #close()} closes only this client's connections.
 */
public final class BlinkClient implements BlinkStore {
  private final Transport commands;
  private final SingleFlight flights = new SingleFlight();

  private BlinkClient(Transport commands) {
    this.commands = commands;
  }

  /**
   * Connects over TCP to {@code host:port} with default options.
   *
   * @throws BlinkConnectionException if the server cannot be reached or does not answer
   */
  public static BlinkClient connect(String host, int port) {
    return connect(new InetSocketAddress(host, port), BlinkClientOptions.defaults());
  }

  /**
   * Connects over the Unix domain socket at {@code path} with default options.
   *
   * @throws BlinkConnectionException if the server cannot be reached or does not answer
   */
  public static BlinkClient connect(Path path) {
    return connect(UnixDomainSocketAddress.of(path), BlinkClientOptions.defaults());
  }

  /**
   * Connects to {@code address}: an {@link InetSocketAddress} (TCP) or a {@link UnixDomainSocketAddress}. Every
   * connection of the pool is opened and checked ({@code PING}) before this returns.
   *
   * @throws BlinkConnectionException if the server cannot be reached or does not answer
   * @throws IllegalArgumentException if {@code address} is of another kind, or unresolved
   */
  public static BlinkClient connect(SocketAddress address, BlinkClientOptions options) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(options, "options");
    if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
      throw new IllegalArgumentException("address is unresolved: " + inet.getHostString());
    }
    if (!(address instanceof InetSocketAddress) && !(address instanceof UnixDomainSocketAddress)) {
      throw new IllegalArgumentException("address must be TCP or a Unix domain socket, but was " + address);
    }
    return new BlinkClient(new TextCommands(address, options));
  }

  /**
   * Connects to the server {@code uri} names, with default options; as {@link #connect(URI, BlinkClientOptions)}.
   *
   * @throws IllegalArgumentException if {@code uri} is not such an address
   * @throws BlinkConnectionException if the server cannot be reached or does not answer
   */
  public static BlinkClient connect(String uri) {
    return connect(URI.create(Objects.requireNonNull(uri, "uri")), BlinkClientOptions.defaults());
  }

  /**
   * Connects to the server {@code uri} names, in the protocol its scheme names:
   *
   * <ul>
   *   <li>{@code blink://host[:port]}: the Blink Store text protocol over TCP (port 8765 if none);
   *   <li>{@code blink-socket:///path}: the same over a Unix domain socket;
   *   <li>{@code redis://host[:port][/0]}: RESP2, Redis's protocol, over TCP (port 6379 if none), to a Blink
   *       Store server or to Redis or Valkey itself;
   *   <li>{@code redis-socket:///path}: the same over a Unix domain socket.
   * </ul>
   *
   * <p>Over RESP to a Blink Store server every operation keeps its contract. On Redis or Valkey two differ:
   * {@link #getOrLoad} is single-flight only among the threads of this client (they have no fill lease), and
   * {@link #usage()} is Redis's {@code used_memory} (all it allocates, not key and value bytes) and a write over
   * {@code maxmemory} fails with {@link io.blinkstore.EntryTooLargeException} only when Redis cannot evict
   * enough ({@code docs/scale-out.md}).
   *
   * @throws IllegalArgumentException if {@code uri} has another scheme, no host or path, a user, a query, or a
   *     database other than 0
   * @throws BlinkConnectionException if the server cannot be reached or does not answer
   */
  public static BlinkClient connect(URI uri, BlinkClientOptions options) {
    Objects.requireNonNull(options, "options");
    Endpoint endpoint = Endpoint.of(uri);
    return new BlinkClient(endpoint.resp()
        ? new RespCommands(endpoint.address(), options)
        : new TextCommands(endpoint.address(), options));
  }

  /**
   * The list of {@code key} on the server, over RESP ({@code redis://}): each call one Redis list command, with the
   * in-process store's semantics (against Redis or Valkey too). Over {@code blink://}, the text protocol, which has
   * no list words, it throws {@link UnsupportedOperationException} saying so.
   *
   * @throws IllegalArgumentException if the key is not {@linkplain BlinkStore#isValidKey valid}
   * @throws UnsupportedOperationException over the text protocol
   */
  @Override
  public BlinkList list(String key) {
    return commands.list(key);
  }

  /** Returns the asynchronous view of this client: the same commands, on the same connections. */
  public BlinkAsyncCommands async() {
    return commands;
  }

  /**
   * Sends {@code PING} and waits for {@code PONG}: checks that the server is reachable and answering.
   *
   * @throws BlinkConnectionException if the server cannot be reached, or the connection was lost
   * @throws BlinkTimeoutException if no reply came within {@link BlinkClientOptions#commandTimeout()}
   */
  public void ping() {
    await(commands.ping());
  }

  /**
   * {@inheritDoc}
   *
   * @throws EntryTooLargeException if the key and value bytes together exceed the server's memory limit
   * @throws IllegalArgumentException if the key is not valid, or the request would be longer than
   *     {@link BlinkClientOptions#maxRequestBytes()}
   */
  @Override
  public void set(String key, byte[] value) {
    await(commands.set(key, value));
  }

  /**
   * {@inheritDoc} Sent as {@code PSETEX64}, in milliseconds (a partial one rounded up).
   *
   * @throws EntryTooLargeException if the key and value bytes together exceed the server's memory limit
   * @throws IllegalArgumentException if the key or {@code ttl} is not valid, or the request would be longer than
   *     {@link BlinkClientOptions#maxRequestBytes()}
   */
  @Override
  public void set(String key, byte[] value, Duration ttl) {
    await(commands.set(key, value, ttl));
  }

  /** {@inheritDoc} Sent as {@code ADD64} (or {@code SET ... NX} over RESP): the server decides atomically. */
  @Override
  public boolean setIfAbsent(String key, byte[] value) {
    return await(commands.setIfAbsent(key, value));
  }

  /** {@inheritDoc} Sent as {@code ADD64} (or {@code SET ... NX PX} over RESP), in milliseconds rounded up. */
  @Override
  public boolean setIfAbsent(String key, byte[] value, Duration ttl) {
    return await(commands.setIfAbsent(key, value, ttl));
  }

  /** {@inheritDoc} Sent as {@code PEXPIRE}, in milliseconds (a partial one rounded up). */
  @Override
  public boolean expire(String key, Duration ttl) {
    return await(commands.expire(key, ttl));
  }

  @Override
  public boolean persist(String key) {
    return await(commands.persist(key));
  }

  /** {@inheritDoc} In whole milliseconds, rounded up ({@code PTTL}). */
  @Override
  public @Nullable Duration ttl(String key) {
    return await(commands.ttl(key));
  }

  @Override
  public long incrementBy(String key, long delta) {
    return await(commands.incrementBy(key, delta));
  }

  /**
   * The hash of {@code key} over RESP ({@code redis://}: Blink Store's server or Redis), with the in-process
   * store's semantics and exceptions.
   *
   * @throws UnsupportedOperationException over the Blink text protocol ({@code blink://}), which has no words for
   *     hashes
   */
  @Override
  public BlinkHash hash(String key) {
    return resp(key, "hashes").hash(key);
  }

  /**
   * The sorted set of {@code key} over RESP ({@code redis://}), with the in-process store's semantics.
   *
   * @throws UnsupportedOperationException over the Blink text protocol ({@code blink://}), which has no words for
   *     sorted sets
   */
  @Override
  public BlinkSortedSet sortedSet(String key) {
    return resp(key, "sorted sets").sortedSet(key);
  }

  /**
   * The set of {@code key} over RESP ({@code redis://}: Blink Store's server or Redis), with the in-process store's
   * semantics and exceptions.
   *
   * @throws UnsupportedOperationException over the Blink text protocol ({@code blink://}), which has no words for
   *     sets
   */
  @Override
  public BlinkSet set(String key) {
    return resp(key, "sets").set(key);
  }

  /**
   * The RESP connection the typed views ({@code what}: "hashes", "sets", ...) need, once {@code key} is checked.
   *
   * @throws IllegalArgumentException for an invalid key, as every method
   * @throws UnsupportedOperationException over the Blink text protocol ({@code blink://}), which has no words for them
   */
  private RespCommands resp(String key, String what) {
    TextProtocol.keyBytes(key);
    if (!(commands instanceof RespCommands resp)) {
      throw new UnsupportedOperationException(what + " need a RESP connection (redis://host:port): the Blink text"
          + " protocol (blink://) has no words for them");
    }
    return resp;
  }

  @Override
  public byte @Nullable [] getOrLoad(String key, Loader loader) {
    return load(key, 0, loader);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Over the wire: calls of this client for the same key share one load, as in-process; across clients and
   * processes, the server's fill lease ({@code GETL}/{@code FILL}) lets one load while the others wait for its
   * value. A client that dies while loading holds the key up for at most {@link BlinkClientOptions#leaseTime()};
   * then a waiting client loads it. So a caller waits at most the lease time plus
   * {@link BlinkClientOptions#commandTimeout()} for another client's value ({@link BlinkTimeoutException} after
   * that). A load that outlasts its lease may be run again by another client, and a value written to the key by
   * anyone else while this client loads is kept (the server refuses this client's fill; its caller still gets
   * what it loaded). If the server's lease table is full, this client loads without a lease. Across clients only
   * a loaded value is shared: a loader that throws or returns {@code null} releases the lease, so a caller of
   * another client that was waiting for the key is granted the next lease and runs its own loader, instead of
   * receiving that failure or {@code null} as a caller waiting in the same client does. Loads still run one at a
   * time.
   *
   * @throws BlinkTimeoutException if another client neither filled the key nor let its lease run out within the
   *     lease time plus the command timeout
   */
  @Override
  public byte @Nullable [] getOrLoad(String key, Duration ttl, Loader loader) {
    return load(key, TextProtocol.ttlMillis(ttl), loader);
  }

  /** {@code ttlMillis} 0: the loaded value never expires. */
  private byte @Nullable [] load(String key, long ttlMillis, Loader loader) {
    TextProtocol.keyBytes(key);
    Objects.requireNonNull(loader, "loader");
    commands.ensureOpen();
    byte[] value = flights.run(key, k -> commands.load(k, ttlMillis, loader));
    return value == null ? null : value.clone();
  }

  @Override
  public byte @Nullable [] get(String key) {
    return await(commands.get(key));
  }

  @Override
  public boolean delete(String key) {
    return await(commands.delete(key));
  }

  @Override
  public long usage() {
    return await(commands.usage());
  }

  /** {@inheritDoc} Asked of the server each time ({@code STATS}; over RESP, {@code INFO memory}). */
  @Override
  public long memoryLimit() {
    return await(commands.memoryLimit());
  }

  @Override
  public long size() {
    return await(commands.size());
  }

  /** {@inheritDoc} The server's counters, for the reads of every client. */
  @Override
  public BlinkStats stats() {
    return await(commands.stats());
  }

  /** {@inheritDoc} Removes every entry on the server ({@code FLUSH}), for every client. */
  @Override
  public void clear() {
    await(commands.clear());
  }

  /** Closes this client's connections; commands still awaiting a reply fail. The server's entries stay. */
  @Override
  public void close() {
    commands.close();
  }

  /**
   * Waits for {@code future} and returns its value, or throws what failed it. No timeout is needed here: the
   * client's timer fails every command whose reply is later than the command timeout, and it runs no caller's
   * code that could hold it up.
   */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw rethrow(Objects.requireNonNullElse(e.getCause(), e)); // a failed future always has its cause
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BlinkException("interrupted while waiting for a reply", e);
    }
  }

  private static RuntimeException rethrow(Throwable cause) {
    Throwable unwrapped = cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
    if (unwrapped instanceof RuntimeException runtime) {
      return runtime;
    }
    if (unwrapped instanceof Error error) {
      throw error;
    }
    return new BlinkException("command failed: " + unwrapped, unwrapped);
  }
}
