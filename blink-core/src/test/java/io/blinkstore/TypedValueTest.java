package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.Isolation;
import io.blinkstore.internal.Keyspace;
import io.blinkstore.internal.Watches;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The store's typed-value machinery ({@link TypedAccess}, {@link TypedUpdate}) with a type of no semantics of its
 * own ({@link TestBag}): one entry weighed by key plus element bytes, created by a write, removed when emptied,
 * refused past the limit or the heap capacity without a change, seen by the string operations as the wrong type,
 * overwritten by {@code set}, given a time to live, copied deep, watched.
 */
class TypedValueTest {
  private final FakeTicker clock = new FakeTicker();
  private final IsolatedStore store = (IsolatedStore) clock.store(1 << 20);
  private final CaffeineBlinkStore inner = store.unwrap();

  private long add(String key, String element) {
    return store.update(key, TestBag.add(element.getBytes(UTF_8)));
  }

  private List<String> elements(String key) {
    return store.read(key, TestBag.class, bag -> {
      List<String> all = new ArrayList<>();
      bag.elements.forEach(element -> all.add(new String(element, UTF_8)));
      return all;
    }, List.of());
  }

  @Test
  void aWriteCreatesOneEntryWeighedByKeyAndElementBytes() {
    assertEquals(1, add("bag", "one"));
    assertEquals(2, add("bag", "three"));
    assertEquals(List.of("one", "three"), elements("bag"));
    assertEquals(3 + 3 + 5, store.usage());
    assertEquals(1, store.size());
    assertEquals("bag", store.type("bag"));
    assertEquals("testbag", store.encoding("bag"));
    assertEquals(3 + 3 + 5, inner.policy.eviction().orElseThrow().weightedSize().orElseThrow(),
        "Caffeine re-weighed the entry after each write");
  }

  @Test
  void aValueLeftEmptyIsRemovedAndAnAbsentKeyIsNotCreated() {
    assertFalse(store.update("bag", TestBag.removeFirst()), "absent: nothing to remove, nothing created");
    assertEquals(0, store.size());
    add("bag", "x");
    assertTrue(store.update("bag", TestBag.removeFirst()));
    assertEquals(0, store.size());
    assertEquals(0, store.usage());
    assertNull(store.type("bag"));
    assertEquals(0, inner.typed.overhead());
    assertEquals(List.of(), elements("bag"));
  }

  @Test
  void stringOperationsOnATypedKeyAreTheWrongTypeAndChangeNothing() {
    add("bag", "x");
    assertThrows(WrongTypeException.class, () -> store.get("bag"));
    assertThrows(WrongTypeException.class, () -> store.getString("bag"));
    assertThrows(WrongTypeException.class, () -> store.getStored("bag"));
    assertThrows(WrongTypeException.class, () -> store.incrementBy("bag", 1));
    assertThrows(WrongTypeException.class, () -> store.swaps().read("bag"));
    assertThrows(WrongTypeException.class, () -> store.getOrLoad("bag", key -> new byte[1]));
    assertFalse(store.setIfAbsent("bag", new byte[1]), "a typed key is present");
    assertEquals(List.of("x"), elements("bag"));
    assertEquals(4, store.usage());
  }

  @Test
  void typedOperationsOnAStringKeyAreTheWrongTypeAndChangeNothing() {
    store.set("text", "value");
    assertThrows(WrongTypeException.class, () -> add("text", "x"));
    assertThrows(WrongTypeException.class, () -> elements("text"));
    assertEquals("value", store.getString("text"));
    assertEquals(4 + 5, store.usage());
    assertEquals("string", store.type("text"));
    assertNull(store.encoding("text"));
  }

  @Test
  void setOverwritesAndDeleteRemovesATypedValue() {
    add("bag", "abc");
    store.set("bag", "v");
    assertEquals("v", store.getString("bag"));
    assertEquals(3 + 1, store.usage());
    assertEquals(0, inner.typed.overhead());
    add("other", "abc");
    assertTrue(store.delete("other"));
    assertEquals(3 + 1, store.usage());
    assertEquals(0, inner.typed.overhead());
  }

  @Test
  void aTimeToLiveExpiresTheWholeValue() {
    add("bag", "x");
    assertTrue(store.expire("bag", Duration.ofSeconds(10)));
    add("bag", "y"); // a write keeps the time to live, as Redis's HSET does
    assertEquals(Duration.ofSeconds(10), store.ttl("bag"));
    assertEquals(List.of("x", "y"), elements("bag"));
    assertTrue(store.persist("bag"));
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("bag"));
    assertTrue(store.expire("bag", Duration.ofSeconds(1)));
    clock.advance(Duration.ofSeconds(2));
    assertEquals(List.of(), elements("bag"));
    assertEquals(0, store.usage());
    assertEquals(1, store.stats().expirations());
    assertEquals(0, inner.typed.overhead());
  }

  @Test
  void aWriteOverAnExpiredValueStartsAFreshOne() {
    add("bag", "old");
    store.expire("bag", Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(2));
    assertEquals(1, add("bag", "new"));
    assertEquals(List.of("new"), elements("bag"));
    assertEquals(3 + 3, store.usage());
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("bag"));
    assertEquals(1, store.stats().expirations());
  }

  @Test
  void aValueThatWouldPassTheLimitIsRefusedUnchanged() {
    try (IsolatedStore small = (IsolatedStore) BlinkStore.builder().memoryLimit(100).build()) {
      small.update("bag", TestBag.add(new byte[60]));
      small.set("other", new byte[10]);
      EntryTooLargeException refused =
          assertThrows(EntryTooLargeException.class, () -> small.update("bag", TestBag.add(new byte[40])));
      assertEquals(3 + 60 + 40, refused.entryBytes());
      assertEquals(1, small.read("bag", TestBag.class, bag -> bag.elements.size(), 0));
      assertEquals(3 + 60 + 5 + 10, small.usage(), "nothing changed, nothing evicted");
      assertThrows(EntryTooLargeException.class, () -> small.update("new", TestBag.add(new byte[100])));
      assertNull(small.type("new"));
    }
  }

  @Test
  void theHeapCapacityCountsEachElementsOverheadAndBoundsOneValue() {
    int perEntry = 100;
    long capacity = 64 << 10;
    try (IsolatedStore bounded = (IsolatedStore) BlinkStore.builder().memoryLimit(16 << 20)
        .heapCapacity(capacity, perEntry).build()) {
      CaffeineBlinkStore caffeine = bounded.unwrap();
      int added = 0;
      EntryTooLargeException refused = null;
      // One-byte elements: bytes alone would allow 16 million; their heap cost stops them near capacity / 41.
      while (refused == null && added < 1_000_000) {
        try {
          bounded.update("bag", TestBag.add(new byte[1]));
          added++;
        } catch (EntryTooLargeException e) {
          refused = e;
        }
      }
      assertTrue(refused != null, "refused before a million");
      assertTrue(caffeine.bound.cost() <= capacity, () -> "cost " + caffeine.bound.cost());
      long expected = (capacity - perEntry - 3) / (1 + TestBag.HEAP_PER_ELEMENT);
      assertEquals(expected, added);
      assertEquals(3 + added, bounded.usage());
      assertEquals((long) added * TestBag.HEAP_PER_ELEMENT, caffeine.typed.overhead());
      assertEquals(caffeine.bound.cost(), ((Keyspace.Source) bounded).keyspace().entryCost(0, "bag"),
          "the store's cost is this one entry's");
    }
  }

  @Test
  void copyIsDeepAndKeepsTheDeadline() {
    add("bag", "x");
    store.expire("bag", Duration.ofSeconds(10));
    assertTrue(store.copy("bag", "copy"));
    add("copy", "y");
    assertEquals(List.of("x"), elements("bag"));
    assertEquals(List.of("x", "y"), elements("copy"));
    assertEquals(Duration.ofSeconds(10), store.ttl("copy"));
    assertFalse(store.copy("bag", "copy"), "the target has a value");
    store.set("text", "v");
    assertFalse(store.copy("text", "elsewhere"), "a string is not copied here");
    assertEquals(3 + 1 + 4 + 2 + 4 + 1, store.usage());
    assertEquals(3L * TestBag.HEAP_PER_ELEMENT, inner.typed.overhead());
  }

  @Test
  void aTypedWriteMarksWatchersAndTellsTheWriteListener() {
    Watches watches = ((Isolation.Source) store).isolation().watches();
    Watches.Watcher watcher = new Watches.Watcher();
    watches.watch(watcher, "bag", false);
    List<String> written = new ArrayList<>();
    store.onWrite(written::add);
    assertFalse(store.update("bag", TestBag.removeFirst()));
    assertFalse(watcher.dirty(), "nothing modified");
    add("bag", "x");
    assertTrue(watcher.dirty());
    store.copy("bag", "copy");
    assertEquals(List.of("bag", "copy"), written);
  }

  @Test
  void theKeyspaceListsAndCountsTypedKeys() {
    add("bag", "x");
    store.set("text", "v");
    Keyspace keyspace = store.keyspace();
    assertEquals(2, keyspace.size(0));
    List<String> keys = new ArrayList<>();
    keyspace.forEachKey(0, keys::add);
    assertEquals(2, keys.size());
    assertEquals(3 + 1 + 1 + TestBag.HEAP_PER_ELEMENT, keyspace.entryCost(0, "bag"),
        "key and element bytes, the per-entry figure of a store without a capacity (1), the element's overhead");
    keyspace.flush(0);
    assertEquals(0, store.usage());
    assertEquals(0, inner.typed.overhead());
  }

  @Test
  void aWrongTypeNamesTheKeyAndItsType() {
    add("bag", "x");
    WrongTypeException e = assertThrows(WrongTypeException.class, () -> store.get("bag"));
    assertTrue(e.getMessage().contains("bag is a bag"), e.getMessage());
    assertArrayEquals(new StackTraceElement[0], e.getStackTrace());
  }
}
