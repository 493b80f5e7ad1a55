package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.MemoryLimitControl;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The memory limit changed while the store runs ({@link MemoryLimitControl}, the server's CONFIG SET maxmemory). */
@Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LimitChangeTest {
  private static final int PER_ENTRY = 120;

  private static BlinkStore store(long limit, long capacity) {
    return BlinkStore.builder().memoryLimit(limit).heapCapacity(capacity, PER_ENTRY).build();
  }

  private static MemoryLimitControl control(BlinkStore store) {
    return ((MemoryLimitControl.Source) store).memoryLimitControl();
  }

  @Test
  void loweringTheLimitEvictsDownToItBeforeReturning() {
    try (BlinkStore store = store(1 << 20, 64 << 20)) {
      byte[] value = new byte[1000];
      for (int i = 0; i < 1000; i++) {
        store.set("key:" + i, value);
      }
      long before = store.usage();
      assertTrue(before > 900_000, () -> "filled: " + before);
      control(store).changeMemoryLimit(100_000);
      assertEquals(100_000, store.memoryLimit());
      assertTrue(store.usage() <= 100_000, () -> "usage " + store.usage());
      assertTrue(store.size() >= 80 && store.size() <= 99, () -> "size " + store.size());
      assertEquals(1000 - store.size(), store.stats().evictions(), "every entry removed is counted as evicted");
      for (int i = 0; i < 1000; i++) {
        store.set("again:" + i, value);
        assertTrue(store.usage() <= 100_000, () -> "usage " + store.usage());
      }
    }
  }

  @Test
  void anEntryOverTheNewLimitIsRefusedAndARaisedLimitTakesMore() {
    try (BlinkStore store = store(1 << 20, 64 << 20)) {
      control(store).changeMemoryLimit(10);
      assertThrows(EntryTooLargeException.class, () -> store.set("key", new byte[8]));
      control(store).changeMemoryLimit(4 << 20);
      byte[] value = new byte[1000];
      for (int i = 0; i < 4000; i++) {
        store.set("key:" + i, value);
      }
      assertTrue(store.usage() > 3 << 20, () -> "a raised limit is used: " + store.usage());
      assertTrue(store.usage() <= 4 << 20, () -> "usage " + store.usage());
    }
  }

  @Test
  void aLimitOverTheHeapCapacityIsRefusedAndChangesNothing() {
    try (BlinkStore store = store(1 << 20, 8 << 20)) {
      assertEquals(8 << 20, control(store).maxMemoryLimit());
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> control(store).changeMemoryLimit((8 << 20) + 1));
      assertTrue(e.getMessage().contains("8388608"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> control(store).changeMemoryLimit(0));
      assertEquals(1 << 20, store.memoryLimit());
      control(store).changeMemoryLimit(8 << 20);
      assertEquals(8 << 20, store.memoryLimit());
    }
  }

  @Test
  void aStoreBuiltOverItsCapacityMayKeepOrLowerItsLimitButNotRaiseIt() {
    try (BlinkStore store = store(16 << 20, 8 << 20)) {
      control(store).changeMemoryLimit(16 << 20);
      assertThrows(IllegalArgumentException.class, () -> control(store).changeMemoryLimit((16 << 20) + 1));
      control(store).changeMemoryLimit(12 << 20);
      assertEquals(12 << 20, store.memoryLimit());
    }
  }

  @Test
  void pinnedLocksAreEvictedWhenTheyAloneHoldMoreThanTheNewLimit() {
    try (BlinkStore store = store(1 << 20, 64 << 20)) {
      for (int i = 0; i < 100; i++) {
        assertTrue(store.setIfAbsent("lock:" + i, new byte[100], Duration.ofHours(1)));
      }
      CaffeineBlinkStore inner = ((IsolatedStore) store).unwrap();
      assertTrue(inner.pinnedBytes() > 10_000, () -> "pinned " + inner.pinnedBytes());
      control(store).changeMemoryLimit(1000);
      assertTrue(store.usage() <= 1000, () -> "usage " + store.usage());
      assertEquals(inner.pinnedBytes(), store.usage(), "the pin budget follows the removals");
      assertFalse(store.size() == 0, "no more removed than needed");
    }
  }

  @Test
  void writersRacingALoweredLimitNeverLeaveUsageOverIt() throws Exception {
    try (BlinkStore store = store(4 << 20, 64 << 20)) {
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<Thread> writers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        int id = w;
        Thread writer = new Thread(() -> {
          byte[] value = new byte[2000];
          for (int i = 0; i < 200_000 && !stop.get(); i++) {
            try {
              store.set("w" + id + ":" + (i % 5000), value);
            } catch (RuntimeException e) {
              failure.set(e);
              return;
            }
          }
        });
        writers.add(writer);
        writer.start();
      }
      long[] limits = {2 << 20, 1 << 20, 300_000, 3 << 20, 100_000};
      for (long limit : limits) {
        control(store).changeMemoryLimit(limit);
        long usage = store.usage();
        assertTrue(usage <= limit, () -> "usage " + usage + " over " + limit);
      }
      stop.set(true);
      for (Thread writer : writers) {
        writer.join();
      }
      assertEquals(null, failure.get());
      assertTrue(store.usage() <= 100_000, () -> "usage " + store.usage());
    }
  }
}
