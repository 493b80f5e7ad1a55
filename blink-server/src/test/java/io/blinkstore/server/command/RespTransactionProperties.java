package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespRequest;
import io.blinkstore.server.protocol.resp.RespSession;
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
 * Transactions against a model, on two connections: any sequence of {@code MULTI}, {@code EXEC}, {@code DISCARD},
 * {@code WATCH}, {@code UNWATCH}, {@code SET}, {@code GET}, {@code DEL}, {@code INCR} (on numbers and on text)
 * and {@code FLUSHDB} answers as Redis's rules say, written here as a map, a queue per connection and, per
 * connection, its watched keys and whether one of them was modified since (by either connection).
 */
class RespTransactionProperties {
  private static final List<String> KEYS = List.of("a", "b");
  private static final Result QUEUED = new Result.Simple("QUEUED");

  /** One request on connection {@code client} (0 or 1): its words. */
  record Request(int client, List<String> words) {
    byte[][] args() {
      return words.stream().map(word -> word.getBytes(UTF_8)).toArray(byte[][]::new);
    }
  }

  /** What the model keeps of a connection. */
  private static final class Connection {
    List<List<String>> queue;
    final Set<String> watched = new HashSet<>();
    boolean dirty;
  }

  @Provide
  Arbitrary<List<Request>> requests() {
    Arbitrary<String> key = Arbitraries.of(KEYS);
    Arbitrary<List<String>> words = Arbitraries.oneOf(
        Arbitraries.just(List.of("MULTI")),
        Arbitraries.just(List.of("EXEC")),
        Arbitraries.just(List.of("DISCARD")),
        Arbitraries.just(List.of("UNWATCH")),
        key.map(k -> List.of("WATCH", k)),
        key.flatMap(k -> Arbitraries.of("1", "x").map(v -> List.of("SET", k, v))),
        key.map(k -> List.of("GET", k)),
        key.map(k -> List.of("DEL", k)),
        key.map(k -> List.of("INCR", k)),
        Arbitraries.just(List.of("FLUSHDB")));
    return Arbitraries.integers().between(0, 1).flatMap(c -> words.map(w -> new Request(c, w)))
        .list().ofMaxSize(60);
  }

  @Property(tries = 500)
  void transactionsAnswerAsTheModel(@ForAll("requests") List<Request> requests) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Dispatcher dispatcher = new Dispatcher(store);
      List<RespSession> sessions = List.of(new RespSession(dispatcher), new RespSession(dispatcher));
      Map<String, String> data = new HashMap<>();
      List<Connection> connections = List.of(new Connection(), new Connection());
      for (Request request : requests) {
        Result expected = expected(request, data, connections);
        Result actual = RespTester.copied(
            sessions.get(request.client()).execute(new RespRequest.Command(request.args())));
        assertEquals(expected, actual, request::toString);
      }
    }
  }

  private static Result expected(Request request, Map<String, String> data, List<Connection> connections) {
    Connection c = connections.get(request.client());
    List<String> w = request.words();
    switch (w.get(0)) {
      case "MULTI" -> {
        if (c.queue != null) {
          return Result.error("MULTI calls can not be nested");
        }
        c.queue = new ArrayList<>();
        return Result.OK;
      }
      case "EXEC" -> {
        if (c.queue == null) {
          return Result.error("EXEC without MULTI");
        }
        List<List<String>> queue = c.queue;
        boolean abort = c.dirty;
        c.queue = null;
        unwatch(c);
        if (abort) {
          return new Result.NullArray();
        }
        List<Result> replies = new ArrayList<>();
        for (List<String> queued : queue) {
          replies.add(run(queued, data, connections, c));
        }
        return new Result.Array(replies);
      }
      case "DISCARD" -> {
        if (c.queue == null) {
          return Result.error("DISCARD without MULTI");
        }
        c.queue = null;
        unwatch(c);
        return Result.OK;
      }
      case "WATCH" -> {
        if (c.queue != null) {
          return Result.error("WATCH inside MULTI is not allowed");
        }
        c.watched.add(w.get(1));
        return Result.OK;
      }
      default -> {
        if (c.queue != null) {
          c.queue.add(w);
          return QUEUED;
        }
        return run(w, data, connections, c);
      }
    }
  }

  private static void unwatch(Connection c) {
    c.watched.clear();
    c.dirty = false;
  }

  /** Runs a data command (or UNWATCH) on the model, marking the watchers of what it modifies. */
  private static Result run(List<String> w, Map<String, String> data, List<Connection> connections, Connection c) {
    switch (w.get(0)) {
      case "UNWATCH" -> {
        unwatch(c);
        return Result.OK;
      }
      case "SET" -> {
        data.put(w.get(1), w.get(2));
        touch(w.get(1), connections);
        return Result.OK;
      }
      case "GET" -> {
        String value = data.get(w.get(1));
        return value == null ? Result.NULL : new Result.Bulk(value.getBytes(UTF_8));
      }
      case "DEL" -> {
        boolean held = data.remove(w.get(1)) != null;
        if (held) {
          touch(w.get(1), connections);
        }
        return new Result.Int(held ? 1 : 0);
      }
      case "INCR" -> {
        String value = data.getOrDefault(w.get(1), "0");
        if (!value.matches("-?[0-9]+")) {
          return Result.error("value is not an integer or out of range");
        }
        long next = Long.parseLong(value) + 1;
        data.put(w.get(1), Long.toString(next));
        touch(w.get(1), connections);
        return new Result.Int(next);
      }
      default -> {
        data.keySet().forEach(key -> touch(key, connections)); // FLUSHDB: the keys that existed
        data.clear();
        return Result.OK;
      }
    }
  }

  private static void touch(String key, List<Connection> connections) {
    for (Connection connection : connections) {
      if (connection.watched.contains(key)) {
        connection.dirty = true;
      }
    }
  }
}
