package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.Keyspace;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * SCAN against a model: a store starts with some keys, then sets, deletes, expiries and SCAN steps interleave at
 * random (with enough keys coming and going to resize the map). When the iteration ends, every key the model
 * held from before the first step to the end was returned exactly once, no key was returned twice, and every key
 * returned was held by the model at some moment of the iteration.
 */
class KeyspaceProperties {
  private static final byte[] VALUE = "v".getBytes(StandardCharsets.UTF_8);

  /** One action between SCAN steps: 0-2 set key n, 3 delete key n, 4 give key n a second to live, 5 a second passes. */
  record Action(int kind, int key) {}

  @Provide
  Arbitrary<List<Action>> actions() {
    return Arbitraries.integers().between(0, 5)
        .flatMap(kind -> Arbitraries.integers().between(0, 2_000).map(key -> new Action(kind, key)))
        .list().ofMaxSize(3_000);
  }

  @Property(tries = 60)
  void aWholeIterationReturnsEveryKeyHeldThroughoutExactlyOnce(
      @ForAll("actions") List<Action> actions, @ForAll int seed) {
    FakeTicker clock = new FakeTicker();
    try (BlinkStore store = clock.store(64L << 20)) {
      Keyspace keyspace = ((Keyspace.Source) store).keyspace();
      Map<String, Long> model = new HashMap<>(); // key -> deadline in seconds of the fake clock, or MAX_VALUE
      long[] now = {0};
      for (int i = 0; i < 300; i++) {
        store.set("k" + i, VALUE);
        model.put("k" + i, Long.MAX_VALUE);
      }
      Set<String> throughout = new HashSet<>(model.keySet());
      Set<String> everHeld = new HashSet<>(model.keySet());
      Map<String, Integer> seen = new HashMap<>();
      int count = 1 + Math.floorMod(seed, 20);
      long cursor = 0;
      int next = 0;
      int steps = 0;
      do {
        Keyspace.Step step = keyspace.scan(0, cursor, count);
        assertNotNull(step, "a live cursor was refused");
        step.keys().forEach(key -> seen.merge(key, 1, Integer::sum));
        cursor = step.cursor();
        for (int end = Math.min(actions.size(), next + 25); next < end; next++) {
          apply(actions.get(next), store, clock, model, now, throughout, everHeld);
        }
        assertTrue(++steps < 100_000, "the iteration does not end");
      } while (cursor != 0);
      for (String key : throughout) {
        assertEquals(1, seen.getOrDefault(key, 0), key + " was held throughout");
      }
      seen.forEach((key, times) -> {
        assertEquals(1, times, key + " returned twice");
        assertTrue(everHeld.contains(key), key + " was never held");
      });
    }
  }

  private static void apply(Action action, BlinkStore store, FakeTicker clock, Map<String, Long> model,
      long[] now, Set<String> throughout, Set<String> everHeld) {
    String key = "k" + action.key();
    switch (action.kind()) {
      case 0, 1, 2 -> {
        store.set(key, VALUE);
        model.put(key, Long.MAX_VALUE);
        everHeld.add(key);
      }
      case 3 -> {
        store.delete(key);
        model.remove(key);
        throughout.remove(key);
      }
      case 4 -> {
        if (store.expire(key, Duration.ofSeconds(1))) {
          model.put(key, now[0] + 1);
        }
      }
      default -> {
        clock.advance(Duration.ofSeconds(1));
        now[0]++;
        model.entrySet().removeIf(entry -> {
          boolean expired = entry.getValue() <= now[0];
          if (expired) {
            throughout.remove(entry.getKey());
          }
          return expired;
        });
      }
    }
  }
}
