package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
 * The sorted-set writes against a model, a map of member to score ordered by score then member bytes: any
 * sequence of {@code ZADD} (with any of {@code NX}, {@code XX}, {@code GT}, {@code LT}, {@code CH}, {@code INCR}, and
 * infinite scores, so {@code inf - inf} too), {@code ZINCRBY}, {@code ZREM}, {@code ZPOPMIN}/{@code ZPOPMAX} with a
 * count, {@code ZREMRANGEBYRANK} and {@code ZREMRANGEBYSCORE} answers as the model says (Redis's rules, written
 * out here independently of the server's code), and after each the whole set ({@code ZRANGE 0 -1 WITHSCORES}),
 * its size and its existence are the model's.
 */
class RespSortedSetProperties {
  private static final String[] SCORES = {"-inf", "-3", "-1.5", "0", "1", "2", "2.5", "7", "inf"};
  private static final String[] OPTIONS = {"NX", "XX", "GT", "LT", "CH", "INCR"};

  @Provide
  Arbitrary<List<List<String>>> requests() {
    Arbitrary<String> member = Arbitraries.of("a", "b", "c", "d", "e", "f", "g", "ab", "B");
    Arbitrary<String> score = Arbitraries.of(SCORES);
    Arbitrary<List<String>> zadd = Combinators.combine(Arbitraries.subsetOf(OPTIONS),
        Combinators.combine(score, member).as(List::of).list().ofMinSize(1).ofMaxSize(3))
        .as((options, pairs) -> {
          List<String> request = new ArrayList<>(List.of("ZADD", "z"));
          Arrays.stream(OPTIONS).filter(options::contains).forEach(request::add);
          pairs.forEach(request::addAll);
          return request;
        });
    Arbitrary<List<String>> zincrby = Combinators.combine(score, member).as((s, m) -> List.of("ZINCRBY", "z", s, m));
    Arbitrary<List<String>> zrem = member.list().ofMinSize(1).ofMaxSize(3).map(members -> {
      List<String> request = new ArrayList<>(List.of("ZREM", "z"));
      request.addAll(members);
      return request;
    });
    Arbitrary<List<String>> pop = Combinators.combine(Arbitraries.of("ZPOPMIN", "ZPOPMAX"),
        Arbitraries.integers().between(0, 4)).as((name, count) -> List.of(name, "z", Integer.toString(count)));
    Arbitrary<List<String>> byRank = Combinators.combine(Arbitraries.integers().between(-4, 4),
        Arbitraries.integers().between(-4, 4)).as((a, b) -> List.of("ZREMRANGEBYRANK", "z", "" + a, "" + b));
    Arbitrary<List<String>> byScore = Combinators.combine(Arbitraries.of("(", ""), score, Arbitraries.of("(", ""),
        score).as((a, min, b, max) -> List.of("ZREMRANGEBYSCORE", "z", a + min, b + max));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, zadd), net.jqwik.api.Tuple.of(2, zincrby),
        net.jqwik.api.Tuple.of(2, zrem), net.jqwik.api.Tuple.of(2, pop), net.jqwik.api.Tuple.of(1, byRank),
        net.jqwik.api.Tuple.of(1, byScore)).list().ofMaxSize(60);
  }

  @Property(tries = 400)
  void sortedSetWritesAnswerAsAModel(@ForAll("requests") List<List<String>> requests) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      RespSession session = new RespSession(new Dispatcher(store));
      Map<String, Double> model = new HashMap<>();
      for (List<String> request : requests) {
        assertEquals(apply(model, request), RespTester.run(session, request.toArray(String[]::new)),
            request::toString);
        List<Map.Entry<String, Double>> sorted = sorted(model);
        List<Result> all = new ArrayList<>();
        sorted.forEach(entry -> {
          all.add(RespTester.bulk(entry.getKey()));
          all.add(new Result.Double(entry.getValue()));
        });
        assertEquals(new Result.Array(all), RespTester.run(session, "ZRANGE", "z", "0", "-1", "WITHSCORES"));
        assertEquals(RespTester.integer(model.size()), RespTester.run(session, "ZCARD", "z"));
        assertEquals(RespTester.integer(model.isEmpty() ? 0 : 1), RespTester.run(session, "EXISTS", "z"));
      }
    }
  }

  private static List<Map.Entry<String, Double>> sorted(Map<String, Double> model) {
    List<Map.Entry<String, Double>> sorted = new ArrayList<>(model.entrySet());
    sorted.sort(Comparator.<Map.Entry<String, Double>>comparingDouble(Map.Entry::getValue)
        .thenComparing(entry -> entry.getKey().getBytes(StandardCharsets.ISO_8859_1), Arrays::compareUnsigned));
    return sorted;
  }

  private static double score(String text) {
    return text.equals("inf") ? Double.POSITIVE_INFINITY : text.equals("-inf") ? Double.NEGATIVE_INFINITY
        : Double.parseDouble(text);
  }

  /** Redis's answer to {@code request}, applied to {@code model}. */
  private static Result apply(Map<String, Double> model, List<String> request) {
    return switch (request.get(0)) {
      case "ZADD" -> zadd(model, request);
      case "ZINCRBY" -> zadd(model, List.of("ZADD", "z", "INCR", request.get(2), request.get(3)));
      case "ZREM" -> RespTester.integer(request.subList(2, request.size()).stream().distinct()
          .filter(member -> model.remove(member) != null).count());
      case "ZPOPMIN", "ZPOPMAX" -> {
        List<Map.Entry<String, Double>> sorted = sorted(model);
        if (request.get(0).equals("ZPOPMAX")) {
          java.util.Collections.reverse(sorted);
        }
        List<Result> popped = new ArrayList<>();
        for (Map.Entry<String, Double> entry : sorted.subList(0, Math.min(sorted.size(),
            Integer.parseInt(request.get(2))))) {
          model.remove(entry.getKey());
          popped.add(RespTester.bulk(entry.getKey()));
          popped.add(new Result.Double(entry.getValue()));
        }
        yield new Result.Array(popped);
      }
      case "ZREMRANGEBYRANK" -> {
        List<Map.Entry<String, Double>> sorted = sorted(model);
        int size = sorted.size();
        int start = Integer.parseInt(request.get(2));
        int stop = Integer.parseInt(request.get(3));
        start = Math.max(0, start < 0 ? size + start : start);
        stop = stop < 0 ? size + stop : Math.min(stop, size - 1);
        long removed = 0;
        for (int i = start; i <= stop && i < size; i++) {
          model.remove(sorted.get(i).getKey());
          removed++;
        }
        yield RespTester.integer(removed);
      }
      default -> {
        String min = request.get(2);
        String max = request.get(3);
        double low = score(min.replace("(", ""));
        double high = score(max.replace("(", ""));
        List<String> doomed = model.entrySet().stream().filter(entry -> (min.startsWith("(")
            ? entry.getValue() > low : entry.getValue() >= low) && (max.startsWith("(") ? entry.getValue() < high
            : entry.getValue() <= high)).map(Map.Entry::getKey).toList();
        doomed.forEach(model::remove);
        yield RespTester.integer(doomed.size());
      }
    };
  }

  private static Result zadd(Map<String, Double> model, List<String> request) {
    List<String> options = new ArrayList<>();
    int at = 2;
    while (Arrays.asList(OPTIONS).contains(request.get(at))) {
      options.add(request.get(at++));
    }
    boolean nx = options.contains("NX");
    boolean xx = options.contains("XX");
    boolean gt = options.contains("GT");
    boolean lt = options.contains("LT");
    boolean incr = options.contains("INCR");
    int pairs = (request.size() - at) / 2;
    if (nx && xx) {
      return RespTester.error("ERR XX and NX options at the same time are not compatible");
    }
    if (nx && (gt || lt) || gt && lt) {
      return RespTester.error("ERR GT, LT, and/or NX options at the same time are not compatible");
    }
    if (incr && pairs > 1) {
      return RespTester.error("ERR INCR option supports a single increment-element pair");
    }
    long added = 0;
    long changed = 0;
    Double last = null;
    for (int i = 0; i < pairs; i++) {
      double score = score(request.get(at + 2 * i));
      String member = request.get(at + 2 * i + 1);
      Double current = model.get(member);
      if (current == null ? xx : nx) {
        continue;
      }
      if (current != null && incr) {
        score += current;
        if (Double.isNaN(score)) {
          return RespTester.error("ERR resulting score is not a number (NaN)");
        }
      }
      if (current != null && (lt && score >= current || gt && score <= current)) {
        continue;
      }
      if (current == null) {
        added++;
      } else if (score != current) {
        changed++;
      }
      model.put(member, score);
      last = score;
    }
    if (incr) {
      return last == null ? Result.NULL : new Result.Double(last);
    }
    return RespTester.integer(options.contains("CH") ? added + changed : added);
  }
}
