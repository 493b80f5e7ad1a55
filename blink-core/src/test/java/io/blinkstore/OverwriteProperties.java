package io.blinkstore;

import io.blinkstore.internal.Decimal;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Overwrites in place, against a model: runs of sets (with and without a time to live), counter updates, deletes
 * and the clock moving on, over two keys whose values are mostly of a few lengths and often decimal numbers, so that
 * most overwrites reuse the stored array and counters cross digit counts. After every step each read path
 * ({@code get}, {@code getString}, {@code getBuffer}, {@code getStored}) must give the model's value, {@code usage()}
 * and {@code size()} its totals, {@code ttl} its deadline; and every {@link BlinkStore.StoredValue} taken along the
 * way must copy, at the end, the value it was read with or one written to its key later with the same length
 * (its contract), never anything else.
 */
class OverwriteProperties {
  private static final List<String> KEYS = List.of("a", "ключ");

  sealed interface Op {}

  /** A set of {@code value}, for {@code ttlSeconds} (0: without a time to live). */
  record Set(String key, String value, int ttlSeconds) implements Op {}

  record Increment(String key, long delta) implements Op {}

  record Delete(String key) implements Op {}

  /** Takes a {@link BlinkStore.StoredValue} of the key, copied only at the end of the run. */
  record Take(String key) implements Op {}

  record Advance(int seconds) implements Op {}

  /** The model's entry: its value and its deadline in clock seconds (0: none). */
  private record Entry(byte[] value, long deadline) {}

  /** A value taken, and every value its copy may show: the one read and those later set of its length. */
  private record Taken(String key, BlinkStore.StoredValue value, List<byte[]> allowed) {}

  @Property(tries = 500)
  void everyReadPathSeesTheModelAndStoredValuesCopyOneWholeValue(@ForAll("ops") List<Op> ops) {
    FakeTicker ticker = new FakeTicker();
    long now = 0;
    Map<String, Entry> model = new HashMap<>();
    List<Taken> taken = new ArrayList<>();
    try (BlinkStore store = ticker.store(1 << 20)) {
      for (Op op : ops) {
        if (op instanceof Set set) {
          byte[] value = set.value().getBytes(UTF_8);
          if (set.ttlSeconds() == 0) {
            store.set(set.key(), value);
          } else {
            store.set(set.key(), value, Duration.ofSeconds(set.ttlSeconds()));
          }
          model.put(set.key(), new Entry(value, set.ttlSeconds() == 0 ? 0 : now + set.ttlSeconds()));
          allowLater(taken, set.key(), value);
        } else if (op instanceof Increment increment) {
          increment(store, model, taken, increment);
        } else if (op instanceof Delete delete) {
          assertEquals(model.remove(delete.key()) != null, store.delete(delete.key()), op::toString);
        } else if (op instanceof Take take) {
          BlinkStore.StoredValue value = store.getStored(take.key());
          Entry entry = model.get(take.key());
          assertEquals(entry == null, value == null, op::toString);
          if (value != null) {
            taken.add(new Taken(take.key(), value, new ArrayList<>(List.of(entry.value()))));
          }
        } else if (op instanceof Advance advance) {
          ticker.advance(Duration.ofSeconds(advance.seconds()));
          now += advance.seconds();
          long at = now;
          model.values().removeIf(entry -> entry.deadline() != 0 && entry.deadline() <= at);
        }
        verify(store, model, now, op);
      }
      for (Taken value : taken) {
        byte[] copy = copy(value.value());
        assertTrue(value.allowed().stream().anyMatch(allowed -> Arrays.equals(allowed, copy)),
            () -> "a value taken of " + value.key() + " copied " + new String(copy, UTF_8));
      }
    }
  }

  private static void increment(BlinkStore store, Map<String, Entry> model, List<Taken> taken, Increment op) {
    Entry entry = model.get(op.key());
    Long current = entry == null ? Long.valueOf(0) : counter(entry.value());
    if (current == null) {
      assertThrows(NotAnIntegerException.class, () -> store.incrementBy(op.key(), op.delta()), op::toString);
      return;
    }
    assertEquals(current + op.delta(), store.incrementBy(op.key(), op.delta()), op::toString);
    byte[] value = Long.toString(current + op.delta()).getBytes(UTF_8);
    model.put(op.key(), new Entry(value, entry == null ? 0 : entry.deadline()));
    allowLater(taken, op.key(), value);
  }

  /** The counter a value holds, or null if it is not the canonical text of one. */
  private static Long counter(byte[] value) {
    try {
      return Decimal.parse(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static void allowLater(List<Taken> taken, String key, byte[] value) {
    for (Taken t : taken) {
      if (t.key().equals(key) && t.value().length() == value.length) {
        t.allowed().add(value);
      }
    }
  }

  private static void verify(BlinkStore store, Map<String, Entry> model, long now, Op op) {
    long usage = 0;
    for (String key : KEYS) {
      Entry entry = model.get(key);
      byte[] expected = entry == null ? null : entry.value();
      assertArrayEquals(expected, store.get(key), () -> key + " after " + op);
      assertEquals(expected == null ? null : new String(expected, UTF_8), store.getString(key), op::toString);
      assertEquals(expected == null ? null : ByteBuffer.wrap(expected), store.getBuffer(key), op::toString);
      BlinkStore.StoredValue stored = store.getStored(key);
      assertArrayEquals(expected, stored == null ? null : copy(stored), () -> key + " stored, after " + op);
      Duration ttl = entry == null ? null
          : entry.deadline() == 0 ? BlinkStore.NO_EXPIRY : Duration.ofSeconds(entry.deadline() - now);
      assertEquals(ttl, store.ttl(key), () -> key + " ttl after " + op);
      usage += expected == null ? 0 : key.getBytes(UTF_8).length + expected.length;
    }
    assertEquals(usage, store.usage(), () -> "usage after " + op);
    assertEquals(model.size(), store.size(), () -> "size after " + op);
  }

  private static byte[] copy(BlinkStore.StoredValue value) {
    ByteBuffer target = ByteBuffer.allocateDirect(value.length());
    value.copyTo(target, 0);
    byte[] bytes = new byte[value.length()];
    target.get(bytes);
    return bytes;
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<String> keys = Arbitraries.of(KEYS);
    // Mostly a few lengths, so that overwrites reuse arrays; numbers near digit-count boundaries for counters.
    Arbitrary<String> values = Arbitraries.oneOf(
        Arbitraries.of("abcd", "wxyz", "lmno", "pq", "rs", "", "ääää"),
        Arbitraries.longs().between(-1_010, 1_010).map(n -> Long.toString(n)),
        Arbitraries.of("99", "100", "-9", "-10", "0", "007"));
    Arbitrary<Op> set = Combinators.combine(keys, values, Arbitraries.of(0, 0, 2, 5))
        .as(Set::new);
    Arbitrary<Op> increment = Combinators.combine(keys, Arbitraries.longs().between(-3, 3))
        .as(Increment::new);
    Arbitrary<Op> delete = keys.map(Delete::new);
    Arbitrary<Op> take = keys.map(Take::new);
    Arbitrary<Op> advance = Arbitraries.integers().between(1, 3).map(Advance::new);
    return Arbitraries.frequencyOf(
            Tuple.of(6, set),
            Tuple.of(4, increment),
            Tuple.of(1, delete),
            Tuple.of(2, take),
            Tuple.of(1, advance))
        .list().ofMinSize(1).ofMaxSize(40);
  }
}
