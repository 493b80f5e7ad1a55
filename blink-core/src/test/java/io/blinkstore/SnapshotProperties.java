package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.internal.Sets;
import io.blinkstore.internal.SortedSets;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any store a sequence of writes leaves (strings of any bytes, hashes, lists, sets, sorted sets, deletes, over keys
 * that collide across types) comes back from a snapshot as a model map of the same writes says: the same keys, the
 * same string bytes, the same hash fields, list elements in order and set members, the same sorted-set members with
 * the same scores (infinities among them) in the same order.
 */
class SnapshotProperties {
  /** One write: to key {@code key}, of kind {@code kind}, with {@code value}. */
  record Op(int kind, int key, byte[] value) {}

  /** Scores a sorted set's member gets, by its length: the infinities, -0 (in a skip list), fractions. */
  private static final double[] SCORES = {Double.NEGATIVE_INFINITY, -0.0, 0, 1.5, -2.25e-300, 7, 1e308,
      Double.POSITIVE_INFINITY, 0.1};
  private static final Charset ISO = StandardCharsets.ISO_8859_1;

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    return Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 40), values)
        .as(Op::new).list().ofMaxSize(300);
  }

  @Property(tries = 60)
  void aLoadedStoreHoldsWhatTheModelHolds(@ForAll("ops") List<Op> ops) throws IOException {
    Map<String, Object> model = new HashMap<>();
    Path path = Files.createTempFile("blink-snapshot", ".bin");
    try (BlinkStore saved = BlinkStore.builder().memoryLimit(64L << 20).build();
        BlinkStore loaded = BlinkStore.builder().memoryLimit(64L << 20).build()) {
      for (Op op : ops) {
        apply(saved, model, op);
      }
      assertEquals(model.size(), BlinkSnapshots.save(saved, path).entries());
      assertEquals(model.size(), BlinkSnapshots.load(loaded, path).loaded());
      assertEquals(model.size(), loaded.size());
      for (Map.Entry<String, Object> entry : model.entrySet()) {
        check(loaded, entry.getKey(), entry.getValue());
      }
    } finally {
      Files.deleteIfExists(path);
    }
  }

  private static void apply(BlinkStore store, Map<String, Object> model, Op op) {
    String key = "k" + op.key();
    Object current = model.get(key);
    switch (op.kind()) {
      case 0 -> {
        store.set(key, op.value());
        model.put(key, op.value());
      }
      case 1 -> {
        store.delete(key);
        model.remove(key);
      }
      case 2 -> {
        if (current == null || current instanceof LinkedHashMap) {
          String field = "f" + op.value().length % 5;
          store.hash(key).set(field, op.value());
          @SuppressWarnings("unchecked")
          Map<String, byte[]> hash = current == null ? new LinkedHashMap<>() : (Map<String, byte[]>) current;
          hash.put(field, op.value());
          model.put(key, hash);
        }
      }
      case 7 -> {
        if (current == null || current instanceof TreeMap) {
          double score = SCORES[op.value().length % SCORES.length];
          ((SortedSets.Source) store).sortedSets().update(key, true, op.value().length + 8L, 1,
              set -> set.put(op.value(), score), false, added -> true);
          @SuppressWarnings("unchecked")
          TreeMap<String, Double> zset = current == null ? new TreeMap<>() : (TreeMap<String, Double>) current;
          zset.put(java.util.HexFormat.of().formatHex(op.value()), score == 0 ? 0.0 : score); // 0 and -0 alike
          model.put(key, zset);
        }
      }
      case 5, 6 -> {
        if (current == null || current instanceof Set) {
          // Integers often (an intset), any bytes otherwise (a table); as ISO-8859-1 text, byte for byte.
          byte[] member = op.kind() == 5 ? Integer.toString(op.value().length % 40 - 9).getBytes(ISO) : op.value();
          ((Sets.Source) store).sets().add(key, new byte[][] {member}, 0);
          @SuppressWarnings("unchecked")
          Set<String> set = current == null ? new HashSet<>() : (Set<String>) current;
          set.add(new String(member, ISO));
          model.put(key, set);
        }
      }
      default -> {
        if (current == null || current instanceof List) {
          BlinkList.End end = op.kind() == 3 ? BlinkList.End.LEFT : BlinkList.End.RIGHT;
          store.list(key).push(end, op.value());
          @SuppressWarnings("unchecked")
          List<byte[]> list = current == null ? new ArrayList<>() : (List<byte[]>) current;
          list.add(end == BlinkList.End.LEFT ? 0 : list.size(), op.value());
          model.put(key, list);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void check(BlinkStore loaded, String key, Object expected) {
    if (expected instanceof byte[] value) {
      assertArrayEquals(value, loaded.get(key), key);
    } else if (expected instanceof TreeMap<?, ?> zset) {
      Map<String, Double> got = new HashMap<>();
      List<Double> order = new ArrayList<>();
      ((SortedSets.Source) loaded).sortedSets().read(key, set -> {
        set.walk(0, false, (member, score) -> {
          got.put(java.util.HexFormat.of().formatHex(member), score == 0 ? 0.0 : score);
          order.add(score);
          return true;
        });
        return true;
      }, false);
      assertEquals(zset, got, key);
      for (int i = 1; i < order.size(); i++) {
        assertEquals(true, order.get(i - 1) <= order.get(i), key + " in score order");
      }
    } else if (expected instanceof Set<?> set) {
      Set<String> members = new HashSet<>();
      for (byte[] member : ((Sets.Source) loaded).sets().members(key, Long.MAX_VALUE)) {
        members.add(new String(member, ISO));
      }
      assertEquals(set, members, key);
    } else if (expected instanceof Map<?, ?> hash) {
      assertEquals(hash.size(), loaded.hash(key).size(), key);
      ((Map<String, byte[]>) hash).forEach((field, value) -> assertArrayEquals(value, loaded.hash(key).get(field)));
    } else {
      List<byte[]> list = (List<byte[]>) expected;
      List<byte[]> got = loaded.list(key).range(0, -1);
      assertEquals(list.size(), got.size(), key);
      for (int i = 0; i < list.size(); i++) {
        assertArrayEquals(list.get(i), got.get(i), key + "[" + i + "]");
      }
    }
  }
}
