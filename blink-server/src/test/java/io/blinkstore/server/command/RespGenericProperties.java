package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
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
 * The generic key commands and absolute deadlines against a model, a map of (database, key) to a value and its
 * Unix deadline in milliseconds: any sequence of {@code SET} (with {@code PXAT}), {@code PEXPIREAT} with or without
 * {@code NX}/{@code XX}/{@code GT}/{@code LT}, {@code PERSIST}, {@code PEXPIRETIME}, {@code RENAME},
 * {@code RENAMENX}, {@code COPY} (with {@code DB}, {@code REPLACE}), {@code TYPE}, {@code TOUCH}, {@code UNLINK},
 * {@code GET} and {@code SELECT} answers as the model says. The deadlines are a few milliseconds decades ahead,
 * so they collide (for {@code GT}/{@code LT}) and never pass while the test runs: each is read back exactly.
 */
class RespGenericProperties {
  private static final long BASE = 4_000_000_000_000L;
  private static final List<String> KEYS = List.of("a", "b", "c");

  /** A value and its deadline ({@code -1}: none), as the model holds them. */
  private record Entry(String value, long deadline) {}

  @Property(tries = 500)
  void genericCommandsAnswerAsAModelOfValuesAndDeadlines(@ForAll("requests") List<List<String>> requests) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      RespSession session = new RespSession(new Dispatcher(store));
      Model model = new Model();
      for (List<String> request : requests) {
        assertEquals(model.apply(request), RespTester.run(session, request.toArray(String[]::new)),
            request::toString);
      }
    }
  }

  /** Redis's answers, on two databases of a few keys. */
  private static final class Model {
    private final List<Map<String, Entry>> databases = List.of(new HashMap<>(), new HashMap<>());
    private int db;

    Result apply(List<String> request) {
      Map<String, Entry> keys = databases.get(db);
      String key = request.size() > 1 ? request.get(1) : "";
      Entry entry = keys.get(key);
      return switch (request.get(0)) {
        case "SET" -> set(keys, request);
        case "GET" -> new Result.Bulk(entry == null ? null : entry.value().getBytes(StandardCharsets.ISO_8859_1));
        case "PEXPIREAT" -> expire(keys, key, Long.parseLong(request.get(2)), request.subList(3, request.size()));
        case "PERSIST" -> {
          boolean had = entry != null && entry.deadline() >= 0;
          if (had) {
            keys.put(key, new Entry(entry.value(), -1));
          }
          yield integer(had);
        }
        case "PEXPIRETIME" -> new Result.Int(entry == null ? -2 : entry.deadline());
        case "TYPE" -> new Result.Simple(entry == null ? "none" : "string");
        case "TOUCH" -> new Result.Int(request.subList(1, request.size()).stream().filter(keys::containsKey).count());
        case "UNLINK" -> new Result.Int(request.subList(1, request.size()).stream()
            .filter(k -> keys.remove(k) != null).count());
        case "RENAME", "RENAMENX" -> rename(keys, key, request.get(2), request.get(0).equals("RENAMENX"));
        case "COPY" -> copy(keys, key, request);
        case "SELECT" -> {
          db = Integer.parseInt(key);
          yield Result.OK;
        }
        default -> throw new AssertionError(request);
      };
    }

    private static Result set(Map<String, Entry> keys, List<String> request) {
      long deadline = request.size() > 3 ? Long.parseLong(request.get(4)) : -1;
      keys.put(request.get(1), new Entry(request.get(2), deadline));
      return Result.OK;
    }

    private static Result expire(Map<String, Entry> keys, String key, long deadline, List<String> conditions) {
      Entry entry = keys.get(key);
      if (entry == null) {
        return integer(false);
      }
      boolean expires = entry.deadline() >= 0;
      String condition = conditions.isEmpty() ? "" : conditions.get(0);
      boolean holds = switch (condition) {
        case "NX" -> !expires;
        case "XX" -> expires;
        case "GT" -> expires && deadline > entry.deadline();
        case "LT" -> !expires || deadline < entry.deadline();
        default -> true;
      };
      if (holds) {
        keys.put(key, new Entry(entry.value(), deadline));
      }
      return integer(holds);
    }

    private static Result rename(Map<String, Entry> keys, String from, String to, boolean nx) {
      Entry entry = keys.get(from);
      if (entry == null) {
        return Result.error("no such key");
      }
      if (from.equals(to) || nx && keys.containsKey(to)) {
        return nx ? integer(false) : Result.OK;
      }
      keys.put(to, keys.remove(from));
      return nx ? integer(true) : Result.OK;
    }

    private Result copy(Map<String, Entry> keys, String from, List<String> request) {
      int target = request.contains("DB") ? Integer.parseInt(request.get(request.indexOf("DB") + 1)) : db;
      String to = request.get(2);
      if (target == db && from.equals(to)) {
        return Result.error("source and destination objects are the same");
      }
      Entry entry = keys.get(from);
      Map<String, Entry> there = databases.get(target);
      if (entry == null || there.containsKey(to) && !request.contains("REPLACE")) {
        return integer(false);
      }
      there.put(to, entry);
      return integer(true);
    }

    private static Result integer(boolean one) {
      return new Result.Int(one ? 1 : 0);
    }
  }

  @Provide
  Arbitrary<List<List<String>>> requests() {
    Arbitrary<String> key = Arbitraries.of(KEYS);
    Arbitrary<String> value = Arbitraries.of("x", "yy", "zzz");
    Arbitrary<String> deadline = Arbitraries.longs().between(BASE + 1, BASE + 4).map(String::valueOf);
    Arbitrary<List<String>> condition = Arbitraries.of(List.of(), List.of("NX"), List.of("XX"), List.of("GT"),
        List.of("LT"));
    Arbitrary<List<String>> copyOptions = Arbitraries.of(List.of(), List.of("REPLACE"), List.of("DB", "0"),
        List.of("DB", "1", "REPLACE"), List.of("DB", "1"));
    Arbitrary<List<String>> one = Arbitraries.oneOf(
        Combinators.combine(key, value).as((k, v) -> List.of("SET", k, v)),
        Combinators.combine(key, value, deadline).as((k, v, d) -> List.of("SET", k, v, "PXAT", d)),
        Combinators.combine(key, deadline, condition).as((k, d, c) -> concat(List.of("PEXPIREAT", k, d), c)),
        key.map(k -> List.of("PERSIST", k)),
        key.map(k -> List.of("PEXPIRETIME", k)),
        key.map(k -> List.of("TYPE", k)),
        key.map(k -> List.of("GET", k)),
        key.list().ofMinSize(1).ofMaxSize(3).map(ks -> concat(List.of("TOUCH"), ks)),
        key.list().ofMinSize(1).ofMaxSize(2).map(ks -> concat(List.of("UNLINK"), ks)),
        Combinators.combine(key, key).as((a, b) -> List.of("RENAME", a, b)),
        Combinators.combine(key, key).as((a, b) -> List.of("RENAMENX", a, b)),
        Combinators.combine(key, key, copyOptions).as((a, b, o) -> concat(List.of("COPY", a, b), o)),
        Arbitraries.of("0", "1").map(db -> List.of("SELECT", db)));
    return one.list().ofMaxSize(40);
  }

  private static List<String> concat(List<String> first, List<String> second) {
    List<String> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}
