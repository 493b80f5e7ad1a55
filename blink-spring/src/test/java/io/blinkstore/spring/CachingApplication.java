package io.blinkstore.spring;

import io.blinkstore.BlinkStore;
import java.io.Serializable;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.stereotype.Component;

/** A Boot application with caching on, as a user's would be: the tests start it with their {@code blink.*}. */
@SpringBootConfiguration
@EnableAutoConfiguration
@EnableCaching
@Import({CachingApplication.Books.class, Prices.class})
class CachingApplication {

  static ConfigurableApplicationContext start(String... properties) {
    return new SpringApplicationBuilder(CachingApplication.class)
        .web(WebApplicationType.NONE)
        .bannerMode(Banner.Mode.OFF)
        .logStartupInfo(false)
        .properties(properties)
        .run();
  }

  /** A cached value of a type of the application's own. */
  record Book(String isbn, String title) implements Serializable {}

  /** A service whose lookups are cached, counting the calls that reach it. */
  @Component
  static class Books {
    private final AtomicInteger calls = new AtomicInteger();
    private final BlinkStore store;

    Books(BlinkStore store) {
      this.store = store;
    }

    /** The calls that reached the service (a method: the caller holds Spring's proxy, not this object). */
    public AtomicInteger calls() {
      return calls;
    }

    @Cacheable("books")
    public Book find(String isbn) {
      calls.incrementAndGet();
      return new Book(isbn, "Title of " + isbn);
    }

    @Cacheable(cacheNames = "books", sync = true)
    public Book findOnce(String isbn) {
      calls.incrementAndGet();
      return new Book(isbn, "Title of " + isbn);
    }

    @CacheEvict(cacheNames = "books", allEntries = true)
    public void forgetAll() {}

    /**
     * A slow load that counts itself in the store (shared by every process on the sidecar), for the
     * single-flight tests: it takes long enough that every concurrent caller arrives while it runs.
     */
    @Cacheable(cacheNames = "slow", sync = true)
    public String slowLoad(String key) throws InterruptedException {
      store.increment("loads:" + key);
      Thread.sleep(Duration.ofMillis(700).toMillis());
      return "loaded by " + ProcessHandle.current().pid();
    }
  }
}
