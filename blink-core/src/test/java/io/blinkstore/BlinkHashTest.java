package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-process {@link BlinkHash}: Redis's hash semantics through the public API, the hash one entry of the store
 * (usage, expiry, delete, overwrite), the wrong type both ways, and a write past the limit refused unchanged.
 */
class BlinkHashTest {
  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final BlinkHash user = store.hash("user:1");

  @AfterEach
  void close() {
    store.close();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  @Test
  void fieldsAreSetReadCountedAndDeleted() {
    assertTrue(user.set("name", bytes("Ada")));
    assertFalse(user.set("name", bytes("Ada L.")), "an existing field");
    assertFalse(user.setIfAbsent("name", bytes("x")));
    assertTrue(user.setIfAbsent("lang", bytes("en")));
    assertArrayEquals(bytes("Ada L."), user.get("name"));
    assertNull(user.get("none"));
    assertTrue(user.contains("lang"));
    assertEquals(2, user.size());
    Map<String, byte[]> more = new LinkedHashMap<>();
    more.put("lang", bytes("fr"));
    more.put("city", bytes("London"));
    assertEquals(1, user.setAll(more));
    assertEquals(List.of("name", "lang", "city"), List.copyOf(user.getAll().keySet()), "insertion order");
    assertEquals(6 + (4 + 6) + (4 + 2) + (4 + 6), store.usage(), "key plus field and value bytes");
    assertTrue(user.delete("name"));
    assertFalse(user.delete("name"));
    assertEquals("user:1", user.key());
  }

  /** {@link BlinkHash}'s javadoc example, verbatim. */
  @Test
  void theJavadocExampleRuns() {
    BlinkHash user = store.hash("user:42");
    user.set("name", "Ada".getBytes(UTF_8));   // HSET user:42 name Ada: true, a new field
    long visits = user.incrementBy("visits", 1); // HINCRBY user:42 visits 1: 1
    Map<String, byte[]> all = user.getAll();    // HGETALL user:42
    assertEquals(1, visits);
    assertEquals(List.of("name", "visits"), List.copyOf(all.keySet()));
  }

  @Test
  void counterFieldsCountAndRefuseWhatIsNotAnInteger() {
    assertEquals(5, user.incrementBy("visits", 5));
    assertEquals(3, user.incrementBy("visits", -2));
    user.set("name", bytes("Ada"));
    assertThrows(NotAnIntegerException.class, () -> user.incrementBy("name", 1));
    user.set("big", bytes(Long.toString(Long.MAX_VALUE)));
    assertThrows(ArithmeticException.class, () -> user.incrementBy("big", 1));
    assertArrayEquals(bytes(Long.toString(Long.MAX_VALUE)), user.get("big"), "unchanged");
  }

  @Test
  void theHashIsOneEntryOfTheStore() {
    user.set("name", bytes("Ada"));
    assertTrue(store.expire("user:1", Duration.ofMinutes(1)));
    assertTrue(store.ttl("user:1").compareTo(Duration.ofSeconds(59)) > 0);
    assertEquals(1, store.size());
    assertTrue(store.delete("user:1"));
    assertEquals(0, user.size());
    assertEquals(Map.of(), user.getAll());
    user.set("name", bytes("Ada"));
    store.set("user:1", "text");
    assertEquals("text", store.getString("user:1"));
    assertThrows(WrongTypeException.class, () -> user.get("name"));
    assertThrows(WrongTypeException.class, () -> user.set("name", bytes("x")));
  }

  @Test
  void aStringReadOfAHashIsTheWrongType() {
    user.set("name", bytes("Ada"));
    assertThrows(WrongTypeException.class, () -> store.get("user:1"));
    assertThrows(WrongTypeException.class, () -> store.increment("user:1"));
  }

  @Test
  void aFieldThatWouldPassTheLimitIsRefusedUnchanged() {
    try (BlinkStore small = BlinkStore.builder().memoryLimit(100).build()) {
      BlinkHash hash = small.hash("h");
      hash.set("a", new byte[50]);
      assertThrows(EntryTooLargeException.class, () -> hash.set("b", new byte[50]));
      assertEquals(1, hash.size());
      assertEquals(1 + 1 + 50, small.usage());
    }
  }

  /**
   * A million one-byte fields would cost the heap about 50 MB beyond their bytes: the heap capacity counts each
   * field's overhead, so the hash is refused long before, unchanged, and the store's reckoning stays within it.
   */
  @Test
  void theHeapCapacityBoundsAHashOfTinyFields() {
    long capacity = 1 << 20;
    try (IsolatedStore bounded = (IsolatedStore) BlinkStore.builder().memoryLimit(64 << 20)
        .heapCapacity(capacity, 100).build()) {
      BlinkHash hash = bounded.hash("h");
      int written = 0;
      EntryTooLargeException refused = null;
      while (refused == null && written < 1_000_000) {
        try {
          hash.set(Integer.toString(written, 36), new byte[1]);
          written++;
        } catch (EntryTooLargeException e) {
          refused = e;
        }
      }
      assertTrue(refused != null && written < capacity / HashValue.HEAP_PER_FIELD, "refused at " + written);
      assertEquals(written, hash.size(), "the refused field was not written");
      assertTrue(bounded.unwrap().bound.cost() <= capacity, () -> "cost " + bounded.unwrap().bound.cost());
    }
  }

  @Test
  void anInvalidKeyIsRefusedAtOnce() {
    assertThrows(IllegalArgumentException.class, () -> store.hash("has space"));
  }
}
