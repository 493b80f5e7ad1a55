package io.blinkstore;

import io.blinkstore.internal.Decimal;
import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.Sets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The reads of a {@link SetValue} that pick or walk several members ({@code SRANDMEMBER} and {@code SPOP} with a
 * count, {@code SSCAN}), run under the set's monitor: an intset's by position in its sorted array, a table's by
 * {@link HashReads} on its {@link HashValue}. Each copies out only what it returns, bounded by the bytes its caller
 * can send ({@link ListReplies#ELEMENT_OVERHEAD} per member beside its bytes).
 */
final class SetReads {
  private static final int OVERHEAD = ListReplies.ELEMENT_OVERHEAD;

  private SetReads() {}

  /** {@code SRANDMEMBER key count}: see {@link Sets#random(String, long, long)}. */
  static @Nullable List<byte[]> random(SetValue set, long count, long maxBytes) {
    HashValue table = set.table();
    long size = set.elements();
    if (table != null && count > 0 && count <= size / 2) { // not count * 2: it overflows near Long.MAX_VALUE
      return fewDistinct(table, count, maxBytes);
    }
    if (table != null) {
      return HashReads.random(table, count, false, maxBytes); // most of the table, or repeats: one walk
    }
    if (count >= size) {
      return set.members(maxBytes, OVERHEAD);
    }
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<byte[]> picked = new ArrayList<>();
    long bytes = 0;
    if (count < 0) {
      for (long i = 0; i < -count; i++) {
        long member = set.intAt(random.nextInt((int) size));
        bytes += SetValue.decimalLength(member) + OVERHEAD;
        if (bytes > maxBytes) {
          return null;
        }
        picked.add(Decimal.format(member));
      }
      return picked;
    }
    // Distinct positions at random (or, for most of the set, the ones left out); answered in ascending order.
    boolean leaveOut = count * 2 > size;
    BitSet positions = new BitSet((int) size);
    for (long chosen = 0; chosen < (leaveOut ? size - count : count); ) {
      int at = random.nextInt((int) size);
      if (!positions.get(at)) {
        positions.set(at);
        chosen++;
      }
    }
    for (int i = 0; i < size; i++) {
      if (positions.get(i) != leaveOut) {
        bytes += SetValue.decimalLength(set.intAt(i)) + OVERHEAD;
        if (bytes > maxBytes) {
          return null;
        }
        picked.add(Decimal.format(set.intAt(i)));
      }
    }
    return picked;
  }

  /**
   * {@code count} distinct members of a table, at most half of it, by random slots (Redis's "case 4": a few tries
   * per member, not a walk of the table), in the order picked; {@code null} past {@code maxBytes}.
   */
  private static @Nullable List<byte[]> fewDistinct(HashValue table, long count, long maxBytes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Set<Integer> picked = new HashSet<>();
    List<byte[]> members = new ArrayList<>();
    long bytes = 0;
    while (members.size() < count) {
      int slot = HashReads.randomSlot(table, random);
      if (picked.add(slot)) {
        byte[] entry = table.slots()[slot];
        bytes += HashEntries.fieldLength(entry) + OVERHEAD;
        if (bytes > maxBytes) {
          return null;
        }
        members.add(HashEntries.field(entry));
      }
    }
    return members;
  }

  /** {@code SPOP key count}: the members {@link #random} picks (distinct), removed; {@code null} removes none. */
  static @Nullable List<byte[]> pop(SetValue set, long count, long maxBytes) {
    List<byte[]> picked = random(set, count, maxBytes);
    if (picked != null) {
      for (byte[] member : picked) {
        set.remove(member);
      }
    }
    return picked;
  }

  /** One {@code SSCAN} step: see {@link Sets#scan}. */
  static Sets.Step scan(SetValue set, long cursor, int count) {
    HashValue table = set.table();
    if (table == null) {
      return new Sets.Step(0, Objects.requireNonNull(set.members(Long.MAX_VALUE, 0), "no bound"));
    }
    var step = HashReads.scan(table, cursor, count);
    return new Sets.Step(step.cursor(), withoutValues(step.fieldsAndValues()));
  }

  /** The fields of a table's fields and (empty) values, alternately. */
  private static List<byte[]> withoutValues(List<byte[]> fieldsAndValues) {
    List<byte[]> fields = new ArrayList<>(fieldsAndValues.size() / 2);
    for (int i = 0; i < fieldsAndValues.size(); i += 2) {
      fields.add(fieldsAndValues.get(i));
    }
    return fields;
  }
}
