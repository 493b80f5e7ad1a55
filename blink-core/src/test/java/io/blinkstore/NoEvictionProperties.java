package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.MemoryLimitControl;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import net.jqwik.api.constraints.IntRange;

/**
 * A store built with {@code noEviction()} against a model: a map of the live entries (value and deadline). A write
 * is taken exactly when the model's live bytes plus the new entry's key and value bytes fit the limit (before what it
 * replaces is given back), and refused with {@link StoreFullException} otherwise, changing nothing. After every step
 * the store holds exactly the model's live entries, {@code usage()} is their bytes, nothing was ever evicted, and,
 * unless the limit was lowered under it, usage is within the limit. Lowering the limit evicts nothing; raising it
 * takes writes again; switching to eviction brings the store back within the limit.
 */
class NoEvictionProperties {
  /** What one step does. */
  enum Kind { SET, SET_TTL, DELETE, ADVANCE, LOWER, RAISE }

  record Op(Kind kind, int key, int length) {}

  private record Entry(byte[] value, long deadlineMillis) {}

  @Property(tries = 300)
  void writesThatDoNotFitAreRefusedAndNothingIsEvicted(@ForAll("ops") List<Op> ops,
      @ForAll @IntRange(min = 200, max = 4_000) int initialLimit) {
    FakeTicker clock = new FakeTicker();
    try (BlinkStore store = BlinkStore.builder().memoryLimit(initialLimit).ticker(clock).noEviction().build()) {
      MemoryLimitControl control = ((MemoryLimitControl.Source) store).memoryLimitControl();
      Map<String, Entry> model = new HashMap<>();
      long nowMillis = 0;
      long limit = initialLimit;
      int sequence = 0;
      for (Op op : ops) {
        String key = "k" + op.key();
        switch (op.kind()) {
          case SET, SET_TTL -> {
            byte[] value = new byte[op.length()];
            Arrays.fill(value, (byte) sequence++);
            long weight = key.length() + value.length;
            boolean fits = live(model, nowMillis) + weight <= limit;
            Runnable write = op.kind() == Kind.SET ? () -> store.set(key, value)
                : () -> store.set(key, value, Duration.ofMillis(op.length() + 1));
            if (fits) {
              write.run();
              model.put(key, new Entry(value, op.kind() == Kind.SET ? Long.MAX_VALUE : nowMillis + op.length() + 1));
            } else {
              EntryTooLargeException refused = assertThrows(EntryTooLargeException.class, write::run);
              // Larger than the whole limit: the same refusal as a store that evicts; else: the store is full.
              assertEquals(weight > limit ? EntryTooLargeException.class : StoreFullException.class,
                  refused.getClass(), key + " of " + weight + " against " + limit);
            }
          }
          case DELETE -> {
            store.delete(key);
            model.remove(key);
          }
          case ADVANCE -> {
            clock.advance(Duration.ofMillis(op.length()));
            nowMillis += op.length();
          }
          case LOWER -> {
            limit = Math.max(1, limit / 2);
            control.changeMemoryLimit(limit);
          }
          case RAISE -> {
            limit = limit * 2;
            control.changeMemoryLimit(limit);
          }
        }
        check(store, model, nowMillis);
        assertEquals(live(model, nowMillis) > limit, control.overLimit(), "over the limit only as the model is");
      }
      assertEquals(0, store.stats().evictions(), "nothing is ever evicted");
      control.evictWhenFull(true);
      assertTrue(store.usage() <= limit, "evicting again brings usage within " + limit);
    }
  }

  private static long live(Map<String, Entry> model, long nowMillis) {
    model.values().removeIf(entry -> entry.deadlineMillis() <= nowMillis);
    long bytes = 0;
    for (Map.Entry<String, Entry> entry : model.entrySet()) {
      bytes += entry.getKey().getBytes(StandardCharsets.UTF_8).length + entry.getValue().value().length;
    }
    return bytes;
  }

  private static void check(BlinkStore store, Map<String, Entry> model, long nowMillis) {
    long bytes = live(model, nowMillis);
    for (int i = 0; i < 12; i++) {
      String key = "k" + i;
      Entry entry = model.get(key);
      if (entry == null) {
        assertNull(store.get(key), key);
      } else {
        assertArrayEquals(entry.value(), store.get(key), key);
      }
    }
    assertEquals(bytes, store.usage(), "usage is exactly the live entries' key and value bytes");
    assertEquals(model.size(), store.size());
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op = Combinators.combine(
        Arbitraries.frequency(Tuple.of(6, Kind.SET), Tuple.of(3, Kind.SET_TTL), Tuple.of(2, Kind.DELETE),
            Tuple.of(1, Kind.ADVANCE), Tuple.of(1, Kind.LOWER), Tuple.of(1, Kind.RAISE)),
        Arbitraries.integers().between(0, 11),
        Arbitraries.integers().between(0, 1_500)).as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(60);
  }
}
