package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The store against a model of both bounds: a map of what was written, whose key and value bytes must stay within
 * the memory limit and whose bytes plus a cost per entry must stay within the heap capacity. After each write, if
 * the model's entries fit both bounds the store holds every one of them; if not, it holds a subset of them (each
 * with its last value) that fits both, with its usage their exact bytes, and the model forgets what was evicted.
 */
class HeapCapacityProperties {
  private static final int PER_ENTRY = 120;

  /** A write of {@code length} bytes to key number {@code key}, or with {@code length < 0} a delete. */
  record Op(int key, int length) {}

  @Property(tries = 200)
  void theStoreKeepsBothBoundsAndLosesNothingThatFits(@ForAll("ops") List<Op> ops,
      @ForAll @IntRange(min = 2_000, max = 20_000) int limit,
      @ForAll @IntRange(min = 1_000, max = 40_000) int capacity) {
    try (CaffeineBlinkStore store = ((IsolatedStore) BlinkStore.builder().memoryLimit(limit)
        .heapCapacity(capacity, PER_ENTRY).build()).unwrap()) {
      Map<String, byte[]> model = new HashMap<>();
      int sequence = 0;
      for (Op op : ops) {
        String key = "key" + op.key();
        if (op.length() < 0) {
          store.delete(key);
          model.remove(key);
          continue;
        }
        byte[] value = new byte[op.length()];
        java.util.Arrays.fill(value, (byte) sequence++);
        if (key.length() + value.length > limit) {
          continue; // too large for the limit: refused, tested elsewhere
        }
        store.set(key, value);
        model.put(key, value);
        check(store, model, limit, capacity);
      }
    }
  }

  private static void check(CaffeineBlinkStore store, Map<String, byte[]> model, long limit, long capacity) {
    long modelBytes = 0;
    long modelCost = 0;
    for (Map.Entry<String, byte[]> entry : model.entrySet()) {
      long bytes = entry.getKey().getBytes(StandardCharsets.UTF_8).length + entry.getValue().length;
      modelBytes += bytes;
      modelCost += bytes + PER_ENTRY;
    }
    boolean allFit = modelBytes <= limit && modelCost <= capacity;
    long heldBytes = 0;
    long held = 0;
    for (var it = model.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, byte[]> entry = it.next();
      byte[] stored = store.get(entry.getKey());
      if (allFit) {
        assertArrayEquals(entry.getValue(), stored, () -> "evicted " + entry.getKey() + " though all fit");
      }
      if (stored != null) {
        assertArrayEquals(entry.getValue(), stored, entry::getKey);
        heldBytes += entry.getKey().length() + stored.length;
        held++;
      } else {
        it.remove(); // evicted for a bound: the model follows
      }
    }
    assertEquals(held, store.size(), "the store holds only what the model wrote");
    assertEquals(heldBytes, store.usage());
    assertTrue(store.usage() <= limit, () -> "usage " + store.usage() + " over " + limit);
    assertTrue(heldBytes + held * PER_ENTRY <= capacity, () -> "cost over the capacity " + capacity);
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Integer> lengths = Arbitraries.oneOf(Arbitraries.integers().between(0, 8),
        Arbitraries.integers().between(100, 1_500), Arbitraries.just(-1));
    return Combinators.combine(Arbitraries.integers().between(0, 199), lengths).as(Op::new).list().ofMaxSize(400);
  }
}
