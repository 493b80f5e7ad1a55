package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Expiry of the in-process store, timed by a {@link FakeTicker} instead of sleeps. */
class ExpiryTest {
  private static final Duration TTL = Duration.ofSeconds(10);

  private final FakeTicker clock = new FakeTicker();
  private final BlinkStore store = clock.store(1 << 20);

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void entryIsReadableUntilOneNanosecondBeforeItsTtlAndGoneAtIt() {
    store.set("k", "v", TTL);
    clock.advance(TTL.minusNanos(1));
    assertEquals("v", store.getString("k"));
    assertEquals(Duration.ofNanos(1), store.ttl("k"));
    clock.advance(Duration.ofNanos(1));
    assertNull(store.get("k"));
    assertNull(store.ttl("k"));
  }

  @Test
  void expiredEntryIsInvisibleToEveryOperationAtOnce() {
    store.set("k", "v", TTL);
    clock.advance(TTL);
    assertNull(store.get("k"));
    assertFalse(store.expire("k", TTL));
    assertFalse(store.persist("k"));
    assertFalse(store.delete("k"));
    assertEquals(1, store.increment("k"), "an expired counter counts from zero again");
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("k"));
  }

  @Test
  void expiredBytesLeaveUsageAndAreCountedAsExpirationsNotEvictions() {
    store.set("gone", "12345", TTL);
    store.set("kept", "12");
    assertEquals(4 + 5 + 4 + 2, store.usage());
    clock.advance(TTL);
    assertEquals(4 + 2, store.usage());
    assertEquals(1, store.size());
    assertEquals(new BlinkStats(0, 0, 0, 1), store.stats());
  }

  @Test
  void replacingAnExpiredEntryCountsOnlyTheNewBytes() {
    store.set("k", "12345", TTL);
    clock.advance(TTL);
    store.set("k", "12");
    assertEquals(1 + 2, store.usage());
    clock.advance(TTL);
    assertEquals(1 + 2, store.usage());
    assertEquals("12", store.getString("k"));
  }

  @Test
  void ttlCountsDown() {
    store.set("k", "v", TTL);
    clock.advance(Duration.ofSeconds(3));
    assertEquals(Duration.ofSeconds(7), store.ttl("k"));
  }

  @Test
  void expireRestartsTheCountdownAndPersistStopsIt() {
    store.set("k", "v", TTL);
    clock.advance(Duration.ofSeconds(9));
    assertTrue(store.expire("k", TTL));
    clock.advance(Duration.ofSeconds(9));
    assertEquals("v", store.getString("k"));
    assertTrue(store.persist("k"));
    clock.advance(Duration.ofDays(365));
    assertEquals("v", store.getString("k"));
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("k"));
  }

  @Test
  void expireAndPersistOfAnEntryThatExpiresDuringTheCallKeepTheByteCountExact() {
    // Regression: both once read the clock again after their update; a deadline passing in between made them
    // give back the bytes of the value they had just stored again, and usage drifted below the truth for good.
    for (boolean persist : new boolean[] {false, true}) {
      FakeTicker ticking = new FakeTicker();
      try (BlinkStore racing = ticking.store(1 << 20)) {
        racing.set("k", "12345", TTL);
        ticking.advance(TTL.minusNanos(1));
        ticking.tickOnEveryRead(Duration.ofNanos(1));
        boolean changed = persist ? racing.persist("k") : racing.expire("k", TTL);
        ticking.tickOnEveryRead(Duration.ZERO);
        long expected = racing.get("k") == null ? 0 : 1 + 5;
        assertEquals(changed ? 1 + 5 : 0, expected, "persist " + persist + ": the reply and the entry agree");
        assertEquals(expected, racing.usage(), "persist " + persist);
        racing.delete("k");
        assertEquals(0, racing.usage(), "persist " + persist);
      }
    }
  }

  @Test
  void setIfAbsentTakesTheKeyOfAnExpiredEntryAndCountsItsExpiration() {
    store.set("lock", "old", TTL);
    assertFalse(store.setIfAbsent("lock", "new".getBytes(StandardCharsets.UTF_8)));
    clock.advance(TTL.minusNanos(1));
    assertFalse(store.setIfAbsent("lock", "new".getBytes(StandardCharsets.UTF_8), TTL));
    clock.advance(Duration.ofNanos(1));
    assertTrue(store.setIfAbsent("lock", "newer".getBytes(StandardCharsets.UTF_8), TTL));
    assertEquals("newer", store.getString("lock"));
    assertEquals(TTL, store.ttl("lock"));
    assertEquals(4 + 5, store.usage());
    assertEquals(1, store.stats().expirations());
    clock.advance(TTL);
    assertEquals(0, store.usage());
    assertEquals(2, store.stats().expirations());
  }

  @Test
  void plainSetMakesAnEntryWithATtlLiveForever() {
    store.set("k", "v", TTL);
    store.set("k", "w");
    clock.advance(Duration.ofDays(365 * 50));
    assertEquals("w", store.getString("k"));
  }

  @Test
  void incrementKeepsTheTimeLeftAndTheCounterExpiresWithIt() {
    store.set("n", "1", TTL);
    clock.advance(Duration.ofSeconds(4));
    assertEquals(2, store.increment("n"));
    assertEquals(Duration.ofSeconds(6), store.ttl("n"));
    clock.advance(Duration.ofSeconds(6));
    assertNull(store.get("n"));
  }

  @Test
  void getOrLoadWithTtlLoadsAgainOnceTheValueExpired() {
    int[] loads = new int[1];
    BlinkStore.Loader loader = key -> new byte[] {(byte) ++loads[0]};
    assertEquals(1, store.getOrLoad("k", TTL, loader)[0]);
    assertEquals(1, store.getOrLoad("k", TTL, loader)[0]);
    clock.advance(TTL);
    assertEquals(2, store.getOrLoad("k", TTL, loader)[0]);
    assertEquals(2, loads[0]);
  }

  @Test
  void maxTtlIsReportedAsATtlAndNotAsNoExpiry() {
    store.set("k", "v", BlinkStore.MAX_TTL);
    assertEquals(BlinkStore.MAX_TTL, store.ttl("k"));
    assertTrue(store.persist("k"));
  }

  @Test
  void memoryTakenByExpiredEntriesIsReusedWithoutEvictingLiveOnes() {
    try (BlinkStore small = clock.store(100)) {
      small.set("old", new byte[60], TTL);
      small.set("live", new byte[10]);
      clock.advance(TTL);
      small.set("new", new byte[60]);
      assertEquals(10, small.get("live").length);
      assertEquals(60, small.get("new").length);
      assertEquals(new BlinkStats(2, 0, 0, 1), small.stats());
    }
  }

  @Test
  void theEntryBoundRemovesExpiredEntriesBeforeLiveOnes() {
    try (BlinkStore bounded = BlinkStore.builder().maximumEntries(2).ticker(clock).build()) {
      bounded.set("old", "1", TTL);
      bounded.set("live", "2");
      clock.advance(TTL);
      bounded.set("new", "3");
      assertEquals("2", bounded.getString("live"));
      assertEquals("3", bounded.getString("new"));
      assertEquals(new BlinkStats(2, 0, 0, 1), bounded.stats());
    }
  }
}
