package io.blinkstore.redis;

import io.blinkstore.BlinkException;
import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;
import io.blinkstore.NotAnIntegerException;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A {@link BlinkStore} on Redis or Valkey, over Lettuce: one server, a primary that Sentinels manage, or a
 * cluster, with TLS and ACL credentials. Code written against {@code BlinkStore} moves to it by changing the line
 * that makes the store:
 *
 * <pre>{@code
 * try (BlinkStore store = BlinkRedis.connect("redis-cluster://10.0.0.1:7000,10.0.0.2:7000")) {
 *   store.set("greeting", "hello");
 *   String value = store.getString("greeting"); // "hello"
 * }
 * }</pre>
 *
 * <p><b>Addresses</b>: {@code redis://[[user]:password@]host[:port][/database]} for one server,
 * {@code redis-sentinel://[[user]:password@]host[:port][,host[:port]...][/database]#primaryName} for a primary
 * that Sentinels manage, and {@code redis-cluster://[[user]:password@]host[:port][,host[:port]...]} for a cluster
 * (any of its nodes; the rest are discovered); {@code rediss}, {@code rediss-sentinel} and {@code rediss-cluster}
 * for TLS. Options are {@link BlinkRedisOptions}.
 *
 * <p><b>Operations on one key</b> are one Redis command each ({@code GET}, {@code SET [NX] [PX]}, {@code DEL},
 * {@code PEXPIRE}, {@code PERSIST}, {@code PTTL}, {@code INCRBY}), sent to the node that holds the key's hash
 * slot, atomic there. <b>Whole-store operations</b> ({@link #size()}, {@link #usage()}, {@link #memoryLimit()},
 * {@link #stats()}, {@link #clear()}) ask every primary that serves slots, all at once, and add up (or repeat)
 * the answers: on a cluster they are not atomic, and they fail if a primary cannot be reached.
 *
 * <p><b>What differs from a Blink Store</b>: {@link #usage()} is Redis's {@code used_memory} (everything its
 * allocator holds, not key and value bytes), {@link #memoryLimit()} its operator's {@code maxmemory}, and a
 * write is refused ({@link EntryTooLargeException}) only when Redis cannot evict enough; Redis counts {@code PTTL}
 * as a read in {@link #stats()}; and replication is asynchronous, so a write acknowledged just before a primary
 * fails can be lost with it. See {@code docs/scale-out.md}.
 *
 * <p><b>Failures of a node</b>: a call made while its node cannot be reached (a lost connection being reconnected,
 * one that cannot be opened, a failed primary whose replica is not yet promoted, a cluster that answers
 * {@code CLUSTERDOWN} meanwhile) is sent
 * again until it runs or {@link BlinkRedisOptions#commandTimeout()} has passed, each time to the node the slot
 * map names then: such an outage delays calls instead of failing them, if it ends within the timeout. A call in
 * flight when its node's connection drops fails at once with {@code BlinkConnectionException} and is not sent
 * again, since it may have run (an {@code INCRBY} sent twice would count twice).
 *
 * <p><b>Errors</b>, besides the contract's, are blink-client's: {@code BlinkTimeoutException} (no reply within
 * {@link BlinkRedisOptions#commandTimeout()}), {@code BlinkConnectionException} (a node could not be reached),
 * {@code BlinkQueueFullException} ({@link BlinkRedisOptions#queueCapacity()} commands already waiting) and
 * {@code BlinkServerException} (Redis answered with an error, such as {@code NOPERM} for an ACL user without the
 * right). The store stays usable after any of them: Lettuce reconnects, and follows failovers.
 *
 * <p><b>Threads.</b> Thread-safe: every thread shares one connection per node, on which commands are pipelined.
 */
public final class BlinkRedis implements BlinkStore {
  private static final String NOT_AN_INTEGER = "ERR value is not an integer or out of range";
  private static final String OVERFLOW = "ERR increment or decrement would overflow";
  /** How Redis's error for a write refused for want of memory begins. */
  static final String OUT_OF_MEMORY = "OOM ";
  /** A counter's entry, sized as a Blink Store sizes it: the key plus the longest number's 20 bytes. */
  private static final int MAX_COUNTER_BYTES = 20;

  private final Nodes nodes;
  private final int database;
  private final RedisClusterAsyncCommands<String, byte[]> commands;
  private final Calls calls;
  private final SharedLoad loads;
  private volatile boolean closed;

  private BlinkRedis(Nodes nodes, int database, BlinkRedisOptions options) {
    this.nodes = nodes;
    this.database = database;
    this.commands = nodes.commands();
    this.calls = new Calls(options);
    this.loads = new SharedLoad(commands, calls, this::outOfMemory, options);
  }

  /**
   * Connects to {@code address} with default options; as {@link #connect(String, BlinkRedisOptions)}.
   *
   * @throws IllegalArgumentException if {@code address} is not written as the class describes
   * @throws io.blinkstore.client.BlinkConnectionException if no connection could be made
   */
  public static BlinkRedis connect(String address) {
    return connect(address, BlinkRedisOptions.defaults());
  }

  /**
   * Connects to {@code address} (see the class description), and returns once a connection is open and
   * authenticated (on a cluster: once the slot map is known).
   *
   * @throws IllegalArgumentException if {@code address} is not written as the class describes, or TLS options
   *     are given for an address without TLS
   * @throws io.blinkstore.client.BlinkConnectionException if no connection could be made: no node answered, the
   *     credentials were refused, or the TLS handshake failed
   */
  public static BlinkRedis connect(String address, BlinkRedisOptions options) {
    Objects.requireNonNull(options, "options");
    Address parsed = Address.parse(address);
    return new BlinkRedis(Connector.connect(parsed, options), parsed.database(), options);
  }

  @Override
  public void set(String key, byte[] value) {
    checked(key);
    Objects.requireNonNull(value, "value");
    write("SET", key, value, () -> commands.set(key, value));
  }

  /** {@inheritDoc} Sent as {@code SET key value PX ms}, a partial millisecond rounded up. */
  @Override
  public void set(String key, byte[] value, Duration ttl) {
    checked(key);
    Objects.requireNonNull(value, "value");
    SetArgs args = SetArgs.Builder.px(Arguments.millis(ttl));
    write("SET", key, value, () -> commands.set(key, value, args));
  }

  /** {@inheritDoc} Sent as {@code SET key value NX}: Redis decides atomically. */
  @Override
  public boolean setIfAbsent(String key, byte[] value) {
    checked(key);
    Objects.requireNonNull(value, "value");
    return write("SET", key, value, () -> commands.set(key, value, SetArgs.Builder.nx())) != null;
  }

  /** {@inheritDoc} Sent as {@code SET key value NX PX ms}: Redis decides atomically. */
  @Override
  public boolean setIfAbsent(String key, byte[] value, Duration ttl) {
    checked(key);
    Objects.requireNonNull(value, "value");
    long millis = Arguments.millis(ttl);
    return write("SET", key, value, () -> commands.set(key, value, SetArgs.Builder.nx().px(millis))) != null;
  }

  @Override
  public boolean expire(String key, Duration ttl) {
    checked(key);
    long millis = Arguments.millis(ttl);
    return calls.await("PEXPIRE", key, () -> commands.pexpire(key, millis));
  }

  @Override
  public boolean persist(String key) {
    checked(key);
    return calls.await("PERSIST", key, () -> commands.persist(key));
  }

  /**
   * {@inheritDoc} In whole milliseconds ({@code PTTL}); Redis's 0, an entry in its last millisecond, is read as
   * one millisecond. Redis counts it as a read in {@link #stats()}.
   */
  @Override
  public @Nullable Duration ttl(String key) {
    checked(key);
    long millis = calls.await("PTTL", key, () -> commands.pttl(key));
    return millis == -2 ? null : millis == -1 ? NO_EXPIRY : Duration.ofMillis(Math.max(1, millis));
  }

  @Override
  public long incrementBy(String key, long delta) {
    checked(key);
    return calls.await("INCRBY", key, () -> commands.incrby(key, delta), message -> switch (message) {
      case NOT_AN_INTEGER -> new NotAnIntegerException(key);
      case OVERFLOW -> new ArithmeticException("INCRBY " + key + ": " + message);
      default -> outOfMemory(message, key, MAX_COUNTER_BYTES);
    });
  }

  @Override
  public byte @Nullable [] getOrLoad(String key, Loader loader) {
    return getOrLoad(key, 0, loader);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Across processes: of the processes that miss the key at once, the one that takes a lock key
   * ({@code SET <lock> <token> NX PX leaseTime}) loads and stores the value ({@code SET key value NX}, so that
   * a value someone wrote meanwhile is kept), then releases the lock with a script that deletes it only if it
   * still holds its own token; the others wait for the value, reading it every few milliseconds, for at most
   * the lease time plus the command timeout, and take the lock themselves if it is released or lapses with no
   * value stored. The lock is an economy, not a guarantee: a load that outlasts {@link
   * BlinkRedisOptions#leaseTime()} may run again elsewhere, and a lock taken just before its primary fails can
   * be lost with it (replication is asynchronous), so another process may load the key as well. The lock key is
   * the key after {@code "blink-lock "}, which no Blink Store key can be (keys hold no whitespace).
   */
  @Override
  public byte @Nullable [] getOrLoad(String key, Duration ttl, Loader loader) {
    return getOrLoad(key, Arguments.millis(ttl), loader);
  }

  private byte @Nullable [] getOrLoad(String key, long ttlMillis, Loader loader) {
    checked(key);
    Objects.requireNonNull(loader, "loader");
    byte[] value = loads.getOrLoad(key, ttlMillis, loader);
    return value == null ? null : value.clone();
  }

  @Override
  public byte @Nullable [] get(String key) {
    checked(key);
    return calls.await("GET", key, () -> commands.get(key));
  }

  @Override
  public boolean delete(String key) {
    checked(key);
    return calls.await("DEL", key, () -> commands.del(key)) > 0;
  }

  /**
   * {@inheritDoc} Here: the sum of {@code used_memory} over every primary ({@code INFO memory}), all that their
   * allocators hold; not atomic on a cluster.
   */
  @Override
  public long usage() {
    return sum(info("memory", "used_memory"));
  }

  /**
   * {@inheritDoc} Here: the sum of {@code maxmemory} over every primary, or {@link Long#MAX_VALUE} if any has
   * none ({@code 0}); the limit Redis evicts by is each node's own.
   */
  @Override
  public long memoryLimit() {
    List<Long> limits = info("memory", "maxmemory");
    return limits.contains(0L) ? Long.MAX_VALUE : sum(limits);
  }

  /** {@inheritDoc} Here: the sum of {@code DBSIZE} over every primary; not atomic on a cluster. */
  @Override
  public long size() {
    ensureOpen();
    return sum(calls.await("DBSIZE", null, nodes::dbSize));
  }

  /**
   * {@inheritDoc} Here: the sums over every primary of {@code keyspace_hits}, {@code keyspace_misses},
   * {@code evicted_keys}, {@code expired_keys} ({@code INFO stats}) and the database's {@code expires}
   * ({@code INFO keyspace}). Each node counts from its own start (or {@code CONFIG RESETSTAT}); a replica
   * promoted in a failover brings its own counts. Not atomic on a cluster.
   */
  @Override
  public BlinkStats stats() {
    ensureOpen();
    long[] sums = new long[5];
    for (String reply : calls.await("INFO", null, () -> nodes.info("default"))) {
      Map<String, Long> fields = InfoFields.parse(reply);
      sums[0] += required(fields, "keyspace_hits");
      sums[1] += required(fields, "keyspace_misses");
      sums[2] += required(fields, "evicted_keys");
      sums[3] += fields.getOrDefault("expired_keys", 0L);
      sums[4] += fields.getOrDefault("db" + database + ".expires", 0L);
    }
    return new BlinkStats(sums[0], sums[1], sums[2], sums[3], sums[4]);
  }

  /**
   * {@inheritDoc} Here: {@code FLUSHDB} on every primary, sent to all at once but not atomic across them: on a
   * cluster, a key written while it runs may survive it on a primary already flushed. Every client's keys go.
   */
  @Override
  public void clear() {
    ensureOpen();
    calls.await("FLUSHDB", null, nodes::flush);
  }

  /** Closes the connections and Lettuce's threads; commands still waiting fail. The data stays in Redis. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      nodes.close();
    }
  }

  private List<Long> info(String section, String field) {
    ensureOpen();
    return calls.await("INFO", section, () -> nodes.info(section)).stream()
        .map(reply -> required(InfoFields.parse(reply), field))
        .toList();
  }

  private static long sum(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).sum();
  }

  private static long required(Map<String, Long> fields, String name) {
    Long value = fields.get(name);
    if (value == null) {
      throw new BlinkException("INFO: the reply has no " + name);
    }
    return value;
  }

  /** A write of {@code value} under {@code key}; Redis's {@code -OOM} is {@link EntryTooLargeException}. */
  private <T> T write(String word, String key, byte[] value, Supplier<CompletionStage<T>> reply) {
    return calls.await(word, key, reply, message -> outOfMemory(message, key, value.length));
  }

  private @Nullable RuntimeException outOfMemory(String message, String key, long valueBytes) {
    if (!message.startsWith(OUT_OF_MEMORY)) {
      return null;
    }
    return new EntryTooLargeException(Arguments.keyBytes(key) + valueBytes, memoryLimit());
  }

  /** Checks that the store is open and {@code key} valid, and returns it. */
  private String checked(String key) {
    ensureOpen();
    Arguments.checkKey(key);
    return key;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("this store is closed");
    }
  }
}
