package io.blinkstore.spring;

import io.blinkstore.BlinkStore;
import io.blinkstore.client.BlinkAsyncCommands;
import io.blinkstore.client.BlinkClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The few store calls that {@link BlinkCache#retrieve} needs, without blocking its caller: the client's own
 * asynchronous commands for a {@link BlinkClient}, and otherwise the blocking calls run on an executor (for the
 * in-process store, whose calls never wait on I/O, the calling thread).
 */
interface AsyncStore {
  CompletableFuture<byte @Nullable []> get(String key);

  CompletableFuture<Boolean> setIfAbsent(String key, byte[] value);

  CompletableFuture<Void> set(String key, byte[] value, @Nullable Duration ttl);

  static AsyncStore of(BlinkStore store, Executor executor) {
    if (store instanceof BlinkClient client) {
      BlinkAsyncCommands commands = client.async();
      return new AsyncStore() {
        @Override
        public CompletableFuture<byte @Nullable []> get(String key) {
          return commands.get(key);
        }

        @Override
        public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value) {
          return commands.setIfAbsent(key, value);
        }

        @Override
        public CompletableFuture<Void> set(String key, byte[] value, @Nullable Duration ttl) {
          return ttl == null ? commands.set(key, value) : commands.set(key, value, ttl);
        }
      };
    }
    return new AsyncStore() {
      @Override
      public CompletableFuture<byte @Nullable []> get(String key) {
        return CompletableFuture.supplyAsync(() -> store.get(key), executor);
      }

      @Override
      public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value) {
        return CompletableFuture.supplyAsync(() -> store.setIfAbsent(key, value), executor);
      }

      @Override
      public CompletableFuture<Void> set(String key, byte[] value, @Nullable Duration ttl) {
        return CompletableFuture.runAsync(() -> {
          if (ttl == null) {
            store.set(key, value);
          } else {
            store.set(key, value, ttl);
          }
        }, executor);
      }
    };
  }
}
