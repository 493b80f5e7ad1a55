package io.blinkstore.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.spring.CachingApplication.Books;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Micrometer's cache meters, bound by Spring Boot itself (its cache metrics registrar, through the provider the
 * auto-configuration declares), read back from Boot's registry after known traffic.
 */
@Timeout(60)
class CacheMetricsIT {

  @Test
  void bootBindsEachCacheMetersThatCountWhatTheApplicationDid() throws Exception {
    try (ConfigurableApplicationContext context =
        CachingApplication.start("blink.cache.cache-names=books,slow")) {
      MeterRegistry registry = context.getBean(MeterRegistry.class);
      Books books = context.getBean(Books.class);
      Cache cache = context.getBean(CacheManager.class).getCache("books");
      BlinkStore store = context.getBean(BlinkStore.class);

      books.find("1");                     // miss, put
      books.find("1");                     // hit
      books.find("1");                     // hit
      books.find("2");                     // miss, put
      cache.evict("1");                    // eviction
      cache.evict("absent");               // nothing removed: no eviction
      cache.get("3", () -> {               // miss, load (success), put: the loaded value is stored
        TimeUnit.MILLISECONDS.sleep(5);
        return "three";
      });
      cache.get("3", () -> "again");       // hit
      assertThrows(Cache.ValueRetrievalException.class, () -> cache.get("4", () -> {
        throw new IllegalStateException("database down");
      }));                                 // miss, load (failure)

      assertEquals(3, count(registry, "cache.gets", "result", "hit"));
      assertEquals(4, count(registry, "cache.gets", "result", "miss"));
      assertEquals(3, count(registry, "cache.puts"));
      assertEquals(1, count(registry, "cache.evictions"));
      assertEquals(1, count(registry, "cache.load", "result", "success"));
      assertEquals(1, count(registry, "cache.load", "result", "failure"));
      double loading = search(registry, "cache.load.duration").timeGauge().value(TimeUnit.MILLISECONDS);
      assertTrue(loading >= 5, "the loads' time, in ms: " + loading);
      assertEquals(store.size(), search(registry, "cache.size").gauge().value(), "the shared store's entries");

      assertEquals(0, countOf(registry, "slow", "cache.gets", "result", "hit"), "each cache counts its own");
    }
  }

  private static double count(MeterRegistry registry, String name, String... tags) {
    return countOf(registry, "books", name, tags);
  }

  private static double countOf(MeterRegistry registry, String cache, String name, String... tags) {
    return registry.get(name).tags("cache", cache, "cache.manager", "cacheManager").tags(tags)
        .functionCounter().count();
  }

  private static RequiredSearch search(MeterRegistry registry, String name) {
    return registry.get(name).tags("cache", "books", "cache.manager", "cacheManager");
  }
}
