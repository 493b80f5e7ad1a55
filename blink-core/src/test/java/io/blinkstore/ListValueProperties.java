package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * {@link ListValue} against a {@code java.util} model ({@code ArrayList} with Redis's index arithmetic written out
 * plainly): any sequence of pushes and pops at both ends, index reads and writes, ranges and trims with negative
 * indexes, removals by count (positive, negative, 0), inserts before and after a pivot, and {@code LPOS}'s rank,
 * count and maximum length leaves the same elements in the same order, with the same byte total, and every
 * operation answers as the model does. Elements come from a small alphabet so that equal elements (what LREM,
 * LINSERT and LPOS look for) are common; the sequences are long enough to wrap the ring, grow it and shrink it.
 */
class ListValueProperties {

  /** One operation and its arguments. */
  record Op(int kind, long a, long b, byte[] element, byte[] other) {
    @Override
    public String toString() {
      return NAMES[kind] + "(" + a + ", " + b + ", " + new String(element) + ", " + new String(other) + ")";
    }
  }

  private static final byte[] KEY = Key.pack("list", 4, new byte[0]);

  private static final String[] NAMES =
      {"pushFirst", "pushLast", "popFirst", "popLast", "get", "set", "range", "trim", "remove", "insert", "positions"};

  @Provide
  Arbitrary<List<Op>> operations() {
    Arbitrary<byte[]> elements = Arbitraries.of("a", "b", "c", "", "dd").map(String::getBytes);
    // Pushes weigh most, so that lists grow long enough to wrap and resize the ring.
    Arbitrary<Integer> kinds = Arbitraries.frequency(
        Tuple.of(6, 0), Tuple.of(6, 1), Tuple.of(3, 2), Tuple.of(3, 3), Tuple.of(2, 4), Tuple.of(2, 5),
        Tuple.of(2, 6), Tuple.of(1, 7), Tuple.of(2, 8), Tuple.of(2, 9), Tuple.of(2, 10));
    Arbitrary<Long> indexes = Arbitraries.longs().between(-12, 12);
    Arbitrary<Op> op = Combinators.combine(kinds, indexes, indexes, elements, elements).as(Op::new);
    return op.list().ofMaxSize(120);
  }

  @Property(tries = 500)
  void everyOperationAnswersAsTheModel(@ForAll("operations") List<Op> ops) {
    ListValue list = new ListValue(KEY);
    List<byte[]> model = new ArrayList<>();
    for (Op op : ops) {
      apply(op, list, model);
      assertEquals(model.size(), list.size(), op.toString());
      assertEquals(model.stream().mapToLong(e -> e.length).sum(), list.bytes(), op.toString());
    }
    assertSame(model, list.range(0, -1));
  }

  @Property(tries = 200)
  void aDeepCopyIsEqualAndIndependent(@ForAll("operations") List<Op> ops) {
    ListValue list = new ListValue(KEY);
    List<byte[]> model = new ArrayList<>();
    ops.forEach(op -> apply(op, list, model));
    ListValue copy = list.copy(KEY);
    assertSame(model, copy.range(0, -1));
    assertEquals(list.bytes(), copy.bytes());
    for (int i = 0; i < list.size(); i++) {
      assertNotSame(list.get(i), copy.get(i));
    }
    copy.pushFirst("z".getBytes());
    copy.trim(0, 0);
    assertSame(model, list.range(0, -1));
  }

  private static void apply(Op op, ListValue list, List<byte[]> model) {
    String at = op.toString();
    switch (op.kind()) {
      case 0 -> {
        list.pushFirst(op.element());
        model.add(0, op.element());
      }
      case 1 -> {
        list.pushLast(op.element());
        model.add(op.element());
      }
      case 2 -> assertArrayEquals(model.isEmpty() ? null : model.remove(0), list.popFirst(), at);
      case 3 -> assertArrayEquals(model.isEmpty() ? null : model.remove(model.size() - 1), list.popLast(), at);
      case 4 -> {
        int index = modelIndex(op.a(), model.size());
        assertArrayEquals(index < 0 ? null : model.get(index), list.get(op.a()), at);
      }
      case 5 -> {
        int index = modelIndex(op.a(), model.size());
        assertEquals(index >= 0, list.set(op.a(), op.element()), at);
        if (index >= 0) {
          model.set(index, op.element());
        }
      }
      case 6 -> assertSame(modelRange(model, op.a(), op.b()), list.range(op.a(), op.b()));
      case 7 -> {
        List<byte[]> kept = modelRange(model, op.a(), op.b());
        list.trim(op.a(), op.b());
        model.clear();
        model.addAll(kept);
      }
      case 8 -> assertEquals(modelRemove(model, op.a() / 3, op.element()), list.remove(op.a() / 3, op.element()), at);
      case 9 -> assertEquals(modelInsert(model, op.a() >= 0, op.other(), op.element()),
          list.insert(op.a() >= 0, op.other(), op.element()), at);
      default -> {
        long rank = op.a() == 0 ? 1 : op.a() / 3 == 0 ? op.a() : op.a() / 3;
        long count = Math.abs(op.b()) / 3;
        long maxLength = Math.abs(op.b()) % 4 == 3 ? 0 : Math.abs(op.b());
        assertEquals(modelPositions(model, op.element(), rank, count, maxLength),
            list.positions(op.element(), rank, count, maxLength), at);
      }
    }
  }

  /** Redis's index of {@code index} in a list of {@code size}, or -1 out of range. */
  private static int modelIndex(long index, int size) {
    long at = index < 0 ? size + index : index;
    return at >= 0 && at < size ? (int) at : -1;
  }

  private static List<byte[]> modelRange(List<byte[]> model, long start, long stop) {
    int size = model.size();
    long from = start < 0 ? Math.max(0, size + start) : start;
    long to = stop < 0 ? size + stop : Math.min(stop, size - 1L);
    List<byte[]> range = new ArrayList<>();
    for (long i = from; i <= to && i < size; i++) {
      range.add(model.get((int) i));
    }
    return range;
  }

  private static int modelRemove(List<byte[]> model, long count, byte[] element) {
    int removed = 0;
    if (count >= 0) {
      for (int i = 0; i < model.size() && (count == 0 || removed < count); ) {
        if (Arrays.equals(model.get(i), element)) {
          model.remove(i);
          removed++;
        } else {
          i++;
        }
      }
    } else {
      for (int i = model.size() - 1; i >= 0 && removed < -count; i--) {
        if (Arrays.equals(model.get(i), element)) {
          model.remove(i);
          removed++;
        }
      }
    }
    return removed;
  }

  private static boolean modelInsert(List<byte[]> model, boolean before, byte[] pivot, byte[] element) {
    for (int i = 0; i < model.size(); i++) {
      if (Arrays.equals(model.get(i), pivot)) {
        model.add(before ? i : i + 1, element);
        return true;
      }
    }
    return false;
  }

  private static List<Long> modelPositions(List<byte[]> model, byte[] element, long rank, long count, long maxLen) {
    List<Long> matches = new ArrayList<>();
    int size = model.size();
    for (int n = 0; n < size && (maxLen == 0 || n < maxLen); n++) {
      int i = rank > 0 ? n : size - 1 - n;
      if (Arrays.equals(model.get(i), element)) {
        matches.add((long) i);
      }
    }
    List<Long> result = new ArrayList<>();
    for (long i = Math.abs(rank) - 1; i < matches.size() && (count == 0 || result.size() < count); i++) {
      result.add(matches.get((int) i));
    }
    return result;
  }

  private static void assertSame(List<byte[]> expected, List<byte[]> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      assertArrayEquals(expected.get(i), actual.get(i), "element " + i);
    }
  }

  @Property(tries = 1)
  void popsOfAnEmptyListAnswerNull() {
    ListValue list = new ListValue(KEY);
    assertNull(list.popFirst());
    assertNull(list.popLast());
    assertNull(list.get(0));
  }
}
