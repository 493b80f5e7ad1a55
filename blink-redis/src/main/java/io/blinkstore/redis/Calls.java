package io.blinkstore.redis;

import io.blinkstore.BlinkException;
import io.blinkstore.client.BlinkConnectionException;
import io.blinkstore.client.BlinkQueueFullException;
import io.blinkstore.client.BlinkServerException;
import io.blinkstore.client.BlinkTimeoutException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisException;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Waits for Lettuce's futures and turns its exceptions into blink-client's, so that code written against
 * {@code BlinkClient} catches the same types here: a timeout is {@link BlinkTimeoutException}, a full queue
 * {@link BlinkQueueFullException}, a server's error reply {@link BlinkServerException} (unless the operation
 * reads it as one of the contract's exceptions), and every other failure to reach a node
 * {@link BlinkConnectionException}.
 */
final class Calls {
  /** How Lettuce words a full request queue (its {@code DefaultEndpoint}); it has no type of its own. */
  private static final String QUEUE_FULL = "Request queue size exceeded";

  private final Duration commandTimeout;
  private final int queueCapacity;

  Calls(BlinkRedisOptions options) {
    this.commandTimeout = options.commandTimeout();
    this.queueCapacity = options.queueCapacity();
  }

  /** Waits for {@code stage}; a server error becomes {@link BlinkServerException}. */
  <T> T await(String command, CompletionStage<T> stage) {
    return await(command, stage, message -> null);
  }

  /**
   * Waits for {@code stage}. A server error is first offered to {@code serverError}, which returns the exception
   * the contract names for it, or null for {@link BlinkServerException}. No timeout is needed here: Lettuce
   * fails every command that has no reply within the command timeout, queued or sent.
   */
  <T> T await(String command, CompletionStage<T> stage, Function<String, RuntimeException> serverError) {
    try {
      return stage.toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw translate(command, e.getCause(), serverError);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BlinkException(command + ": interrupted while waiting for a reply", e);
    }
  }

  /** The exception a caller gets for {@code failure} of {@code command}. */
  RuntimeException translate(String command, Throwable failure, Function<String, RuntimeException> serverError) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof RedisCommandExecutionException server) {
      RuntimeException mapped = serverError.apply(String.valueOf(server.getMessage()));
      return mapped != null ? mapped : new BlinkServerException(command, server.getMessage());
    }
    if (cause instanceof RedisCommandTimeoutException) {
      return new BlinkTimeoutException(command, commandTimeout);
    }
    if (cause instanceof RedisException redis) {
      return String.valueOf(redis.getMessage()).startsWith(QUEUE_FULL)
          ? new BlinkQueueFullException(command, queueCapacity)
          : new BlinkConnectionException(command, String.valueOf(redis.getMessage()), redis);
    }
    if (cause instanceof RuntimeException runtime) {
      return runtime;
    }
    if (cause instanceof Error error) {
      throw error;
    }
    return new BlinkException(command + " failed: " + cause, cause);
  }
}
