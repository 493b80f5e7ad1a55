package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.Isolation;
import io.blinkstore.internal.ValueSwaps;
import io.blinkstore.internal.Watches;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store's compare-and-set of one key ({@link ValueSwaps}, what blink-server's read-then-write commands are
 * built on): a swap writes only over the entry it expected, value and deadline both; it keeps, sets or drops the
 * time to live as asked; and the books (usage, size, expiry index, expirations) follow every outcome.
 */
class ValueSwapTest {
  private static final Duration TTL = Duration.ofSeconds(10);

  private final FakeTicker clock = new FakeTicker();
  private final BlinkStore store = clock.store(1 << 10);
  private final ValueSwaps swaps = ((ValueSwaps.Source) store).swaps();

  @AfterEach
  void close() {
    store.close();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  @Test
  void readGivesTheLiveValueAndItsDeadlineOrNull() {
    assertNull(swaps.read("k"));
    store.set("k", "v");
    ValueSwaps.Entry plain = swaps.read("k");
    assertArrayEquals(bytes("v"), plain.value());
    assertFalse(plain.expires());
    store.set("t", "w", TTL);
    clock.advance(Duration.ofSeconds(4));
    ValueSwaps.Entry timed = swaps.read("t");
    assertTrue(timed.expires());
    assertEquals(Duration.ofSeconds(6).toNanos(), timed.ttlNanos());
    clock.advance(Duration.ofSeconds(6));
    assertNull(swaps.read("t"), "an expired value is no entry");
  }

  @Test
  void aSwapWritesOnlyOverTheEntryItExpected() {
    assertTrue(swaps.swap("k", null, bytes("one"), 0), "absent, as expected");
    ValueSwaps.Entry one = swaps.read("k");
    assertFalse(swaps.swap("k", null, bytes("two"), 0), "not absent any more");
    store.set("k", "uno"); // same length: overwritten in place, the entry object unchanged
    assertFalse(swaps.swap("k", one, bytes("two"), 0), "another value");
    ValueSwaps.Entry uno = swaps.read("k");
    store.expire("k", TTL);
    assertFalse(swaps.swap("k", uno, bytes("two"), 0), "the same value with another deadline");
    ValueSwaps.Entry timed = swaps.read("k");
    assertTrue(swaps.swap("k", timed, bytes("two"), 0));
    assertEquals("two", store.getString("k"));
    assertEquals(BlinkStore.NO_EXPIRY, store.ttl("k"), "0: no time to live");
    assertEquals(1 + 3, store.usage());
  }

  @Test
  void keepTtlKeepsTheExpectedDeadlineAndATtlStartsNow() {
    store.set("k", "v", TTL);
    clock.advance(Duration.ofSeconds(3));
    assertTrue(swaps.swap("k", swaps.read("k"), bytes("vv"), ValueSwaps.KEEP_TTL));
    assertEquals(Duration.ofSeconds(7), store.ttl("k"));
    assertTrue(swaps.swap("k", swaps.read("k"), bytes("vvv"), Duration.ofSeconds(30).toNanos()));
    assertEquals(Duration.ofSeconds(30), store.ttl("k"));
    clock.advance(Duration.ofSeconds(30));
    assertNull(store.get("k"), "the swapped value expires at its deadline");
    assertEquals(0, store.usage());
    assertEquals(0, store.stats().expiring());
  }

  @Test
  void aSwapToNullRemovesTheKeyAndAnExpiredValueCountsAsAbsent() {
    store.set("k", "v");
    assertFalse(swaps.swap("k", null, null, 0));
    assertTrue(swaps.swap("k", swaps.read("k"), null, 0));
    assertNull(store.get("k"));
    assertEquals(0, store.size());
    store.set("gone", "v", TTL);
    clock.advance(TTL);
    assertTrue(swaps.swap("gone", null, bytes("new"), 0), "an expired value is absent");
    assertEquals("new", store.getString("gone"));
    assertEquals(4 + 3, store.usage());
    assertEquals(1, store.stats().expirations());
  }

  @Test
  void aValuePastTheLimitIsRefusedAndChangesNothing() {
    store.set("k", "v");
    ValueSwaps.Entry entry = swaps.read("k");
    assertThrows(EntryTooLargeException.class, () -> swaps.swap("k", entry, new byte[1 << 10], 0));
    assertEquals("v", store.getString("k"));
    assertEquals(2, store.usage());
  }

  @Test
  void aSwapMarksTheWatchersOfItsKey() {
    Watches watches = ((Isolation.Source) store).isolation().watches();
    Watches.Watcher watcher = new Watches.Watcher();
    watches.watch(watcher, "k", false);
    assertFalse(watcher.dirty());
    assertTrue(swaps.swap("k", null, bytes("x"), 0));
    assertTrue(watcher.dirty());
  }
}
