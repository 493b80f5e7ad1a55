package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.Isolation;
import io.blinkstore.internal.Watches;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store's one modification signal ({@link Watches.Listener}, blink-server's client-side caching): every write
 * and delete through the store, gated or on the view, an expiry (found by a read or by a sweep), an eviction and a
 * clear reach it; a read, a write that modifies nothing and a delete of an absent key do not.
 */
class ModificationListenerTest {
  /** A listener that records what it is told, {@code *} for a flush. */
  private static List<String> listen(BlinkStore store) {
    List<String> told = new ArrayList<>();
    ((Isolation.Source) store).isolation().watches().listen(new Watches.Listener() {
      @Override
      public synchronized void modified(String key) {
        told.add(key);
      }

      @Override
      public synchronized void flushed() {
        told.add("*");
      }
    });
    return told;
  }

  @Test
  void writesDeletesAndClearsAreTold() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      List<String> told = listen(store);
      store.set("a", "1");
      store.get("a");
      store.increment("n");
      assertTrue(!store.setIfAbsent("a", "2".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      store.delete("absent");
      store.delete("a");
      ((Isolation.Source) store).isolation().atomically(view -> {
        view.set("b", "in a transaction");
        return null;
      });
      store.clear();
      assertEquals(List.of("a", "n", "a", "b", "*"), told);
    }
  }

  @Test
  void anExpiryFoundByAReadIsTold() {
    FakeTicker clock = new FakeTicker();
    try (BlinkStore store = clock.store(1 << 20)) {
      List<String> told = listen(store);
      store.set("short", "v", Duration.ofSeconds(1));
      clock.advance(Duration.ofSeconds(1));
      assertNull(store.get("short"));
      assertEquals(List.of("short", "short"), told); // its write, then its expiry
    }
  }

  @Test
  void anEvictionIsTold() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(64 * 1024).build()) {
      List<String> told = listen(store);
      for (int i = 0; i < 200; i++) {
        store.set("key:" + i, "x".repeat(1024));
      }
      store.size(); // settles the evictions
      int absent = 0;
      for (int i = 0; i < 200; i++) {
        String key = "key:" + i;
        if (store.get(key) == null) {
          absent++;
          assertEquals(2, told.stream().filter(key::equals).count(), key + ": written, then evicted");
        }
      }
      assertTrue(absent > 0, "nothing evicted");
    }
  }
}
