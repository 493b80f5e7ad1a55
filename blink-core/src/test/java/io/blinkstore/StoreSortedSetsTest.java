package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.SortedSets;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The store's sorted sets at their edges: a set of a million small members cannot pass the heap capacity (each
 * member counts its heap cost, {@link ZSetValue#HEAP_PER_MEMBER}); a write past the memory limit changes nothing;
 * the weight is the key's bytes plus each member's bytes and 8 for its score, through adds, score changes and
 * removes; a set left empty is removed; a key of another type is a {@link WrongTypeException} both ways; a set
 * ({@link SetValue}) is an input of the algebra whose members score 1, a hash is not; increments and adds from
 * several threads are each atomic, and the weight stays exact.
 */
class StoreSortedSetsTest {
  private static SortedSets zsets(BlinkStore store) {
    return ((SortedSets.Source) store).sortedSets();
  }

  private static long add(SortedSets zsets, String key, byte[] member, double score) {
    return zsets.update(key, true, member.length + 8L, 1, set -> set.put(member, score) ? 1L : 0L, 0L, n -> true);
  }

  @Test
  void smallMembersAreBoundedByTheirHeapCostNotTheirBytes() {
    int perEntry = 100;
    long capacity = 256 << 10;
    try (BlinkStore bounded = BlinkStore.builder().memoryLimit(64 << 20).heapCapacity(capacity, perEntry).build()) {
      SortedSets zsets = zsets(bounded);
      long added = 0;
      EntryTooLargeException refused = null;
      while (refused == null && added < 1_000_000) {
        try {
          add(zsets, "big", ByteBuffer.allocate(4).putInt((int) added).array(), added);
          added++;
        } catch (EntryTooLargeException e) {
          refused = e;
        }
      }
      assertTrue(refused != null, "refused before a million members");
      assertEquals((capacity - perEntry - 3) / (4 + 8 + 160), added); // docs/resp.md's figures
      assertEquals(added, (long) zsets.read("big", SortedSets.Members::size, 0L));
      assertEquals(3 + added * 12, bounded.usage());
    }
  }

  @Test
  void aWritePastTheMemoryLimitChangesNothingAndTheWeightIsExact() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1024).build()) {
      SortedSets zsets = zsets(store);
      add(zsets, "z", "ada".getBytes(UTF_8), 1);
      add(zsets, "z", "bob".getBytes(UTF_8), 2);
      add(zsets, "z", "bob".getBytes(UTF_8), 5); // a new score: no new bytes
      assertEquals(1 + (3 + 8) * 2, store.usage());
      assertThrows(EntryTooLargeException.class, () -> add(zsets, "z", new byte[2000], 3));
      assertEquals(2L, (long) zsets.read("z", SortedSets.Members::size, 0L));
      assertEquals(1 + (3 + 8) * 2, store.usage());
      zsets.update("z", false, 0, 0, set -> set.remove("ada".getBytes(UTF_8)), false, removed -> removed);
      assertEquals(1 + 3 + 8, store.usage());
      zsets.update("z", false, 0, 0, set -> set.remove("bob".getBytes(UTF_8)), false, removed -> removed);
      assertEquals(0, store.usage());
      assertEquals(null, store.get("z"));
      assertEquals(0, store.size(), "a set left empty is removed");
    }
  }

  @Test
  void aSetIsAnInputOfTheAlgebraWhoseMembersScoreOne() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      ((IsolatedStore) store).update("s", new TypedWrite<>(SetValue.class, SetValue::new, 8, 3, set -> {
        set.add("2".getBytes(UTF_8), 512);
        set.add("x".getBytes(UTF_8), 512);
        return set.add("1".getBytes(UTF_8), 512);
      }, false, added -> true));
      SortedSets zsets = zsets(store);
      java.util.Map<String, Double> read = new java.util.TreeMap<>();
      assertTrue(zsets.readInput("s", (member, score) -> read.put(new String(member, UTF_8), score) == null));
      assertEquals(java.util.Map.of("1", 1.0, "2", 1.0, "x", 1.0), read);
      assertEquals(1.0, zsets.inputScore("s", "x".getBytes(UTF_8)));
      assertTrue(Double.isNaN(zsets.inputScore("s", "y".getBytes(UTF_8))));
      add(zsets, "z", "y".getBytes(UTF_8), -2.5);
      assertEquals(-2.5, zsets.inputScore("z", "y".getBytes(UTF_8)));
      assertTrue(Double.isNaN(zsets.inputScore("none", "y".getBytes(UTF_8))));
      assertEquals(false, zsets.readInput("none", (member, score) -> true));
      store.hash("h").set("f", new byte[1]);
      assertThrows(WrongTypeException.class, () -> zsets.inputScore("h", "f".getBytes(UTF_8)));
      assertThrows(WrongTypeException.class, () -> zsets.readInput("h", (member, score) -> true));
      assertThrows(WrongTypeException.class, () -> zsets.read("s", SortedSets.Members::size, 0L));
    }
  }

  @Test
  void concurrentIncrementsAndAddsAreEachAtomic() throws Exception {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      BlinkSortedSet board = store.sortedSet("board");
      java.util.List<java.util.concurrent.Callable<Boolean>> tasks = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        tasks.add(() -> {
          for (int i = 0; i < 2_000; i++) {
            board.incrementScore("shared", 1);
            board.add("t" + thread + ":" + i, i);
            board.remove("t" + thread + ":" + (i - 1));
          }
          return true;
        });
      }
      assertEquals(java.util.List.of(true, true, true, true), BlinkStoreContract.runAll(tasks));
      assertEquals(8_000.0, board.score("shared"));
      assertEquals(5, board.size(), "the shared member and each thread's last");
      assertEquals(5 + (6 + 8) + 4 * ("t0:1999".length() + 8), store.usage());
    }
  }

  @Test
  void aKeyOfAnotherTypeIsWrongTypeBothWays() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1024).build()) {
      store.set("s", "v".getBytes(UTF_8));
      assertThrows(WrongTypeException.class, () -> add(zsets(store), "s", "m".getBytes(UTF_8), 1));
      add(zsets(store), "z", "m".getBytes(UTF_8), 1);
      assertThrows(WrongTypeException.class, () -> store.get("z"));
      assertThrows(WrongTypeException.class, () -> store.list("z").size());
      assertEquals("zset", ((IsolatedStore) store).type("z"));
    }
  }
}
