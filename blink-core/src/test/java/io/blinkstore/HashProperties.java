package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.Hashes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@link HashValue} against a model ({@link LinkedHashMap}): any sequence of sets and deletes, across the compact
 * layout and the table, leaves the same fields and values, the same byte count, Redis's order while compact, and the
 * table in hash order; {@code HSCAN} returns every field present throughout a scan exactly once whatever writes
 * and resizes come between its steps; and the store's {@code usage()} stays exactly key plus field and value bytes
 * through any sequence of hash and string operations.
 */
class HashProperties {
  /** One operation: set {@code field} to a value of {@code length} bytes, or delete it. */
  record Op(boolean set, int field, int length) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 9).map(i -> i < 7),
        Arbitraries.integers().between(0, 299), Arbitraries.integers().between(0, 80)).as(Op::new);
    return op.list().ofMaxSize(700);
  }

  private static byte[] field(int i) {
    return ("field:" + i).getBytes(UTF_8);
  }

  private static byte[] value(Op op) {
    byte[] value = new byte[op.length()];
    java.util.Arrays.fill(value, (byte) ('a' + op.field() % 26));
    return value;
  }

  @Property(tries = 200)
  void aHashHoldsWhatItsModelHolds(@ForAll("ops") List<Op> ops) {
    HashValue hash = new HashValue(Key.pack("h", 1, new byte[0]));
    Map<String, byte[]> model = new LinkedHashMap<>();
    boolean everLarge = false;
    for (Op op : ops) {
      String name = new String(field(op.field()), UTF_8);
      if (op.set()) {
        boolean added = hash.put(field(op.field()), value(op), HashValue.REDIS_DEFAULTS);
        assertEquals(!model.containsKey(name), added);
        model.put(name, value(op));
        everLarge |= model.size() > HashValue.REDIS_DEFAULTS.maxEntries()
            || op.length() > HashValue.REDIS_DEFAULTS.maxBytes();
      } else {
        assertEquals(model.remove(name) != null, hash.remove(field(op.field())));
      }
      assertEquals(everLarge, hash.isTable(), "a table for good once past the compact bounds");
    }
    long bytes = 0;
    for (Map.Entry<String, byte[]> entry : model.entrySet()) {
      byte[] stored = hash.entry(entry.getKey().getBytes(UTF_8));
      assertArrayEquals(entry.getValue(), stored == null ? null : HashEntries.value(stored), entry.getKey());
      bytes += entry.getKey().length() + entry.getValue().length;
    }
    for (int i = 0; i < 300; i++) {
      if (!model.containsKey(new String(field(i), UTF_8))) {
        assertNull(hash.entry(field(i)));
      }
    }
    assertEquals(model.size(), hash.elements());
    assertEquals(bytes, hash.bytes());
    List<String> order = new ArrayList<>();
    long lastHash = -1;
    for (byte[] entry : hash.slots()) {
      if (entry != null) {
        order.add(new String(HashEntries.field(entry), UTF_8));
        if (hash.isTable()) {
          assertTrue(hash.hashOf(entry) >= lastHash, "the table is in hash order");
          lastHash = hash.hashOf(entry);
        }
      }
    }
    if (hash.isTable()) {
      assertEquals(new HashSet<>(model.keySet()), new HashSet<>(order));
    } else {
      assertEquals(new ArrayList<>(model.keySet()), order, "insertion order while compact, as Redis's listpack");
    }
  }

  @Property(tries = 100)
  void aScanReturnsEveryFieldPresentThroughoutExactlyOnce(@ForAll("ops") List<Op> writes,
      @ForAll @IntRange(min = 1, max = 50) int count, @ForAll @IntRange(min = 130, max = 600) int stable) {
    HashValue hash = new HashValue(Key.pack("h", 1, new byte[0]));
    for (int i = 0; i < stable; i++) {
      hash.put(("stable:" + i).getBytes(UTF_8), new byte[] {1}, HashValue.REDIS_DEFAULTS);
    }
    Map<String, Integer> seen = new HashMap<>();
    long cursor = 0;
    int step = 0;
    do {
      Hashes.Step found = HashReads.scan(hash, cursor, count);
      for (int i = 0; i < found.fieldsAndValues().size(); i += 2) {
        seen.merge(new String(found.fieldsAndValues().get(i), UTF_8), 1, Integer::sum);
      }
      cursor = found.cursor();
      // Writes of other fields between steps: growth, shrinking and shifts in the runs.
      for (int i = step * 5; i < Math.min(writes.size(), step * 5 + 5); i++) {
        Op op = writes.get(i);
        if (op.set()) {
          hash.put(field(op.field()), value(op), HashValue.REDIS_DEFAULTS);
        } else {
          hash.remove(field(op.field()));
        }
      }
      step++;
    } while (cursor != 0 && step < 100_000);
    for (int i = 0; i < stable; i++) {
      assertEquals(1, seen.getOrDefault("stable:" + i, 0), "stable:" + i);
    }
  }

  @Property(tries = 100)
  void theStoresUsageIsKeyAndFieldBytesThroughAnySequence(@ForAll("ops") List<Op> ops) {
    try (IsolatedStore store = (IsolatedStore) BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Hashes hashes = store.hashes();
      Map<String, Map<String, Integer>> model = new HashMap<>();
      Map<String, Integer> strings = new HashMap<>();
      for (Op op : ops) {
        String key = "h" + op.field() % 3;
        String name = new String(field(op.field()), UTF_8);
        if (op.field() % 50 == 7) {
          store.set(key, new byte[op.length()]); // a string overwrites the hash
          strings.put(key, op.length());
          model.remove(key);
          continue;
        }
        if (strings.remove(key) != null) {
          store.delete(key);
        }
        Map<String, Integer> fields = model.computeIfAbsent(key, k -> new HashMap<>());
        if (op.set()) {
          hashes.set(key, new byte[][] {field(op.field()), value(op)}, 0);
          fields.put(name, op.length());
        } else {
          hashes.delete(key, new byte[][] {field(op.field())}, 0);
          fields.remove(name);
        }
      }
      long expected = 0;
      long elements = 0;
      for (int length : strings.values()) {
        expected += 2 + length;
      }
      for (Map.Entry<String, Map<String, Integer>> entry : model.entrySet()) {
        Map<String, Integer> fields = entry.getValue();
        assertEquals(fields.size(), hashes.size(entry.getKey()));
        if (!fields.isEmpty()) {
          expected += 2;
          elements += fields.size();
          for (Map.Entry<String, Integer> field : fields.entrySet()) {
            expected += field.getKey().length() + field.getValue();
          }
        }
      }
      assertEquals(expected, store.usage());
      assertEquals(elements * HashValue.HEAP_PER_FIELD, store.unwrap().typed.overhead());
      Set<String> keys = new HashSet<>();
      store.keyspace().forEachKey(0, keys::add);
      assertEquals(strings.size() + model.values().stream().filter(f -> !f.isEmpty()).count(), keys.size());
    }
  }
}
