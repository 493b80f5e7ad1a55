package io.blinkstore.client;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;

/**
 * Runs at most one load per key at a time within this client, as the in-process store does: the first caller for
 * a key loads it on its own thread, and callers that arrive while it runs wait for its result (or failure)
 * instead of loading again. So threads of one process share one load, and only one of them asks the server for
 * a lease. The table holds only loads under way.
 *
 * <p>The same rules as blink-core's package-private {@code SingleFlight}, which a client cannot reach.
 */
final class SingleFlight {
  /** A load under way: its result, and the thread running it (to catch a load that waits for itself). */
  private record Flight(CompletableFuture<byte[]> result, Thread loader) {}

  private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();

  /**
   * Returns {@code load.apply(key)}, run by this caller or shared with a load of {@code key} already under way.
   * The load's exceptions reach every caller as thrown.
   *
   * @throws IllegalStateException if the load under way for {@code key} is this thread's own
   */
  byte[] run(String key, Function<String, byte[]> load) {
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

  /** Waits for another thread's load; an interrupt does not cancel it (it is not ours), but is kept. */
  private static byte[] await(CompletableFuture<byte[]> result) {
    boolean interrupted = false;
    try {
      for (;;) {
        try {
          return result.get();
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof Error error) {
            throw error;
          }
          throw (RuntimeException) e.getCause();
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
