package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.Deadlines;
import io.blinkstore.internal.Deadlines.Condition;
import io.blinkstore.internal.Watches;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store's {@link Deadlines}: a deadline set is the deadline read back, to the nanosecond; {@code expireAt}'s
 * conditions against the current deadline; a deadline past deletes and settles the books; watchers are marked.
 */
class DeadlinesTest {
  private static final long SECOND = 1_000_000_000L;

  private final FakeTicker clock = new FakeTicker();
  private final BlinkStore store = clock.store(1 << 20);
  private final Deadlines deadlines = (Deadlines) store;

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aDeadlineSetIsTheDeadlineReadBackExactly() {
    long deadline = deadlines.now() + 10 * SECOND + 123_457;
    deadlines.setUntil("k", new byte[] {1}, deadline);
    clock.advance(Duration.ofMillis(3));
    assertEquals(deadline, deadlines.deadline("k"));
    assertTrue(deadlines.expireAt("k", deadline + 1, Condition.ALWAYS));
    assertEquals(deadline + 1, deadlines.deadline("k"));
    assertEquals(Deadlines.ABSENT, deadlines.deadline("missing"));
    store.set("plain", "v");
    assertEquals(Deadlines.NEVER, deadlines.deadline("plain"));
    clock.advance(Duration.ofSeconds(11));
    assertEquals(Deadlines.ABSENT, deadlines.deadline("k"));
    assertEquals(0, ((IsolatedStore) store).unwrap().indexedHolders());
  }

  @Test
  void conditionsAreCheckedAgainstTheKeysOwnDeadline() {
    long now = deadlines.now();
    store.set("k", "v");
    assertFalse(deadlines.expireAt("k", now + SECOND, Condition.XX));
    assertFalse(deadlines.expireAt("k", now + SECOND, Condition.GT), "no expiry is the latest");
    assertTrue(deadlines.expireAt("k", now + 5 * SECOND, Condition.NX));
    assertFalse(deadlines.expireAt("k", now + SECOND, Condition.NX));
    assertFalse(deadlines.expireAt("k", now + 5 * SECOND, Condition.GT), "the same is not later");
    assertTrue(deadlines.expireAt("k", now + 6 * SECOND, Condition.GT));
    assertFalse(deadlines.expireAt("k", now + 6 * SECOND, Condition.LT));
    assertTrue(deadlines.expireAt("k", now + 4 * SECOND, Condition.XX_LT));
    assertEquals(now + 4 * SECOND, deadlines.deadline("k"));
    assertFalse(deadlines.expireAt("missing", now + SECOND, Condition.ALWAYS));
  }

  @Test
  void aDeadlineNotAfterNowDeletesTheKeyAndItsBytes() {
    deadlines.setUntil("k", new byte[5], deadlines.now() + SECOND);
    store.set("plain", "12");
    assertTrue(deadlines.expireAt("k", deadlines.now(), Condition.ALWAYS));
    assertNull(store.get("k"));
    assertTrue(deadlines.expireAt("plain", deadlines.now() - 1, Condition.LT));
    assertEquals(0, store.usage());
    assertEquals(0, store.size());
    assertEquals(0, ((IsolatedStore) store).unwrap().indexedHolders());
    assertEquals(new BlinkStats(0, 1, 0, 0), store.stats(), "deleted, not expired");
  }

  @Test
  void setIfAbsentUntilStoresOnlyWhereNoLiveValueIs() {
    long deadline = deadlines.now() + SECOND;
    assertTrue(deadlines.setIfAbsentUntil("k", new byte[] {1}, deadline));
    assertFalse(deadlines.setIfAbsentUntil("k", new byte[] {2}, deadline + 1));
    assertEquals(deadline, deadlines.deadline("k"));
    clock.advance(Duration.ofSeconds(1));
    assertTrue(deadlines.setIfAbsentUntil("k", new byte[] {3}, Deadlines.NEVER));
    assertEquals(Deadlines.NEVER, deadlines.deadline("k"));
  }

  @Test
  void changesMarkTheKeysWatchers() {
    Watches watches = ((IsolatedStore) store).watches();
    Watches.Watcher watcher = new Watches.Watcher();
    store.set("k", "v");
    watches.watch(watcher, "k", true);
    assertFalse(deadlines.expireAt("k", deadlines.now() + SECOND, Condition.XX));
    assertFalse(watcher.dirty(), "a condition that fails changes nothing");
    assertTrue(deadlines.expireAt("k", deadlines.now() + SECOND, Condition.NX));
    assertTrue(watcher.dirty());
  }
}
