package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.Keyspace;
import io.blinkstore.internal.Namespaces;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Keyspace} on the in-process store: SCAN's cursors and their bounds, KEYS and RANDOMKEY. */
class KeyspaceTest {
  private static final byte[] VALUE = "v".getBytes(StandardCharsets.UTF_8);

  private final FakeTicker clock = new FakeTicker();
  private final BlinkStore store = clock.store(64L << 20);
  private final Keyspace keyspace = ((Keyspace.Source) store).keyspace();

  /** Stores keys {@code k0} to {@code k<n-1>}. */
  private void fill(int n) {
    for (int i = 0; i < n; i++) {
      store.set("k" + i, VALUE);
    }
  }

  /** The keys of {@code namespace}, scanned with steps of {@code count}, each once. */
  private Set<String> scanAll(int namespace, int count, Runnable between) {
    Set<String> seen = new HashSet<>();
    long cursor = 0;
    do {
      Keyspace.Step step = keyspace.scan(namespace, cursor, count);
      step.keys().forEach(key -> assertTrue(seen.add(key), key + " twice"));
      cursor = step.cursor();
      between.run();
    } while (cursor != 0);
    return seen;
  }

  /** Scans to the end with steps of {@code count}, running {@code between} after each; counts each key seen. */
  private Map<String, Integer> scanAll(int count, Runnable between) {
    Map<String, Integer> seen = new HashMap<>();
    long cursor = 0;
    int steps = 0;
    do {
      assertTrue(++steps < 100_000, "the iteration does not end");
      Keyspace.Step step = keyspace.scan(0, cursor, count);
      assertNotNull(step, "a live cursor was refused");
      assertTrue(step.keys().size() <= count, "a step returned more than COUNT keys");
      step.keys().forEach(key -> seen.merge(key, 1, Integer::sum));
      cursor = step.cursor();
      between.run();
    } while (cursor != 0);
    return seen;
  }

  /** As Redis's FLUSHDB and FLUSHALL, a flush or a clear frees keys whose time had passed without counting them. */
  @Test
  void aFlushOrAClearCountsNoExpiration() {
    for (int i = 0; i < 10; i++) {
      store.set("short:" + i, VALUE, Duration.ofMillis(1));
      store.set("long:" + i, VALUE);
    }
    clock.advance(Duration.ofSeconds(1));
    keyspace.flush(0);
    assertEquals(0, store.stats().expirations(), "a flush");
    assertEquals(0, store.size());
    for (int i = 0; i < 10; i++) {
      store.set("short:" + i, VALUE, Duration.ofMillis(1));
    }
    clock.advance(Duration.ofSeconds(1));
    store.clear();
    assertEquals(0, store.stats().expirations(), "a clear");
  }

  @Test
  void everyKeyPresentThroughoutIsReturnedExactlyOnceWhileTheMapGrowsAndShrinks() {
    Set<String> stable = new HashSet<>();
    for (int i = 0; i < 1_000; i++) {
      store.set("stable:" + i, VALUE);
      stable.add("stable:" + i);
    }
    int[] wave = {0};
    Map<String, Integer> seen = scanAll(7, () -> {
      // Waves of 5,000 keys added and removed: the table doubles and the entries move, many times over.
      int n = wave[0]++;
      for (int i = 0; i < 500; i++) {
        store.set("churn:" + n + ":" + i, VALUE);
      }
      if (n >= 10) {
        for (int i = 0; i < 500; i++) {
          store.delete("churn:" + (n - 10) + ":" + i);
        }
      }
    });
    for (String key : stable) {
      assertEquals(1, seen.getOrDefault(key, 0), key);
    }
    seen.forEach((key, times) -> assertEquals(1, times, key));
  }

  @Test
  void aStepReplayedWithItsOldCursorIsRefused() {
    fill(100);
    Keyspace.Step first = keyspace.scan(0, 0, 10);
    Keyspace.Step second = keyspace.scan(0, first.cursor(), 10);
    assertNotNull(second);
    assertNotEquals(first.cursor(), second.cursor());
    assertNull(keyspace.scan(0, first.cursor(), 10), "a used cursor number must not resume the iteration");
    assertNull(keyspace.scan(0, 12_345, 10), "a number never issued is no cursor");
  }

  @Test
  void aCursorUnusedForTheIdleTimeIsDropped() {
    fill(100);
    long kept = keyspace.scan(0, 0, 10).cursor();
    long dropped = keyspace.scan(0, 0, 10).cursor();
    clock.advance(ScanCursors.IDLE.minusSeconds(1));
    kept = keyspace.scan(0, kept, 10).cursor();
    clock.advance(Duration.ofSeconds(2));
    assertNull(keyspace.scan(0, dropped, 10));
    assertNotNull(keyspace.scan(0, kept, 10));
  }

  @Test
  void beyondTheBoundTheLeastRecentlyUsedCursorIsDropped() {
    fill(100);
    long oldest = keyspace.scan(0, 0, 1).cursor();
    long second = keyspace.scan(0, 0, 1).cursor();
    for (int i = 2; i < ScanCursors.MAX_CURSORS; i++) {
      keyspace.scan(0, 0, 1);
    }
    second = keyspace.scan(0, second, 1).cursor(); // used again: now the most recent
    keyspace.scan(0, 0, 1); // one past the bound
    assertNull(keyspace.scan(0, oldest, 1));
    assertNotNull(keyspace.scan(0, second, 1));
  }

  @Test
  void aStepLooksAtABoundedNumberOfEntries() {
    for (int i = 0; i < 1_000; i++) {
      store.set("gone:" + i, VALUE, Duration.ofSeconds(1));
    }
    clock.advance(Duration.ofSeconds(2));
    Keyspace.Step step = keyspace.scan(0, 0, 1);
    // 1,000 expired entries: one step looks at 10 of them, finds nothing, and is not at the end.
    assertTrue(step.keys().isEmpty());
    assertNotEquals(0, step.cursor());
  }

  @Test
  void expiredKeysAreNeverReturned() {
    store.set("short", VALUE, Duration.ofSeconds(1));
    store.set("long", VALUE, Duration.ofSeconds(10));
    store.set("ever", VALUE);
    clock.advance(Duration.ofSeconds(2));
    assertEquals(Set.of("long", "ever"), scanAll(10, () -> { }).keySet());
    assertEquals(Set.of("long", "ever"), new HashSet<>(keys()));
  }

  private List<String> keys() {
    List<String> keys = new ArrayList<>();
    keyspace.forEachKey(0, keys::add);
    return keys;
  }

  @Test
  void forEachKeyStopsWhenTheVisitorSaysSo() {
    fill(100);
    List<String> visited = new ArrayList<>();
    keyspace.forEachKey(0, key -> visited.add(key) && visited.size() < 3);
    assertEquals(3, visited.size());
  }

  @Test
  void forEachKeyVisitsEveryLiveKeyOnce() {
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      store.set("k" + i, VALUE);
      expected.add("k" + i);
    }
    List<String> keys = keys();
    assertEquals(expected.size(), keys.size());
    assertEquals(expected, new HashSet<>(keys));
  }

  @Test
  void randomKeyIsNullOnlyWhenNothingIsLive() {
    assertNull(keyspace.randomKey(0));
    store.set("gone", VALUE, Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2));
    assertNull(keyspace.randomKey(0));
    store.set("one", VALUE);
    for (int i = 0; i < 100; i++) {
      assertEquals("one", keyspace.randomKey(0));
    }
  }

  @Test
  void randomKeyReachesEveryKey() {
    Set<String> all = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      store.set("k" + i, VALUE);
      all.add("k" + i);
    }
    Set<String> seen = new HashSet<>();
    List<String> calls = new ArrayList<>();
    for (int i = 0; i < 100_000 && !seen.equals(all); i++) {
      String key = keyspace.randomKey(0);
      calls.add(key);
      seen.add(key);
    }
    assertEquals(all, seen, "after " + calls.size() + " calls");
  }

  @Test
  void namespacesAreCountedScannedAndFlushedApart() {
    for (int i = 0; i < 50; i++) {
      store.set("k" + i, VALUE);
      store.set(Namespaces.key(1, "k" + i), VALUE);
      store.set(Namespaces.key(2, "only2:" + i), VALUE, Duration.ofSeconds(10));
    }
    assertEquals(50, keyspace.size(0));
    assertEquals(50, keyspace.size(1));
    assertEquals(50, keyspace.size(2));
    assertEquals(0, keyspace.expiring(1));
    assertEquals(50, keyspace.expiring(2));
    Set<String> inOne = scanAll(1, 7, () -> { });
    assertEquals(50, inOne.size());
    assertTrue(inOne.contains("k0"), "keys come back without their namespace");
    assertEquals(Set.of(), scanAll(3, 7, () -> { }));
    assertEquals("only2:", keyspace.randomKey(2).substring(0, 6));
    assertNull(keyspace.randomKey(3));

    store.delete(Namespaces.key(1, "k0"));
    assertEquals(49, keyspace.size(1));
    clock.advance(Duration.ofSeconds(11));
    assertEquals(0, keyspace.size(2), "expired keys leave their namespace's count when swept");
    assertEquals(0, keyspace.expiring(2));
    keyspace.flush(1);
    assertEquals(0, keyspace.size(1));
    assertEquals(50, keyspace.size(0), "a flush leaves other namespaces alone");
    long namespaceZero = 0;
    for (int i = 0; i < 50; i++) {
      namespaceZero += ("k" + i).length() + VALUE.length;
    }
    assertEquals(namespaceZero, store.usage(), "a flush counts the bytes out");
  }

  @Test
  void namespaceCountsFollowEveryWayAKeyEntersAndLeaves() {
    try (BlinkStore small = clock.store(2_000)) {
      Keyspace counted = ((Keyspace.Source) small).keyspace();
      for (int i = 0; i < 500; i++) { // far more than fits: most are evicted
        small.set(Namespaces.key(1, "e" + i), new byte[20]);
        small.incrementBy(Namespaces.key(1, "c" + i), 1);
        small.setIfAbsent(Namespaces.key(1, "n" + i), VALUE, Duration.ofSeconds(1));
      }
      clock.advance(Duration.ofSeconds(2));
      small.expire(Namespaces.key(1, "c499"), Duration.ofSeconds(1));
      long[] live = {0};
      counted.forEachKey(1, key -> live[0]++ >= 0);
      assertEquals(live[0], counted.size(1));
      assertEquals(small.size(), counted.size(1));
      small.clear();
      assertEquals(0, counted.size(1));
    }
  }

  @Test
  void withActiveExpiryOffAnExpiredKeyIsCountedUntilACommandTouchesIt() {
    store.set("lazy", VALUE, Duration.ofSeconds(1));
    store.set("kept", VALUE);
    keyspace.activeExpiry(false);
    clock.advance(Duration.ofSeconds(2));
    assertEquals(2, keyspace.size(0), "an expired key is counted while no command touched it");
    assertEquals(1, keyspace.expiring(0));
    assertEquals(2, store.size());
    assertNull(store.get("lazy"), "a read never answers an expired key");
    assertEquals(1, keyspace.size(0), "the read removed it");
    store.set("late", VALUE, Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2));
    keyspace.activeExpiry(true);
    assertEquals(1, keyspace.size(0), "switched back on, the sweep before the count removes it");
  }

  @Test
  void aValuesIdentityStaysWhileItChangesInPlaceAndNotWhenReplaced() {
    assertEquals(-1, keyspace.valueIdentity(0, "counter"));
    store.set("counter", "20000".getBytes(StandardCharsets.UTF_8));
    long before = keyspace.valueIdentity(0, "counter");
    store.incrementBy("counter", 1);
    assertEquals(before, keyspace.valueIdentity(0, "counter"), "an increment of the same length is made in place");
    store.set("counter", "a longer value".getBytes(StandardCharsets.UTF_8));
    assertNotEquals(before, keyspace.valueIdentity(0, "counter"), "a longer value is a new array");
    store.delete("counter");
    assertEquals(-1, keyspace.valueIdentity(0, "counter"));
  }
}
