package io.blinkstore.client;

import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;
import io.blinkstore.NotAnIntegerException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The commands of a {@link BlinkClient}, asynchronous: each call sends its command and returns at once with a
 * future of the reply. Calls from any number of threads are pipelined on the client's connection(s) and each
 * future gets its own command's reply.
 *
 * <p>Argument errors are thrown by the call itself, before anything is sent: {@link NullPointerException} for a
 * null argument, {@link IllegalArgumentException} for an {@linkplain BlinkStore#isValidKey invalid key}, a
 * time to live out of the contract's range or a request longer than {@link BlinkClientOptions#maxRequestBytes()},
 * and {@link IllegalStateException} once the client is closed. Everything else fails the future:
 * {@link BlinkQueueFullException} (at once), {@link BlinkConnectionException}, {@link BlinkTimeoutException},
 * {@link BlinkServerException}, and {@link EntryTooLargeException} for an entry larger than the server's memory
 * limit. Cancelling or completing a future ends only the caller's wait: the command is still sent, and holds
 * its place in the connection's queue until it is answered or the connection fails.
 *
 * <p><b>Threads.</b> A reply completes its future on its connection's reader thread: callbacks run there
 * should be quick and must not wait for another reply from the same client, which that thread may be the one to
 * read (such a wait ends only at the command timeout). A failure completes the future on the thread that found
 * it: a command that timed out, and every other command of its connection, fail on a thread of their own; the
 * commands of a lost connection on the client thread that found it lost; those of a closed client on the thread
 * that closed it; a refused command before the call returns. A callback on a failed future may wait for another
 * command, such as a retry with the sync API. No future ever completes on the client's timer thread.
 *
 * <pre>{@code
 * CompletableFuture<Void> written = client.async().set("user:42", "Ada");
 * CompletableFuture<String> read = written.thenCompose(done -> client.async().getString("user:42"));
 * }</pre>
 */
public interface BlinkAsyncCommands {

  /** As {@link BlinkStore#get}: the value under {@code key}, or null. */
  CompletableFuture<byte[]> get(String key);

  /** As {@link BlinkStore#getString}: the value under {@code key} as UTF-8, or null. */
  default CompletableFuture<String> getString(String key) {
    return get(key).thenApply(value -> value == null ? null : new String(value, StandardCharsets.UTF_8));
  }

  /** As {@link BlinkStore#set(String, byte[])}: completes when the server has stored it. */
  CompletableFuture<Void> set(String key, byte[] value);

  /** As {@link BlinkStore#set(String, String)}. */
  default CompletableFuture<Void> set(String key, String value) {
    return set(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** As {@link BlinkStore#set(String, byte[], Duration)}: completes when the server has stored it. */
  CompletableFuture<Void> set(String key, byte[] value, Duration ttl);

  /** As {@link BlinkStore#set(String, String, Duration)}. */
  default CompletableFuture<Void> set(String key, String value, Duration ttl) {
    return set(key, value.getBytes(StandardCharsets.UTF_8), ttl);
  }

  /** As {@link BlinkStore#setIfAbsent(String, byte[])}: whether it was stored, atomically on the server. */
  CompletableFuture<Boolean> setIfAbsent(String key, byte[] value);

  /** As {@link BlinkStore#setIfAbsent(String, byte[], Duration)}: whether it was stored. */
  CompletableFuture<Boolean> setIfAbsent(String key, byte[] value, Duration ttl);

  /** As {@link BlinkStore#expire}: whether the key was present. */
  CompletableFuture<Boolean> expire(String key, Duration ttl);

  /** As {@link BlinkStore#persist}: whether a time to live was removed. */
  CompletableFuture<Boolean> persist(String key);

  /** As {@link BlinkStore#ttl}: the time left, {@link BlinkStore#NO_EXPIRY}, or null if absent. */
  CompletableFuture<Duration> ttl(String key);

  /**
   * As {@link BlinkStore#incrementBy}: the value after the addition. Fails with {@link NotAnIntegerException},
   * {@link ArithmeticException} or {@link EntryTooLargeException} where the contract throws them.
   */
  CompletableFuture<Long> incrementBy(String key, long delta);

  /** As {@link BlinkStore#increment}. */
  default CompletableFuture<Long> increment(String key) {
    return incrementBy(key, 1);
  }

  /** As {@link BlinkStore#decrement}. */
  default CompletableFuture<Long> decrement(String key) {
    return incrementBy(key, -1);
  }

  /** As {@link BlinkStore#delete}: whether the key was present. */
  CompletableFuture<Boolean> delete(String key);

  /** As {@link BlinkStore#usage}. */
  CompletableFuture<Long> usage();

  /** As {@link BlinkStore#size}. */
  CompletableFuture<Long> size();

  /** As {@link BlinkStore#memoryLimit}. */
  CompletableFuture<Long> memoryLimit();

  /** As {@link BlinkStore#stats}. */
  CompletableFuture<BlinkStats> stats();

  /** As {@link BlinkStore#clear}: removes every entry on the server, for every client. */
  CompletableFuture<Void> clear();

  /** Sends {@code PING}; completes when the server answers {@code PONG}. */
  CompletableFuture<Void> ping();
}
