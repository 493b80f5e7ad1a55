package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.Sets;
import io.blinkstore.internal.Sets.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The store's {@link Sets} against a model (a {@link HashSet} per key, and the keys holding strings): any sequence
 * of {@code SADD}, {@code SREM}, {@code SPOP} with a count, {@code SMOVE}, the three stores and string overwrites
 * answers as the model does ({@code WRONGTYPE} for a string key, unions, intersections and differences with absent
 * keys), leaves each key the model's members (an intset in ascending order), removes a set left empty, and keeps
 * the store's usage exactly key plus member bytes and its heap overhead 48 bytes per member.
 */
class SetStoreProperties {
  private static final int KEYS = 4;

  /** One write: its kind, two keys, a member (of a pool of integers and words) and a count. */
  record Write(int kind, int key, int other, int member, int count) {}

  @Provide
  Arbitrary<List<Write>> writes() {
    Arbitrary<Integer> key = Arbitraries.integers().between(0, KEYS - 1);
    return Combinators.combine(Arbitraries.integers().between(0, 19), key, key,
        Arbitraries.integers().between(0, 39), Arbitraries.integers().between(0, 6)).as(Write::new).list()
        .ofMaxSize(200);
  }

  private static String key(int i) {
    return "s" + i;
  }

  /** Members 0..29 are integers, 30..39 words: both layouts, and the change from one to the other. */
  private static byte[] member(int i) {
    return (i < 30 ? Integer.toString(i * 7 - 50) : "w" + i).getBytes(UTF_8);
  }

  @Property(tries = 150)
  void setsAnswerAsTheirModelAndWeighTheirBytes(@ForAll("writes") List<Write> writes) {
    try (IsolatedStore store = (IsolatedStore) BlinkStore.builder().memoryLimit(1 << 20).build()) {
      Sets sets = store.sets();
      Map<String, Set<String>> model = new HashMap<>();
      Set<String> strings = new HashSet<>();
      for (Write write : writes) {
        apply(store, sets, model, strings, write);
        model.values().removeIf(Set::isEmpty);
      }
      assertHolds(store, sets, model, strings);
    }
  }

  private static void apply(IsolatedStore store, Sets sets, Map<String, Set<String>> model, Set<String> strings,
      Write write) {
    String key = key(write.key());
    String other = key(write.other());
    byte[] member = member(write.member());
    String text = new String(member, UTF_8);
    List<String> both = List.of(key, other);
    boolean sourceIsSet = model.containsKey(key);
    boolean wrongType = strings.contains(key) || write.kind() >= 14 && strings.contains(other)
        || write.kind() >= 12 && sourceIsSet && strings.contains(other); // SMOVE reads no destination without a source
    if (write.kind() == 19) {
      store.set(key, member);
      strings.add(key);
      model.remove(key);
      return;
    }
    if (wrongType) {
      assertThrows(WrongTypeException.class, () -> run(sets, write, key, other, member, both));
      return;
    }
    Set<String> set = model.computeIfAbsent(key, k -> new HashSet<>());
    Set<String> others = model.getOrDefault(other, Set.of());
    switch (write.kind()) {
      case 0, 1, 2, 3, 4, 5 -> assertEquals(set.add(text) ? 1 : 0, sets.add(key, new byte[][] {member}, 0));
      case 6, 7, 8 -> assertEquals(set.remove(text) ? 1 : 0, sets.remove(key, new byte[][] {member}, 0));
      case 9, 10, 11 -> {
        List<byte[]> popped = sets.pop(key, write.count(), Long.MAX_VALUE);
        assertEquals(Math.min(write.count(), set.size()), popped.size());
        for (byte[] one : popped) {
          assertTrue(set.remove(new String(one, UTF_8)), "popped a member that was there, once");
        }
      }
      case 12, 13 -> {
        boolean there = set.contains(text);
        assertEquals(there, sets.move(key, other, member));
        if (there) {
          set.remove(text);
          model.computeIfAbsent(other, k -> new HashSet<>()).add(text);
        }
      }
      default -> {
        Op op = Op.values()[write.kind() % 3];
        Set<String> result = combine(op, set, others);
        assertEquals(result, texts(sets.combine(op, both, Long.MAX_VALUE)));
        if (write.kind() >= 17) {
          String destination = key(write.count() % KEYS);
          assertEquals(result.size(), sets.store(op, destination, both));
          strings.remove(destination);
          model.put(destination, result);
        }
      }
    }
  }

  /** The write the model expects to throw {@code WRONGTYPE}. */
  private static void run(Sets sets, Write write, String key, String other, byte[] member, List<String> both) {
    switch (write.kind()) {
      case 0, 1, 2, 3, 4, 5 -> sets.add(key, new byte[][] {member}, 0);
      case 6, 7, 8 -> sets.remove(key, new byte[][] {member}, 0);
      case 9, 10, 11 -> sets.pop(key, write.count(), Long.MAX_VALUE);
      case 12, 13 -> sets.move(key, other, member);
      default -> {
        if (write.kind() >= 17) {
          sets.store(Op.values()[write.kind() % 3], key(write.count() % KEYS), both);
        } else {
          sets.combine(Op.values()[write.kind() % 3], both, Long.MAX_VALUE);
        }
      }
    }
  }

  private static Set<String> combine(Op op, Set<String> first, Set<String> second) {
    Set<String> result = new HashSet<>(first);
    switch (op) {
      case UNION -> result.addAll(second);
      case INTER -> result.retainAll(second);
      case DIFF -> result.removeAll(second);
    }
    return result;
  }

  private static Set<String> texts(List<byte[]> members) {
    Set<String> texts = new HashSet<>();
    for (byte[] member : members) {
      assertTrue(texts.add(new String(member, UTF_8)), "each member once");
    }
    return texts;
  }

  private static void assertHolds(IsolatedStore store, Sets sets, Map<String, Set<String>> model,
      Set<String> strings) {
    long usage = 0;
    long members = 0;
    for (int i = 0; i < KEYS; i++) {
      String key = key(i);
      if (strings.contains(key)) {
        usage += 2 + store.get(key).length;
        continue;
      }
      Set<String> expected = model.getOrDefault(key, Set.of());
      List<byte[]> listed = sets.members(key, Long.MAX_VALUE);
      assertEquals(expected, texts(listed), key);
      if ("intset".equals(store.encoding(key))) {
        List<Long> ascending = new ArrayList<>(new TreeSet<>(expected.stream().map(Long::parseLong).toList()));
        assertEquals(ascending, listed.stream().map(m -> Long.parseLong(new String(m, UTF_8))).toList());
      }
      assertEquals(expected.isEmpty() ? null : "set", store.type(key), "a set left empty is removed");
      if (!expected.isEmpty()) {
        usage += 2;
        members += expected.size();
        for (String member : expected) {
          usage += member.length();
        }
      }
    }
    assertEquals(usage, store.usage());
    assertEquals(members * SetValue.HEAP_PER_MEMBER, store.unwrap().typed.overhead());
  }
}
