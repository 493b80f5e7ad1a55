package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The lock idiom on a full store ({@code setIfAbsent} with a time to live, Redis's {@code SET NX PX}): a lock the
 * store accepted stays until it expires, is deleted or overwritten, however many other writes evict around it
 * ({@link PinBudget}). Before pinning, W-TinyLFU rejected the fresh lock key in favour of the entries already
 * there, and a second caller took the lock too in 18 of 20 trials.
 */
class LockIdiomTest {
  private static final int LIMIT = 2 << 20;
  private static final byte[] KIB = new byte[1024];
  private static final Duration TTL = Duration.ofSeconds(30);

  private final FakeTicker clock = new FakeTicker();
  private final BlinkStore store = clock.store(LIMIT);
  private int written;

  @AfterEach
  void close() {
    store.close();
  }

  private void writeOthers(int count) {
    for (int i = 0; i < count; i++) {
      store.set("other:" + written++, KIB);
    }
  }

  @Test
  void noSecondCallerWinsALockOnAFullStore() {
    writeOthers(4 * LIMIT / KIB.length);
    int doubleWins = 0;
    for (int trial = 0; trial < 20; trial++) {
      String lock = "lock:" + trial;
      assertTrue(store.setIfAbsent(lock, bytes("first"), TTL), "the first caller takes a free lock");
      writeOthers(50);
      if (store.setIfAbsent(lock, bytes("second"), TTL)) {
        doubleWins++;
      }
      assertTrue(store.usage() <= LIMIT);
    }
    assertEquals(0, doubleWins, "trials in which a second caller also got the lock");
  }

  @Test
  void aLockIsFreedWhenItExpiresAndItsBytesLeaveUsage() {
    writeOthers(4 * LIMIT / KIB.length);
    assertTrue(store.setIfAbsent("lock", bytes("first"), TTL));
    writeOthers(500);
    assertEquals("first", store.getString("lock"));
    clock.advance(TTL);
    assertTrue(store.setIfAbsent("lock", bytes("second"), TTL), "an expired lock is free");
    assertEquals("second", store.getString("lock"));
    assertTrue(store.usage() <= LIMIT);
  }

  @Test
  void anExtendedLockStaysPinnedAndAPersistedOneIsAnOrdinaryEntry() {
    writeOthers(4 * LIMIT / KIB.length);
    assertTrue(store.setIfAbsent("extended", bytes("a"), TTL));
    assertTrue(store.setIfAbsent("persisted", bytes("b"), TTL));
    assertEquals("extended".length() + 1 + "persisted".length() + 1, pinnedBytes());
    assertTrue(store.expire("extended", TTL.multipliedBy(2)));
    assertTrue(store.persist("persisted"));
    assertEquals("extended".length() + 1, pinnedBytes(), "only the extended lock is still pinned");
    writeOthers(4 * LIMIT / KIB.length);
    assertEquals("a", store.getString("extended"));
    assertTrue(store.delete("extended"));
    assertEquals(0, pinnedBytes());
  }

  @Test
  void locksBeyondTheirShareOfTheLimitAreOrdinaryEntries() {
    int share = LIMIT / 100 * PinBudget.SHARE_PERCENT;
    int locks = 2 * share / KIB.length;
    for (int i = 0; i < locks; i++) {
      assertTrue(store.setIfAbsent("lock:" + i, KIB, TTL));
    }
    writeOthers(4 * LIMIT / KIB.length);
    int kept = 0;
    for (int i = 0; i < locks; i++) {
      if (store.get("lock:" + i) != null) {
        kept++;
      }
    }
    assertTrue(kept >= share / (KIB.length + 8) && kept < locks, kept + " of " + locks + " locks kept");
    assertTrue(store.usage() <= LIMIT);
  }

  @Test
  void plainWritesAndWritesWithoutATimeToLiveAreNotPinned() {
    assertTrue(store.setIfAbsent("k", bytes("v")));
    store.set("ttl", bytes("v"), TTL);
    writeOthers(4 * LIMIT / KIB.length);
    assertNull(store.get("k"), "setIfAbsent without a time to live is an ordinary entry");
    assertNull(store.get("ttl"), "set with a time to live is an ordinary entry");
  }

  private long pinnedBytes() {
    return ((IsolatedStore) store).unwrap().pinnedBytes();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
