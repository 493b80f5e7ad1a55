package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The active cleanup of an idle store: expired entries leave the map, the expiry index and the byte count without
 * any call to the store. Runs on the system clock, the only one the background sweep serves (a fake ticker is
 * driven by hand), so it waits for the sweep, up to a deadline far past its one-second interval, and observes the
 * store only through methods that do not sweep themselves.
 */
@Timeout(60)
class BackgroundSweepTest {
  private static final long DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(30);

  @Test
  void anIdleStoreRemovesExpiredEntriesAndGivesTheirBytesBackWithoutBeingAsked() throws Exception {
    try (BlinkStore store = BlinkStore.builder().build()) {
      CaffeineBlinkStore caffeine = ((IsolatedStore) store).unwrap();
      store.set("kept", "forever");
      store.set("gone", "soon", Duration.ofMillis(1));
      store.set("later", "in an hour", Duration.ofHours(1));
      assertEquals(2, caffeine.indexedHolders());
      long started = System.nanoTime();
      // toString reads the byte count and the map's size as they are: it removes nothing itself.
      String swept = "BlinkStore{usage=" + (4 + 7 + 5 + 10) + ", limit=" + store.memoryLimit() + ", size=2}";
      while (!(caffeine.indexedHolders() == 1 && store.toString().equals(swept))) {
        assertTrue(System.nanoTime() - started < DEADLINE_NANOS,
            "not swept in 30 s: " + store + ", " + caffeine.indexedHolders() + " indexed");
        Thread.sleep(10);
      }
      assertEquals(new BlinkStats(0, 0, 0, 1, 1), store.stats()); // one expired; "later" still has its hour
      assertEquals("forever", store.getString("kept"));
      assertEquals("in an hour", store.getString("later"));
    }
  }
}
