package io.blinkstore.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The manager outside Spring: its builder's rules, fixed and dynamic caches, caches that refuse nulls. */
class BlinkCacheManagerTest {
  private final BlinkStore store = BlinkStore.builder().build();

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void theJavadocExampleBuildsAManagerWithTimesToLive() {
    BlinkCacheManager caches = BlinkCacheManager.builder(store)
        .defaultTimeToLive(Duration.ofMinutes(10))
        .timeToLive("sessions", Duration.ofMinutes(30))
        .build();
    assertEquals(Set.of("sessions"), Set.copyOf(caches.getCacheNames()));
    assertEquals(Duration.ofMinutes(30), ((BlinkCache) caches.getCache("sessions")).getTimeToLive());
    assertEquals(Duration.ofMinutes(10), ((BlinkCache) caches.getCache("products")).getTimeToLive());
  }

  @Test
  void fixedNamesMakeNoOtherCache() {
    BlinkCacheManager caches = BlinkCacheManager.builder(store).cacheNames(List.of("a", "b")).build();
    assertNotNull(caches.getCache("a"));
    assertNull(caches.getCache("c"));
    BlinkCacheManager dynamic = BlinkCacheManager.builder(store).build();
    assertSame(dynamic.getCache("c"), dynamic.getCache("c"));
  }

  @Test
  void aCacheWithoutNullsRefusesToPutOrLoadOne() {
    BlinkCacheManager caches = BlinkCacheManager.builder(store).allowNullValues(false).build();
    BlinkCache cache = (BlinkCache) caches.getCache("c");
    assertThrows(IllegalArgumentException.class, () -> cache.put("k", null));
    assertThrows(IllegalArgumentException.class, () -> cache.get("k", () -> null));
    assertNull(cache.get("k"));
  }

  @Test
  void eachOptionIsSetOnceAndBadTimesToLiveFailNamingTheOption() {
    BlinkCacheManager.Builder builder = BlinkCacheManager.builder(store).defaultTimeToLive(Duration.ofSeconds(1));
    assertThrows(IllegalStateException.class, () -> builder.defaultTimeToLive(Duration.ofSeconds(2)));
    builder.timeToLive("a", Duration.ofSeconds(1));
    assertThrows(IllegalStateException.class, () -> builder.timeToLive("a", Duration.ofSeconds(1)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> builder.timeToLive("b", Duration.ZERO));
    assertTrue(e.getMessage().contains("timeToLive of cache b"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> BlinkCacheManager.builder(store).defaultTimeToLive(BlinkStore.MAX_TTL.plusSeconds(1)));
  }

  @Test
  void aCodecThatEncodesAValueAsNoBytesIsRefused() {
    ValueCodec empty = new ValueCodec() {
      @Override
      public byte[] encode(Object value) {
        return new byte[0];
      }

      @Override
      public Object decode(byte[] bytes) {
        return "x";
      }
    };
    BlinkCache cache = (BlinkCache) BlinkCacheManager.builder(store).codec(empty).build().getCache("c");
    assertThrows(IllegalStateException.class, () -> cache.put("k", "v"));
  }

  @Test
  void anAddressOfASchemeThisModuleDoesNotKnowIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Stores.open("memcached://127.0.0.1:11211", 1 << 20));
    assertTrue(e.getMessage().contains("'memcached'"), e.getMessage());
  }
}
