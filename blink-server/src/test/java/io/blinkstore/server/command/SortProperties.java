package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * {@code SORT} against a model written from Redis's {@code sort.c}: for any list of numbers and words, any weights
 * ({@code BY w_*}, some missing, some words) and names ({@code GET n_*}, some missing), and any of {@code ALPHA},
 * {@code DESC}, {@code LIMIT}, {@code BY nosort}, the reply is the model's - numbers ascending with ties by bytes,
 * or bytes, reversed for {@code DESC}, the {@code LIMIT} range clamped, or the error for a word sorted as a
 * number - and {@code STORE} stores exactly that reply as a list and answers its length.
 */
class SortProperties {
  private static final List<String> WORDS = List.of("a", "b", "ab", "-1", "0", "1", "2", "10", "1.5", "-0", "x1");

  @Property(tries = 300)
  void sortAnswersAndStoresAsTheModel(@ForAll("elements") List<String> elements,
      @ForAll("weights") List<String> weights, @ForAll boolean alpha, @ForAll boolean desc,
      @ForAll @IntRange(min = 0, max = 3) int by, @ForAll boolean get, @ForAll boolean limit,
      @ForAll @IntRange(min = -2, max = 12) int offset, @ForAll @IntRange(min = -2, max = 12) int count) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      RespSession session = new RespSession(new Dispatcher(store));
      List<String> push = new ArrayList<>(List.of("RPUSH", "l"));
      push.addAll(elements);
      RespTester.run(session, push.toArray(String[]::new));
      for (int i = 0; i < WORDS.size(); i++) {
        if (!weights.get(i).isEmpty()) {
          RespTester.run(session, "MSET", "w_" + WORDS.get(i), weights.get(i), "n_" + WORDS.get(i), "N" + i);
        }
      }
      List<String> command = new ArrayList<>(List.of("SORT", "l"));
      String byPattern = switch (by) {
        case 1 -> "w_*";
        case 2 -> "nosort";
        default -> null;
      };
      if (byPattern != null) {
        command.addAll(List.of("BY", byPattern));
      }
      if (limit) {
        command.addAll(List.of("LIMIT", Integer.toString(offset), Integer.toString(count)));
      }
      if (get) {
        command.addAll(List.of("GET", "n_*", "GET", "#"));
      }
      if (alpha) {
        command.add("ALPHA");
      }
      if (desc) {
        command.add("DESC");
      }
      Map<String, String> weightOf = new java.util.HashMap<>();
      Map<String, String> nameOf = new java.util.HashMap<>();
      for (int i = 0; i < WORDS.size(); i++) {
        if (!weights.get(i).isEmpty()) {
          weightOf.put(WORDS.get(i), weights.get(i));
          nameOf.put(WORDS.get(i), "N" + i);
        }
      }
      Result expected = model(elements, byPattern, weightOf, nameOf, alpha, desc, limit ? offset : 0,
          limit ? count : -1, get);
      assertEquals(expected, RespTester.run(session, command.toArray(String[]::new)), command::toString);
      command.addAll(List.of("STORE", "out"));
      Result stored = RespTester.run(session, command.toArray(String[]::new));
      if (expected instanceof Result.Array array) {
        assertEquals(new Result.Int(array.elements().size()), stored, command::toString);
        Result.Array asStored = new Result.Array(array.elements().stream()
            .map(value -> value.equals(Result.NULL) ? (Result) Result.bulk("") : value).toList());
        assertEquals(asStored, RespTester.run(session, "LRANGE", "out", "0", "-1"), command::toString);
      } else {
        assertEquals(expected, stored, command::toString);
        assertEquals(new Result.Int(0), RespTester.run(session, "EXISTS", "out"), command::toString);
      }
    }
  }

  /** What Redis answers, from its {@code sortCommandGeneric} and {@code sortCompare}. */
  private static Result model(List<String> elements, String by, Map<String, String> weightOf,
      Map<String, String> nameOf, boolean alpha, boolean desc, int offset, int count, boolean get) {
    List<String> sorted = new ArrayList<>(elements);
    boolean dontSort = "nosort".equals(by);
    if (!dontSort) {
      Comparator<String> bytes = (a, b) -> Arrays.compareUnsigned(a.getBytes(ISO_8859_1), b.getBytes(ISO_8859_1));
      Comparator<String> order;
      if (alpha && by != null) {
        order = Comparator.comparing(weightOf::get, Comparator.nullsFirst(bytes));
      } else if (alpha) {
        order = bytes;
      } else {
        for (String element : elements) {
          String value = by == null ? element : weightOf.get(element);
          if (value != null && !value.matches("-?[0-9]+(\\.[0-9]+)?")) {
            return Result.error("One or more scores can't be converted into double");
          }
        }
        order = Comparator.<String>comparingDouble(e -> number(by == null ? e : weightOf.get(e))).thenComparing(bytes);
      }
      sorted.sort(desc ? order.reversed() : order);
    } else if (desc) {
      java.util.Collections.reverse(sorted);
    }
    int start = Math.min(Math.max(offset, 0), sorted.size());
    int end = count < 0 ? sorted.size() : Math.min(sorted.size(), start + count);
    List<Result> reply = new ArrayList<>();
    for (String element : sorted.subList(start, Math.max(start, end))) {
      if (get) {
        String name = nameOf.get(element);
        reply.add(name == null ? Result.NULL : Result.bulk(name));
      }
      reply.add(Result.bulk(element));
    }
    return new Result.Array(reply);
  }

  private static double number(String value) {
    return value == null ? 0 : Double.parseDouble(value) + 0.0; // -0 and 0 tie, as C's < and > make them
  }

  @Provide
  Arbitrary<List<String>> elements() {
    return Arbitraries.of(WORDS).list().ofMaxSize(10);
  }

  /** A weight for each of {@link #WORDS} ("" none): numbers, a few words. */
  @Provide
  Arbitrary<List<String>> weights() {
    return Arbitraries.of("", "", "3", "-2", "0", "7.5", "1", "zz", "b").list().ofSize(WORDS.size());
  }
}
