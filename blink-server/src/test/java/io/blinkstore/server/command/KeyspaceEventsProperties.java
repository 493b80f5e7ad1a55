package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.CharRange;

/**
 * Keyspace notifications against a model of the keys (their type, members, length and whether they expire): any
 * sequence of writes of every group, on one connection, pushes to a subscriber of {@code __keyevent@0__:*} exactly
 * the events Redis's table ({@code notifyKeyspaceEvent} calls of its {@code t_*.c}) names for what the write did,
 * in order; and the setting's letters read back as Redis's {@code keyspaceEventsFlagsToString} writes them.
 */
class KeyspaceEventsProperties {
  private static final List<String> KEYS = List.of("a", "b");
  private static final List<String> MEMBERS = List.of("m1", "m2");

  @Provide
  Arbitrary<List<List<String>>> writes() {
    Arbitrary<String> key = Arbitraries.of(KEYS);
    Arbitrary<String> member = Arbitraries.of(MEMBERS);
    return Arbitraries.oneOf(
        key.map(k -> List.of("SET", k, "v")),
        key.map(k -> List.of("DEL", k)),
        key.map(k -> List.of("INCR", k)),
        key.map(k -> List.of("APPEND", k, "x")),
        key.map(k -> List.of("EXPIRE", k, "100")),
        key.map(k -> List.of("PERSIST", k)),
        key.map(k -> List.of("RENAME", k, k.equals("a") ? "b" : "a")),
        key.map(k -> List.of("LPUSH", k, "e")),
        key.map(k -> List.of("LPOP", k)),
        Arbitraries.of(KEYS).flatMap(k -> member.map(m -> List.of("SADD", k, m))),
        Arbitraries.of(KEYS).flatMap(k -> member.map(m -> List.of("SREM", k, m))),
        Arbitraries.of(KEYS).flatMap(k -> member.map(m -> List.of("HSET", k, m, "v"))),
        Arbitraries.of(KEYS).flatMap(k -> member.map(m -> List.of("HDEL", k, m))))
        .list().ofMaxSize(50);
  }

  /** A key in the model. */
  private static final class Entry {
    final String type;
    final Set<String> members = new HashSet<>();
    int length;
    String text = "";
    boolean expires;

    Entry(String type) {
      this.type = type;
    }
  }

  @Property(tries = 300)
  void eachWritePublishesTheEventsRedisNames(@ForAll("writes") List<List<String>> writes) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Dispatcher dispatcher = new Dispatcher(store);
      List<String> received = new ArrayList<>();
      ClientState subscriber = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { },
          new TestConnection("") {
            @Override
            public boolean push(Result message, long bytes, long maxPendingBytes) {
              List<Result> elements = ((Result.Push) message).elements();
              received.add(text(elements.get(3)) + " " + text(elements.get(2)));
              return true;
            }
          });
      ClientState writer = dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
      run(dispatcher, writer, "CONFIG", "SET", "notify-keyspace-events", "EA");
      run(dispatcher, subscriber, "PSUBSCRIBE", "__keyevent@0__:*");
      Map<String, Entry> model = new HashMap<>();
      for (List<String> write : writes) {
        received.clear();
        run(dispatcher, writer, write.toArray(String[]::new));
        List<String> expected = new ArrayList<>();
        for (String[] event : events(model, write)) {
          expected.add(event[1] + " __keyevent@0__:" + event[0]);
        }
        assertEquals(expected, received, String.join(" ", write));
      }
    }
  }

  /** What {@code write} does to {@code model}, and the events (name, key) Redis publishes for it, in order. */
  private static List<String[]> events(Map<String, Entry> model, List<String> write) {
    String key = write.get(1);
    Entry entry = model.get(key);
    List<String[]> events = new ArrayList<>();
    switch (write.get(0)) {
      case "SET" -> {
        Entry written = new Entry("string");
        written.text = "v";
        model.put(key, written);
        events.add(new String[] {"set", key});
      }
      case "DEL" -> {
        if (model.remove(key) != null) {
          events.add(new String[] {"del", key});
        }
      }
      case "INCR" -> {
        if (entry == null) {
          entry = new Entry("string");
          entry.text = "0";
          model.put(key, entry);
        }
        if (entry.type.equals("string") && entry.text.matches("-?[0-9]+")) {
          entry.text = Long.toString(Long.parseLong(entry.text) + 1);
          events.add(new String[] {"incrby", key});
        }
      }
      case "APPEND" -> {
        if (entry == null) {
          entry = new Entry("string");
          model.put(key, entry);
        }
        if (entry.type.equals("string")) {
          entry.text += "x";
          events.add(new String[] {"append", key});
        }
      }
      case "EXPIRE" -> {
        if (entry != null) {
          entry.expires = true;
          events.add(new String[] {"expire", key});
        }
      }
      case "PERSIST" -> {
        if (entry != null && entry.expires) {
          entry.expires = false;
          events.add(new String[] {"persist", key});
        }
      }
      case "RENAME" -> {
        if (entry != null) {
          model.remove(key);
          model.put(write.get(2), entry);
          events.add(new String[] {"rename_from", key});
          events.add(new String[] {"rename_to", write.get(2)});
        }
      }
      case "LPUSH" -> {
        if (entry == null) {
          entry = new Entry("list");
          model.put(key, entry);
        }
        if (entry.type.equals("list")) {
          entry.length++;
          events.add(new String[] {"lpush", key});
        }
      }
      case "LPOP" -> {
        if (entry != null && entry.type.equals("list")) {
          entry.length--;
          removed(model, key, entry.length == 0, "lpop", events);
        }
      }
      default -> members(model, write, events);
    }
    return events;
  }

  /** SADD, SREM, HSET, HDEL. */
  private static void members(Map<String, Entry> model, List<String> write, List<String[]> events) {
    String key = write.get(1);
    String member = write.get(2);
    String type = write.get(0).startsWith("S") ? "set" : "hash";
    Entry entry = model.get(key);
    if (entry != null && !entry.type.equals(type)) {
      return; // WRONGTYPE: nothing written, nothing published
    }
    switch (write.get(0)) {
      case "SADD", "HSET" -> {
        if (entry == null) {
          entry = new Entry(type);
          model.put(key, entry);
        }
        if (entry.members.add(member) || type.equals("hash")) { // HSET notifies even when nothing is new
          events.add(new String[] {type.equals("set") ? "sadd" : "hset", key});
        }
      }
      default -> {
        if (entry != null && entry.members.remove(member)) {
          removed(model, key, entry.members.isEmpty(), type.equals("set") ? "srem" : "hdel", events);
        }
      }
    }
  }

  /** A removal's events: its own, then {@code del} if it emptied the key, which is then gone. */
  private static void removed(Map<String, Entry> model, String key, boolean emptied, String event,
      List<String[]> events) {
    events.add(new String[] {event, key});
    if (emptied) {
      model.remove(key);
      events.add(new String[] {"del", key});
    }
  }

  /** Any string of Redis's letters is taken, and read back in Redis's order, which reads back unchanged. */
  @Property(tries = 500)
  void lettersReadBackInRedisOrder(@ForAll @CharRange(from = '$', to = 'z') String asked) {
    int flags = KeyspaceEvents.flags(asked);
    boolean valid = asked.chars().allMatch(c -> "Ag$lshzxeKEtmdn".indexOf(c) >= 0);
    assertEquals(valid, flags >= 0, asked);
    if (valid) {
      String letters = KeyspaceEvents.letters(flags);
      assertEquals(letters, KeyspaceEvents.letters(KeyspaceEvents.flags(letters)), asked);
      assertTrue(letters.chars().allMatch(c -> asked.indexOf(c) >= 0 || c == 'A'), asked + " read as " + letters);
    }
  }

  /** Redis's own cases ({@code unit/pubsub}'s "test CONFIG GET/SET of event flags"), and {@code A} hiding n. */
  @Example
  void redisNormalisesTheLettersSo() {
    assertEquals("gKE", KeyspaceEvents.letters(KeyspaceEvents.flags("gKE")));
    assertEquals("$lshzxeKE", KeyspaceEvents.letters(KeyspaceEvents.flags("$lshzxeKE")));
    assertEquals("AK", KeyspaceEvents.letters(KeyspaceEvents.flags("KA")));
    assertEquals("AE", KeyspaceEvents.letters(KeyspaceEvents.flags("EA")));
    assertEquals("AKEm", KeyspaceEvents.letters(KeyspaceEvents.flags("mnEAK")));
    assertEquals("", KeyspaceEvents.letters(KeyspaceEvents.flags("")));
    assertEquals(-1, KeyspaceEvents.flags("KEq"));
  }

  private static Result run(Dispatcher dispatcher, ClientState client, String... words) {
    byte[][] args = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      args[i] = words[i].getBytes(UTF_8);
    }
    return dispatcher.dispatch(client, args);
  }

  private static String text(Result bulk) {
    return UTF_8.decode(((Result.Bulk) bulk).bytes().duplicate()).toString();
  }
}
