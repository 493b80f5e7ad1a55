package io.blinkstore.spring;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The asynchronous reads-and-loads under way in one cache, by store key: a caller that asks for a key while a flight
 * of it is under way gets that flight's future instead of starting another (Spring asks
 * {@code retrieve(key, loader)} to load once per key where it can). A flight leaves the map when it completes,
 * whether it succeeded or not, after storing what it loaded.
 */
final class AsyncLoads {
  private final ConcurrentMap<String, CompletableFuture<?>> underWay = new ConcurrentHashMap<>();

  /**
   * Returns the future of the flight of {@code storeKey} under way, after running {@code joined}; or, if there is
   * none, starts {@code load} as that flight and returns its future.
   */
  @SuppressWarnings("unchecked")
  <T> CompletableFuture<T> load(String storeKey, Supplier<CompletableFuture<T>> load, Runnable joined) {
    CompletableFuture<T> mine = new CompletableFuture<>();
    CompletableFuture<?> existing = underWay.putIfAbsent(storeKey, mine);
    if (existing != null) {
      joined.run();
      return (CompletableFuture<T>) existing;
    }
    CompletableFuture<T> started;
    try {
      started = load.get();
    } catch (RuntimeException | Error e) {
      started = CompletableFuture.failedFuture(e);
    }
    started.whenComplete((value, failure) -> {
      underWay.remove(storeKey, mine);
      if (failure == null) {
        mine.complete(value);
      } else {
        mine.completeExceptionally(failure);
      }
    });
    return mine;
  }
}
