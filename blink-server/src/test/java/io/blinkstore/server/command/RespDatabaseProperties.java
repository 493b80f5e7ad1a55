package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespRequest;
import io.blinkstore.server.protocol.resp.RespSession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
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
 * The logical databases against a model, a list of maps that {@code SWAPDB} reorders: any sequence of
 * {@code SELECT}, {@code SET}, {@code GET}, {@code DEL}, {@code MOVE}, {@code SWAPDB}, {@code FLUSHDB},
 * {@code DBSIZE} and {@code KEYS *} (compared as sets) answers as the model says, on two connections that
 * select databases of their own. Keys include U+FDD1, the mark that begins the store keys of databases other
 * than 0, so that no RESP key can reach another database's entry by its name.
 */
class RespDatabaseProperties {
  private static final int DATABASES = 4;
  private static final List<String> KEYS = List.of("a", "b", "\uFDD1\uE001a", "\uFDD1");

  /** One request on connection {@code client} (0 or 1): its words. */
  record Request(int client, List<String> words) {
    byte[][] args() {
      return words.stream().map(word -> word.getBytes(UTF_8)).toArray(byte[][]::new);
    }
  }

  @Provide
  Arbitrary<List<Request>> requests() {
    Arbitrary<String> key = Arbitraries.of(KEYS);
    Arbitrary<String> db = Arbitraries.integers().between(0, DATABASES - 1).map(String::valueOf);
    Arbitrary<List<String>> words = Arbitraries.oneOf(
        db.map(i -> List.of("SELECT", i)),
        key.flatMap(k -> Arbitraries.strings().alpha().ofMaxLength(3).map(v -> List.of("SET", k, v))),
        key.map(k -> List.of("GET", k)),
        key.map(k -> List.of("DEL", k)),
        key.flatMap(k -> db.map(i -> List.of("MOVE", k, i))),
        db.flatMap(i -> db.map(j -> List.of("SWAPDB", i, j))),
        Arbitraries.just(List.of("FLUSHDB")),
        Arbitraries.just(List.of("DBSIZE")),
        Arbitraries.just(List.of("KEYS", "*")));
    return Arbitraries.integers().between(0, 1).flatMap(c -> words.map(w -> new Request(c, w)))
        .list().ofMaxSize(60);
  }

  @Property(tries = 300)
  void databasesAnswerAsAListOfMaps(@ForAll("requests") List<Request> requests) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Dispatcher dispatcher = new Dispatcher(store);
      List<RespSession> sessions = List.of(new RespSession(dispatcher), new RespSession(dispatcher));
      List<Map<String, String>> dbs = new ArrayList<>();
      for (int i = 0; i < Dispatcher.DEFAULT_DATABASES; i++) {
        dbs.add(new HashMap<>());
      }
      int[] selected = new int[2];
      for (Request request : requests) {
        Result expected = expected(request, dbs, selected);
        Result actual = RespTester.copied(
            sessions.get(request.client()).execute(new RespRequest.Command(request.args())));
        assertEquals(comparable(expected), comparable(actual), request::toString);
      }
    }
  }

  /** KEYS replies compared as sets of their bulk strings. */
  private static Object comparable(Result result) {
    if (result instanceof Result.Array array) {
      Set<ByteBuffer> keys = new HashSet<>();
      array.elements().forEach(element -> keys.add(((Result.Bulk) element).bytes()));
      return keys;
    }
    return result;
  }

  private static Result expected(Request request, List<Map<String, String>> dbs, int[] selected) {
    List<String> w = request.words();
    Map<String, String> db = dbs.get(selected[request.client()]);
    switch (w.get(0)) {
      case "SELECT" -> {
        selected[request.client()] = Integer.parseInt(w.get(1));
        return Result.OK;
      }
      case "SET" -> {
        db.put(w.get(1), w.get(2));
        return Result.OK;
      }
      case "GET" -> {
        String value = db.get(w.get(1));
        return value == null ? Result.NULL : new Result.Bulk(value.getBytes(UTF_8));
      }
      case "DEL" -> {
        return new Result.Int(db.remove(w.get(1)) == null ? 0 : 1);
      }
      case "MOVE" -> {
        Map<String, String> target = dbs.get(Integer.parseInt(w.get(2)));
        if (target == db) {
          return Result.error("source and destination objects are the same");
        }
        if (!db.containsKey(w.get(1)) || target.containsKey(w.get(1))) {
          return new Result.Int(0);
        }
        target.put(w.get(1), db.remove(w.get(1)));
        return new Result.Int(1);
      }
      case "SWAPDB" -> {
        int a = Integer.parseInt(w.get(1));
        int b = Integer.parseInt(w.get(2));
        Map<String, String> first = dbs.get(a);
        dbs.set(a, dbs.get(b));
        dbs.set(b, first);
        return Result.OK;
      }
      case "FLUSHDB" -> {
        db.clear();
        return Result.OK;
      }
      case "DBSIZE" -> {
        return new Result.Int(db.size());
      }
      default -> {
        List<Result> keys = new ArrayList<>();
        db.keySet().forEach(key -> keys.add(new Result.Bulk(key.getBytes(UTF_8))));
        return new Result.Array(keys);
      }
    }
  }
}
