package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.SortedSets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link ZSetValue} against a model (a map of member to score, sorted by score then member bytes): any sequence of
 * puts (new members and new scores, infinities and -0 among them) and removes leaves the same members in the same
 * order, each at its rank, found by score and by member bytes at the ranks the model counts, walked both ways from
 * any rank, weighed as the model's bytes plus 8 per member; a full scan (in steps of any size) returns every member;
 * the encoding turns to {@code skiplist} for good exactly when the model passes the bounds; a copy shares nothing.
 */
class ZSetValueProperties {
  private static final HashValue.Compact BOUNDS = new HashValue.Compact(20, 6);
  private static final double[] SCORES = {Double.NEGATIVE_INFINITY, -2.5, -1, 0, 1, 1, 2, 3.25, 1e300,
      Double.POSITIVE_INFINITY};

  /** One operation: 0-5 put, 6-8 remove, of member {@code member} at score {@code score}. */
  record Op(int kind, int member, int score) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    return Combinators.combine(Arbitraries.integers().between(0, 8), Arbitraries.integers().between(0, 59),
        Arbitraries.integers().between(0, SCORES.length - 1)).as(Op::new).list().ofMaxSize(400);
  }

  /** Members of 0 to 9 bytes, some prefixes of others, some past the bound of 6 bytes. */
  private static byte[] member(int i) {
    return ("m" + "abcdefghij".substring(0, i % 10) + (i / 10)).substring(0, 1 + i % 10).getBytes(UTF_8);
  }

  private static final Comparator<Map.Entry<String, Double>> ORDER = (a, b) -> a.getValue().equals(b.getValue())
      || a.getValue() == 0 && b.getValue() == 0 ? Arrays.compareUnsigned(a.getKey().getBytes(UTF_8),
      b.getKey().getBytes(UTF_8)) : Double.compare(a.getValue(), b.getValue());

  @Property(tries = 300)
  void aSortedSetHoldsWhatItsModelHolds(@ForAll("ops") List<Op> ops, @ForAll boolean smallSteps) {
    ZSetValue set = new ZSetValue(Key.pack("z", 1, new byte[0]));
    set.bounds(BOUNDS);
    Map<String, Double> model = new HashMap<>();
    boolean everSkiplist = false;
    for (Op op : ops) {
      byte[] member = member(op.member());
      String name = new String(member, UTF_8);
      if (op.kind() < 6) {
        double score = SCORES[op.score()] * (op.kind() == 5 ? -1 : 1); // kind 5: -0 among them
        boolean isNew = !model.containsKey(name);
        boolean listpack = !everSkiplist; // a listpack reads a score of -0 back as 0; a skip list keeps -0
        everSkiplist |= isNew && (model.size() >= BOUNDS.maxEntries() || member.length > BOUNDS.maxBytes());
        assertEquals(isNew, set.put(member, score));
        double stored = listpack && score == 0 ? 0.0 : score;
        if (isNew || model.get(name) != stored) {
          model.put(name, stored);
        }
      } else {
        assertEquals(model.remove(name) != null, set.remove(member));
      }
      assertEquals(everSkiplist ? "skiplist" : "listpack", set.encoding());
    }
    List<Map.Entry<String, Double>> sorted = new ArrayList<>(model.entrySet());
    sorted.sort(ORDER);
    assertEquals(model.size(), set.size());
    long bytes = 0;
    for (Map.Entry<String, Double> entry : sorted) {
      bytes += entry.getKey().getBytes(UTF_8).length + ZSetValue.SCORE_BYTES;
    }
    assertEquals(bytes, set.bytes());
    assertEquals(sorted, walked(set, 0, false));
    for (int rank = 0; rank < sorted.size(); rank++) {
      Map.Entry<String, Double> entry = sorted.get(rank);
      assertEquals(rank, set.rank(entry.getKey().getBytes(UTF_8)), entry.getKey());
      assertEquals(entry.getValue(), set.score(entry.getKey().getBytes(UTF_8)), 0.0);
      assertEquals(sorted.subList(rank, sorted.size()), walked(set, rank, false));
      List<Map.Entry<String, Double>> down = new ArrayList<>(sorted.subList(0, rank + 1));
      java.util.Collections.reverse(down);
      assertEquals(down, walked(set, rank, true));
    }
    for (double score : SCORES) {
      assertEquals(sorted.stream().filter(e -> e.getValue() < score).count(), set.countBelow(score, false));
      assertEquals(sorted.stream().filter(e -> e.getValue() <= score).count(), set.countBelow(score, true));
    }
    for (int i = 0; i < 60; i += 7) {
      byte[] bound = member(i);
      long below = sorted.stream().filter(e -> Arrays.compareUnsigned(e.getKey().getBytes(UTF_8), bound) < 0)
          .count();
      if (sorted.stream().allMatch(e -> e.getValue().equals(sorted.get(0).getValue()))) {
        assertEquals(below, set.countBelowLex(bound, false)); // lex ranges are defined when all scores are equal
      }
    }
    assertEquals(model.keySet(), scanned(set, smallSteps ? 1 : 7));
    ZSetValue copy = set.copy(Key.pack("c", 1, new byte[0]));
    assertEquals(sorted, walked(copy, 0, false));
    assertEquals(set.encoding(), copy.encoding());
    if (copy.size() > 0) {
      assertTrue(copy.remove(sorted.get(0).getKey().getBytes(UTF_8)));
      assertEquals(model.size(), set.size());
    }
  }

  private static List<Map.Entry<String, Double>> walked(ZSetValue set, long rank, boolean reverse) {
    List<Map.Entry<String, Double>> walked = new ArrayList<>();
    set.walk(rank, reverse, (member, score) -> walked.add(Map.entry(new String(member, UTF_8), score)));
    return walked;
  }

  private static Set<String> scanned(ZSetValue set, int count) {
    Set<String> seen = new HashSet<>();
    long cursor = 0;
    int steps = 0;
    do {
      SortedSets.Step step = set.scan(cursor, count);
      step.members().forEach(member -> seen.add(new String(member, UTF_8)));
      cursor = step.cursor();
      assertTrue(++steps < 10_000, "a scan ends");
    } while (cursor != 0);
    return seen;
  }

  @Property(tries = 50)
  void aMembersArrayIsNeverTheCallersArray(@ForAll("ops") List<Op> ops) {
    ZSetValue set = new ZSetValue(Key.pack("z", 1, new byte[0]));
    byte[] member = "caller".getBytes(UTF_8);
    set.put(member, 1);
    set.walk(0, false, (stored, score) -> {
      assertNotSame(member, stored);
      return true;
    });
    member[0] = 'X';
    assertEquals(1, set.score("caller".getBytes(UTF_8)), 0.0);
    assertEquals(new TreeSet<>(List.of("caller")), scanned(set, 1));
  }
}
