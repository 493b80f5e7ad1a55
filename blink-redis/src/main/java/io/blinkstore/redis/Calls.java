package io.blinkstore.redis;

import io.blinkstore.BlinkException;
import io.blinkstore.client.BlinkConnectionException;
import io.blinkstore.client.BlinkQueueFullException;
import io.blinkstore.client.BlinkServerException;
import io.blinkstore.client.BlinkTimeoutException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Sends a command, waits for its reply, and sends it again while Redis or Lettuce says it did not run, until the
 * command timeout; then turns Lettuce's exceptions into blink-client's, so that code written against
 * {@code BlinkClient} catches the same types: a timeout is {@link BlinkTimeoutException}, a full queue
 * {@link BlinkQueueFullException}, a server's error reply {@link BlinkServerException} (unless the operation reads
 * it as one of the contract's exceptions), and every other failure to reach a node {@link BlinkConnectionException}.
 *
 * <p>A command is sent again only when it certainly did not run: Lettuce refused it because its node's connection
 * was down or could not be opened (it was never written), or Redis refused it before running it because the cluster
 * is down ({@code CLUSTERDOWN}, while a failed primary's replica is not yet promoted), a multi-key step is under way
 * ({@code TRYAGAIN}), or the node is loading its data ({@code LOADING}) or lost its primary ({@code MASTERDOWN}).
 * Meanwhile Lettuce reconnects and refreshes the cluster's slot map, so a later attempt reaches the node that
 * serves the key now. A command whose connection dropped after it was written fails at once: it may have run.
 */
final class Calls {
  /**
   * How Lettuce words a full request queue, which has no type of its own: commands not yet written
   * ({@code DefaultEndpoint}), or written and waiting for their replies ({@code CommandHandler}, where a server that
   * stops answering makes them pile up).
   */
  private static final List<String> QUEUE_FULL = List.of("Request queue size exceeded", "Internal stack size exceeded");
  /** How Lettuce refuses a command it did not write, its node's connection being down. */
  private static final String NOT_SENT = "Currently not connected";
  /** Redis's errors for a command it refused before running it, which may run once the cluster settles. */
  private static final List<String> NOT_RUN = List.of("CLUSTERDOWN ", "TRYAGAIN ", "LOADING ", "MASTERDOWN ");
  private static final long FIRST_PAUSE_MILLIS = 5;
  private static final long LONGEST_PAUSE_MILLIS = 100;

  private final Duration commandTimeout;
  private final int queueCapacity;

  Calls(BlinkRedisOptions options) {
    this.commandTimeout = options.commandTimeout();
    this.queueCapacity = options.queueCapacity();
  }

  /**
   * Sends {@code command} ({@code word}, and its key or argument for messages, or null) and waits for its reply; a
   * server error becomes {@link BlinkServerException}.
   */
  <T> T await(String word, @Nullable String key, Supplier<? extends CompletionStage<T>> command) {
    return await(word, key, command, message -> null);
  }

  /**
   * Sends {@code command} and waits for its reply, for at most the command timeout in all, sending it again while
   * it did not run. A server error is first offered to {@code serverError}, which returns the exception the
   * contract names for it, or null for {@link BlinkServerException}.
   */
  <T> T await(String word, @Nullable String key, Supplier<? extends CompletionStage<T>> command,
      Function<String, RuntimeException> serverError) {
    long deadline = System.nanoTime() + commandTimeout.toNanos();
    long pause = FIRST_PAUSE_MILLIS;
    while (true) {
      Throwable failure;
      try {
        return command.get().toCompletableFuture().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        Throwable cause = Objects.requireNonNullElse(e.getCause(), e); // a failed future always has its cause
        failure = cause instanceof CompletionException c && c.getCause() != null ? c.getCause() : cause;
      } catch (RedisException e) {
        failure = e; // Lettuce refused it before making a future
      } catch (TimeoutException e) {
        throw new BlinkTimeoutException(shown(word, key), commandTimeout);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new BlinkException(shown(word, key) + ": interrupted while waiting for a reply", e);
      }
      long left = deadline - System.nanoTime();
      if (!didNotRun(failure) || left <= TimeUnit.MILLISECONDS.toNanos(pause)) {
        throw translate(shown(word, key), failure, serverError);
      }
      sleep(shown(word, key), pause);
      pause = Math.min(pause * 2, LONGEST_PAUSE_MILLIS);
    }
  }

  /** The command as messages show it: its word and key, the key cut at 80 characters. */
  private static String shown(String word, @Nullable String key) {
    return key == null ? word : word + " " + (key.length() > 80 ? key.substring(0, 80) + "..." : key);
  }

  private static boolean didNotRun(Throwable failure) {
    String message = String.valueOf(failure.getMessage());
    if (failure instanceof RedisCommandExecutionException) {
      return NOT_RUN.stream().anyMatch(message::startsWith);
    }
    // A connection to the command's node could not be opened (Lettuce opens one per node when first needed).
    return failure instanceof RedisConnectionException
        || failure instanceof RedisException && message.startsWith(NOT_SENT);
  }

  /** The exception a caller gets for {@code failure} of {@code command}. */
  private RuntimeException translate(String command, Throwable failure,
      Function<String, RuntimeException> serverError) {
    if (failure instanceof RedisCommandExecutionException server) {
      RuntimeException mapped = serverError.apply(String.valueOf(server.getMessage()));
      return mapped != null ? mapped : new BlinkServerException(command, String.valueOf(server.getMessage()));
    }
    if (failure instanceof RedisCommandTimeoutException) {
      return new BlinkTimeoutException(command, commandTimeout);
    }
    if (failure instanceof RedisException redis) {
      return QUEUE_FULL.stream().anyMatch(String.valueOf(redis.getMessage())::startsWith)
          ? new BlinkQueueFullException(command, queueCapacity)
          : new BlinkConnectionException(command, String.valueOf(redis.getMessage()), redis);
    }
    if (failure instanceof IOException io) {
      return new BlinkConnectionException(command, String.valueOf(io), io);
    }
    if (failure instanceof RuntimeException runtime) {
      return runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return new BlinkException(command + " failed: " + failure, failure);
  }

  private static void sleep(String command, long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BlinkException(command + ": interrupted while waiting to send it again", e);
    }
  }
}
