package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

/**
 * The BCAST prefixes against models: {@link BroadcastPrefixes}, the radix tree a write looks its key up in, finds
 * for any key exactly the registered prefixes it begins with, after any sequence of registrations and removals; and
 * {@code CLIENT TRACKING ON BCAST PREFIX ...}'s overlap check, done by sorting, answers as Redis's pairwise
 * {@code checkPrefixCollisionsOrReply} does (the same error, naming the same two prefixes), whatever the connection
 * already has.
 */
class TrackingPrefixesProperties {
  private static final int CLIENTS = 3;

  record Change(boolean add, String prefix, int client) {}

  @Provide
  Arbitrary<String> prefix() {
    return Arbitraries.strings().withChars("ab\u00ff").ofMaxLength(4);
  }

  @Provide
  Arbitrary<List<Change>> changes() {
    return net.jqwik.api.Combinators.combine(Arbitraries.of(true, true, false), prefix(),
        Arbitraries.integers().between(0, CLIENTS - 1)).as(Change::new).list().ofMaxSize(40);
  }

  @Property(tries = 500)
  void aKeysPrefixesAreTheRegisteredOnesItBeginsWith(@ForAll("changes") List<Change> changes,
      @ForAll("prefix") String key) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Dispatcher dispatcher = new Dispatcher(store);
      List<ClientState> clients = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { }));
      }
      BroadcastPrefixes prefixes = new BroadcastPrefixes();
      Map<String, Set<ClientState>> model = new TreeMap<>();
      for (Change change : changes) {
        ClientState client = clients.get(change.client());
        byte[] bytes = change.prefix().getBytes(ISO_8859_1);
        if (change.add()) {
          prefixes.add(bytes, client);
          model.computeIfAbsent(change.prefix(), p -> new HashSet<>()).add(client);
        } else {
          prefixes.remove(bytes, client);
          Set<ClientState> receivers = model.get(change.prefix());
          if (receivers != null && receivers.remove(client) && receivers.isEmpty()) {
            model.remove(change.prefix());
          }
        }
        assertEquals(model.size(), prefixes.count());
      }
      Map<String, Set<ClientState>> expected = new HashMap<>();
      model.forEach((prefix, receivers) -> {
        if (key.startsWith(prefix)) {
          expected.put(prefix, receivers);
        }
      });
      Map<String, Set<ClientState>> found = new HashMap<>();
      for (BroadcastPrefixes.Prefix prefix : prefixes.of(key.getBytes(ISO_8859_1))) {
        found.put(new String(prefix.name().bytes(), ISO_8859_1), Set.copyOf(prefix.receivers()));
      }
      assertEquals(expected, found);
      for (String prefix : List.of("", "a", "ab", "b", "\u00ff")) {
        assertEquals(model.get(prefix), prefixes.receivers(new Subscriptions.Name(prefix.getBytes(ISO_8859_1))),
            prefix);
      }
    }
  }

  @Provide
  Arbitrary<List<String>> given() {
    return prefix().list().ofMaxSize(8);
  }

  @Property(tries = 1_000)
  void overlapsAreRefusedAsRedisRefusesThem(@ForAll("given") List<String> first, @ForAll("given") List<String> then) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Dispatcher dispatcher = new Dispatcher(store);
      ClientState client = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
      List<String> existing = new ArrayList<>();
      for (List<String> given : List.of(first, then)) {
        List<String> words = new ArrayList<>(List.of("CLIENT", "TRACKING", "ON", "BCAST"));
        given.forEach(prefix -> words.addAll(List.of("PREFIX", prefix)));
        String expected = redisCheck(existing, given);
        Result reply = dispatcher.dispatch(client,
            words.stream().map(word -> word.getBytes(ISO_8859_1)).toArray(byte[][]::new));
        assertEquals(expected == null ? "OK" : expected,
            reply instanceof Result.Error error ? error.message() : reply == Result.OK ? "OK" : reply.toString(),
            () -> existing + " + " + given);
        if (expected == null) {
          for (String prefix : given.isEmpty() ? List.of("") : given) {
            if (!existing.contains(prefix)) {
              existing.add(prefix);
            }
          }
          existing.sort(String::compareTo); // ISO-8859-1: the order of the bytes
        }
      }
    }
  }

  /** Redis's {@code checkPrefixCollisionsOrReply}: each given prefix against the existing, then the later given. */
  private static @Nullable String redisCheck(List<String> existing, List<String> given) {
    for (int i = 0; i < given.size(); i++) {
      for (String prefix : existing) {
        if (overlap(prefix, given.get(i))) {
          return "Prefix '" + given.get(i) + "' overlaps with an existing prefix '" + prefix
              + "'. Prefixes for a single client must not overlap.";
        }
      }
      for (int j = i + 1; j < given.size(); j++) {
        if (overlap(given.get(i), given.get(j))) {
          return "Prefix '" + given.get(i) + "' overlaps with another provided prefix '" + given.get(j)
              + "'. Prefixes for a single client must not overlap.";
        }
      }
    }
    return null;
  }

  private static boolean overlap(String a, String b) {
    return a.startsWith(b) || b.startsWith(a);
  }
}
