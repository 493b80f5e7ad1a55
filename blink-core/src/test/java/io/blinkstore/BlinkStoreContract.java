package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link BlinkStore} must show, whatever its transport. An implementation's test class
 * extends this and says how to make a fresh, empty store; the in-process store runs it in
 * {@link InProcessBlinkStoreTest}, and the network client runs it from the published test-jar.
 *
 * <p>Uses only the public API. Every store made through {@link #store(long)} is closed after the test.
 */
public abstract class BlinkStoreContract {

  /** A limit no test here comes close to, for tests that are not about the limit. */
  protected static final long ROOMY_LIMIT = 1L << 20;

  private final List<BlinkStore> opened = new ArrayList<>();

  /**
   * Returns a new, empty store whose {@link BlinkStore#memoryLimit()} is {@code memoryLimit} and whose
   * {@link BlinkStore#stats()} are all zero.
   */
  protected abstract BlinkStore newStore(long memoryLimit);

  /**
   * Tells whether the store accounts bytes as {@link BlinkStore} promises: {@link BlinkStore#usage()} is exactly
   * key plus value bytes, {@link BlinkStore#memoryLimit()} is the limit {@link #newStore(long)} was given, an
   * entry larger than it is refused with {@link EntryTooLargeException}, and evictions keep usage within it and
   * are counted. True for every Blink Store, in-process or over either protocol. A store that cannot keep
   * these promises (Redis or Valkey reached over RESP: its {@code used_memory} counts every allocation, and its
   * {@code maxmemory} is its operator's) overrides this to false, and the tests that need them are skipped for
   * it, not weakened.
   */
  protected boolean exactAccounting() {
    return true;
  }

  /**
   * Tells whether only {@code get}, {@code getString} and {@code getOrLoad} count as hits or misses in
   * {@link BlinkStore#stats()}, as {@link BlinkStore#ttl} promises. True for every Blink Store; Redis counts its
   * {@code PTTL} as a read too, so a store on Redis overrides this to false.
   */
  protected boolean onlyGetsCountAsReads() {
    return true;
  }

  /**
   * Tells whether the store holds hashes ({@link BlinkStore#hash}): the in-process store and a client over RESP
   * do; a client over the Blink text protocol, which has no words for them, overrides this to false, and its
   * {@code hash} must then throw {@link UnsupportedOperationException}.
   */
  protected boolean holdsHashes() {
    return true;
  }

  /**
   * Tells whether the store holds lists ({@link BlinkStore#list}): the same stores as {@link #holdsHashes()} (the
   * text protocol has words for neither, nor has the Redis-backed store a view of either); one that does not must
   * throw {@link UnsupportedOperationException} from {@code list}.
   */
  protected boolean holdsLists() {
    return holdsHashes();
  }

  /**
   * Tells whether the store holds sorted sets ({@link BlinkStore#sortedSet}): the same stores as
   * {@link #holdsHashes()}; one that does not must throw {@link UnsupportedOperationException} from {@code sortedSet}.
   */
  protected boolean holdsSortedSets() {
    return holdsHashes();
  }

  /** Tells whether the store holds sets ({@link BlinkStore#set(String)}): the same stores as {@link #holdsHashes()}. */
  protected boolean holdsSets() {
    return holdsHashes();
  }

  /** Skips the calling test for a store without {@link #exactAccounting()}. */
  protected final void assumeExactAccounting() {
    assumeTrue(exactAccounting(), "this store does not account key and value bytes exactly");
  }

  /**
   * Asserts that {@code store.usage()} is {@code expected}, for a store with {@link #exactAccounting()}; for
   * another, the rest of the calling test still runs.
   */
  protected final void assertUsage(long expected, BlinkStore store) {
    if (exactAccounting()) {
      assertEquals(expected, store.usage());
    }
  }

  /** Returns {@link #newStore(long)}, to be closed after the test. */
  protected final BlinkStore store(long memoryLimit) {
    BlinkStore store = newStore(memoryLimit);
    opened.add(store);
    return store;
  }

  @AfterEach
  final void closeStores() {
    opened.forEach(BlinkStore::close);
  }

  /** The UTF-8 length of {@code s}, the way the contract sizes keys. */
  protected static int utf8(String s) {
    return s.getBytes(UTF_8).length;
  }

  // ---- reads and writes ----

  @Test
  void getReturnsTheBytesThatWereSet() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, store.get("k"));
  }

  @Test
  void getOfAnAbsentKeyReturnsNull() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertNull(store.get("missing"));
    assertNull(store.getString("missing"));
  }

  @Test
  void setReplacesThePreviousValue() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "old");
    store.set("k", "new");
    assertEquals("new", store.getString("k"));
    assertEquals(1, store.size());
  }

  @Test
  void stringOverloadsStoreAndReadUtf8() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "héllo ✓ 🔑");
    assertArrayEquals("héllo ✓ 🔑".getBytes(UTF_8), store.get("k"));
    assertEquals("héllo ✓ 🔑", store.getString("k"));
  }

  @Test
  void getStringReadsBytesSetAsUtf8() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "ключ".getBytes(UTF_8));
    assertEquals("ключ", store.getString("k"));
  }

  @Test
  void getStringDecodesMalformedUtf8AsReplacementCharacters() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", new byte[] {'a', (byte) 0xFF, 'b'});
    assertEquals("a\uFFFDb", store.getString("k"));
  }

  @Test
  void emptyValueIsStoredAndIsNotAbsence() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", new byte[0]);
    assertArrayEquals(new byte[0], store.get("k"));
    assertEquals("", store.getString("k"));
    assertEquals(1, store.size());
  }

  @Test
  void deleteReportsWhetherTheKeyWasPresent() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertFalse(store.delete("k"));
    store.set("k", "v");
    assertTrue(store.delete("k"));
    assertNull(store.get("k"));
    assertFalse(store.delete("k"));
  }

  @Test
  void deleteLeavesOtherKeysAlone() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("a", "1");
    store.set("b", "2");
    store.delete("a");
    assertEquals("2", store.getString("b"));
  }

  // ---- byte accounting ----

  @Test
  void newStoreIsEmpty() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertUsage(0, store);
    assertEquals(0, store.size());
  }

  @Test
  void usageIsKeyBytesPlusValueBytes() {
    assumeExactAccounting();
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("key", new byte[10]);
    store.set("k2", new byte[5]);
    assertEquals(3 + 10 + 2 + 5, store.usage());
  }

  @Test
  void usageCountsKeysInUtf8Bytes() {
    assumeExactAccounting();
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("ключ", new byte[0]); // 4 Cyrillic letters, 2 bytes each
    assertEquals(8, store.usage());
    store.set("🔑", new byte[0]); // a supplementary character: 2 chars, 4 bytes
    assertEquals(8 + 4, store.usage());
    store.set("€", new byte[0]); // 3 bytes
    assertEquals(8 + 4 + 3, store.usage());
  }

  @Test
  void usageCountsStringValuesInUtf8Bytes() {
    assumeExactAccounting();
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "日本");
    assertEquals(1 + 6, store.usage());
  }

  @Test
  void emptyValueCostsOnlyItsKey() {
    assumeExactAccounting();
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("abc", new byte[0]);
    assertEquals(3, store.usage());
  }

  @Test
  void replacingWithALargerValueAddsOnlyTheDifference() {
    assumeExactAccounting();
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", new byte[10]);
    store.set("k", new byte[25]);
    assertEquals(1 + 25, store.usage());
  }

  @Test
  void replacingWithASmallerValueGivesBytesBack() {
    assumeExactAccounting();
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", new byte[25]);
    store.set("k", new byte[3]);
    assertEquals(1 + 3, store.usage());
  }

  @Test
  void deleteGivesBackTheEntrysBytes() {
    assumeExactAccounting();
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("ключ", new byte[7]);
    store.set("other", new byte[2]);
    store.delete("ключ");
    assertEquals(5 + 2, store.usage());
  }

  @Test
  void sizeCountsLiveEntries() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("a", "1");
    store.set("b", "2");
    store.set("c", "3");
    store.set("a", "replaced");
    assertEquals(3, store.size());
    store.delete("b");
    assertEquals(2, store.size());
  }

  @Test
  void memoryLimitIsTheLimitTheStoreWasMadeWith() {
    assumeExactAccounting();
    assertEquals(12_345, store(12_345).memoryLimit());
  }

  // ---- the memory limit ----

  @Test
  void entryExactlyAtTheLimitIsAccepted() {
    assumeExactAccounting();
    BlinkStore store = store(100);
    store.set("key", new byte[97]);
    assertEquals(97, store.get("key").length);
    assertEquals(100, store.usage());
  }

  @Test
  void entryOneByteOverTheLimitIsRejected() {
    assumeExactAccounting();
    BlinkStore store = store(100);
    EntryTooLargeException e = assertThrows(EntryTooLargeException.class, () -> store.set("key", new byte[98]));
    assertEquals(101, e.entryBytes());
    assertEquals(100, e.memoryLimit());
    assertNull(store.get("key"));
    assertEquals(0, store.usage());
  }

  @Test
  void rejectedEntryLeavesThePreviousValueAndUsageUnchanged() {
    assumeExactAccounting();
    BlinkStore store = store(100);
    store.set("key", "old");
    store.set("other", "x");
    long usage = store.usage();
    assertThrows(EntryTooLargeException.class, () -> store.set("key", new byte[98]));
    assertEquals("old", store.getString("key"));
    assertEquals("x", store.getString("other"));
    assertEquals(usage, store.usage());
    assertEquals(2, store.size());
  }

  @Test
  void theLimitCountsKeyBytesInUtf8() {
    assumeExactAccounting();
    BlinkStore store = store(100);
    store.set("🔑", new byte[96]); // 4 + 96 = 100
    assertThrows(EntryTooLargeException.class, () -> store.set("ключ", new byte[93])); // 8 + 93 = 101
    assertEquals(100, store.usage());
  }

  @Test
  void entryTooLargeIsABlinkException() {
    assumeExactAccounting();
    BlinkStore store = store(10);
    assertThrows(BlinkException.class, () -> store.set("k", new byte[10]));
  }

  @Test
  void writingPastTheLimitEvictsAndStaysWithinIt() {
    assumeExactAccounting();
    BlinkStore store = store(1000);
    for (int i = 0; i < 50; i++) {
      store.set("key" + i, new byte[95]);
      assertTrue(store.usage() <= 1000, "usage " + store.usage() + " after set #" + i);
    }
    assertTrue(store.size() < 50);
    assertEquals(liveBytes(store, 50), store.usage());
  }

  @Test
  void everyEntryWrittenIsEitherLiveOrCountedAsEvicted() {
    assumeExactAccounting();
    BlinkStore store = store(1000);
    for (int i = 0; i < 50; i++) {
      store.set("key" + i, new byte[95]);
    }
    BlinkStats stats = store.stats();
    assertTrue(stats.evictions() > 0);
    assertEquals(50, stats.evictions() + store.size());
  }

  @Test
  void twoEntriesThatCannotBothFitNeverCoexist() {
    assumeExactAccounting();
    BlinkStore store = store(100);
    store.set("a", new byte[60]);
    store.set("b", new byte[60]);
    assertTrue(store.usage() <= 100);
    assertFalse(store.get("a") != null && store.get("b") != null);
    assertEquals(liveBytes(store, "a", "b"), store.usage());
  }

  @Test
  void entryAsLargeAsTheLimitFitsAfterEvictingEverythingElse() {
    assumeExactAccounting();
    BlinkStore store = store(100);
    store.set("a", new byte[10]);
    store.set("b", new byte[10]);
    store.set("c", new byte[99]);
    assertTrue(store.usage() <= 100);
    assertEquals(liveBytes(store, "a", "b", "c"), store.usage());
  }

  /** Sums key and value bytes of {@code key0 .. key(n-1)} as read back from the store. */
  private static long liveBytes(BlinkStore store, int n) {
    return liveBytes(store, Stream.iterate(0, i -> i + 1).limit(n).map(i -> "key" + i).toArray(String[]::new));
  }

  private static long liveBytes(BlinkStore store, String... keys) {
    long sum = 0;
    for (String key : keys) {
      byte[] value = store.get(key);
      sum += value == null ? 0 : utf8(key) + value.length;
    }
    return sum;
  }

  // ---- keys ----

  /** Keys every operation must refuse: empty, holding Unicode White_Space, or an unpaired surrogate. */
  static Stream<Named<String>> invalidKeys() {
    return Stream.of(
        Named.of("empty", ""),
        Named.of("space", "a b"),
        Named.of("newline", "a\nb"),
        Named.of("tab", "a\tb"),
        Named.of("carriage return", "a\rb"),
        Named.of("NEL U+0085", "a\u0085b"),
        Named.of("no-break space U+00A0", "a\u00A0b"),
        Named.of("ideographic space U+3000", "a\u3000b"),
        Named.of("line separator U+2028", "a\u2028b"),
        Named.of("leading space", " a"),
        Named.of("trailing space", "a "),
        Named.of("lone high surrogate", "\uD83D"),
        Named.of("lone low surrogate", "a\uDD11b"),
        Named.of("high surrogate at the end", "ab\uD83D"),
        Named.of("surrogates in the wrong order", "\uDD11\uD83D"));
  }

  @ParameterizedTest
  @MethodSource("invalidKeys")
  void setRejectsAnInvalidKeyAndStoresNothing(String key) {
    BlinkStore store = store(ROOMY_LIMIT);
    assertThrows(IllegalArgumentException.class, () -> store.set(key, new byte[] {1}));
    assertThrows(IllegalArgumentException.class, () -> store.set(key, "v"));
    assertUsage(0, store);
    assertEquals(0, store.size());
  }

  @ParameterizedTest
  @MethodSource("invalidKeys")
  void getRejectsAnInvalidKey(String key) {
    BlinkStore store = store(ROOMY_LIMIT);
    assertThrows(IllegalArgumentException.class, () -> store.get(key));
    assertThrows(IllegalArgumentException.class, () -> store.getString(key));
  }

  @ParameterizedTest
  @MethodSource("invalidKeys")
  void deleteRejectsAnInvalidKey(String key) {
    BlinkStore store = store(ROOMY_LIMIT);
    assertThrows(IllegalArgumentException.class, () -> store.delete(key));
  }

  @ParameterizedTest
  @ValueSource(strings = {"k", "user:42", "a-b_c.d/e", "ключ", "🔑", "日本語", "zero\u200Bwidth", "é"})
  void validKeysRoundTrip(String key) {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set(key, "v");
    assertEquals("v", store.getString(key));
    assertUsage(utf8(key) + 1, store);
    assertTrue(store.delete(key));
  }

  // ---- nulls ----

  @Test
  void nullArgumentsAreRejectedWithNullPointerException() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertThrows(NullPointerException.class, () -> store.set(null, new byte[1]));
    assertThrows(NullPointerException.class, () -> store.set(null, "v"));
    assertThrows(NullPointerException.class, () -> store.set("k", (byte[]) null));
    assertThrows(NullPointerException.class, () -> store.set("k", (String) null));
    assertThrows(NullPointerException.class, () -> store.get(null));
    assertThrows(NullPointerException.class, () -> store.getString(null));
    assertThrows(NullPointerException.class, () -> store.delete(null));
  }

  @Test
  void setWithANullValueLeavesThePreviousValue() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "old");
    assertThrows(NullPointerException.class, () -> store.set("k", (byte[]) null));
    assertEquals("old", store.getString("k"));
  }

  // ---- defensive copies ----

  @Test
  void changingTheArrayAfterSetDoesNotChangeTheStoredValue() {
    BlinkStore store = store(ROOMY_LIMIT);
    byte[] value = {1, 2, 3};
    store.set("k", value);
    value[0] = 99;
    assertArrayEquals(new byte[] {1, 2, 3}, store.get("k"));
  }

  @Test
  void changingTheArrayReturnedByGetDoesNotChangeTheStoredValue() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", new byte[] {1, 2, 3});
    byte[] read = store.get("k");
    read[0] = 99;
    assertArrayEquals(new byte[] {1, 2, 3}, store.get("k"));
  }

  @Test
  void everyGetReturnsAFreshArray() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", new byte[] {1});
    assertNotSame(store.get("k"), store.get("k"));
  }

  // ---- read-only buffers ----

  @Test
  void getBufferReadsTheBytesThatWereSetThroughAReadOnlyView() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", new byte[] {1, 0, (byte) 0xFF});
    ByteBuffer buffer = store.getBuffer("k");
    assertEquals(ByteBuffer.wrap(new byte[] {1, 0, (byte) 0xFF}), buffer);
    assertEquals(0, buffer.position());
    assertTrue(buffer.isReadOnly());
    assertThrows(ReadOnlyBufferException.class, () -> buffer.put(0, (byte) 99));
    assertThrows(ReadOnlyBufferException.class, buffer::array);
    assertArrayEquals(new byte[] {1, 0, (byte) 0xFF}, store.get("k"));
  }

  @Test
  void getBufferOfAnAbsentKeyReturnsNullAndOfAnEmptyValueAnEmptyBuffer() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertNull(store.getBuffer("missing"));
    store.set("empty", new byte[0]);
    assertEquals(0, store.getBuffer("empty").remaining());
  }

  @Test
  void aBufferKeepsShowingTheValueItWasTakenFrom() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "old");
    store.set("n", "41");
    ByteBuffer value = store.getBuffer("k");
    ByteBuffer counter = store.getBuffer("n");
    store.set("k", "new");
    store.increment("n");
    store.delete("k");
    assertEquals(ByteBuffer.wrap("old".getBytes(UTF_8)), value);
    assertEquals(ByteBuffer.wrap("41".getBytes(UTF_8)), counter);
    assertEquals("42", store.getString("n"));
  }

  @Test
  void getBufferCountsHitsAndMissesAndChecksItsKey() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v");
    store.getBuffer("k");
    store.getBuffer("missing");
    assertEquals(1, store.stats().hits());
    assertEquals(1, store.stats().misses());
    assertThrows(IllegalArgumentException.class, () -> store.getBuffer("a b"));
    assertThrows(IllegalArgumentException.class, () -> store.getBuffer(""));
    assertThrows(NullPointerException.class, () -> store.getBuffer(null));
  }

  // ---- values read without a copy ----

  @Test
  void getStoredCopiesTheValueWhereItIsAskedToAndNowhereElse() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", new byte[] {1, 0, (byte) 0xFF});
    BlinkStore.StoredValue value = store.getStored("k");
    assertEquals(3, value.length());
    ByteBuffer target = ByteBuffer.allocate(8);
    target.put(new byte[] {9, 9, 9, 9, 9, 9, 9, 9}).position(2).limit(7);
    value.copyTo(target, 4);
    assertArrayEquals(new byte[] {9, 9, 9, 9, 1, 0, (byte) 0xFF, 9}, target.array());
    assertEquals(2, target.position());
    assertEquals(7, target.limit());
    ByteBuffer direct = ByteBuffer.allocateDirect(3);
    value.copyTo(direct, 0);
    assertEquals(ByteBuffer.wrap(new byte[] {1, 0, (byte) 0xFF}), direct);
  }

  @Test
  void getStoredCopiesAPartOfTheValueAndRefusesOnePastItsEnd() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "abcdef");
    BlinkStore.StoredValue value = store.getStored("k");
    ByteBuffer target = ByteBuffer.allocate(5);
    value.copyTo(target, 1, 2, 3);
    assertArrayEquals(new byte[] {0, 'c', 'd', 'e', 0}, target.array());
    assertEquals(0, target.position());
    assertThrows(IndexOutOfBoundsException.class, () -> value.copyTo(ByteBuffer.allocate(8), 0, 4, 3));
    assertThrows(IndexOutOfBoundsException.class, () -> value.copyTo(ByteBuffer.allocate(8), 0, -1, 2));
    assertThrows(IndexOutOfBoundsException.class, () -> value.copyTo(ByteBuffer.allocate(2), 0, 0, 3));
  }

  @Test
  void getStoredOfAnAbsentKeyReturnsNullAndOfAnEmptyValueAnEmptyOne() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertNull(store.getStored("missing"));
    store.set("empty", new byte[0]);
    assertEquals(0, store.getStored("empty").length());
  }

  @Test
  void getStoredRefusesATargetWithoutRoomOrReadOnly() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "value");
    BlinkStore.StoredValue value = store.getStored("k");
    assertThrows(IndexOutOfBoundsException.class, () -> value.copyTo(ByteBuffer.allocate(5), 1));
    assertThrows(IndexOutOfBoundsException.class, () -> value.copyTo(ByteBuffer.allocate(4), 0));
    assertThrows(ReadOnlyBufferException.class, () -> value.copyTo(ByteBuffer.allocate(5).asReadOnlyBuffer(), 0));
  }

  /** Whatever is written later, a stored value copies one whole value of the key: never bytes of two. */
  @Test
  void aStoredValueCopiesTheValueReadOrALaterOneOfTheSameLength() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "aaaa");
    BlinkStore.StoredValue value = store.getStored("k");
    store.set("k", "bbbb");
    store.set("k", "ccccc");
    ByteBuffer copy = ByteBuffer.allocate(4);
    value.copyTo(copy, 0);
    String copied = UTF_8.decode(copy).toString();
    assertTrue(copied.equals("aaaa") || copied.equals("bbbb"), copied);
    assertEquals("ccccc", store.getString("k"));
  }

  @Test
  void getStoredCountsHitsAndMissesAndChecksItsKey() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v");
    store.getStored("k");
    store.getStored("missing");
    assertEquals(1, store.stats().hits());
    assertEquals(1, store.stats().misses());
    assertThrows(IllegalArgumentException.class, () -> store.getStored("a b"));
    assertThrows(IllegalArgumentException.class, () -> store.getStored(""));
    assertThrows(NullPointerException.class, () -> store.getStored(null));
  }

  // ---- stats ----

  @Test
  void newStoreHasNoReadsAndAHitRatioOfOne() {
    BlinkStats stats = store(ROOMY_LIMIT).stats();
    assertEquals(new BlinkStats(0, 0, 0, 0), stats);
    assertEquals(1.0, stats.hitRatio());
  }

  @Test
  void statsCountTheEntriesThatHaveATimeToLive() {
    BlinkStore store = store(ROOMY_LIMIT);
    Duration ttl = Duration.ofMinutes(10);
    store.set("a", "1", ttl);
    store.set("b", "2", ttl);
    store.set("c", "3");
    assertEquals(2, store.stats().expiring());
    assertTrue(store.persist("a"));
    assertEquals(1, store.stats().expiring());
    assertTrue(store.expire("c", ttl));
    assertEquals(2, store.stats().expiring());
    assertEquals(4, store.increment("c"), "a counter keeps its time to live");
    assertEquals(2, store.stats().expiring());
    store.set("b", "2");
    assertEquals(1, store.stats().expiring(), "a plain SET drops the time to live");
    assertTrue(store.delete("c"));
    assertEquals(0, store.stats().expiring());
    assertTrue(store.setIfAbsent("d", "4".getBytes(UTF_8), ttl));
    assertEquals(1, store.stats().expiring());
    store.clear();
    assertEquals(0, store.stats().expiring());
  }

  @Test
  void getsCountHitsAndMisses() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v");
    store.get("k");
    store.getString("k");
    store.get("missing");
    BlinkStats stats = store.stats();
    assertEquals(2, stats.hits());
    assertEquals(1, stats.misses());
    assertEquals(2.0 / 3, stats.hitRatio(), 1e-9);
  }

  @Test
  void writesAndDeletesAreNotCountedAsReads() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v");
    store.set("k", "w");
    store.delete("k");
    store.delete("k");
    assertEquals(0, store.stats().requests());
  }

  @Test
  void noEvictionsAreCountedWhileEverythingFits() {
    BlinkStore store = store(1000);
    for (int i = 0; i < 10; i++) {
      store.set("key" + i, new byte[90]);
    }
    assertEquals(0, store.stats().evictions());
    assertEquals(10, store.size());
  }

  @Test
  void deletesAndClearAreNotCountedAsEvictions() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("a", "1");
    store.set("b", "2");
    store.delete("a");
    store.clear();
    assertEquals(0, store.stats().evictions());
  }

  // ---- clear and close ----

  @Test
  void clearRemovesEveryEntry() {
    BlinkStore store = store(ROOMY_LIMIT);
    List<String> keys = List.of("a", "ключ", "日本", "🔑"); // 1-, 2-, 3- and 4-byte characters
    keys.forEach(key -> store.set(key, "v"));
    store.clear();
    assertUsage(0, store);
    assertEquals(0, store.size());
    keys.forEach(key -> assertNull(store.get(key)));
  }

  @Test
  void storeIsUsableAfterClear() {
    BlinkStore store = store(100);
    store.set("a", new byte[90]);
    store.clear();
    store.set("b", new byte[90]);
    assertUsage(91, store);
    assertEquals(1, store.size());
  }

  /** Every operation but close(), each as one call on a store. */
  static Stream<Named<Consumer<BlinkStore>>> operationsOtherThanClose() {
    return Stream.of(
        Named.of("set(String, byte[])", s -> s.set("k", new byte[1])),
        Named.of("set(String, String)", s -> s.set("k", "v")),
        Named.of("get", s -> s.get("k")),
        Named.of("getString", s -> s.getString("k")),
        Named.of("delete", s -> s.delete("k")),
        Named.of("usage", BlinkStore::usage),
        Named.of("memoryLimit", BlinkStore::memoryLimit),
        Named.of("size", BlinkStore::size),
        Named.of("stats", BlinkStore::stats),
        Named.of("clear", BlinkStore::clear),
        Named.of("set with ttl", s -> s.set("k", new byte[1], Duration.ofMinutes(1))),
        Named.of("expire", s -> s.expire("k", Duration.ofMinutes(1))),
        Named.of("persist", s -> s.persist("k")),
        Named.of("ttl", s -> s.ttl("k")),
        Named.of("incrementBy", s -> s.incrementBy("n", 1)),
        Named.of("getOrLoad", s -> s.getOrLoad("k", key -> new byte[1])));
  }

  @ParameterizedTest
  @MethodSource("operationsOtherThanClose")
  void operationAfterCloseThrowsIllegalStateException(Consumer<BlinkStore> operation) {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v");
    store.close();
    assertThrows(IllegalStateException.class, () -> operation.accept(store));
  }

  @Test
  void closeTwiceIsAllowed() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.close();
    assertDoesNotThrow(store::close);
  }

  // ---- time to live (no clock needed; clock-driven expiry is tested where a fake clock is at hand) ----

  /** Long enough that no test run comes near it. */
  protected static final Duration HOUR = Duration.ofHours(1);

  @Test
  void setWithTtlStoresTheValue() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", new byte[] {1, 2}, HOUR);
    store.set("s", "text", HOUR);
    assertArrayEquals(new byte[] {1, 2}, store.get("k"));
    assertEquals("text", store.getString("s"));
    assertUsage(1 + 2 + 1 + 4, store);
  }

  @Test
  void ttlOfAnAbsentKeyIsNull() {
    assertNull(store(ROOMY_LIMIT).ttl("missing"));
  }

  @Test
  void ttlOfAPlainSetIsNoExpiry() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v");
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("k"));
  }

  @Test
  void ttlAfterSetWithTtlIsPositiveAndAtMostTheTtl() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v", HOUR);
    Duration left = store.ttl("k");
    assertTrue(left.compareTo(Duration.ZERO) > 0 && left.compareTo(HOUR) <= 0, left::toString);
  }

  @Test
  void plainSetDropsAnEarlierTtl() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v", HOUR);
    store.set("k", "w");
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("k"));
  }

  @Test
  void setWithTtlReplacesAnEarlierTtl() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v", Duration.ofDays(30));
    store.set("k", "w", HOUR);
    assertTrue(store.ttl("k").compareTo(HOUR) <= 0);
  }

  @Test
  void ttlIsNotCountedAsARead() {
    assumeTrue(onlyGetsCountAsReads(), "this store counts other reads in its stats");
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v");
    store.ttl("k");
    store.ttl("missing");
    assertEquals(0, store.stats().requests());
  }

  @Test
  void expireOfAnAbsentKeyIsFalseAndCreatesNothing() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertFalse(store.expire("k", HOUR));
    assertNull(store.ttl("k"));
    assertEquals(0, store.size());
  }

  @Test
  void expireGivesAPresentKeyATtlAndKeepsItsValue() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v");
    assertTrue(store.expire("k", HOUR));
    assertTrue(store.ttl("k").compareTo(HOUR) <= 0);
    assertEquals("v", store.getString("k"));
    assertUsage(2, store);
  }

  @Test
  void persistRemovesATtl() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v", HOUR);
    assertTrue(store.persist("k"));
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("k"));
    assertEquals("v", store.getString("k"));
  }

  @Test
  void persistWithoutATtlOrKeyIsFalse() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v");
    assertFalse(store.persist("k"));
    assertFalse(store.persist("missing"));
    assertNull(store.get("missing"));
  }

  static Stream<Named<Duration>> invalidTtls() {
    return Stream.of(
        Named.of("zero", Duration.ZERO),
        Named.of("negative", Duration.ofMillis(-1)),
        Named.of("one nanosecond past MAX_TTL", BlinkStore.MAX_TTL.plusNanos(1)),
        Named.of("NO_EXPIRY", BlinkStore.NO_EXPIRY));
  }

  @ParameterizedTest
  @MethodSource("invalidTtls")
  void outOfRangeTtlsAreRejectedAndChangeNothing(Duration ttl) {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v");
    assertThrows(IllegalArgumentException.class, () -> store.set("k", "w", ttl));
    assertThrows(IllegalArgumentException.class, () -> store.set("n", new byte[1], ttl));
    assertThrows(IllegalArgumentException.class, () -> store.expire("k", ttl));
    assertThrows(IllegalArgumentException.class, () -> store.getOrLoad("n", ttl, key -> new byte[1]));
    assertEquals("v", store.getString("k"));
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("k"));
    assertEquals(1, store.size());
  }

  @Test
  void maxTtlIsAccepted() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v", BlinkStore.MAX_TTL);
    assertTrue(store.expire("k", BlinkStore.MAX_TTL));
    assertTrue(store.ttl("k").compareTo(BlinkStore.MAX_TTL) <= 0);
  }

  @Test
  void setWithTtlOfAnEntryTooLargeLeavesTheStoreUnchanged() {
    assumeExactAccounting();
    BlinkStore store = store(100);
    store.set("key", "old");
    assertThrows(EntryTooLargeException.class, () -> store.set("key", new byte[98], HOUR));
    assertEquals("old", store.getString("key"));
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("key"));
  }

  @ParameterizedTest
  @MethodSource("invalidKeys")
  void ttlOperationsRejectAnInvalidKey(String key) {
    BlinkStore store = store(ROOMY_LIMIT);
    assertThrows(IllegalArgumentException.class, () -> store.set(key, "v", HOUR));
    assertThrows(IllegalArgumentException.class, () -> store.expire(key, HOUR));
    assertThrows(IllegalArgumentException.class, () -> store.persist(key));
    assertThrows(IllegalArgumentException.class, () -> store.ttl(key));
    assertThrows(IllegalArgumentException.class, () -> store.incrementBy(key, 1));
    assertThrows(IllegalArgumentException.class, () -> store.getOrLoad(key, k -> new byte[1]));
    assertEquals(0, store.size());
  }

  @Test
  void newOperationsRejectNullArguments() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertThrows(NullPointerException.class, () -> store.set("k", "v", null));
    assertThrows(NullPointerException.class, () -> store.set(null, "v", HOUR));
    assertThrows(NullPointerException.class, () -> store.expire("k", null));
    assertThrows(NullPointerException.class, () -> store.expire(null, HOUR));
    assertThrows(NullPointerException.class, () -> store.persist(null));
    assertThrows(NullPointerException.class, () -> store.ttl(null));
    assertThrows(NullPointerException.class, () -> store.incrementBy(null, 1));
    assertThrows(NullPointerException.class, () -> store.getOrLoad(null, k -> new byte[1]));
    assertThrows(NullPointerException.class, () -> store.getOrLoad("k", null));
    assertThrows(NullPointerException.class, () -> store.getOrLoad("k", null, k -> new byte[1]));
    assertEquals(0, store.size());
  }

  // ---- counters ----

  @Test
  void incrementOfAnAbsentKeyCountsFromZero() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertEquals(1, store.increment("a"));
    assertEquals(-1, store.decrement("b"));
    assertEquals(5, store.incrementBy("c", 5));
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("a"));
  }

  @Test
  void countersAccumulateAndAreStoredAsDecimalText() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.incrementBy("n", 40);
    store.increment("n");
    store.increment("n");
    store.decrement("n");
    assertEquals(41, store.incrementBy("n", 0));
    assertEquals("41", store.getString("n"));
    assertUsage(1 + 2, store);
    assertEquals(-59, store.incrementBy("n", -100));
    assertEquals("-59", store.getString("n"));
    assertUsage(1 + 3, store);
  }

  @Test
  void counterWorksOnAValueSetAsText() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("n", "9223372036854775806");
    assertEquals(Long.MAX_VALUE, store.increment("n"));
    store.set("m", "-9223372036854775807");
    assertEquals(Long.MIN_VALUE, store.decrement("m"));
    assertEquals("-9223372036854775808", store.getString("m"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "1.0", "+1", " 1", "1 ", "007", "-0", "-", "0x10", "1e3",
      "9223372036854775808", "-9223372036854775809", "١٢"})
  void incrementOfAValueThatIsNotACanonicalIntegerFailsAndChangesNothing(String value) {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("n", value);
    long usage = exactAccounting() ? store.usage() : 0;
    assertThrows(NotAnIntegerException.class, () -> store.increment("n"));
    assertThrows(BlinkException.class, () -> store.incrementBy("n", 0));
    assertEquals(value, store.getString("n"));
    assertUsage(usage, store);
  }

  @Test
  void incrementOfBinaryBytesFails() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("n", new byte[] {'1', (byte) 0xFF});
    assertThrows(NotAnIntegerException.class, () -> store.increment("n"));
  }

  @Test
  void overflowFailsAndChangesNothing() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.incrementBy("n", Long.MAX_VALUE);
    assertThrows(ArithmeticException.class, () -> store.increment("n"));
    assertEquals(Long.toString(Long.MAX_VALUE), store.getString("n"));
    store.incrementBy("m", Long.MIN_VALUE);
    assertThrows(ArithmeticException.class, () -> store.decrement("m"));
    assertThrows(ArithmeticException.class, () -> store.incrementBy("m", Long.MIN_VALUE));
    assertEquals(Long.toString(Long.MIN_VALUE), store.getString("m"));
    assertUsage(2 + 19 + 20, store);
  }

  @Test
  void incrementKeepsTheTtl() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("n", "1", HOUR);
    store.increment("n");
    Duration left = store.ttl("n");
    assertTrue(left.compareTo(HOUR) <= 0, left::toString);
  }

  @Test
  void incrementThatCannotFitEvenAloneIsRejected() {
    assumeExactAccounting();
    BlinkStore store = store(20);
    assertThrows(EntryTooLargeException.class, () -> store.increment("k"));
    assertEquals(0, store.size());
    assertEquals(0, store.usage());
  }

  @Test
  void countersAreNotReads() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.increment("n");
    store.increment("n");
    assertEquals(0, store.stats().requests());
  }

  @Test
  void concurrentIncrementsAreNeitherLostNorDoubled() throws Exception {
    BlinkStore store = store(ROOMY_LIMIT);
    int threads = 8;
    int perThread = 500;
    List<Callable<Void>> tasks = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      tasks.add(() -> {
        for (int i = 0; i < perThread; i++) {
          store.increment("n");
        }
        return null;
      });
    }
    runAll(tasks);
    assertEquals(threads * perThread, Long.parseLong(store.getString("n")));
    assertUsage(1 + Integer.toString(threads * perThread).length(), store);
  }

  // ---- setIfAbsent ----

  @Test
  void setIfAbsentStoresOnlyWhenTheKeyHasNoValue() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertTrue(store.setIfAbsent("lock", "worker-1".getBytes(UTF_8)));
    assertFalse(store.setIfAbsent("lock", "worker-2".getBytes(UTF_8)));
    assertEquals("worker-1", store.getString("lock"));
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("lock"));
    assertUsage(4 + 8, store);
    assertTrue(store.delete("lock"));
    assertTrue(store.setIfAbsent("lock", new byte[0]));
    assertArrayEquals(new byte[0], store.get("lock"));
  }

  @Test
  void setIfAbsentWithATtlStoresAnEntryThatExpires() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertTrue(store.setIfAbsent("lock", "token".getBytes(UTF_8), Duration.ofMinutes(1)));
    Duration left = store.ttl("lock");
    assertTrue(left.compareTo(Duration.ZERO) > 0 && left.compareTo(Duration.ofMinutes(1)) <= 0, left::toString);
    assertFalse(store.setIfAbsent("lock", "other".getBytes(UTF_8), Duration.ofMinutes(5)));
    assertEquals("token", store.getString("lock"));
    assertTrue(store.ttl("lock").compareTo(Duration.ofMinutes(1)) <= 0, "the loser changed nothing");
  }

  @Test
  void setIfAbsentOfAStringStoresItsUtf8BytesOnlyWhenTheKeyHasNoValue() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertTrue(store.setIfAbsent("lock", "\u00e9t\u00e9"));
    assertFalse(store.setIfAbsent("lock", "winter"));
    assertArrayEquals("\u00e9t\u00e9".getBytes(UTF_8), store.get("lock"));
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("lock"));
    assertUsage(4 + 5, store);
    assertThrows(NullPointerException.class, () -> store.setIfAbsent("k", (String) null));
    assertThrows(IllegalArgumentException.class, () -> store.setIfAbsent("a b", "v"));
  }

  @Test
  void setIfAbsentOfAStringWithATtlStoresAnEntryThatExpires() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertTrue(store.setIfAbsent("lock", "token", Duration.ofMinutes(1)));
    Duration left = store.ttl("lock");
    assertTrue(left.compareTo(Duration.ZERO) > 0 && left.compareTo(Duration.ofMinutes(1)) <= 0, left::toString);
    assertFalse(store.setIfAbsent("lock", "other", Duration.ofMinutes(5)));
    assertEquals("token", store.getString("lock"));
    assertTrue(store.ttl("lock").compareTo(Duration.ofMinutes(1)) <= 0, "the loser changed nothing");
    assertThrows(IllegalArgumentException.class, () -> store.setIfAbsent("k", "v", Duration.ZERO));
  }

  @Test
  void setIfAbsentCopiesItsValueAndRefusesWhatSetRefuses() {
    BlinkStore store = store(100);
    byte[] value = {1, 2, 3};
    assertTrue(store.setIfAbsent("k", value));
    value[0] = 99;
    assertArrayEquals(new byte[] {1, 2, 3}, store.get("k"));
    assertThrows(IllegalArgumentException.class, () -> store.setIfAbsent("a b", new byte[1]));
    assertThrows(IllegalArgumentException.class, () -> store.setIfAbsent("k2", new byte[1], Duration.ZERO));
    assertThrows(NullPointerException.class, () -> store.setIfAbsent("k2", (byte[]) null));
    assertThrows(NullPointerException.class, () -> store.setIfAbsent(null, new byte[1]));
    assertThrows(NullPointerException.class, () -> store.setIfAbsent("k2", new byte[1], null));
    if (exactAccounting()) {
      assertThrows(EntryTooLargeException.class, () -> store.setIfAbsent("k2", new byte[99]));
      assertUsage(1 + 3, store);
    }
    assertNull(store.get("k2"));
  }

  @Test
  void ofManyCallersRacingForAnAbsentKeyExactlyOneStores() throws Exception {
    BlinkStore store = store(ROOMY_LIMIT);
    int callers = 16;
    for (int round = 0; round < 20; round++) {
      String key = "lock" + round;
      CyclicBarrier start = new CyclicBarrier(callers);
      List<Callable<Boolean>> tasks = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        byte[] token = ("caller-" + i).getBytes(UTF_8);
        tasks.add(() -> {
          start.await(30, TimeUnit.SECONDS);
          return store.setIfAbsent(key, token, Duration.ofMinutes(1));
        });
      }
      List<Boolean> won = runAll(tasks);
      assertEquals(1, won.stream().filter(w -> w).count(), "round " + round + ": " + won);
      assertEquals("caller-" + won.indexOf(true), store.getString(key), "the winner's value");
    }
  }

  // ---- getOrLoad ----

  @Test
  void getOrLoadReturnsAPresentValueWithoutLoading() {
    BlinkStore store = store(ROOMY_LIMIT);
    store.set("k", "v");
    assertArrayEquals("v".getBytes(UTF_8), store.getOrLoad("k", key -> {
      throw new AssertionError("loaded a present key");
    }));
  }

  @Test
  void getOrLoadLoadsStoresAndReturnsAMissingValue() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertArrayEquals(new byte[] {7}, store.getOrLoad("k", key -> new byte[] {7}));
    assertArrayEquals(new byte[] {7}, store.get("k"));
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("k"));
    assertUsage(2, store);
  }

  @Test
  void getOrLoadWithTtlStoresTheValueWithTheTtl() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertArrayEquals(new byte[] {7}, store.getOrLoad("k", HOUR, key -> new byte[] {7}));
    assertTrue(store.ttl("k").compareTo(HOUR) <= 0);
  }

  @Test
  void getOrLoadPassesTheKeyToTheLoader() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertEquals("ключ", new String(store.getOrLoad("ключ", key -> key.getBytes(UTF_8)), UTF_8));
  }

  @Test
  void getOrLoadOfANullResultStoresNothing() {
    BlinkStore store = store(ROOMY_LIMIT);
    assertNull(store.getOrLoad("k", key -> null));
    assertEquals(0, store.size());
    assertArrayEquals(new byte[] {1}, store.getOrLoad("k", key -> new byte[] {1}));
  }

  @Test
  void getOrLoadFailureReachesTheCallerStoresNothingAndTheNextCallLoadsAgain() {
    BlinkStore store = store(ROOMY_LIMIT);
    IllegalStateException failure = new IllegalStateException("database down");
    assertSame(failure, assertThrows(IllegalStateException.class, () -> store.getOrLoad("k", key -> {
      throw failure;
    })));
    assertEquals(0, store.size());
    assertArrayEquals(new byte[] {1}, store.getOrLoad("k", key -> new byte[] {1}));
  }

  @Test
  void getOrLoadWrapsACheckedFailureInABlinkException() {
    BlinkStore store = store(ROOMY_LIMIT);
    IOException failure = new IOException("database down");
    BlinkException e = assertThrows(BlinkException.class, () -> store.getOrLoad("k", key -> {
      throw failure;
    }));
    assertSame(failure, e.getCause());
    assertEquals(0, store.size());
  }

  @Test
  void getOrLoadOfAValueTooLargeStoresNothing() {
    assumeExactAccounting();
    BlinkStore store = store(100);
    assertThrows(EntryTooLargeException.class, () -> store.getOrLoad("k", key -> new byte[100]));
    assertEquals(0, store.size());
  }

  @Test
  void getOrLoadReturnsACopy() {
    BlinkStore store = store(ROOMY_LIMIT);
    byte[] loaded = store.getOrLoad("k", key -> new byte[] {1});
    loaded[0] = 9;
    assertArrayEquals(new byte[] {1}, store.get("k"));
  }

  @Test
  void fiftyConcurrentMissesOfOneKeyRunTheLoaderOnceAndAllGetItsValue() throws Exception {
    BlinkStore store = store(ROOMY_LIMIT);
    int callers = 50;
    AtomicInteger loads = new AtomicInteger();
    CountDownLatch allCalling = new CountDownLatch(callers);
    List<Callable<byte[]>> tasks = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      tasks.add(() -> {
        allCalling.countDown();
        return store.getOrLoad("hot", key -> {
          loads.incrementAndGet();
          // Hold the load open until every caller has at least started its call.
          assertTrue(allCalling.await(30, TimeUnit.SECONDS));
          return "from the database".getBytes(UTF_8);
        });
      });
    }
    for (byte[] value : runAll(tasks)) {
      assertEquals("from the database", new String(value, UTF_8));
    }
    assertEquals(1, loads.get());
    assertEquals("from the database", store.getString("hot"));
  }

  @Test
  void fiftyConcurrentMissesOfAFailingLoadAllFailAndNothingIsStored() throws Exception {
    BlinkStore store = store(ROOMY_LIMIT);
    int callers = 50;
    CountDownLatch allCalling = new CountDownLatch(callers);
    List<Callable<Throwable>> tasks = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      tasks.add(() -> {
        allCalling.countDown();
        try {
          store.getOrLoad("hot", key -> {
            assertTrue(allCalling.await(30, TimeUnit.SECONDS));
            throw new IllegalStateException("database down");
          });
          return null;
        } catch (IllegalStateException e) {
          return e;
        }
      });
    }
    for (Throwable failure : runAll(tasks)) {
      assertEquals("database down", failure == null ? null : failure.getMessage());
    }
    assertNull(store.get("hot"));
    assertArrayEquals(new byte[] {1}, store.getOrLoad("hot", key -> new byte[] {1}));
  }

  /**
   * Runs every task on its own thread, and returns their results in order; fails on the first failure. Public
   * for concurrency tests beyond the contract's own.
   */
  public static <T> List<T> runAll(List<Callable<T>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(task));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(60, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aHashHoldsFieldsWithRedissSemantics() {
    BlinkStore store = store(ROOMY_LIMIT);
    if (!holdsHashes()) {
      assertThrows(UnsupportedOperationException.class, () -> store.hash("user:1"));
      return;
    }
    BlinkHash hash = store.hash("user:1");
    assertEquals("user:1", hash.key());
    assertTrue(hash.set("name", "Ada".getBytes(UTF_8)));
    assertFalse(hash.set("name", "Ada L.".getBytes(UTF_8)), "an existing field");
    assertTrue(hash.setIfAbsent("lang", "en".getBytes(UTF_8)));
    assertFalse(hash.setIfAbsent("lang", "fr".getBytes(UTF_8)));
    assertArrayEquals("Ada L.".getBytes(UTF_8), hash.get("name"));
    assertNull(hash.get("none"));
    assertTrue(hash.contains("lang"));
    assertFalse(hash.contains("none"));
    assertEquals(2, hash.size());
    assertUsage(6 + 4 + 6 + 4 + 2, store);
    assertEquals(java.util.List.of("name", "lang"), java.util.List.copyOf(hash.getAll().keySet()));
    assertEquals(1, hash.setAll(java.util.Map.of("lang", "fr".getBytes(UTF_8), "city", "Paris".getBytes(UTF_8))));
    assertEquals(7, hash.incrementBy("visits", 7));
    assertEquals(5, hash.incrementBy("visits", -2));
    assertThrows(NotAnIntegerException.class, () -> hash.incrementBy("name", 1));
    assertTrue(hash.delete("visits"));
    assertFalse(hash.delete("visits"));
    assertEquals(3, hash.size());
  }

  @Test
  void aSortedSetHoldsScoredMembersWithRedissSemantics() {
    BlinkStore store = store(ROOMY_LIMIT);
    if (!holdsSortedSets()) {
      assertThrows(UnsupportedOperationException.class, () -> store.sortedSet("board"));
      return;
    }
    BlinkSortedSet board = store.sortedSet("board");
    assertEquals("board", board.key());
    assertTrue(board.add("ada", 3));
    assertTrue(board.add("bob", 1.5));
    assertTrue(board.add("cy", Double.NEGATIVE_INFINITY));
    assertFalse(board.add("bob", 2.25), "an existing member gets a new score");
    assertEquals(3, board.size());
    assertUsage(5 + (3 + 8) + (3 + 8) + (2 + 8), store);
    assertEquals(2.25, board.score("bob"));
    assertNull(board.score("none"));
    assertEquals(0, board.rank("cy"));
    assertEquals(2, board.rank("ada"));
    assertEquals(-1, board.rank("none"));
    assertEquals(4.25, board.incrementScore("bob", 2));
    assertEquals(0.5, board.incrementScore("dee", 0.5), "an absent member is added");
    assertEquals(java.util.List.of(new BlinkSortedSet.Member("cy", Double.NEGATIVE_INFINITY),
        new BlinkSortedSet.Member("dee", 0.5), new BlinkSortedSet.Member("ada", 3),
        new BlinkSortedSet.Member("bob", 4.25)), board.range(0, -1));
    assertEquals(java.util.List.of(new BlinkSortedSet.Member("ada", 3)), board.range(-2, -2));
    assertEquals(java.util.List.of(new BlinkSortedSet.Member("dee", 0.5), new BlinkSortedSet.Member("ada", 3)),
        board.rangeByScore(0.5, 3));
    assertEquals(2, board.count(0, 3));
    assertEquals(0, board.count(3, 0));
    assertEquals(new BlinkSortedSet.Member("cy", Double.NEGATIVE_INFINITY), board.popMin());
    assertEquals(new BlinkSortedSet.Member("bob", 4.25), board.popMax());
    assertTrue(board.remove("ada"));
    assertFalse(board.remove("ada"));
    assertEquals(new BlinkSortedSet.Member("dee", 0.5), board.popMin());
    assertNull(board.popMin());
    assertEquals(0, store.size(), "a sorted set left empty is removed");
    store.set("text", "v");
    assertThrows(WrongTypeException.class, () -> store.sortedSet("text").add("m", 1));
    assertEquals("v", store.getString("text"));
  }

  @Test
  void aSetHoldsMembersWithRedissSemantics() {
    BlinkStore store = store(ROOMY_LIMIT);
    if (!holdsSets()) {
      assertThrows(UnsupportedOperationException.class, () -> store.set("tags"));
      return;
    }
    BlinkSet set = store.set("tags");
    assertEquals("tags", set.key());
    assertEquals(3, set.add("30".getBytes(UTF_8), "-2".getBytes(UTF_8), "7".getBytes(UTF_8)));
    assertEquals(0, set.add("7".getBytes(UTF_8)), "a member already there");
    assertEquals(java.util.List.of("-2", "7", "30"),
        set.members().stream().map(m -> new String(m, UTF_8)).toList(), "integers in ascending order (an intset)");
    assertEquals(3, set.size());
    assertUsage(4 + 2 + 2 + 1, store);
    assertTrue(set.contains("7".getBytes(UTF_8)));
    assertFalse(set.contains("07".getBytes(UTF_8)));
    assertEquals(1, set.add("java".getBytes(UTF_8)));
    assertEquals(2, set.remove("-2".getBytes(UTF_8), "none".getBytes(UTF_8), "30".getBytes(UTF_8)));
    assertTrue(set.move("java".getBytes(UTF_8), "other"));
    assertFalse(set.move("java".getBytes(UTF_8), "other"), "no longer in the set");
    assertArrayEquals("java".getBytes(UTF_8), store.set("other").random());
    assertArrayEquals("7".getBytes(UTF_8), set.pop());
    assertNull(set.pop(), "the set left empty was removed");
    assertNull(set.random());
    assertEquals(0, set.size());
    store.set("text", "v");
    assertThrows(WrongTypeException.class, () -> store.set("text").add(new byte[1]));
    assertThrows(WrongTypeException.class, () -> store.set("other").move("java".getBytes(UTF_8), "text"));
    assertThrows(WrongTypeException.class, () -> store.get("other"));
    assertUsage(5 + 4 + 4 + 1, store);
  }

  @Test
  void aHashIsOneEntryOfTheStoreAndTheWrongTypeForStringReads() {
    BlinkStore store = store(ROOMY_LIMIT);
    assumeTrue(holdsHashes(), "this store holds no hashes");
    BlinkHash hash = store.hash("user:1");
    hash.set("name", "Ada".getBytes(UTF_8));
    assertThrows(WrongTypeException.class, () -> store.get("user:1"));
    assertThrows(WrongTypeException.class, () -> store.incrementBy("user:1", 1));
    store.set("text", "v");
    assertThrows(WrongTypeException.class, () -> store.hash("text").get("name"));
    assertThrows(WrongTypeException.class, () -> store.hash("text").set("name", new byte[1]));
    assertEquals("v", store.getString("text"));
    assertTrue(store.expire("user:1", HOUR));
    assertTrue(store.ttl("user:1").compareTo(Duration.ofMinutes(59)) > 0);
    assertEquals(2, store.size());
    assertTrue(store.delete("user:1"));
    assertEquals(0, hash.size());
    assertEquals(java.util.Map.of(), hash.getAll());
    hash.set("name", "Ada".getBytes(UTF_8));
    store.set("user:1", "overwritten");
    assertEquals("overwritten", store.getString("user:1"));
  }

  private static byte[] element(String text) {
    return text.getBytes(UTF_8);
  }

  private static List<String> texts(@org.jspecify.annotations.Nullable List<byte[]> elements) {
    List<String> texts = new ArrayList<>();
    if (elements != null) {
      elements.forEach(element -> texts.add(new String(element, UTF_8)));
    }
    return texts;
  }

  @Test
  void aListHoldsElementsWithRedissSemantics() {
    BlinkStore store = store(ROOMY_LIMIT);
    if (!holdsLists()) {
      assertThrows(UnsupportedOperationException.class, () -> store.list("queue:1").size());
      return;
    }
    BlinkList list = store.list("queue:1");
    assertEquals("queue:1", list.key());
    assertEquals(0, list.pushIfPresent(BlinkList.End.RIGHT, element("x")), "no list: nothing pushed");
    assertEquals(0, store.size());
    assertEquals(2, list.push(BlinkList.End.RIGHT, element("b"), element("c")));
    assertEquals(3, list.push(BlinkList.End.LEFT, element("a")));
    assertEquals(List.of("a", "b", "c"), texts(list.range(0, -1)));
    assertUsage(7 + 3, store);
    assertArrayEquals(element("c"), list.get(-1));
    assertNull(list.get(3));
    assertTrue(list.set(1, element("B")));
    assertThrows(IndexOutOfBoundsException.class, () -> list.set(5, element("x")));
    assertEquals(4, list.insert(true, element("c"), element("c")));
    assertEquals(-1, list.insert(false, element("none"), element("x")));
    assertEquals(List.of(3L, 2L), list.positions(element("c"), -1, 0, 0));
    assertEquals(2, list.remove(0, element("c")));
    assertArrayEquals(element("B"), list.move(BlinkList.End.RIGHT, "queue:2", BlinkList.End.LEFT));
    assertEquals(List.of("a"), texts(list.range(0, -1)));
    assertArrayEquals(element("a"), list.pop(BlinkList.End.LEFT));
    assertEquals(0, list.size(), "a list left empty is removed");
    assertNull(list.pop(BlinkList.End.LEFT));
    assertNull(list.pop(BlinkList.End.LEFT, 2));
    assertEquals(1, store.size());
    assertUsage(7 + 1, store);
    assertEquals(List.of("B"), texts(store.list("queue:2").pop(BlinkList.End.RIGHT, 5)));
    assertEquals(0, store.size());
  }

  @Test
  void aListIsOneEntryOfTheStoreAndTheWrongTypeForOtherReads() {
    BlinkStore store = store(ROOMY_LIMIT);
    assumeTrue(holdsLists(), "this store holds no lists");
    BlinkList list = store.list("queue:1");
    list.push(BlinkList.End.RIGHT, element("job"));
    assertThrows(WrongTypeException.class, () -> store.get("queue:1"));
    assertThrows(WrongTypeException.class, () -> store.hash("queue:1").get("f"));
    store.set("text", "v");
    assertThrows(WrongTypeException.class, () -> store.list("text").push(BlinkList.End.LEFT, element("x")));
    assertThrows(WrongTypeException.class, () -> store.list("text").range(0, -1));
    assertThrows(WrongTypeException.class, () -> list.move(BlinkList.End.LEFT, "text", BlinkList.End.LEFT));
    assertEquals(1, list.size(), "a move onto the wrong type pops nothing");
    assertNull(store.list("none").move(BlinkList.End.LEFT, "text", BlinkList.End.LEFT),
        "an empty source answers null before the destination's type is looked at, as Redis's LMOVE");
    assertEquals("v", store.getString("text"));
    assertTrue(store.expire("queue:1", HOUR));
    assertTrue(store.ttl("queue:1").compareTo(Duration.ofMinutes(59)) > 0);
    assertEquals(2, store.size());
    assertTrue(store.delete("queue:1"));
    assertEquals(0, list.size());
    list.push(BlinkList.End.LEFT, element("job"));
    store.set("queue:1", "overwritten");
    assertEquals("overwritten", store.getString("queue:1"));
  }
}
