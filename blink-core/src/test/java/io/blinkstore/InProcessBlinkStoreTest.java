package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Runs the {@link BlinkStoreContract} against the in-process store, and tests its builder and value types. */
class InProcessBlinkStoreTest extends BlinkStoreContract {

  @Override
  protected BlinkStore newStore(long memoryLimit) {
    return BlinkStore.builder().memoryLimit(memoryLimit).build();
  }

  /** The example in {@link BlinkStore}'s javadoc, verbatim but for the assertions. */
  @Test
  void javadocExampleRuns() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(64L << 20).build()) {
      store.set("greeting", "hello");
      String value = store.getString("greeting"); // "hello"
      long bytes = store.usage();                 // 8 + 5 = 13
      assertEquals("hello", value);
      assertEquals(13, bytes);
    }
  }

  /** The README's first in-process example, verbatim but for the assertions. */
  @Test
  void readmeExampleRuns() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(64L << 20).build()) {
      store.set("greeting", "hello");
      String value = store.getString("greeting"); // "hello"; null when absent
      boolean existed = store.delete("greeting");
      long bytes = store.usage();                 // exact key + value bytes, never above the limit
      BlinkStats stats = store.stats();           // hits, misses, evictions, expirations, expiring, hitRatio()
      assertEquals("hello", value);
      assertTrue(existed);
      assertEquals(0, bytes);
      assertEquals(new BlinkStats(1, 0, 0, 0), stats);
    }
  }

  /** The TTL, counter, setIfAbsent, getOrLoad and getStored example in the README, verbatim but for the assertions. */
  @Test
  void readmeTtlExampleRuns() {
    Map<String, byte[]> database = Map.of("user:42", "{\"name\":\"alice\"}".getBytes(UTF_8));
    String token = "worker-7";
    try (BlinkStore store = BlinkStore.builder().build()) {
      store.set("session:42", "alice", Duration.ofMinutes(30)); // gone for reads at once when it expires
      Duration left = store.ttl("session:42");                  // null if absent, NO_EXPIRY if it never expires
      long hits = store.increment("hits:client7");             // atomic; stored as decimal text "1"
      boolean mine = store.setIfAbsent("lock:report", token, Duration.ofSeconds(30)); // one racer wins, atomically
      byte[] user = store.getOrLoad("user:42", Duration.ofMinutes(5), key -> database.get(key));
      BlinkStore.StoredValue value = store.getStored("user:42"); // length now; copyTo(buffer, index) copies it once
      assertTrue(left.compareTo(Duration.ofMinutes(30)) <= 0);
      assertEquals(1, hits);
      assertTrue(mine);
      assertEquals("{\"name\":\"alice\"}", new String(user, UTF_8));
      ByteBuffer copy = ByteBuffer.allocate(value.length());
      value.copyTo(copy, 0);
      assertEquals(ByteBuffer.wrap(user), copy);
    }
  }

  /** The in-process get validates the key only on a miss; an invalid key must still throw and count nothing. */
  @ParameterizedTest
  @MethodSource("invalidKeys")
  void getOfAnInvalidKeyThrowsWithoutCountingAMiss(String key) {
    BlinkStore store = store(1000);
    store.set("k", "v");
    assertThrows(IllegalArgumentException.class, () -> store.get(key));
    assertEquals(new BlinkStats(0, 0, 0, 0), store.stats());
  }

  /** Regression: memoryLimit() kept answering after close(), against the contract. */
  @Test
  void memoryLimitAfterCloseThrowsLikeEveryOtherOperation() {
    BlinkStore store = store(1000);
    store.close();
    assertThrows(IllegalStateException.class, store::memoryLimit);
  }

  // ---- builder ----

  @Test
  void defaultMemoryLimitIsTenMebibytes() {
    assertEquals(10L * 1024 * 1024, BlinkStore.DEFAULT_MEMORY_LIMIT);
    try (BlinkStore store = BlinkStore.builder().build()) {
      assertEquals(BlinkStore.DEFAULT_MEMORY_LIMIT, store.memoryLimit());
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, -2, Long.MIN_VALUE})
  void memoryLimitThatIsNotPositiveIsRejectedNamingTheValue(long bytes) {
    BlinkStore.Builder builder = BlinkStore.builder();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> builder.memoryLimit(bytes));
    assertTrue(e.getMessage().contains(Long.toString(bytes)), e.getMessage());
  }

  @Test
  void memoryLimitCanBeSetOnlyOnce() {
    BlinkStore.Builder builder = BlinkStore.builder().memoryLimit(1000);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> builder.memoryLimit(2000));
    assertTrue(e.getMessage().contains("1000"), e.getMessage());
  }

  @Test
  void rejectedMemoryLimitLeavesTheOptionUnset() {
    BlinkStore.Builder builder = BlinkStore.builder();
    assertThrows(IllegalArgumentException.class, () -> builder.memoryLimit(-1));
    try (BlinkStore store = builder.memoryLimit(1000).build()) {
      assertEquals(1000, store.memoryLimit());
    }
  }

  @Test
  void memoryLimitOfOneByteHoldsOneSingleByteKeyWithAnEmptyValue() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1).build()) {
      store.set("k", new byte[0]);
      assertEquals(1, store.usage());
      assertThrows(EntryTooLargeException.class, () -> store.set("k", new byte[1]));
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void maximumEntriesThatIsNotPositiveIsRejectedNamingTheValue(long count) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BlinkStore.builder().maximumEntries(count));
    assertTrue(e.getMessage().contains(Long.toString(count)), e.getMessage());
  }

  @Test
  void maximumEntriesCanBeSetOnlyOnce() {
    BlinkStore.Builder builder = BlinkStore.builder().maximumEntries(10);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> builder.maximumEntries(20));
    assertTrue(e.getMessage().contains("10"), e.getMessage());
  }

  @Test
  void entryBoundEvictsTheExcessAndCountsItWhileUsageStaysExact() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).maximumEntries(100).build()) {
      for (int i = 0; i < 1000; i++) {
        store.set("k" + i, "v");
      }
      assertEquals(100, store.size());
      assertEquals(900, store.stats().evictions());
      long bytes = 0;
      for (int i = 0; i < 1000; i++) {
        String value = store.getString("k" + i);
        bytes += value == null ? 0 : ("k" + i).length() + value.length();
      }
      assertEquals(bytes, store.usage());
    }
  }

  @Test
  void replacingValuesDoesNotCountAgainstTheEntryBound() {
    try (BlinkStore store = BlinkStore.builder().maximumEntries(2).build()) {
      store.set("a", "1");
      store.set("b", "2");
      for (int i = 0; i < 100; i++) {
        store.set("a", "v" + i);
      }
      assertEquals("v99", store.getString("a"));
      assertEquals("2", store.getString("b"));
      assertEquals(0, store.stats().evictions());
    }
  }

  @Test
  void eachBuildMakesASeparateStore() {
    BlinkStore.Builder builder = BlinkStore.builder().memoryLimit(1000);
    try (BlinkStore first = builder.build(); BlinkStore second = builder.build()) {
      first.set("k", "v");
      assertNull(second.get("k"));
    }
  }

  // ---- isValidKey ----

  @ParameterizedTest
  @ValueSource(strings = {"k", "user:42", "ключ", "🔑", "a🔑b", "日本語", "zero\u200Bwidth", "\u001F", "\u0000"})
  void isValidKeyAcceptsNonEmptyWellFormedKeysWithoutWhiteSpace(String key) {
    assertTrue(BlinkStore.isValidKey(key));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "a b", "a\nb", "a\u00A0b", "\u3000", "\uD83D", "\uDD11", "a\uD83Db", "\uDD11\uD83D"})
  void isValidKeyRejectsEmptyWhiteSpaceAndUnpairedSurrogates(String key) {
    assertFalse(BlinkStore.isValidKey(key));
  }

  @Test
  void isValidKeyRejectsExactlyTheUnicodeWhiteSpaceCharacters() {
    for (int i = 0; i <= Character.MAX_VALUE; i++) {
      char c = (char) i;
      if (!Character.isSurrogate(c)) {
        assertEquals(!KeyModel.WHITE_SPACE.contains(c), BlinkStore.isValidKey("a" + c + "b"), "U+" + Integer.toHexString(i));
      }
    }
  }

  @Test
  void isValidKeyRejectsNull() {
    assertThrows(NullPointerException.class, () -> BlinkStore.isValidKey(null));
  }

  // ---- BlinkStats ----

  @Test
  void statsRejectNegativeCounters() {
    assertThrows(IllegalArgumentException.class, () -> new BlinkStats(-1, 0, 0));
    assertThrows(IllegalArgumentException.class, () -> new BlinkStats(0, -1, 0));
    assertThrows(IllegalArgumentException.class, () -> new BlinkStats(0, 0, -1));
  }

  @Test
  void statsRequestsAreHitsPlusMisses() {
    assertEquals(7, new BlinkStats(3, 4, 100).requests());
  }

  @Test
  void statsHitRatioIsHitsOverRequests() {
    assertEquals(0.75, new BlinkStats(3, 1, 0).hitRatio());
    assertEquals(0.0, new BlinkStats(0, 5, 0).hitRatio());
  }

  @Test
  void statsHitRatioWithoutRequestsIsOne() {
    assertEquals(1.0, new BlinkStats(0, 0, 9).hitRatio());
  }
}
