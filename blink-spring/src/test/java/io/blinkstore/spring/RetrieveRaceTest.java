package io.blinkstore.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@code retrieve(key, loader)} loads once even when a second caller's read of the key was answered "absent" just
 * before the first caller's load stored it, and reached its next step only after that load was over. Seen once in
 * a full build on Redis: the second caller then loaded again. Here the store's replies to reads are held and
 * released in that order.
 */
class RetrieveRaceTest {

  @Test
  void aReadAnsweredBeforeALoadStoredItsValueDoesNotLoadAgain() throws Exception {
    try (BlinkStore store = BlinkStore.builder().build()) {
      HeldReads reads = new HeldReads(store);
      BlinkCache cache = new BlinkCache("c", store, reads, null, ValueCodec.serialization(null), true);
      AtomicInteger loads = new AtomicInteger();
      CompletableFuture<String> slow = new CompletableFuture<>();

      CompletableFuture<String> first = cache.retrieve("k", () -> {
        loads.incrementAndGet();
        return slow;
      });
      reads.answerNext(); // absent: the first caller loads
      CompletableFuture<String> second = cache.retrieve("k", () -> {
        loads.incrementAndGet();
        return CompletableFuture.completedFuture("other");
      });
      slow.complete("v"); // the first load stores "v" and is over
      while (!reads.held.isEmpty()) {
        reads.answerNext(); // a read sent before "v" was stored: absent
      }
      assertEquals("v", first.get());
      assertEquals("v", second.get());
      assertEquals(1, loads.get());
    }
  }

  /** The store, but each read of an entry waits until the test answers it "absent", as it was when sent. */
  private static final class HeldReads implements AsyncStore {
    private final BlinkStore store;
    final Queue<CompletableFuture<byte @Nullable []>> held = new ArrayDeque<>();

    HeldReads(BlinkStore store) {
      this.store = store;
    }

    void answerNext() {
      held.remove().complete(null);
    }

    @Override
    public CompletableFuture<byte @Nullable []> get(String key) {
      if (key.endsWith(":generation")) {
        return CompletableFuture.completedFuture(store.get(key));
      }
      CompletableFuture<byte @Nullable []> reply = new CompletableFuture<>();
      held.add(reply);
      return reply;
    }

    @Override
    public CompletableFuture<Boolean> setIfAbsent(String key, byte[] value) {
      return CompletableFuture.completedFuture(store.setIfAbsent(key, value));
    }

    @Override
    public CompletableFuture<Void> set(String key, byte[] value, @Nullable Duration ttl) {
      store.set(key, value);
      return CompletableFuture.completedFuture(null);
    }
  }
}
