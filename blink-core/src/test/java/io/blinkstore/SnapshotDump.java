package io.blinkstore;

import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What a store holds, key by key, as text two stores can be compared by: type, content in order, expiring or not. */
final class SnapshotDump {
  private SnapshotDump() {}

  static TreeMap<String, String> of(BlinkStore store) {
    IsolatedStore isolated = (IsolatedStore) store;
    TreeMap<String, String> dump = new TreeMap<>();
    for (Key key : isolated.unwrap().map.keySet()) {
      String name = key.text();
      String type = Objects.requireNonNull(isolated.type(name));
      String content = switch (type) {
        case "string" -> text(Objects.requireNonNull(isolated.peek(name)));
        case "hash" -> hash(isolated, name);
        case "set" -> set(isolated, name);
        default -> join(isolated.list(name).range(0, -1));
      };
      boolean expires = isolated.deadline(name) != io.blinkstore.internal.Deadlines.NEVER;
      dump.put(name, type + (expires ? " expiring " : " ") + content);
    }
    return dump;
  }

  /** Fails naming the first key whose content differs (the dumps are too long to print whole). */
  static void assertSame(BlinkStore expected, BlinkStore actual) {
    TreeMap<String, String> want = of(expected);
    TreeMap<String, String> got = of(actual);
    org.junit.jupiter.api.Assertions.assertEquals(want.keySet(), got.keySet(), "the keys");
    for (String key : want.keySet()) {
      String a = want.get(key);
      String b = got.get(key);
      if (!a.equals(b)) {
        org.junit.jupiter.api.Assertions.fail("key " + key + ": expected " + cut(a) + " but was " + cut(b));
      }
    }
  }

  private static String cut(String text) {
    return text.length() > 200 ? text.substring(0, 200) + "... (" + text.length() + " chars)" : text;
  }

  /** A compact hash in its order (Redis's: insertion), a table's fields sorted (its order is its seeded hashes'). */
  private static String hash(IsolatedStore store, String name) {
    List<byte[]> entries = Objects.requireNonNull(store.hashes().entries(name, true, true, Long.MAX_VALUE));
    List<String> pairs = new java.util.ArrayList<>();
    for (int i = 0; i < entries.size(); i += 2) {
      pairs.add(text(entries.get(i)) + "=" + text(entries.get(i + 1)));
    }
    if ("hashtable".equals(store.encoding(name))) {
      java.util.Collections.sort(pairs);
    }
    return store.encoding(name) + " " + String.join(",", pairs);
  }

  /** An intset in its order (ascending), a table's members sorted (its order is its seeded hashes'). */
  private static String set(IsolatedStore store, String name) {
    List<String> members = Objects.requireNonNull(store.sets().members(name, Long.MAX_VALUE)).stream()
        .map(SnapshotDump::text).collect(Collectors.toList());
    if ("hashtable".equals(store.encoding(name))) {
      java.util.Collections.sort(members);
    }
    return store.encoding(name) + " " + String.join(",", members);
  }

  private static String join(List<byte[]> parts) {
    return parts.stream().map(SnapshotDump::text).collect(Collectors.joining(","));
  }

  private static String text(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }
}
