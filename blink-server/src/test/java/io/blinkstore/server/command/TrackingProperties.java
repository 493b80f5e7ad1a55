package io.blinkstore.server.command;

import static io.blinkstore.server.command.Requests.run;
import static io.blinkstore.server.command.Requests.sorted;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Client-side caching against a model, the keys each connection read since they were last invalidated for it: any
 * sequence of reads ({@code GET}, {@code MGET}, {@code EXISTS}, {@code STRLEN}) and writes ({@code SET},
 * {@code APPEND}, {@code DEL}, {@code FLUSHALL}) on three tracking RESP3 connections gives every connection that
 * read a key before its last modification exactly one invalidation of it (its own after its reply), and nothing
 * else: a {@code DEL} of a key that is not there modifies nothing; a {@code FLUSHALL} sends every one a null.
 */
class TrackingProperties {
  private static final int CLIENTS = 3;
  private static final List<String> KEYS = List.of("a", "b", "c");

  /** One request on connection {@code client}: its words. */
  record Request(int client, List<String> words) {
    byte[][] args() {
      return words.stream().map(word -> word.getBytes(UTF_8)).toArray(byte[][]::new);
    }
  }

  @Provide
  Arbitrary<List<Request>> requests() {
    Arbitrary<String> key = Arbitraries.of(KEYS);
    Arbitrary<List<String>> words = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, key.map(k -> List.of("GET", k))),
        net.jqwik.api.Tuple.of(2, key.list().ofMinSize(1).ofMaxSize(3).map(ks -> {
          List<String> mget = new ArrayList<>(List.of("MGET"));
          mget.addAll(ks);
          return mget;
        })),
        net.jqwik.api.Tuple.of(1, key.map(k -> List.of("EXISTS", k))),
        net.jqwik.api.Tuple.of(1, key.map(k -> List.of("STRLEN", k))),
        net.jqwik.api.Tuple.of(3, key.map(k -> List.of("SET", k, "v"))),
        net.jqwik.api.Tuple.of(1, key.map(k -> List.of("APPEND", k, "w"))),
        net.jqwik.api.Tuple.of(2, key.map(k -> List.of("DEL", k))),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(List.of("FLUSHALL"))));
    return Arbitraries.integers().between(0, CLIENTS - 1).flatMap(c -> words.map(w -> new Request(c, w)))
        .list().ofMaxSize(60);
  }

  @Property(tries = 300)
  void everyReaderOfAKeyGetsOneInvalidationForItsNextModification(@ForAll("requests") List<Request> requests) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Dispatcher dispatcher = new Dispatcher(store);
      List<List<String>> received = new ArrayList<>();
      List<ClientState> clients = new ArrayList<>();
      List<Set<String>> read = new ArrayList<>();
      Set<String> present = new HashSet<>();
      for (int i = 0; i < CLIENTS; i++) {
        List<String> inbox = new ArrayList<>();
        received.add(inbox);
        ClientState client = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { },
            recording(inbox));
        run(dispatcher, client, "HELLO", "3");
        assertEquals(Result.OK, run(dispatcher, client, "CLIENT", "TRACKING", "ON"));
        clients.add(client);
        read.add(new HashSet<>());
      }
      for (Request request : requests) {
        received.forEach(List::clear);
        Result reply = dispatcher.dispatch(clients.get(request.client()), request.args());
        if (reply instanceof Result.Several several) { // its own invalidations follow its reply
          several.replies().subList(1, several.replies().size()).forEach(push ->
              received.get(request.client()).add(text(push)));
        }
        List<List<String>> expected = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
          expected.add(new ArrayList<>());
        }
        List<String> words = request.words();
        switch (words.get(0)) {
          case "SET", "APPEND" -> {
            modified(words.get(1), read, expected);
            present.add(words.get(1));
          }
          case "DEL" -> {
            if (present.remove(words.get(1))) {
              modified(words.get(1), read, expected);
            }
          }
          case "FLUSHALL" -> {
            expected.forEach(messages -> messages.add("invalidate null"));
            read.forEach(Set::clear);
            present.clear();
          }
          default -> read.get(request.client()).addAll(words.subList(1, words.size()));
        }
        for (int i = 0; i < CLIENTS; i++) {
          assertEquals(sorted(expected.get(i)), sorted(received.get(i)), "client " + i + " after " + request);
        }
      }
    }
  }

  /** In the model, {@code key} was modified: each reader of it is invalidated once, and forgets it. */
  private static void modified(String key, List<Set<String>> read, List<List<String>> expected) {
    for (int i = 0; i < CLIENTS; i++) {
      if (read.get(i).remove(key)) {
        expected.get(i).add("invalidate " + key);
      }
    }
  }

  /** An invalidation push as "invalidate key..." or "invalidate null". */
  private static String text(Result message) {
    List<Result> elements = ((Result.Push) message).elements();
    StringBuilder text = new StringBuilder(UTF_8.decode(((Result.Bulk) elements.get(0)).bytes().duplicate()));
    if (elements.get(1) instanceof Result.Array keys) {
      for (Result key : keys.elements()) {
        ByteBuffer bytes = ((Result.Bulk) key).bytes();
        text.append(' ').append(UTF_8.decode(bytes.duplicate()));
      }
    } else {
      text.append(" null");
    }
    return text.toString();
  }

  /** A connection that records the messages pushed to it (as {@link ClientConnection#NONE} otherwise). */
  static ClientConnection recording(List<String> inbox) {
    return new TestConnection("") {
      @Override
      public boolean push(Result message, long bytes, long maxPendingBytes) {
        inbox.add(text(message));
        return true;
      }
    };
  }
}
