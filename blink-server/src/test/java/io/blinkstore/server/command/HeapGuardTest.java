package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import java.lang.management.MemoryUsage;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HeapGuardTest {
  private static final long MIB = 1 << 20;
  private static final long MAX_HEAP = 400 * MIB;

  @Test
  void writesAreRefusedOnlyWhileTheHeapAfterACollectionIsOverTheThreshold() {
    HeapGuard guard = new HeapGuard(0.9);
    assertTrue(guard.writesAllowed(), "before any collection");
    guard.afterCollection(900, 1000);
    assertTrue(guard.writesAllowed(), "at the threshold");
    guard.afterCollection(901, 1000);
    assertFalse(guard.writesAllowed(), "past the threshold");
    guard.afterCollection(950, 1000);
    assertFalse(guard.writesAllowed());
    guard.afterCollection(500, 1000);
    assertTrue(guard.writesAllowed(), "a later collection that freed enough");
  }

  @Test
  void thresholdsOutsideZeroToOneAreRefused() {
    for (double bad : new double[] {0, -0.5, 1.01, Double.NaN}) {
      assertThrows(IllegalArgumentException.class, () -> new HeapGuard(bad), String.valueOf(bad));
    }
  }

  @Test
  void theCollectionWatcherStartsAndStops() {
    HeapGuard guard = HeapGuard.watchingCollections(1.0);
    try {
      assertTrue(guard.writesAllowed());
    } finally {
      guard.close();
    }
  }

  /**
   * The heap pools of each collector the launcher may pick (or {@code BLINK_JAVA_OPTS} may ask for), as the JDK
   * names them in its notifications (seen on OpenJDK 17 and Temurin 25), and whether the collector also reports
   * its pauses, with every pool at zero.
   */
  static Stream<Arguments> collectors() {
    return Stream.of(
        Arguments.of("Shenandoah", List.of("Shenandoah"), true),
        Arguments.of("Shenandoah generational (JDK 25)", List.of("Shenandoah Young Gen", "Shenandoah Old Gen"), true),
        Arguments.of("ZGC (JDK 17)", List.of("ZHeap"), true),
        Arguments.of("ZGC generational (JDK 21+)", List.of("ZGC Young Generation", "ZGC Old Generation"), true),
        Arguments.of("G1", List.of("G1 Eden Space", "G1 Survivor Space", "G1 Old Gen"), false),
        Arguments.of("Serial", List.of("Eden Space", "Survivor Space", "Tenured Gen"), false));
  }

  /**
   * Regression: under Shenandoah, each "Shenandoah Cycles" reading that refused writes was followed a few
   * milliseconds later by "Shenandoah Pauses" notifications reporting 0 bytes in use, which accepted them again
   * (two warnings per cycle). A pause's report, with nothing committed to the heap, must change nothing.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("collectors")
  void aHeapKeptNearlyFullStaysRefusedThroughThePauseReportsOfEveryCycle(
      String collector, List<String> heapPools, boolean reportsPauses) {
    HeapGuard.CollectionWatcher guard = new HeapGuard.CollectionWatcher(0.9, Set.copyOf(heapPools), MAX_HEAP);
    pauses(guard, heapPools, reportsPauses);
    assertTrue(guard.writesAllowed(), "pauses before any reading");
    for (int cycle = 1; cycle <= 3; cycle++) {
      guard.afterCollection(reading(heapPools, 376 * MIB));
      assertFalse(guard.writesAllowed(), "cycle " + cycle + " found 376 of 400 MiB in use");
      for (int pause = 1; pause <= 4 && reportsPauses; pause++) {
        guard.afterCollection(pause(heapPools));
        assertFalse(guard.writesAllowed(), "pause " + pause + " after cycle " + cycle + " knows nothing new");
      }
    }
    guard.afterCollection(reading(heapPools, 100 * MIB));
    assertTrue(guard.writesAllowed(), "a cycle that freed the heap");
    pauses(guard, heapPools, reportsPauses);
    assertTrue(guard.writesAllowed(), "pauses after it");
  }

  /**
   * Regression: with writes refused, nothing allocates enough for the JVM to collect again soon, so memory a flush
   * had freed stayed unseen and writes stayed refused (44 and 90 s after {@code FLUSHALL}, seen by hand). While
   * refused, the guard asks for a collection after 1 s, then 2, 4 and every 8 s, until one finds the heap below
   * the threshold; then it stops asking, and starts again the next time writes are refused.
   */
  @Test
  void whileWritesAreRefusedACollectionIsAskedForUntilOneFindsTheHeapFreed() {
    List<String> pools = List.of("Eden Space", "Survivor Space", "Tenured Gen");
    List<Runnable> due = new ArrayList<>();
    List<Long> waits = new ArrayList<>();
    AtomicLong inUse = new AtomicLong(376 * MIB);
    AtomicInteger collections = new AtomicInteger();
    AtomicReference<HeapGuard.CollectionWatcher> watcher = new AtomicReference<>();
    HeapGuard.CollectionWatcher guard = new HeapGuard.CollectionWatcher(0.9, Set.copyOf(pools), MAX_HEAP, () -> {
      collections.incrementAndGet();
      watcher.get().afterCollection(reading(pools, inUse.get()));
    }, (task, millis) -> {
      due.add(task);
      waits.add(millis);
    });
    watcher.set(guard);
    assertTrue(due.isEmpty(), "nothing scheduled while writes are allowed");

    guard.afterCollection(reading(pools, 376 * MIB));
    assertFalse(guard.writesAllowed());
    for (int i = 0; i < 4; i++) {
      runNext(due);
    }
    assertEquals(4, collections.get(), "one collection asked for per recheck while the heap stays full");
    assertEquals(List.of(1_000L, 2_000L, 4_000L, 8_000L, 8_000L), waits);
    assertFalse(guard.writesAllowed());

    inUse.set(100 * MIB); // a flush freed the store
    runNext(due);
    assertTrue(guard.writesAllowed(), "the recheck's collection found the heap freed");
    runNext(due);
    assertTrue(due.isEmpty(), "no more rechecks once writes are allowed");
    assertEquals(5, collections.get());

    guard.afterCollection(reading(pools, 380 * MIB));
    assertFalse(guard.writesAllowed());
    assertEquals(1, due.size(), "refused again: rechecks start over");
    assertEquals(1_000L, waits.get(waits.size() - 1));
  }

  /**
   * Regression: a fill of 100-byte values (redis-benchmark, an 80 MiB limit, G1) had writes refused when a young
   * collection found 112 of 124 MiB in use, a fifth of it the old generation's garbage. Only a collection of the
   * whole heap may refuse; a young one's reading under the threshold still accepts.
   */
  @Test
  void aYoungCollectionOverTheThresholdRefusesNothingAFullOneDoes() {
    List<String> pools = List.of("G1 Eden Space", "G1 Survivor Space", "G1 Old Gen");
    List<Runnable> due = new ArrayList<>();
    HeapGuard.CollectionWatcher guard = new HeapGuard.CollectionWatcher(0.9, Set.copyOf(pools), MAX_HEAP,
        () -> { }, (task, millis) -> due.add(task));

    guard.afterCollection(reading(pools, 376 * MIB), false);
    assertTrue(guard.writesAllowed(), "a young collection's 376 of 400 MiB holds the old generation's garbage");
    assertTrue(due.isEmpty(), "and asks for nothing");
    guard.afterCollection(reading(pools, 376 * MIB), true);
    assertFalse(guard.writesAllowed(), "a full collection found 376 MiB live");
    guard.afterCollection(reading(pools, 380 * MIB), false);
    assertFalse(guard.writesAllowed(), "a young reading over the threshold keeps them refused");
    guard.afterCollection(reading(pools, 200 * MIB), false);
    assertTrue(guard.writesAllowed(), "a young reading under the threshold accepts");
  }

  /**
   * REV9: a function library holding 18 MiB of G1 regions beside a store within its own bounds kept the heap over the
   * threshold, and every write was refused for good: the store, under its bounds, never evicted. While refused, each
   * recheck first asks the store to give back what the reading had over the threshold and 5% of the heap more (it
   * then holds itself that much under its capacity); a reading under the threshold less 10% gives it all back.
   */
  @Test
  void whileWritesAreRefusedTheStoreIsAskedToGiveHeapBackUntilTheHeapFalls() {
    List<String> pools = List.of("G1 Eden Space", "G1 Survivor Space", "G1 Old Gen");
    List<Runnable> due = new ArrayList<>();
    AtomicLong inUse = new AtomicLong(376 * MIB);
    List<Long> asked = new ArrayList<>();
    List<Long> waits = new ArrayList<>();
    AtomicInteger released = new AtomicInteger();
    AtomicReference<HeapGuard.CollectionWatcher> watcher = new AtomicReference<>();
    HeapGuard.CollectionWatcher guard = new HeapGuard.CollectionWatcher(0.9, Set.copyOf(pools), MAX_HEAP,
        () -> watcher.get().afterCollection(reading(pools, inUse.get())), (task, millis) -> {
          due.add(task);
          waits.add(millis);
        });
    watcher.set(guard);
    guard.relieveWith(bytes -> {
      asked.add(bytes);
      inUse.addAndGet(-bytes);
      return bytes;
    }, released::incrementAndGet);

    guard.afterCollection(reading(pools, 376 * MIB));
    assertFalse(guard.writesAllowed());
    assertTrue(asked.isEmpty(), "nothing evicted on the collector's own thread");
    assertEquals(List.of(0L), waits, "but at once on the recheck's");
    runNext(due);
    assertEquals(1, asked.size());
    assertEquals(36.0 * MIB, asked.get(0), 1.0, "the reading's excess over 85% of the heap");
    assertTrue(guard.writesAllowed(), "the recheck's collection found the room the store gave back");
    assertEquals(0, released.get(), "still near the threshold: the store keeps holding back");
    guard.afterCollection(reading(pools, (long) (0.81 * MAX_HEAP)));
    assertEquals(0, released.get(), "81%: not under 80%");
    guard.afterCollection(reading(pools, 300 * MIB), false);
    assertEquals(1, released.get(), "a reading under 80% (a function flush): the whole capacity again");
    guard.afterCollection(reading(pools, 200 * MIB));
    assertEquals(1, released.get(), "given back once");
  }

  /** The server's wiring: the guard asks the store its commands run on, and an evicting one gives heap back. */
  @Test
  void theGuardAsksTheStoreOfItsCommandsForHeap() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(64 << 20).heapCapacity(1 << 20, 120).build()) {
      HeapGuard guard = new HeapGuard(0.9);
      assertFalse(guard.hasRelief());
      new Dispatcher(store, new Leases(), Clock.systemUTC(), new ServerCounters(), guard, null,
          BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, EntrySizeLimits.NONE);
      assertTrue(guard.hasRelief());
      for (int i = 0; i < 10_000; i++) {
        store.set("k" + i, "v");
      }
      long before = store.size();
      guard.afterCollection(380 * MIB, MAX_HEAP);
      guard.relieve(); // what a recheck does first while writes are refused
      assertTrue(store.size() <= before / 2 + 1, () -> before + " entries, then " + store.size());
    }
  }

  @Test
  void onlyG1BeforeJava21HoldsArraysToOneRegion() {
    assertEquals(2 * MIB - 16, HeapGuard.largestPlacedArray((int) (2 * MIB), 17));
    assertEquals(Integer.MAX_VALUE, HeapGuard.largestPlacedArray((int) (2 * MIB), 21), "JDK-8191565 moves them");
    assertEquals(Integer.MAX_VALUE, HeapGuard.largestPlacedArray(0, 17), "no regions: Serial, Parallel, ...");
  }

  @Test
  void aScriptsArraysCountWhatTheyWasteOfG1sRegions() {
    HeapGuard guard = new HeapGuard(0.9);
    assertEquals(0, guard.regionWaste(512 * 1024), "no regions known");
    guard.regionBytes = (int) (2 * MIB);
    assertEquals(2 * MIB / 3 - (512 * 1024 + 16), guard.regionWaste(512 * 1024), "three to a region");
    assertEquals(0, guard.regionWaste(100));
  }

  @Test
  void onlyFullCollectionsAndWholeHeapCyclesCountAsCollectionsOfTheWholeHeap() {
    assertTrue(HeapGuard.CollectionWatcher.wholeHeap("G1 Old Generation", "end of major GC"));
    assertTrue(HeapGuard.CollectionWatcher.wholeHeap("MarkSweepCompact", "end of major GC"));
    assertTrue(HeapGuard.CollectionWatcher.wholeHeap("Shenandoah Cycles", "end of GC cycle"));
    assertTrue(HeapGuard.CollectionWatcher.wholeHeap("ZGC Major Cycles", "end of GC cycle"));
    assertFalse(HeapGuard.CollectionWatcher.wholeHeap("ZGC Minor Cycles", "end of GC cycle"));
    assertFalse(HeapGuard.CollectionWatcher.wholeHeap("G1 Young Generation", "end of minor GC"));
    assertFalse(HeapGuard.CollectionWatcher.wholeHeap("Copy", "end of minor GC"));
    assertFalse(HeapGuard.CollectionWatcher.wholeHeap("Shenandoah Pauses", "end of GC pause"));
  }

  private static void runNext(List<Runnable> due) {
    assertEquals(1, due.size(), "one recheck at a time");
    due.remove(0).run();
  }

  @Test
  void nonHeapPoolsDoNotCountTowardsTheHeapInUse() {
    HeapGuard.CollectionWatcher guard = new HeapGuard.CollectionWatcher(0.9, Set.of("Shenandoah"), MAX_HEAP);
    Map<String, MemoryUsage> report = reading(List.of("Shenandoah"), 350 * MIB);
    report.put("Metaspace", new MemoryUsage(0, 50 * MIB, 50 * MIB, -1));
    guard.afterCollection(report);
    assertTrue(guard.writesAllowed(), "350 MiB of heap is under 90% of 400 MiB, whatever Metaspace holds");
  }

  private static void pauses(HeapGuard.CollectionWatcher guard, List<String> heapPools, boolean reportsPauses) {
    for (int pause = 0; pause < 4 && reportsPauses; pause++) {
      guard.afterCollection(pause(heapPools));
    }
  }

  /** A pause's report: the JVM records no usage for it, so every pool, heap or not, is all zeros. */
  private static Map<String, MemoryUsage> pause(List<String> heapPools) {
    Map<String, MemoryUsage> report = new HashMap<>();
    for (String pool : heapPools) {
      report.put(pool, new MemoryUsage(0, 0, 0, 0));
    }
    report.put("Metaspace", new MemoryUsage(0, 0, 0, 0));
    return report;
  }

  /** A report with real figures: {@code used} bytes in the last (old) heap pool, the others empty but committed. */
  private static Map<String, MemoryUsage> reading(List<String> heapPools, long used) {
    Map<String, MemoryUsage> report = new HashMap<>();
    for (String pool : heapPools) {
      boolean old = pool.equals(heapPools.get(heapPools.size() - 1));
      report.put(pool, old ? new MemoryUsage(0, used, used + 8 * MIB, MAX_HEAP) : new MemoryUsage(0, 0, 8 * MIB, -1));
    }
    report.put("Metaspace", new MemoryUsage(0, MIB, MIB, -1));
    return report;
  }
}
