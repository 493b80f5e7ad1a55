package io.blinkstore.redis;

import io.blinkstore.BlinkException;
import io.blinkstore.BlinkStore;
import io.blinkstore.client.BlinkServerException;
import io.blinkstore.client.BlinkTimeoutException;
import io.blinkstore.internal.SingleFlight;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * {@link BlinkStore#getOrLoad} on Redis: single-flight among this process's threads (the first caller for a key
 * loads, callers that come while it runs wait for its result), and across processes a lock key taken with
 * {@code SET NX PX} and released, only by the token that took it, by a script. See
 * {@link BlinkRedis#getOrLoad(String, Duration, BlinkStore.Loader)} for what the lock does and does not promise.
 */
final class SharedLoad {
  /**
   * What comes before a key to name its lock: it ends in a space, which no Blink Store key holds, so no key of
   * the store can be a lock.
   */
  static final String LOCK_PREFIX = "blink-lock ";

  /** Deletes the lock only if it still holds this caller's token: a lapsed lock retaken by another stays. */
  private static final String RELEASE =
      "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

  /** The first and the longest pause between two looks at a key another process is loading. */
  private static final long FIRST_PAUSE_MILLIS = 1;
  private static final long LONGEST_PAUSE_MILLIS = 20;

  /** Turns a refused write's error into the contract's exception (Redis's {@code -OOM}), or returns null. */
  @FunctionalInterface
  interface WriteErrors {
    @Nullable RuntimeException of(String message, String key, long valueBytes);
  }

  /** Loads under way in this process: one per key, shared by its callers. */
  private final SingleFlight flights = new SingleFlight();
  private final RedisClusterAsyncCommands<String, byte[]> commands;
  private final Calls calls;
  private final WriteErrors writeErrors;
  private final long leaseMillis;
  private final Duration longestWait;

  SharedLoad(RedisClusterAsyncCommands<String, byte[]> commands, Calls calls, WriteErrors writeErrors,
      BlinkRedisOptions options) {
    this.commands = commands;
    this.calls = calls;
    this.writeErrors = writeErrors;
    this.leaseMillis = options.leaseTime().toMillis();
    this.longestWait = options.leaseTime().plus(options.commandTimeout());
  }

  /**
   * Returns the value of {@code key}, loaded by this caller, by another thread of this process or by another
   * process. {@code ttlMillis} 0: the loaded value never expires.
   *
   * @throws IllegalStateException if the load under way for {@code key} is this thread's own
   */
  byte @Nullable [] getOrLoad(String key, long ttlMillis, BlinkStore.Loader loader) {
    return flights.run(key, k -> loadOnce(k, ttlMillis, loader));
  }

  private byte @Nullable [] loadOnce(String key, long ttlMillis, BlinkStore.Loader loader) {
    String lock = LOCK_PREFIX + key;
    long deadline = System.nanoTime() + longestWait.toNanos();
    long pause = FIRST_PAUSE_MILLIS;
    while (true) {
      byte[] value = calls.await("GET", key, () -> commands.get(key));
      if (value != null) {
        return value;
      }
      byte[] token = token();
      if (lock(lock, token)) {
        return loadUnderLock(key, ttlMillis, loader, lock, token);
      }
      if (System.nanoTime() - deadline > 0) {
        throw new BlinkTimeoutException("GETORLOAD " + key, longestWait);
      }
      sleep(key, pause);
      pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
    }
  }

  /**
   * Takes {@code lock} with {@code token}, and tells whether this caller may load. A Redis with no room for the lock
   * (its {@code -OOM}: at {@code maxmemory} with nothing it may evict) lets the caller load without one: the value's
   * write is then refused the same way and reported as any write is ({@code EntryTooLargeException}), and with no
   * lock written no other process waits on it.
   */
  private boolean lock(String lock, byte[] token) {
    SetArgs lease = SetArgs.Builder.nx().px(leaseMillis);
    try {
      return calls.await("SET", lock, () -> commands.set(lock, token, lease)) != null;
    } catch (BlinkServerException e) {
      if (String.valueOf(e.serverMessage()).startsWith(BlinkRedis.OUT_OF_MEMORY)) {
        return true;
      }
      throw e;
    }
  }

  private byte @Nullable [] loadUnderLock(String key, long ttlMillis, BlinkStore.Loader loader, String lock, byte[] token) {
    try {
      byte[] value = load(key, loader);
      if (value != null) {
        SetArgs ifAbsent = ttlMillis == 0 ? SetArgs.Builder.nx() : SetArgs.Builder.nx().px(ttlMillis);
        calls.await("SET", key, () -> commands.set(key, value, ifAbsent),
            message -> writeErrors.of(message, key, value.length));
      }
      return value;
    } finally {
      // Not awaited: this connection sends it before any later command on the key's lock, and a release that
      // fails leaves a lock that lapses by itself within the lease time.
      commands.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {lock}, token);
    }
  }

  private static byte @Nullable [] load(String key, BlinkStore.Loader loader) {
    try {
      return loader.load(key);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new BlinkException("loading key " + key + " failed: " + e, e);
    }
  }

  /** 128 random bits: a lock's token, unique across processes. */
  private static byte[] token() {
    UUID uuid = UUID.randomUUID();
    return ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits())
        .array();
  }

  private static void sleep(String key, long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BlinkException("interrupted while waiting for another process to load key " + key, e);
    }
  }

  /** Waits for another thread's load; an interrupt does not cancel it (it is not ours), but is kept. */
}
