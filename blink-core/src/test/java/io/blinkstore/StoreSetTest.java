package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.Sets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The in-process sets' edges: a set of a million small members cannot pass the heap capacity (each member counts its
 * heap cost, {@link SetValue#HEAP_PER_MEMBER}); a store whose result would pass the memory limit is refused and
 * stores nothing; a count near {@code Long.MAX_VALUE} draws or pops the whole set.
 */
class StoreSetTest {
  /** A table member's heap cost beyond its bytes, as docs/resp.md states it (not read from the code it checks). */
  private static final int HEAP_PER_MEMBER = 48;

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  @Test
  void smallMembersAreBoundedByTheirHeapCostNotTheirBytes() {
    int perEntry = 100;
    long capacity = 256 << 10;
    try (IsolatedStore bounded = (IsolatedStore) BlinkStore.builder().memoryLimit(64 << 20)
        .heapCapacity(capacity, perEntry).build()) {
      BlinkSet set = bounded.set("big");
      long added = 0;
      long memberBytes = 0;
      EntryTooLargeException refused = null;
      while (refused == null && added < 1_000_000) {
        byte[] member = bytes(Long.toString(added));
        try {
          set.add(member);
          added++;
          memberBytes += member.length;
        } catch (EntryTooLargeException e) {
          refused = e;
        }
      }
      assertTrue(refused != null, "refused before a million members");
      long cost = 3 + memberBytes + perEntry + added * HEAP_PER_MEMBER;
      long next = Long.toString(added).length();
      assertTrue(cost <= capacity && cost + next + HEAP_PER_MEMBER > capacity,
          () -> "stopped at the capacity: " + cost + " of " + capacity);
      assertEquals(added, set.size());
      assertEquals(3 + memberBytes, bounded.usage());
    }
  }

  @Test
  void aStoreResultPastTheLimitIsRefusedAndStoresNothing() {
    try (IsolatedStore store = (IsolatedStore) BlinkStore.builder().memoryLimit(4 << 10).build()) {
      Sets sets = store.sets();
      byte[] one = new byte[1500];
      byte[] two = new byte[1500];
      two[0] = 1;
      sets.add("a", new byte[][] {one}, 0);
      sets.add("b", new byte[][] {two}, 0);
      String destination = "d".repeat(1200); // the result weighs its key too: 4,200 bytes past 4 KiB
      assertThrows(EntryTooLargeException.class, () -> sets.store(Sets.Op.UNION, destination, List.of("a", "b")));
      assertEquals(null, store.type(destination));
      assertEquals(2 + 3000, store.usage(), "the sources as they were");
      assertEquals(2, sets.store(Sets.Op.UNION, "d", List.of("a", "b")), "a result that fits is stored");
    }
  }

  /**
   * Regression: {@code SRANDMEMBER key 9223372036854775807} (and {@code SPOP} with that count) on a hashtable set
   * took {@code count * 2}, which overflows to -2, as "at most half the set" and looked for that many distinct members
   * for ever, holding the set's monitor and its event loop. The timeout only turns that hang into a failure.
   */
  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aCountNearLongMaxDrawsOrPopsTheWholeSet() {
    try (IsolatedStore store = (IsolatedStore) BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Sets sets = store.sets();
      sets.add("s", new byte[][] {bytes("a"), bytes("b"), bytes("c")}, 0);
      List<byte[]> drawn = sets.random("s", Long.MAX_VALUE, Long.MAX_VALUE);
      assertEquals(3, drawn == null ? -1 : drawn.size());
      drawn = sets.random("s", Long.MAX_VALUE / 2 + 1, Long.MAX_VALUE);
      assertEquals(3, drawn == null ? -1 : drawn.size());
      List<byte[]> popped = sets.pop("s", Long.MAX_VALUE, Long.MAX_VALUE);
      assertEquals(3, popped == null ? -1 : popped.size());
      assertEquals(0, sets.size("s"));
    }
  }
}
