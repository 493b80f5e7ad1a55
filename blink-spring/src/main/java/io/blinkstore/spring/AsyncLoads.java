package io.blinkstore.spring;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The asynchronous loads under way in one cache, by store key: a caller that misses a key while its load is under
 * way gets that load's future instead of starting another (Spring asks {@code retrieve(key, loader)} to load once
 * per key where it can). A load leaves the map when it completes, whether it succeeded or not.
 */
final class AsyncLoads {
  private final ConcurrentMap<String, CompletableFuture<?>> underWay = new ConcurrentHashMap<>();

  @SuppressWarnings("unchecked")
  <T> CompletableFuture<T> load(String storeKey, Supplier<CompletableFuture<T>> load) {
    CompletableFuture<T> mine = new CompletableFuture<>();
    CompletableFuture<?> existing = underWay.putIfAbsent(storeKey, mine);
    if (existing != null) {
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
