package io.blinkstore.internal;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Runs at most one load per key at a time: the first caller for a key loads it on its own thread, and callers
 * that arrive while it runs wait for its result (or failure) instead of loading again. No lock is held while a
 * load runs, so a load may use the store; the table holds only loads under way, so it never outgrows the number
 * of loading threads. The in-process store's {@code getOrLoad} and blink-client's run through it, so that threads
 * of one process share one load (and, for the client, only one of them asks the server for a lease).
 */
public final class SingleFlight {
  /** A load under way: its result, and the thread running it (to catch a load that waits for itself). */
  private record Flight(CompletableFuture<byte @Nullable []> result, Thread loader) {}

  private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

  /**
   * Returns {@code load.apply(key)}, run by this caller or shared with a load of {@code key} already under way.
   * The load's exceptions reach every caller as thrown (a caller that must pass on checked exceptions wraps them
   * in its load).
   *
   * @throws IllegalStateException if the load under way for {@code key} is this thread's own
   */
  public byte @Nullable [] run(String key, Function<String, byte @Nullable []> load) {
    Flight mine = new Flight(new CompletableFuture<>(), Thread.currentThread());
    Flight current = flights.putIfAbsent(key, mine);
    if (current != null) {
      if (current.loader() == Thread.currentThread()) {
        throw new IllegalStateException("recursive load: the loader of key " + key + " asked for it again");
      }
      return await(current.result());
    }
    try {
      byte[] value = load.apply(key);
      flights.remove(key, mine);
      mine.result().complete(value);
      return value;
    } catch (RuntimeException | Error e) {
      flights.remove(key, mine);
      mine.result().completeExceptionally(e);
      throw e;
    }
  }

  private static byte @Nullable [] await(CompletableFuture<byte @Nullable []> result) {
    boolean interrupted = false;
    try {
      for (;;) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          interrupted = true; // the loader is not ours to cancel: wait on, and restore the flag after
        } catch (ExecutionException e) {
          throw rethrowable(Objects.requireNonNull(e.getCause(), "a failed load has its failure"));
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static RuntimeException rethrowable(Throwable cause) {
    if (cause instanceof Error error) {
      throw error;
    }
    return (RuntimeException) cause;
  }
}
