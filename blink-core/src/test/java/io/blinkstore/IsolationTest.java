package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.Isolation;
import io.blinkstore.internal.Watches;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The store's {@link Isolation}: a body run {@link Isolation#atomically} is never seen half done by callers of the
 * store on other threads, and every modification through the store, gated or not, marks the watchers of its key.
 * The timeout guards against a deadlock only: the work is bounded in count.
 */
@Timeout(60)
class IsolationTest {
  private static final int TRANSACTIONS = 5_000;

  /**
   * Transactions increment {@code a} then {@code b}; readers read {@code a} then {@code b} through the gated store:
   * {@code b} is never behind the {@code a} read before it. Without the exclusive hold a reader between the two
   * increments sees {@code b} one behind.
   */
  @Test
  void noCallerSeesATransactionHalfApplied() throws Exception {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Isolation isolation = ((Isolation.Source) store).isolation();
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<String> torn = new AtomicReference<>();
      List<Thread> readers = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Thread reader = new Thread(() -> {
          while (!done.get() && torn.get() == null) {
            long a = number(store.get("a"));
            long b = number(store.get("b"));
            if (b < a) {
              torn.set("read a = " + a + ", then b = " + b);
            }
          }
        });
        reader.start();
        readers.add(reader);
      }
      for (int i = 0; i < TRANSACTIONS && torn.get() == null; i++) {
        isolation.atomically(view -> {
          view.increment("a");
          Thread.yield(); // widens the window a reader would see without the exclusive hold
          return view.increment("b");
        });
      }
      done.set(true);
      for (Thread reader : readers) {
        reader.join();
      }
      assertNull(torn.get());
      assertEquals(number(store.get("a")), number(store.get("b")));
    }
  }

  private static long number(byte[] value) {
    return value == null ? 0 : Long.parseLong(new String(value, StandardCharsets.US_ASCII));
  }

  /** Every write path marks the watchers of its key, through the gated store and through the view alike. */
  @Test
  void everyModificationMarksTheWatchersOfItsKey() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Isolation isolation = ((Isolation.Source) store).isolation();
      List<Modification> modifications = List.of(
          s -> s.set("k", "v"),
          s -> s.set("k", "v", Duration.ofMinutes(1)),
          s -> s.setIfAbsent("k", "v"),
          s -> s.setIfAbsent("k", "v", Duration.ofMinutes(1)),
          s -> s.increment("k"),
          s -> s.delete("k"),
          s -> s.expire("k", Duration.ofMinutes(1)),
          s -> s.persist("k"),
          s -> s.getOrLoad("k", key -> new byte[] {1}),
          BlinkStore::clear);
      for (BlinkStore target : List.of(store, isolation.view())) {
        for (int i = 0; i < modifications.size(); i++) {
          prepare(store, i);
          Watches.Watcher watcher = new Watches.Watcher();
          isolation.watches().watch(watcher, "k", store.get("k") != null);
          isolation.watches().watch(watcher, "other", false);
          modifications.get(i).apply(target);
          assertTrue(watcher.dirty(), "modification " + i);
          isolation.watches().unwatchAll(watcher);
          assertFalse(watcher.dirty());
        }
      }
    }
  }

  /** What each modification needs to modify something: no key for the conditional put and the load. */
  private static void prepare(BlinkStore store, int modification) {
    store.delete("k");
    if (modification != 2 && modification != 3 && modification != 8) {
      store.set("k", "1", Duration.ofMinutes(5));
    }
  }

  /** Modifications that change nothing mark nobody, as in Redis (a DEL of nothing, a SETNX of a held key). */
  @Test
  void noOpsMarkNobody() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Watches watches = ((Isolation.Source) store).isolation().watches();
      Watches.Watcher watcher = new Watches.Watcher();
      store.set("held", "v");
      watches.watch(watcher, "held", true);
      watches.watch(watcher, "missing", false);
      store.delete("missing");
      store.setIfAbsent("held", "w");
      store.expire("missing", Duration.ofMinutes(1));
      store.persist("held");
      store.get("held");
      assertFalse(watcher.dirty());
      store.set("other", "v");
      assertFalse(watcher.dirty());
      assertFalse(watches.lostSinceWatched(watcher, key -> store.ttl(key) != null));
      store.delete("held");
      assertTrue(watches.lostSinceWatched(watcher, key -> store.ttl(key) != null));
    }
  }

  @FunctionalInterface
  private interface Modification {
    void apply(BlinkStore store);
  }
  /**
   * The store's clock stands still while a body runs atomically (Redis 7.0's transactions): a key live when the body
   * begins is read, with the time to live it had then, in its middle though its deadline has passed meanwhile and
   * the sweep has run, and is gone once the body ends. With the clock running, the second read is null.
   */
  @Test
  void aKeyLiveWhenATransactionBeginsStaysLiveUntilItEnds() {
    FakeTicker ticker = new FakeTicker();
    try (BlinkStore store = ticker.store(1 << 20)) {
      store.set("k", "v", Duration.ofMillis(10));
      ticker.advance(Duration.ofMillis(4));
      Isolation isolation = ((Isolation.Source) store).isolation();
      List<Object> seen = isolation.atomically(view -> {
        List<Object> reads = new ArrayList<>();
        reads.add(new String(view.get("k"), StandardCharsets.UTF_8));
        ticker.advance(Duration.ofMillis(50));
        ((IsolatedStore) store).unwrap().expiry.sweep(); // the background sweep, run now
        byte[] later = view.get("k");
        reads.add(later == null ? "gone" : new String(later, StandardCharsets.UTF_8));
        reads.add(String.valueOf(view.ttl("k")));
        return reads;
      });
      assertEquals(List.of("v", "v", Duration.ofMillis(6).toString()), seen);
      assertNull(store.get("k"));
    }
  }
}
