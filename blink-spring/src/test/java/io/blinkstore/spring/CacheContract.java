package io.blinkstore.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.spring.CachingApplication.Book;
import io.blinkstore.spring.CachingApplication.Books;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring's {@link Cache} contract, through a Boot application on one kind of store: each subclass says which
 * ({@link #properties()}), and one application context serves all of its tests (start-ups are the cost here).
 * Every test starts from empty caches ({@code clear()}, itself under test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class CacheContract {
  private ConfigurableApplicationContext context;
  CacheManager manager;
  BlinkStore store;
  Books books;

  /** The {@code blink.*} properties that pick the store, after whatever that store needs is started. */
  abstract String[] properties() throws IOException;

  /** Stops what {@link #properties()} started. */
  void stopStore() {}

  @BeforeAll
  void startApplication() throws IOException {
    List<String> properties = new ArrayList<>(List.of(properties()));
    properties.add("blink.cache.caches.short.time-to-live=90s");
    context = CachingApplication.start(properties.toArray(String[]::new));
    manager = context.getBean(CacheManager.class);
    store = context.getBean(BlinkStore.class);
    books = context.getBean(Books.class);
  }

  @AfterAll
  void stopApplication() {
    if (context != null) {
      context.close();
    }
    stopStore();
  }

  @BeforeEach
  void emptyCaches() {
    for (String name : List.of("books", "other", "short", "slow", "nulls", "prices")) {
      cache(name).clear();
    }
    books.calls().set(0);
  }

  Cache cache(String name) {
    return manager.getCache(name);
  }

  @Test
  void bootMakesABlinkCacheManagerOnTheConfiguredStore() {
    BlinkCacheManager blink = assertInstanceOf(BlinkCacheManager.class, manager);
    assertSame(store, blink.getStore());
    assertSame(store, cache("books").getNativeCache());
    assertTrue(manager.getCacheNames().contains("short"), "a cache given a time to live is made at start");
  }

  @Test
  void aValuePutIsReadBackAsAnEqualObject() {
    Cache cache = cache("books");
    Book book = new Book("978-0", "Dune");
    cache.put("978-0", book);
    assertEquals(book, cache.get("978-0").get());
    assertEquals(book, cache.get("978-0", Book.class));
    assertNull(cache.get("978-1"));
    assertNull(cache.get("978-1", Book.class));
    assertThrows(IllegalStateException.class, () -> cache.get("978-0", String.class));
  }

  @Test
  void aNullValueIsCachedAsNull() {
    Cache cache = cache("nulls");
    cache.put("nobody", null);
    Cache.ValueWrapper found = cache.get("nobody");
    assertNotNull(found, "a cached null is a hit");
    assertNull(found.get());
    assertNull(cache.get("nobody", (java.util.concurrent.Callable<String>) () -> "loaded"), "not loaded again");
  }

  @Test
  void keysWithSpacesColonsAndAnyCharactersAreDistinctEntries() {
    Cache cache = cache("books");
    List<String> keys = List.of("a b", "a%20b", "a:b", "a\tb", "a\u00a0b", "\ud83d\ude00", "\ud800", "", "%", " ");
    for (int i = 0; i < keys.size(); i++) {
      cache.put(keys.get(i), i);
    }
    for (int i = 0; i < keys.size(); i++) {
      assertEquals(i, cache.get(keys.get(i)).get(), "key " + keys.get(i));
    }
    cache.put(42, "forty-two");
    assertEquals("forty-two", cache.get("42").get(), "a key is known by its text, as with Spring Data Redis");
    assertThrows(IllegalArgumentException.class, () -> cache.put(new Object(), "v"));
  }

  @Test
  void getWithALoaderLoadsOnceAndThenServesTheStoredValue() {
    Cache cache = cache("books");
    AtomicInteger loads = new AtomicInteger();
    assertEquals("v1", cache.get("k", () -> "v" + loads.incrementAndGet()));
    assertEquals("v1", cache.get("k", () -> "v" + loads.incrementAndGet()));
    assertEquals(1, loads.get());
    assertEquals("v1", cache.get("k").get());
  }

  @Test
  void aFailingLoaderReachesTheCallerAsValueRetrievalExceptionAndStoresNothing() {
    Cache cache = cache("books");
    IOException cause = new IOException("database down");
    Cache.ValueRetrievalException e = assertThrows(Cache.ValueRetrievalException.class,
        () -> cache.get("k", () -> {
          throw cause;
        }));
    assertSame(cause, e.getCause());
    assertEquals("k", e.getKey());
    assertNull(cache.get("k"));
    assertEquals("v", cache.get("k", () -> "v"), "the next call loads again");
  }

  @Test
  void aLoaderReturningNullCachesNull() {
    Cache cache = cache("nulls");
    AtomicInteger loads = new AtomicInteger();
    assertNull(cache.get("k", () -> {
      loads.incrementAndGet();
      return null;
    }));
    assertNull(cache.get("k", () -> "late"));
    assertEquals(1, loads.get());
  }

  @Test
  void concurrentGetsWithALoaderLoadOnce() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        results.add(pool.submit(() -> {
          start.await();
          return books.slowLoad("hot");
        }));
      }
      start.countDown();
      String first = results.get(0).get();
      for (Future<String> result : results) {
        assertEquals(first, result.get());
      }
      assertEquals(1, Long.parseLong(store.getString("loads:hot")));
    } finally {
      pool.shutdownNow();
      store.delete("loads:hot");
    }
  }

  @Test
  void putIfAbsentStoresOnlyWhenAbsentAndReturnsWhatWasThere() {
    Cache cache = cache("books");
    assertNull(cache.putIfAbsent("k", "first"));
    Cache.ValueWrapper existing = cache.putIfAbsent("k", "second");
    assertEquals("first", existing.get());
    assertEquals("first", cache.get("k").get());
    cache.putIfAbsent("n", null);
    assertNull(cache("books").putIfAbsent("n", "x").get(), "a cached null is there");
  }

  @Test
  void evictRemovesOneEntry() {
    Cache cache = cache("books");
    cache.put("a", 1);
    cache.put("b", 2);
    cache.evict("a");
    assertNull(cache.get("a"));
    assertEquals(2, cache.get("b").get());
    assertTrue(cache.evictIfPresent("b"));
    assertFalse(cache.evictIfPresent("b"));
    assertNull(cache.get("b"));
  }

  @Test
  void clearEmptiesOneCacheAndLeavesTheOthersAndTheStoresOwnKeys() {
    cache("books").put("a", 1);
    cache("other").put("a", 2);
    store.set("not-a-cache-entry", "kept");
    cache("books").clear();
    assertNull(cache("books").get("a"));
    assertEquals(2, cache("other").get("a").get());
    assertEquals("kept", store.getString("not-a-cache-entry"));
    cache("books").put("a", 3);
    assertEquals(3, cache("books").get("a").get(), "the cache works on after a clear");
    cache("other").put("b", 4);
    cache("other").invalidate();
    assertNull(cache("other").get("a"));
    assertNull(cache("other").get("b"));
    store.delete("not-a-cache-entry");
  }

  @Test
  void aCacheWithATimeToLiveStoresEntriesThatExpireAndOthersNever() {
    cache("short").put("k", "v");
    cache("books").put("k", "v");
    Duration left = store.ttl(new CacheKeys(store, "short").entryKey("k"));
    assertTrue(left.compareTo(Duration.ZERO) > 0 && left.compareTo(Duration.ofSeconds(90)) <= 0, left::toString);
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl(new CacheKeys(store, "books").entryKey("k")));
    cache("short").get("loaded", () -> "v");
    left = store.ttl(new CacheKeys(store, "short").entryKey("loaded"));
    assertTrue(left.compareTo(Duration.ofSeconds(90)) <= 0, "a loaded entry too: " + left);
  }

  @Test
  void retrieveCompletesWithTheValueOrNullWithoutBlocking() throws Exception {
    Cache cache = cache("books");
    cache.put("k", "v");
    cache.put("n", null);
    assertEquals("v", ((Cache.ValueWrapper) cache.retrieve("k").get()).get());
    assertNull(((Cache.ValueWrapper) cache.retrieve("n").get()).get(), "a cached null: a wrapper of null");
    assertNull(cache.retrieve("absent").get(), "a miss: null");
  }

  @Test
  void retrieveWithALoaderLoadsOnceStoresAndPropagatesFailures() throws Exception {
    Cache cache = cache("books");
    AtomicInteger loads = new AtomicInteger();
    CompletableFuture<String> slow = new CompletableFuture<>();
    CompletableFuture<String> first = cache.retrieve("k", () -> {
      loads.incrementAndGet();
      return slow;
    });
    // The first load is under way once its loader has run. A bounded wait of its own: @Timeout only interrupts
    // this thread, which a spin would not notice, so a loader that never runs (say, an entry left from another
    // test) would hang the build.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (loads.get() == 0) {
      assertTrue(System.nanoTime() < deadline, "the first retrieve's loader did not run within 10 s");
      Thread.onSpinWait();
    }
    CompletableFuture<String> second = cache.retrieve("k", () -> {
      loads.incrementAndGet();
      return CompletableFuture.completedFuture("other");
    });
    slow.complete("v");
    assertEquals("v", first.get());
    assertEquals("v", second.get(), "the second caller shared the load under way");
    assertEquals(1, loads.get());
    assertEquals("v", cache.get("k").get(), "the loaded value was stored");
    assertEquals("v", cache.retrieve("k", () -> CompletableFuture.completedFuture("x")).get());

    IOException cause = new IOException("down");
    ExecutionException e = assertThrows(ExecutionException.class,
        () -> cache.retrieve("f", () -> CompletableFuture.failedFuture(cause)).get());
    assertSame(cause, e.getCause());
    assertNull(cache.get("f"));
  }

  @Test
  void theReadmeServiceLooksEachPriceUpOnce() {
    Prices prices = context.getBean(Prices.class);
    int before = prices.lookUps();
    for (int i = 0; i < 6; i++) {
      assertEquals("3.00 EUR", prices.price("tea"));
    }
    assertEquals("6.00 EUR", prices.price("coffee"));
    assertEquals(before + 2, prices.lookUps());
  }

  @Test
  void cacheableMethodsRunOncePerKeyAndCacheEvictClearsTheCache() {
    Book book = books.find("1");
    assertEquals(book, books.find("1"));
    assertEquals(book, books.findOnce("1"), "sync = true reads the same cache");
    assertNotEquals(book, books.find("2"));
    assertEquals(2, books.calls().get());
    books.forgetAll();
    books.find("1");
    assertEquals(3, books.calls().get());
  }
}
