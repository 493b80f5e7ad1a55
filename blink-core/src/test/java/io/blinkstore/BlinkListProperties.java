package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.blinkstore.BlinkList.End;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The in-process store's lists ({@link BlinkStore#list}) against a model of two keys' lists: through any sequence of
 * pushes, pops (one and counted), sets, trims, removals, inserts and moves (between the two keys and onto the
 * same one), every call answers as the model, a list left empty is gone from the store, and {@link
 * BlinkStore#usage()} stays exactly the keys' bytes plus their elements' bytes.
 */
class BlinkListProperties {
  private static final List<String> KEYS = List.of("a", "list:b");

  record Op(int kind, int key, long a, long b, String element) {}

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 9), Arbitraries.integers().between(0, 1),
        Arbitraries.longs().between(-6, 6), Arbitraries.longs().between(-6, 6),
        Arbitraries.of("x", "yy", "", "zzz")).as(Op::new);
    return op.list().ofMaxSize(80);
  }

  @Property(tries = 300)
  void everyCallAnswersAsTheModelAndUsageStaysExact(@ForAll("operations") List<Op> ops) {
    try (BlinkStore store = BlinkStore.builder().build()) {
      Map<String, List<String>> model = new HashMap<>();
      KEYS.forEach(key -> model.put(key, new ArrayList<>()));
      for (Op op : ops) {
        String key = KEYS.get(op.key());
        apply(op, store.list(key), model.get(key), model.get(KEYS.get(1 - op.key())));
        long expected = 0;
        long lists = 0;
        for (String name : KEYS) {
          List<String> elements = model.get(name);
          assertEquals(elements.size(), store.list(name).size(), op.toString());
          if (!elements.isEmpty()) {
            lists++;
            expected += name.length() + elements.stream().mapToLong(String::length).sum();
          }
        }
        assertEquals(lists, store.size(), op.toString());
        assertEquals(expected, store.usage(), op.toString());
      }
    }
  }

  private static void apply(Op op, BlinkList list, List<String> model, List<String> other) {
    byte[] element = op.element().getBytes(StandardCharsets.UTF_8);
    End end = op.a() >= 0 ? End.LEFT : End.RIGHT;
    switch (op.kind()) {
      case 0, 1 -> {
        list.push(end, element);
        if (end == End.LEFT) {
          model.add(0, op.element());
        } else {
          model.add(op.element());
        }
      }
      case 2 -> {
        byte[] popped = list.pop(end);
        if (model.isEmpty()) {
          assertNull(popped);
        } else {
          assertEquals(model.remove(end == End.LEFT ? 0 : model.size() - 1), text(popped));
        }
      }
      case 3 -> {
        long count = Math.abs(op.b());
        List<byte[]> popped = list.pop(end, count);
        if (model.isEmpty()) {
          assertNull(popped);
        } else {
          List<String> expected = new ArrayList<>();
          for (long i = 0; i < count && !model.isEmpty(); i++) {
            expected.add(model.remove(end == End.LEFT ? 0 : model.size() - 1));
          }
          assertEquals(expected, popped.stream().map(BlinkListProperties::text).toList());
        }
      }
      case 4 -> {
        long at = op.a() < 0 ? model.size() + op.a() : op.a();
        if (model.isEmpty()) {
          assertEquals(false, list.set(op.a(), element));
        } else if (at >= 0 && at < model.size()) {
          list.set(op.a(), element);
          model.set((int) at, op.element());
        }
      }
      case 5 -> {
        list.trim(op.a(), op.b());
        int size = model.size();
        long from = Math.max(0, op.a() < 0 ? size + op.a() : op.a());
        long to = Math.min(size - 1L, op.b() < 0 ? size + op.b() : op.b());
        List<String> kept = from > to ? List.of() : new ArrayList<>(model.subList((int) from, (int) to + 1));
        model.clear();
        model.addAll(kept);
      }
      case 6 -> {
        long removed = list.remove(0, element);
        assertEquals(model.stream().filter(op.element()::equals).count(), removed);
        model.removeIf(op.element()::equals);
      }
      case 7 -> {
        long answer = list.insert(true, "x".getBytes(StandardCharsets.UTF_8), element);
        int at = model.indexOf("x");
        assertEquals(model.isEmpty() ? 0 : at < 0 ? -1 : model.size() + 1, answer);
        if (at >= 0) {
          model.add(at, op.element());
        }
      }
      case 8 -> {
        byte[] moved = list.move(End.LEFT, KEYS.get(KEYS.indexOf(list.key()) ^ 1), End.RIGHT);
        if (model.isEmpty()) {
          assertNull(moved);
        } else {
          String head = model.remove(0);
          assertEquals(head, text(moved));
          other.add(head);
        }
      }
      default -> {
        byte[] moved = list.move(End.RIGHT, list.key(), End.LEFT);
        if (model.isEmpty()) {
          assertNull(moved);
        } else {
          String tail = model.remove(model.size() - 1);
          model.add(0, tail);
          assertArrayEquals(tail.getBytes(StandardCharsets.UTF_8), moved);
        }
      }
    }
  }

  private static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
