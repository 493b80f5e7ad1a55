package io.blinkstore.spring;

import io.blinkstore.BlinkStore;
import io.blinkstore.client.BlinkClient;
import java.util.concurrent.Executor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.CacheAspectSupport;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;

/**
 * Spring Boot auto-configuration: a {@link BlinkStore} from the {@code blink.*} properties ({@link BlinkProperties})
 * unless the application declares one, and, where caching is enabled ({@code @EnableCaching}) and no other cache
 * manager is declared or chosen ({@code spring.cache.type}), a {@link BlinkCacheManager} on it; with Micrometer and
 * Boot's cache metrics present, a {@link BlinkCacheMeterBinderProvider}, through which Boot binds each cache's
 * meters. Runs before Boot's own cache auto-configuration, which then backs off.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.cache.autoconfigure.CacheAutoConfiguration")
@ConditionalOnClass(CacheManager.class)
@EnableConfigurationProperties(BlinkProperties.class)
public class BlinkCacheAutoConfiguration {

  /** The store the address names (or an in-process one); closed with the application context. */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public BlinkStore blinkStore(BlinkProperties properties) {
    return Stores.open(properties.getAddress(), properties.getMemoryLimit().toBytes());
  }

  /** The cache manager, where caching is enabled and nothing else provides one. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(CacheAspectSupport.class)
  @ConditionalOnMissingBean(value = CacheManager.class, name = "cacheResolver")
  @ConditionalOnExpression("'${spring.cache.type:}' == ''") // a type chosen is Boot's to make
  static class CacheManagerConfiguration {
    @Bean
    BlinkCacheManager cacheManager(BlinkStore store, BlinkProperties properties, ResourceLoader resources,
        @Qualifier("applicationTaskExecutor") ObjectProvider<Executor> executors) {
      BlinkProperties.Cache cache = properties.getCache();
      BlinkCacheManager.Builder builder = BlinkCacheManager.builder(store)
          .allowNullValues(cache.isAllowNullValues())
          .codec(ValueCodec.serialization(resources.getClassLoader())); // the application's, as Boot's Redis cache
      if (cache.getTimeToLive() != null) {
        builder.defaultTimeToLive(cache.getTimeToLive());
      }
      cache.getCaches().forEach((name, spec) -> {
        if (spec.getTimeToLive() != null) {
          builder.timeToLive(name, spec.getTimeToLive());
        }
      });
      if (!cache.getCacheNames().isEmpty()) {
        builder.cacheNames(cache.getCacheNames());
      }
      if (!(store instanceof BlinkClient) && Stores.isRedis(properties.getAddress())) {
        // Redis through blink-redis has no asynchronous commands of its own: retrieve() runs on Boot's pool.
        executors.ifAvailable(builder::asyncExecutor);
      }
      return builder.build();
    }
  }

  /** Boot binds each cache's meters through this provider, as it does Caffeine's and Redis's. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"io.micrometer.core.instrument.MeterRegistry",
      "org.springframework.boot.cache.metrics.CacheMeterBinderProvider"})
  static class MetricsConfiguration {
    @Bean
    @ConditionalOnMissingBean
    BlinkCacheMeterBinderProvider blinkCacheMeterBinderProvider() {
      return new BlinkCacheMeterBinderProvider();
    }
  }
}
