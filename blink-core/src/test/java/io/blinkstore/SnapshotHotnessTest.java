package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkSnapshots.LoadReport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot keeps hotness: saved hottest first (Caffeine's own ranking), loaded into a store with a quarter of the
 * limit it keeps exactly the hottest entries that fit, and counts the rest; new entries then evict the loaded ones
 * coldest first, in the saved order.
 */
class SnapshotHotnessTest {
  private static final int ENTRIES = 4_000;
  private static final int VALUE_BYTES = 100;

  @TempDir Path dir;

  private static String key(int i) {
    return String.format("key:%06d", i);
  }

  /** The keys of a store in Caffeine's order, hottest first. */
  private static List<String> hottestFirst(BlinkStore store) {
    List<String> keys = new ArrayList<>();
    ((IsolatedStore) store).unwrap().policy.eviction().orElseThrow().hottest(Integer.MAX_VALUE).keySet()
        .forEach(key -> keys.add(key.text()));
    return keys;
  }

  @Test
  void aSmallerStoreKeepsExactlyTheHottestThatFit() throws IOException {
    Set<String> hot = new HashSet<>();
    List<String> savedOrder;
    Path path = dir.resolve("hot");
    long weight;
    // Near full, as a cache runs: Caffeine's frequency sketch is on (from half full) and its window small.
    try (BlinkStore saved = BlinkStore.builder().memoryLimit(512L << 10).build()) {
      for (int i = 0; i < ENTRIES; i++) {
        saved.set(key(i), new byte[VALUE_BYTES]);
      }
      for (int i = 0; i < ENTRIES; i += 16) {
        hot.add(key(i));
        for (int reads = 0; reads < 20; reads++) {
          saved.get(key(i));
        }
      }
      weight = saved.usage();
      savedOrder = hottestFirst(saved);
      assertTrue(hot.containsAll(savedOrder.subList(0, hot.size())), "the store itself ranks the hot keys first");
      assertEquals(ENTRIES, BlinkSnapshots.save(saved, path).entries());
    }
    try (BlinkStore loaded = BlinkStore.builder().memoryLimit(weight / 4).build()) {
      LoadReport report = BlinkSnapshots.load(loaded, path);
      assertEquals(ENTRIES, report.loaded() + report.expired() + report.dropped());
      assertEquals(0, report.expired());
      assertEquals(ENTRIES / 4, report.loaded(), "entries of one size: a quarter of them fit a quarter of the limit");
      List<String> kept = savedOrder.subList(0, (int) report.loaded());
      CaffeineBlinkStore inner = ((IsolatedStore) loaded).unwrap();
      Set<String> present = new HashSet<>();
      inner.map.keySet().forEach(key -> present.add(key.text())); // not read: a read would change the order
      assertEquals(new HashSet<>(kept), present, "the hottest that fit");
      assertTrue(kept.containsAll(hot));
      assertEquals(0, loaded.stats().evictions(), "no loaded entry evicted another");

      // New entries, each read a few times, push loaded ones out: the coldest of them first, in the saved order.
      for (int i = 0; loaded.stats().evictions() < kept.size() / 2; i++) {
        loaded.set("new:" + i, new byte[VALUE_BYTES]);
        for (int reads = 0; reads < 8; reads++) {
          loaded.get("new:" + i);
        }
      }
      List<String> left = new ArrayList<>();
      for (String key : kept) {
        if (inner.policy.getIfPresentQuietly(Key.lookup(key)) != null) {
          left.add(key);
        }
      }
      assertEquals(kept.subList(0, kept.size() / 2), left, "the hottest half of the loaded entries is left");
    }
  }

  @Test
  void theEntryCountAndHeapCapacityBoundTheLoadToo() throws IOException {
    Path path = dir.resolve("bounds");
    List<String> savedOrder;
    try (BlinkStore saved = BlinkStore.builder().memoryLimit(512L << 10).build()) {
      for (int i = 0; i < ENTRIES; i++) {
        saved.set(key(i), new byte[VALUE_BYTES]);
      }
      savedOrder = hottestFirst(saved);
      BlinkSnapshots.save(saved, path);
    }
    try (BlinkStore counted = BlinkStore.builder().memoryLimit(64L << 20).maximumEntries(100).build()) {
      LoadReport report = BlinkSnapshots.load(counted, path);
      assertEquals(100, report.loaded());
      assertEquals(ENTRIES - 100, report.dropped());
      assertEquals(new HashSet<>(savedOrder.subList(0, 100)), SnapshotDump.of(counted).keySet());
      assertEquals(0, counted.stats().evictions());
    }
    int perEntry = 120;
    long capacity = 50L * (10 + VALUE_BYTES + perEntry) + 7;
    try (BlinkStore bounded = BlinkStore.builder().memoryLimit(64L << 20).heapCapacity(capacity, perEntry).build()) {
      LoadReport report = BlinkSnapshots.load(bounded, path);
      assertEquals(50, report.loaded(), "entries of 230 bytes by the heap bound's reckoning");
      assertEquals(new HashSet<>(savedOrder.subList(0, 50)), SnapshotDump.of(bounded).keySet());
      assertEquals(0, bounded.stats().evictions());
    }
  }
}
