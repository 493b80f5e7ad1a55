package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A store built with {@code noEviction()} under concurrent writers, each owning its keys and remembering what it
 * believes each holds (its last write that was taken, or nothing after a delete), and a sampler calling
 * {@code usage()} in a loop. The writers want several times the limit, so many writes are refused. Whatever the
 * interleaving: no sample is over the limit, and at the end every key holds what its writer believes (nothing was
 * evicted, a refused write changed nothing), usage is exactly those bytes, and no eviction was counted. Every thread
 * runs a fixed number of operations; the timeout only turns a hang into a failure.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NoEvictionConcurrencyTest {
  private static final long LIMIT = 64 * 1024;
  private static final int WRITERS = 4;
  private static final int KEYS_PER_WRITER = 64;

  @Test
  void concurrentWritersNeverPassTheLimitAndNothingIsEvicted() throws Exception {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(LIMIT).noEviction().build()) {
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong refused = new AtomicLong();
      List<Callable<Map<String, byte[]>>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(() -> write(store, writer, refused));
      }
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
      try {
        Future<Long> sampler = pool.submit(() -> {
          long highest = 0;
          while (!done.get()) {
            highest = Math.max(highest, store.usage());
          }
          return highest;
        });
        List<Future<Map<String, byte[]>>> results = new ArrayList<>();
        for (Callable<Map<String, byte[]>> writer : writers) {
          results.add(pool.submit(writer));
        }
        Map<String, byte[]> believed = new HashMap<>();
        for (Future<Map<String, byte[]>> result : results) {
          believed.putAll(result.get());
        }
        done.set(true);
        long highest = sampler.get();
        assertTrue(highest <= LIMIT, () -> "usage seen at " + highest + " over " + LIMIT);
        long bytes = 0;
        for (int w = 0; w < WRITERS; w++) {
          for (int k = 0; k < KEYS_PER_WRITER; k++) {
            String key = "w" + w + ":" + k;
            byte[] value = believed.get(key);
            assertArrayEquals(value, store.get(key), key);
            bytes += value == null ? 0 : key.getBytes(UTF_8).length + value.length;
          }
        }
        assertEquals(bytes, store.usage(), "usage is exactly the bytes of what the writers believe stored");
        assertEquals(0, store.stats().evictions());
        assertTrue(refused.get() > 0, "the writers wanted more than the limit, so some writes were refused");
      } finally {
        pool.shutdownNow();
      }
    }
  }

  /** Sets (mostly), sets if absent and deletes this writer's keys; returns what it believes each holds. */
  private static Map<String, byte[]> write(BlinkStore store, int writer, AtomicLong refused) {
    SplittableRandom random = new SplittableRandom(writer);
    Map<String, byte[]> believed = new HashMap<>();
    for (int op = 0; op < 20_000; op++) {
      String key = "w" + writer + ":" + random.nextInt(KEYS_PER_WRITER);
      int choice = random.nextInt(10);
      if (choice == 0) {
        store.delete(key);
        believed.remove(key);
        continue;
      }
      byte[] value = new byte[random.nextInt(1, 4096)];
      value[0] = (byte) op;
      try {
        if (choice == 1) {
          if (store.setIfAbsent(key, value)) {
            believed.put(key, value);
          }
        } else {
          store.set(key, value);
          believed.put(key, value);
        }
      } catch (StoreFullException e) {
        refused.incrementAndGet();
      }
    }
    return believed;
  }
}
