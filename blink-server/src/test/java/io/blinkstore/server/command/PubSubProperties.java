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
 * Pub/sub against a model, a set of channels, patterns and shard channels per connection: any sequence of the
 * subscribe and unsubscribe commands, {@code RESET}, {@code PUBLISH} and {@code SPUBLISH} on three RESP3
 * connections delivers each message to exactly the connections the model says (a publisher's own in its reply),
 * counts them in {@code PUBLISH}'s reply, and answers {@code PUBSUB NUMSUB}, {@code NUMPAT}, {@code SHARDNUMSUB}
 * and each confirmation's count as the model does.
 */
class PubSubProperties {
  private static final int CLIENTS = 3;
  private static final List<String> CHANNELS = List.of("a", "b", "ab");
  private static final List<String> PATTERNS = List.of("a*", "?b", "[ab]");

  /** One request on connection {@code client}: its words. */
  record Request(int client, List<String> words) {
    byte[][] args() {
      return words.stream().map(word -> word.getBytes(UTF_8)).toArray(byte[][]::new);
    }
  }

  @Provide
  Arbitrary<List<Request>> requests() {
    Arbitrary<String> channel = Arbitraries.of(CHANNELS);
    Arbitrary<String> pattern = Arbitraries.of(PATTERNS);
    Arbitrary<List<String>> words = Arbitraries.oneOf(
        channel.map(c -> List.of("SUBSCRIBE", c)),
        channel.map(c -> List.of("UNSUBSCRIBE", c)),
        Arbitraries.just(List.of("UNSUBSCRIBE")),
        pattern.map(p -> List.of("PSUBSCRIBE", p)),
        pattern.map(p -> List.of("PUNSUBSCRIBE", p)),
        Arbitraries.just(List.of("PUNSUBSCRIBE")),
        channel.map(c -> List.of("SSUBSCRIBE", c)),
        channel.map(c -> List.of("SUNSUBSCRIBE", c)),
        Arbitraries.just(List.of("RESET")),
        channel.map(c -> List.of("PUBLISH", c, "m")),
        channel.map(c -> List.of("PUBLISH", c, "m")),
        channel.map(c -> List.of("SPUBLISH", c, "m")));
    return Arbitraries.integers().between(0, CLIENTS - 1).flatMap(c -> words.map(w -> new Request(c, w)))
        .list().ofMaxSize(60);
  }

  /** A connection's subscriptions in the model. */
  private record Model(Set<String> channels, Set<String> patterns, Set<String> shards) {
    Model() {
      this(new HashSet<>(), new HashSet<>(), new HashSet<>());
    }

    /** The messages a publish on {@code channel} sends it, each as "kind pattern channel". */
    List<String> messages(boolean shard, String channel) {
      List<String> messages = new ArrayList<>();
      if (shard ? shards.contains(channel) : channels.contains(channel)) {
        messages.add((shard ? "smessage" : "message") + " " + channel);
      }
      if (!shard) {
        patterns.stream().filter(p -> GlobPattern.matches(p.getBytes(UTF_8), channel.getBytes(UTF_8)))
            .forEach(p -> messages.add("pmessage " + p + " " + channel));
      }
      return messages;
    }
  }

  @Property(tries = 300)
  void messagesReachTheSubscribersTheModelSays(@ForAll("requests") List<Request> requests) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Dispatcher dispatcher = new Dispatcher(store);
      List<List<String>> received = new ArrayList<>();
      List<ClientState> clients = new ArrayList<>();
      List<Model> models = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        List<String> inbox = new ArrayList<>();
        received.add(inbox);
        ClientState client = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { },
            recording(inbox));
        dispatcher.dispatch(client, new byte[][] {"HELLO".getBytes(UTF_8), "3".getBytes(UTF_8)});
        clients.add(client);
        models.add(new Model());
      }
      for (Request request : requests) {
        ClientState client = clients.get(request.client());
        Model model = models.get(request.client());
        received.forEach(List::clear);
        Result reply = dispatcher.dispatch(client, request.args());
        String command = request.words().get(0);
        String name = request.words().size() > 1 ? request.words().get(1) : null;
        switch (command) {
          case "SUBSCRIBE" -> model.channels().add(name);
          case "PSUBSCRIBE" -> model.patterns().add(name);
          case "SSUBSCRIBE" -> model.shards().add(name);
          case "UNSUBSCRIBE" -> remove(model.channels(), name);
          case "PUNSUBSCRIBE" -> remove(model.patterns(), name);
          case "SUNSUBSCRIBE" -> remove(model.shards(), name);
          case "RESET" -> {
            run(dispatcher, client, "HELLO", "3"); // RESET goes back to RESP2, where publishing would be refused
            model.channels().clear();
            model.patterns().clear();
            model.shards().clear();
          }
          default -> assertPublished(request, reply, models, received);
        }
        if (command.endsWith("SUBSCRIBE")) {
          int count = command.equals("SSUBSCRIBE") || command.equals("SUNSUBSCRIBE") ? model.shards().size()
              : model.channels().size() + model.patterns().size();
          List<Result> confirmations = reply instanceof Result.Several several ? several.replies() : List.of(reply);
          Result.Push last = (Result.Push) confirmations.get(confirmations.size() - 1);
          assertEquals(new Result.Int(count), last.elements().get(2), request.toString());
        }
        assertIntrospection(dispatcher, client, models);
      }
    }
  }

  private static void remove(Set<String> names, String name) {
    if (name == null) {
      names.clear();
    } else {
      names.remove(name);
    }
  }

  private static void assertPublished(Request request, Result reply, List<Model> models,
      List<List<String>> received) {
    boolean shard = request.words().get(0).equals("SPUBLISH");
    String channel = request.words().get(1);
    int receivers = 0;
    for (int i = 0; i < CLIENTS; i++) {
      List<String> expected = models.get(i).messages(shard, channel);
      receivers += expected.size();
      List<String> actual = received.get(i);
      if (i == request.client()) {
        actual = new ArrayList<>();
        if (reply instanceof Result.Several several) {
          for (Result push : several.replies().subList(0, several.replies().size() - 1)) {
            actual.add(text(push));
          }
        }
      }
      assertEquals(sorted(expected), sorted(actual), "client " + i + " after " + request);
    }
    Result count = reply instanceof Result.Several several ? several.replies().get(several.replies().size() - 1)
        : reply;
    assertEquals(new Result.Int(receivers), count, request.toString());
  }

  private static void assertIntrospection(Dispatcher dispatcher, ClientState client, List<Model> models) {
    for (String channel : CHANNELS) {
      long subscribers = models.stream().filter(m -> m.channels().contains(channel)).count();
      long shardSubscribers = models.stream().filter(m -> m.shards().contains(channel)).count();
      assertEquals(new Result.Array(List.of(Result.bulk(channel), new Result.Int(subscribers))),
          run(dispatcher, client, "PUBSUB", "NUMSUB", channel));
      assertEquals(new Result.Array(List.of(Result.bulk(channel), new Result.Int(shardSubscribers))),
          run(dispatcher, client, "PUBSUB", "SHARDNUMSUB", channel));
    }
    Set<String> patterns = new HashSet<>();
    models.forEach(m -> patterns.addAll(m.patterns()));
    assertEquals(new Result.Int(patterns.size()), run(dispatcher, client, "PUBSUB", "NUMPAT"));
  }

  /** A message push as "kind [pattern] channel", without its payload. */
  private static String text(Result push) {
    List<Result> elements = ((Result.Push) push).elements();
    List<String> words = new ArrayList<>();
    for (Result element : elements.subList(0, elements.size() - 1)) {
      ByteBuffer bytes = ((Result.Bulk) element).bytes();
      words.add(UTF_8.decode(bytes.duplicate()).toString());
    }
    return String.join(" ", words);
  }

  /** A connection that records the messages pushed to it. */
  private static ClientConnection recording(List<String> inbox) {
    return new TestConnection("") {
      @Override
      public boolean push(Result message, long bytes, long maxPendingBytes) {
        inbox.add(text(message));
        return true;
      }
    };
  }
}
