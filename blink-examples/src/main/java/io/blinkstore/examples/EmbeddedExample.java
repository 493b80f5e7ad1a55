package io.blinkstore.examples;

import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Blink Store in-process: a cache of computed results inside your JVM, bounded by bytes. A "report" service
 * answers 20,000 requests for 2,000 reports, most of them for a few popular ones, computing a report only when
 * the cache does not hold it; the cache may hold 256 KiB, about a fifth of all reports.
 *
 * <pre>{@code bin/blink-example embedded}</pre>
 */
public final class EmbeddedExample {
  private static final long MEMORY_LIMIT = 256 * 1024;
  private static final int REQUESTS = 20_000;
  private static final int REPORTS = 2_000;

  private EmbeddedExample() {}

  /** Computes reports, keeping them in a {@link BlinkStore}: the usual cache-aside pattern. */
  static final class ReportService {
    private final BlinkStore cache;
    private int computed;

    ReportService(BlinkStore cache) {
      this.cache = cache;
    }

    String report(int id) {
      String key = "report:" + id;
      String cached = cache.getString(key);
      if (cached != null) {
        return cached;
      }
      String report = compute(id);
      cache.set(key, report);
      return report;
    }

    /** The expensive part the cache saves: here, counting primes, padded to a report of ~600 bytes. */
    private String compute(int id) {
      computed++;
      int limit = 1_000 + id;
      int primes = 0;
      for (int n = 2; n <= limit; n++) {
        boolean prime = true;
        for (int d = 2; d * d <= n && prime; d++) {
          prime = n % d != 0;
        }
        primes += prime ? 1 : 0;
      }
      return "report " + id + ": " + primes + " primes up to " + limit + "\n" + "-".repeat(560 + id % 80);
    }

    int computed() {
      return computed;
    }
  }

  public static void main(String[] args) {
    try (BlinkStore cache = BlinkStore.builder().memoryLimit(MEMORY_LIMIT).build()) {
      ReportService service = new ReportService(cache);
      Random random = new Random(42);
      for (int i = 0; i < REQUESTS; i++) {
        // Skewed like real traffic: a few reports are asked for far more often than the rest.
        service.report((int) (Math.pow(random.nextDouble(), 4) * REPORTS));
      }
      BlinkStats stats = cache.stats();
      System.out.printf("requests: %d, computed: %d (the rest came from the cache)%n", REQUESTS, service.computed());
      System.out.printf("cache: hits=%d misses=%d hit ratio=%.1f%% evictions=%d%n",
          stats.hits(), stats.misses(), stats.hitRatio() * 100, stats.evictions());
      System.out.printf("usage: %d of %d bytes in %d entries (never above the limit)%n",
          cache.usage(), cache.memoryLimit(), cache.size());
      try {
        cache.set("huge", new byte[(int) MEMORY_LIMIT]);
      } catch (EntryTooLargeException e) {
        System.out.println("refused: " + e.getMessage());
      }
      System.out.println("report 0 starts: " + service.report(0).lines().findFirst().orElseThrow());
      System.out.println("report 0 is " + service.report(0).getBytes(StandardCharsets.UTF_8).length + " bytes");
    }
  }
}
