package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Model-based properties of the in-process store: random sequences of operations on a few colliding keys, checked
 * against a {@code HashMap<String, byte[]>} that does its own byte accounting.
 */
class BlinkStoreProperties {

  /** Few keys, so operations collide; with 2-, 3- and 4-byte UTF-8 characters, so sizes are not lengths. */
  private static final List<String> KEYS = List.of("a", "b", "ключ", "日本", "🔑");

  private static final int MIN_VALUE_LENGTH = 16;
  private static final int MAX_VALUE_LENGTH = 48;

  /** One step of a run. Values are made when a {@link Set} runs, so each one is unique and names its key. */
  sealed interface Op {}

  record Set(String key, int length) implements Op {}

  /** {@link BlinkStore#setIfAbsent}, with a value made like a {@link Set}'s. */
  record SetIfAbsent(String key, int length) implements Op {}

  /** A read through {@link BlinkStore#get} or, with {@code asBuffer}, through {@link BlinkStore#getBuffer}. */
  record Get(String key, boolean asBuffer) implements Op {}

  record Delete(String key) implements Op {}

  record Clear() implements Op {}

  // ---- (a) no pressure: the store is a map ----

  /** The most the model can ever hold: every key at once, each with the longest value. */
  private static final long LIMIT_THAT_HOLDS_EVERY_KEY =
      KEYS.stream().mapToLong(key -> utf8(key) + MAX_VALUE_LENGTH).sum();

  @Property(tries = 300)
  void withRoomForEveryKeyTheStoreBehavesExactlyLikeAMap(@ForAll("ops") List<Op> ops) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(LIMIT_THAT_HOLDS_EVERY_KEY).build()) {
      Map<String, byte[]> model = new HashMap<>();
      List<Map.Entry<ByteBuffer, byte[]>> buffersTaken = new ArrayList<>();
      long hits = 0;
      long misses = 0;
      int sequence = 0;
      for (Op op : ops) {
        if (op instanceof Set set) {
          byte[] value = value(set, sequence++);
          store.set(set.key(), value);
          model.put(set.key(), value);
        } else if (op instanceof SetIfAbsent add) {
          byte[] value = value(new Set(add.key(), add.length()), sequence++);
          assertEquals(!model.containsKey(add.key()), store.setIfAbsent(add.key(), value), op::toString);
          model.putIfAbsent(add.key(), value);
        } else if (op instanceof Get get) {
          byte[] expected = model.get(get.key());
          assertArrayEquals(expected, read(store, get), op::toString);
          if (get.asBuffer() && expected != null) {
            buffersTaken.add(Map.entry(store.getBuffer(get.key()), expected));
            hits++;
          }
          if (expected == null) {
            misses++;
          } else {
            hits++;
          }
        } else if (op instanceof Delete delete) {
          assertEquals(model.remove(delete.key()) != null, store.delete(delete.key()), op::toString);
        } else {
          store.clear();
          model.clear();
        }
        assertEquals(bytes(model), store.usage(), () -> "usage after " + op);
        assertEquals(model.size(), store.size(), () -> "size after " + op);
      }
      assertEquals(new BlinkStats(hits, misses, 0), store.stats());
      // A buffer is a copy: whatever was written since, it still shows the value it was taken from.
      for (Map.Entry<ByteBuffer, byte[]> taken : buffersTaken) {
        assertEquals(ByteBuffer.wrap(taken.getValue()), taken.getKey());
      }
    }
  }

  // ---- (b) pressure: entries get evicted, but nothing is ever wrong ----

  @Property(tries = 1000)
  void underPressureEveryReadIsTheLatestValueOrNothingAndUsageIsExact(
      @ForAll @IntRange(min = 24, max = 120) int limit, @ForAll("ops") List<Op> ops) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(limit).build()) {
      PressureRun run = new PressureRun(store);
      for (Op op : ops) {
        run.apply(op);
        run.verify(op);
      }
    }
  }

  /**
   * Checks one store under eviction. The model holds, per key, the value last set, and forgets a key once the
   * store is seen without it; since the store is used from one thread, every key that vanishes without a delete
   * or clear is an eviction, and the store's eviction counter must agree.
   */
  private static final class PressureRun {
    private final BlinkStore store;
    private final Map<String, byte[]> model = new HashMap<>();
    private int sequence;
    private long hits;
    private long misses;
    private long evictions;

    PressureRun(BlinkStore store) {
      this.store = store;
    }

    void apply(Op op) {
      if (op instanceof Set set) {
        byte[] value = value(set, sequence++);
        if (utf8(set.key()) + value.length > store.memoryLimit()) {
          setTooLarge(set.key(), value);
        } else {
          store.set(set.key(), value);
          model.put(set.key(), value);
        }
      } else if (op instanceof SetIfAbsent add) {
        setIfAbsent(add);
      } else if (op instanceof Get get) {
        read(get);
      } else if (op instanceof Delete delete) {
        boolean expected = model.remove(delete.key()) != null;
        boolean deleted = store.delete(delete.key());
        assertFalse(deleted && !expected, () -> "deleted a key the model does not hold: " + op);
        if (expected && !deleted) {
          evictions++;
        }
      } else {
        store.clear();
        model.clear();
      }
    }

    /** Stores where the model holds nothing; where it holds a value, storing means the value was evicted. */
    private void setIfAbsent(SetIfAbsent add) {
      byte[] value = value(new Set(add.key(), add.length()), sequence++);
      if (utf8(add.key()) + value.length > store.memoryLimit()) {
        assertThrows(EntryTooLargeException.class, () -> store.setIfAbsent(add.key(), value));
        return;
      }
      boolean stored = store.setIfAbsent(add.key(), value);
      boolean held = model.containsKey(add.key());
      if (stored) {
        if (held) {
          evictions++;
        }
        model.put(add.key(), value);
      }
      assertTrue(stored || held, () -> "refused a key the model does not hold: " + add);
    }

    private void setTooLarge(String key, byte[] value) {
      long usage = store.usage();
      long evictionsBefore = store.stats().evictions();
      assertThrows(EntryTooLargeException.class, () -> store.set(key, value));
      assertEquals(usage, store.usage(), "usage after a refused set");
      assertEquals(evictionsBefore, store.stats().evictions(), "evictions after a refused set");
    }

    /** Reads {@code key}: either the value the model holds or null, which means it was evicted. */
    private byte[] read(Get get) {
      String key = get.key();
      byte[] expected = model.get(key);
      byte[] actual = BlinkStoreProperties.read(store, get);
      if (actual == null) {
        misses++;
        if (model.remove(key) != null) {
          evictions++;
        }
      } else {
        hits++;
        assertArrayEquals(expected, actual, () -> "read " + key + ": " + new String(actual, UTF_8));
      }
      return actual;
    }

    /** Reads every key: usage and size must match what is there, and the counters must match the run. */
    void verify(Op after) {
      long bytes = 0;
      int present = 0;
      for (String key : KEYS) {
        byte[] value = read(new Get(key, false));
        if (value != null) {
          bytes += utf8(key) + value.length;
          present++;
        }
      }
      long usage = store.usage();
      assertTrue(usage <= store.memoryLimit(), () -> "usage " + usage + " over the limit after " + after);
      assertEquals(bytes, usage, () -> "usage after " + after);
      assertEquals(present, store.size(), () -> "size after " + after);
      assertEquals(new BlinkStats(hits, misses, evictions), store.stats(), () -> "stats after " + after);
    }
  }

  // ---- keys ----

  @Property(tries = 2000)
  void keyValidityAndSizeMatchTheKeyModel(@ForAll("keys") String key) {
    assertEquals(KeyModel.isValid(key), BlinkStore.isValidKey(key));
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1000).build()) {
      if (KeyModel.isValid(key)) {
        store.set(key, new byte[0]);
        assertEquals(key.getBytes(UTF_8).length, store.usage());
        assertTrue(store.delete(key));
      } else {
        assertThrows(IllegalArgumentException.class, () -> store.set(key, new byte[0]));
      }
    }
  }

  // ---- generators ----

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<String> keys = Arbitraries.of(KEYS);
    Arbitrary<Integer> lengths = Arbitraries.integers().between(MIN_VALUE_LENGTH, MAX_VALUE_LENGTH);
    Arbitrary<Op> sets = lengths.flatMap(n -> keys.map(k -> new Set(k, n)));
    Arbitrary<Op> setsIfAbsent = lengths.flatMap(n -> keys.map(k -> new SetIfAbsent(k, n)));
    return Arbitraries.frequencyOf(
            List.of(
                Tuple.of(8, sets),
                Tuple.of(3, setsIfAbsent),
                Tuple.of(4, keys.<Op>map(key -> new Get(key, false))),
                Tuple.of(2, keys.<Op>map(key -> new Get(key, true))),
                Tuple.of(3, keys.<Op>map(Delete::new)),
                Tuple.of(1, Arbitraries.<Op>just(new Clear()))))
        .list()
        .ofMaxSize(80)
        .withSizeDistribution(RandomDistribution.uniform()); // the default favours short runs that evict little
  }

  /** Short strings mixing ASCII, White_Space, any BMP char, lone surrogates and supplementary characters. */
  @Provide
  Arbitrary<String> keys() {
    Arbitrary<String> pieces = Arbitraries.oneOf(
        Arbitraries.strings().ascii().ofLength(1),
        Arbitraries.of(KeyModel.WHITE_SPACE).map(String::valueOf),
        Arbitraries.strings().all().ofLength(1),
        Arbitraries.chars().range(Character.MIN_SURROGATE, Character.MAX_SURROGATE).map(String::valueOf),
        Arbitraries.integers().between(Character.MIN_SUPPLEMENTARY_CODE_POINT, Character.MAX_CODE_POINT)
            .map(Character::toString));
    return pieces.list().ofMaxSize(6).map(list -> String.join("", list));
  }

  // ---- helpers ----

  /** Reads as {@code get} says, returning a fresh array either way; a buffer must be read-only and whole. */
  private static byte[] read(BlinkStore store, Get get) {
    if (!get.asBuffer()) {
      return store.get(get.key());
    }
    ByteBuffer buffer = store.getBuffer(get.key());
    if (buffer == null) {
      return null;
    }
    assertTrue(buffer.isReadOnly(), "getBuffer returned a writable buffer");
    assertEquals(0, buffer.position());
    byte[] copy = new byte[buffer.remaining()];
    buffer.duplicate().get(copy);
    return copy;
  }

  /** A value that names its key and its place in the run, padded to the length the op asks for. */
  private static byte[] value(Set set, int sequence) {
    byte[] label = (set.key() + "#" + sequence + "|").getBytes(UTF_8);
    byte[] value = Arrays.copyOf(label, Math.max(label.length, set.length()));
    Arrays.fill(value, label.length, value.length, (byte) '.');
    return value;
  }

  private static long bytes(Map<String, byte[]> model) {
    return model.entrySet().stream().mapToLong(e -> utf8(e.getKey()) + e.getValue().length).sum();
  }

  private static int utf8(String s) {
    return s.getBytes(UTF_8).length;
  }
}
