package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The heap capacity ({@link BlinkStore.Builder#heapCapacity}): key and value bytes plus a cost per entry stay within
 * it, so many tiny entries are bounded by their real cost and large ones by the memory limit.
 */
class HeapCapacityTest {
  private static final int PER_ENTRY = 120;

  private static CaffeineBlinkStore store(long limit, long capacity) {
    return ((IsolatedStore) BlinkStore.builder().memoryLimit(limit).heapCapacity(capacity, PER_ENTRY).build())
        .unwrap();
  }

  @Test
  void manyTinyEntriesStayWithinTheCapacity() {
    long capacity = 1 << 20;
    try (CaffeineBlinkStore store = store(64 << 20, capacity)) {
      for (int i = 0; i < 100_000; i++) {
        store.set("k" + i, "v");
        assertTrue(store.bound.cost() <= capacity, () -> "cost " + store.bound.cost() + " over " + capacity);
      }
      // Each entry costs its 6-8 bytes and 120 more: about 8,000 fit, far fewer than the 100,000 written, far more
      // than a count sized for the limit full of bytes would allow.
      long fit = capacity / (PER_ENTRY + 8) - 1;
      assertTrue(store.size() >= fit && store.size() <= capacity / (PER_ENTRY + 3), () -> "size " + store.size());
      assertEquals(100_000 - store.size(), store.stats().evictions());
      assertTrue(store.usage() < 64 << 10, "usage is bytes, far below the limit");
    }
  }

  /**
   * The server's heap guard, when memory outside the store keeps the heap nearly full (REV9: writes refused for good
   * at 61% of the limit): the store gives back what it is asked, the coldest first, holds itself that much under its
   * capacity through later writes, and gets the whole capacity again when released. A store that does not evict
   * gives nothing back.
   */
  @Test
  void theHeapGuardCanHoldTheEntriesUnderTheCapacityAndLetThemGrowAgain() {
    long capacity = 1 << 20;
    try (CaffeineBlinkStore store = store(64 << 20, capacity)) {
      for (int i = 0; i < 20_000; i++) {
        store.set("k" + i, "v");
      }
      long full = store.bound.cost();
      assertTrue(full > capacity - 1024, () -> "cost " + full);
      long freed = new LimitChange(store).evictForHeap(capacity / 4);
      assertTrue(freed >= capacity / 4, () -> "freed " + freed);
      assertTrue(store.bound.cost() <= full - capacity / 4, () -> "cost " + store.bound.cost());
      long evictions = store.stats().evictions();
      for (int i = 0; i < 20_000; i++) {
        store.set("later" + i, "v");
        assertTrue(store.bound.cost() <= full - capacity / 4, () -> "cost " + store.bound.cost());
      }
      assertTrue(store.stats().evictions() > evictions, "later writes evict to the held capacity");
      assertTrue(new LimitChange(store).evictForHeap(capacity) <= full, "at most half the capacity is held");
      assertEquals(capacity / 2, store.bound.squeezed());
      new LimitChange(store).heapRelieved();
      for (int i = 0; i < 20_000; i++) {
        store.set("again" + i, "v");
      }
      assertTrue(store.bound.cost() > capacity - 1024, () -> "the whole capacity again: " + store.bound.cost());
    }
    try (BlinkStore refusing = BlinkStore.builder().memoryLimit(64 << 20).heapCapacity(capacity, PER_ENTRY)
        .noEviction().build()) {
      refusing.set("k", "v");
      assertEquals(0, ((IsolatedStore) refusing).memoryLimitControl().evictForHeap(capacity / 4));
      assertEquals(1, refusing.size(), "noeviction: nothing removed");
    }
  }

  @Test
  void entriesWithATimeToLiveCostTheirHolderToo() {
    long capacity = 1 << 20;
    try (CaffeineBlinkStore store = store(64 << 20, capacity)) {
      for (int i = 0; i < 50_000; i++) {
        store.set("k" + i, "v", Duration.ofHours(1));
      }
      assertTrue(store.bound.cost() <= capacity, () -> "cost " + store.bound.cost());
      assertTrue(store.size() <= capacity / (PER_ENTRY + EntryBound.EXPIRING_BYTES), () -> "size " + store.size());
    }
  }

  @Test
  void largeEntriesFillTheMemoryLimit() {
    int limit = 2 << 20;
    // As the original's benchmark: 1 KiB values into a 2 MiB limit, with the capacity a server derives (far above).
    try (CaffeineBlinkStore store = store(limit, 16 << 20)) {
      byte[] value = new byte[1024];
      for (int i = 0; i < 4096; i++) {
        store.set("key:" + i, value);
      }
      assertTrue(store.usage() <= limit);
      assertTrue(store.usage() > limit - 2 * 1030, () -> "usage " + store.usage() + " ends just under " + limit);
    }
  }

  @ParameterizedTest
  @CsvSource({"1048576, 100000", "2097152, 200000", "4194304, 400000"})
  void aLargerCapacityNeverHoldsFewerEntries(long capacity, int writes) {
    try (CaffeineBlinkStore smaller = store(64 << 20, capacity);
        CaffeineBlinkStore larger = store(64 << 20, capacity * 2)) {
      for (int i = 0; i < writes; i++) {
        smaller.set("k" + i, "v");
        larger.set("k" + i, "v");
      }
      assertTrue(larger.size() > smaller.size() * 19 / 10, () -> larger.size() + " vs " + smaller.size());
    }
  }

  @Test
  void aCountGivenBesideTheCapacityStillCaps() {
    try (CaffeineBlinkStore store = ((IsolatedStore) BlinkStore.builder().memoryLimit(1 << 20)
        .maximumEntries(100).heapCapacity(1 << 20, PER_ENTRY).build()).unwrap()) {
      for (int i = 0; i < 1000; i++) {
        store.set("k" + i, "v");
      }
      assertEquals(100, store.size());
    }
  }

  @Test
  void capacityIsValidatedAndSetOnce() {
    assertThrows(IllegalArgumentException.class, () -> BlinkStore.builder().heapCapacity(0, PER_ENTRY));
    assertThrows(IllegalArgumentException.class, () -> BlinkStore.builder().heapCapacity(1 << 20, 0));
    BlinkStore.Builder builder = BlinkStore.builder().heapCapacity(1 << 20, PER_ENTRY);
    assertThrows(IllegalStateException.class, () -> builder.heapCapacity(2 << 20, PER_ENTRY));
  }
}
