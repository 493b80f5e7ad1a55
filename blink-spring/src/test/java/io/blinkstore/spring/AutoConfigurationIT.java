package io.blinkstore.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/** When the auto-configuration steps aside: the application's own beans, or another cache type chosen. */
@Timeout(60)
class AutoConfigurationIT {

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableCaching
  static class OwnCacheManager {
    @Bean
    CacheManager cacheManager() {
      return new ConcurrentMapCacheManager("own");
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @EnableCaching
  static class OwnStore {
    static final BlinkStore STORE = BlinkStore.builder().memoryLimit(1 << 20).build();

    @Bean(destroyMethod = "")
    BlinkStore store() {
      return STORE;
    }
  }

  @SpringBootConfiguration
  @EnableAutoConfiguration
  static class NoCaching {}

  private static ConfigurableApplicationContext start(Class<?> application, String... properties) {
    return new SpringApplicationBuilder(application).web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF)
        .logStartupInfo(false).properties(properties).run();
  }

  @Test
  void theCachePropertiesSetTimesToLiveTheCachesAndNullValues() {
    try (ConfigurableApplicationContext context = start(CachingApplication.class, "blink.cache.time-to-live=5m",
        "blink.cache.caches.prices.time-to-live=30s", "blink.cache.cache-names=books,prices",
        "blink.cache.allow-null-values=false")) {
      CacheManager manager = context.getBean(CacheManager.class);
      assertEquals(Set.of("books", "prices"), Set.copyOf(manager.getCacheNames()));
      assertEquals(Duration.ofMinutes(5), ((BlinkCache) manager.getCache("books")).getTimeToLive());
      assertEquals(Duration.ofSeconds(30), ((BlinkCache) manager.getCache("prices")).getTimeToLive());
      assertNull(manager.getCache("other"), "no cache beyond the names given");
      assertThrows(IllegalArgumentException.class, () -> manager.getCache("books").put("k", null));
    }
  }

  @Test
  void anApplicationsOwnCacheManagerIsKept() {
    try (ConfigurableApplicationContext context = start(OwnCacheManager.class)) {
      assertInstanceOf(ConcurrentMapCacheManager.class, context.getBean(CacheManager.class));
      assertEquals(1, context.getBeansOfType(CacheManager.class).size());
    }
  }

  @Test
  void aCacheTypeChosenIsBootsToMake() {
    try (ConfigurableApplicationContext context = start(CachingApplication.class, "spring.cache.type=simple")) {
      assertInstanceOf(ConcurrentMapCacheManager.class, context.getBean(CacheManager.class));
      assertEquals(1, context.getBeansOfType(BlinkStore.class).size(), "the store is there all the same");
    }
  }

  @Test
  void anApplicationsOwnStoreBacksTheCaches() {
    try (ConfigurableApplicationContext context = start(OwnStore.class)) {
      BlinkCacheManager manager = assertInstanceOf(BlinkCacheManager.class, context.getBean(CacheManager.class));
      assertSame(OwnStore.STORE, manager.getStore());
    }
  }

  @Test
  void withoutEnableCachingThereIsAStoreButNoCacheManager() {
    try (ConfigurableApplicationContext context = start(NoCaching.class)) {
      assertTrue(context.getBeansOfType(CacheManager.class).isEmpty());
      assertEquals(1, context.getBeansOfType(BlinkStore.class).size());
    }
  }
}
