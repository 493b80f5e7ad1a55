package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bounded write storms: writers, deleters and a sampler calling {@link BlinkStore#usage()} in a loop, on
 * overlapping keys. Whatever the interleaving, no caller may ever see usage over the limit, and once the threads
 * are done usage must be exactly the bytes of the entries still there. Every thread runs a fixed number of
 * operations; the timeout only turns a hang into a failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MemoryLimitConcurrencyTest {

  private static final int KIB = 1024;
  private static final int MIB = 1024 * KIB;

  /** The shape of one storm. */
  private record Storm(
      long limit, int keys, int minValue, int maxValue, int writers, int deleters, int opsPerThread) {}

  @Test
  void valuesFromOneByteTo64KibNeverPushUsageOverTheLimit() throws Exception {
    runStorm(new Storm(MIB, 64, 1, 64 * KIB, 4, 1, 6000));
  }

  @Test
  void valuesFrom256KibTo1MibNeverPushUsageOverTheLimit() throws Exception {
    runStorm(new Storm(4 * MIB, 16, 256 * KIB, MIB, 4, 1, 400));
  }

  @Test
  void manyTinyEntriesFromManyThreadsEndWithinTheEntryBoundAndExactUsage() throws Exception {
    int maxEntries = 500;
    int keyCount = 20_000;
    try (BlinkStore store = BlinkStore.builder().memoryLimit(MIB).maximumEntries(maxEntries).build()) {
      List<Callable<Void>> workers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        SplittableRandom random = new SplittableRandom(i);
        workers.add(() -> {
          for (int op = 0; op < 10_000; op++) {
            String key = "key" + random.nextInt(keyCount);
            store.set(key, labelled(key, random.nextInt(8)));
          }
          return null;
        });
      }

      long maxUsageSeen = maxUsageWhile(store, workers);

      assertTrue(maxUsageSeen <= MIB, "usage seen " + maxUsageSeen);
      assertTrue(store.size() <= maxEntries, "size " + store.size() + " over the bound once writes are done");
      assertTrue(store.stats().evictions() > 0, "the bound was never reached");
      assertUsageIsExact(store, keys(keyCount));
    }
  }

  private static void runStorm(Storm storm) throws Exception {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(storm.limit()).build()) {
      List<Callable<Void>> workers = new ArrayList<>();
      for (int i = 0; i < storm.writers(); i++) {
        workers.add(writer(store, storm, new SplittableRandom(i)));
      }
      for (int i = 0; i < storm.deleters(); i++) {
        workers.add(deleter(store, storm, new SplittableRandom(1000 + i)));
      }

      long maxUsageSeen = maxUsageWhile(store, workers);

      assertTrue(maxUsageSeen <= storm.limit(), "usage seen " + maxUsageSeen + " over the limit " + storm.limit());
      assertTrue(store.stats().evictions() > 0, "the storm never filled the store");
      assertUsageIsExact(store, keys(storm.keys()));
    }
  }

  /** Sets random keys to values that name their key; after each set, usage is within the limit. */
  private static Callable<Void> writer(BlinkStore store, Storm storm, SplittableRandom random) {
    return () -> {
      for (int i = 0; i < storm.opsPerThread(); i++) {
        String key = "key" + random.nextInt(storm.keys());
        store.set(key, labelled(key, random.nextInt(storm.minValue(), storm.maxValue() + 1)));
        long usage = store.usage();
        assertTrue(usage <= storm.limit(), () -> "usage " + usage + " over the limit after a set returned");
        assertOwnValueOrNull(store, "key" + random.nextInt(storm.keys()));
      }
      return null;
    };
  }

  /** Deletes random keys, and now and then clears the whole store. */
  private static Callable<Void> deleter(BlinkStore store, Storm storm, SplittableRandom random) {
    return () -> {
      for (int i = 0; i < storm.opsPerThread(); i++) {
        if (i % 100 == 99) {
          store.clear();
        } else {
          store.delete("key" + random.nextInt(storm.keys()));
        }
      }
      return null;
    };
  }

  @ParameterizedTest(name = "limit {0}, values up to {1} bytes")
  @CsvSource({"1048576, 1000", "2000, 1996"})
  void concurrentSetsOfOneKeyLeaveUsageAtThatOneEntry(long limit, int maxValue) throws Exception {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(limit).build()) {
      List<Callable<Void>> workers = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        SplittableRandom random = new SplittableRandom(i);
        workers.add(() -> {
          for (int n = 0; n < 2000; n++) {
            store.set("same", labelled("same", random.nextInt(maxValue / 2, maxValue + 1)));
          }
          return null;
        });
      }

      long maxUsageSeen = maxUsageWhile(store, workers);

      assertTrue(maxUsageSeen <= limit, "usage seen " + maxUsageSeen + " over the limit " + limit);
      assertUsageIsExact(store, List.of("same"));
    }
  }

  // ---- harness ----

  /**
   * Runs {@code workers} together, each on its own thread, while one more thread samples usage() as fast as it
   * can; returns the largest usage it saw. Rethrows the first worker failure.
   */
  private static long maxUsageWhile(BlinkStore store, List<Callable<Void>> workers) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers.size() + 1, MemoryLimitConcurrencyTest::daemon);
    try {
      CountDownLatch start = new CountDownLatch(1);
      AtomicBoolean done = new AtomicBoolean();
      Future<Long> sampler = pool.submit(() -> {
        start.await();
        long max = 0;
        do {
          max = Math.max(max, store.usage());
        } while (!done.get());
        return max;
      });
      List<Future<Void>> running = new ArrayList<>();
      for (Callable<Void> worker : workers) {
        running.add(pool.submit(() -> {
          start.await();
          return worker.call();
        }));
      }
      start.countDown();
      try {
        for (Future<Void> future : running) {
          future.get();
        }
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error error) {
          throw error; // an assertion failed on a worker: report it as the test's own
        }
        throw e;
      } finally {
        done.set(true);
      }
      return sampler.get();
    } finally {
      pool.shutdownNow();
    }
  }

  /** Storm threads are daemons, so a store that hangs fails its test by timeout instead of stalling the JVM. */
  private static Thread daemon(Runnable runnable) {
    Thread thread = new Thread(runnable, "storm");
    thread.setDaemon(true);
    return thread;
  }

  /** With no write in flight, usage and size are exactly what reading every key back finds. */
  private static void assertUsageIsExact(BlinkStore store, List<String> keys) {
    long bytes = 0;
    int present = 0;
    for (String key : keys) {
      byte[] value = assertOwnValueOrNull(store, key);
      if (value != null) {
        bytes += key.getBytes(UTF_8).length + value.length;
        present++;
      }
    }
    assertEquals(bytes, store.usage(), "usage after the storm");
    assertEquals(present, store.size(), "size after the storm");
  }

  private static byte[] assertOwnValueOrNull(BlinkStore store, String key) {
    byte[] value = store.get(key);
    if (value != null) {
      byte[] label = label(key);
      assertTrue(
          value.length >= label.length && Arrays.equals(label, Arrays.copyOf(value, label.length)),
          () -> "value under " + key + " belongs to another key");
    }
    return value;
  }

  /** A value of {@code length} bytes (at least the label) that starts with its key's label. */
  private static byte[] labelled(String key, int length) {
    byte[] label = label(key);
    byte[] value = Arrays.copyOf(label, Math.max(length, label.length));
    Arrays.fill(value, label.length, value.length, (byte) 'x');
    return value;
  }

  private static byte[] label(String key) {
    return (key + "|").getBytes(UTF_8);
  }

  private static List<String> keys(int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      keys.add("key" + i);
    }
    return keys;
  }
}
