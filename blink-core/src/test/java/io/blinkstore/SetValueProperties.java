package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link SetValue} against a model ({@link HashSet}): any sequence of adds, removes and pops, across the intset and
 * the table, leaves the same members and byte count; the set is an intset exactly while every member it ever held
 * was an integer's canonical text and it never held more than the bound, and then lists its members in ascending
 * order, as Redis's intset does; a copy holds the same members and shares nothing.
 */
class SetValueProperties {
  private static final long MAX_INTSET = 24;

  /** One operation: 0 add, 1 remove, 2 pop, of the member {@code member} of the pool. */
  record Op(int kind, int member) {}

  /** Integers in canonical form, and texts that look like integers but are not ({@code 007}, {@code -0}, ...). */
  private static final String[] ODD = {"007", "-0", "+1", " 1", "1 ", "", "-", "9223372036854775808",
      "-9223372036854775809", "1.0", "abc", "0x10"};

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op = Combinators.combine(Arbitraries.integers().between(0, 9).map(i -> i < 6 ? 0 : i < 9 ? 1 : 2),
        Arbitraries.integers().between(0, 99)).as(Op::new);
    return op.list().ofMaxSize(300);
  }

  /** Members 0..79 are integers (negative ones and the extremes among them), 80..99 are not. */
  private static String member(int i) {
    if (i < 78) {
      return Long.toString((i % 2 == 0 ? 1 : -1) * (long) i * 1_000_003L);
    }
    return i == 78 ? Long.toString(Long.MIN_VALUE) : i == 79 ? Long.toString(Long.MAX_VALUE) : ODD[i % ODD.length];
  }

  @Property(tries = 300)
  void aSetHoldsWhatItsModelHolds(@ForAll("ops") List<Op> ops, @ForAll boolean integersOnly) {
    SetValue set = new SetValue(Key.pack("s", 1, new byte[0]));
    Set<String> model = new HashSet<>();
    boolean everTable = false;
    for (Op op : ops) {
      String member = member(integersOnly ? op.member() % 80 : op.member());
      if (op.kind() == 0) {
        assertEquals(model.add(member), set.add(member.getBytes(UTF_8), MAX_INTSET));
        everTable |= !SetValue.isInteger(member.getBytes(UTF_8)) || model.size() > MAX_INTSET;
      } else if (op.kind() == 1) {
        assertEquals(model.remove(member), set.remove(member.getBytes(UTF_8)));
      } else if (!model.isEmpty()) {
        assertTrue(model.remove(new String(set.pop(), UTF_8)), "a pop takes a member that was there");
      }
      assertEquals(everTable ? "hashtable" : "intset", set.encoding(), "a table for good once past the bounds");
    }
    assertHolds(model, set);
    if (!everTable) {
      List<Long> ascending = new ArrayList<>(new TreeSet<>(model.stream().map(Long::parseLong).toList()));
      List<Long> listed = new ArrayList<>();
      set.each(m -> listed.add(Long.parseLong(new String(m, UTF_8))));
      assertEquals(ascending, listed, "an intset lists its members in ascending order");
    }
    SetValue copy = set.copy(Key.pack("c", 1, new byte[0]));
    assertHolds(model, copy);
    if (!model.isEmpty()) {
      copy.pop();
      assertNotEquals(copy.elements(), set.elements(), "the copy shares nothing");
      assertHolds(model, set);
    }
  }

  private static void assertHolds(Set<String> model, SetValue set) {
    long bytes = 0;
    for (String member : model) {
      assertTrue(set.contains(member.getBytes(UTF_8)), member);
      bytes += member.getBytes(UTF_8).length;
    }
    for (int i = 0; i < 100; i++) {
      assertEquals(model.contains(member(i)), set.contains(member(i).getBytes(UTF_8)), member(i));
    }
    assertEquals(model.size(), set.elements());
    assertEquals(bytes, set.bytes(), "bytes are the members' bytes");
    Set<String> listed = new HashSet<>();
    set.each(m -> {
      assertTrue(listed.add(new String(m, UTF_8)), "each member once");
      return true;
    });
    assertEquals(model, listed);
    if (!model.isEmpty()) {
      assertTrue(model.contains(new String(set.random(), UTF_8)));
    }
  }
}
