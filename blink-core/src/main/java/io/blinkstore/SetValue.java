package io.blinkstore;

import io.blinkstore.internal.Decimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A set: members of any bytes, each at most once. Two layouts, as Redis 7.0 has:
 *
 * <ul>
 *   <li><b>{@code intset}</b> while every member is the canonical text of a 64-bit integer (Redis's
 *       {@code string2ll} rules: {@link Decimal#parse}) and there are at most {@code maxIntsetEntries} of them
 *       (Redis's {@code set-max-intset-entries}, 512 by default): a sorted {@code long[]}, 8 bytes per member, so
 *       {@code SMEMBERS} answers in Redis's order (ascending integers) and {@code OBJECT ENCODING} says
 *       {@code intset}.
 *   <li><b>{@code hashtable}</b> for good once a member is not such an integer or the set passes the bound: a
 *       {@link HashValue} table whose fields are the members with empty values (its packed arrays, its hash order,
 *       its scan cursor and random picks), about {@link HashValue#HEAP_PER_FIELD} bytes of heap per member beyond
 *       its bytes.
 * </ul>
 *
 * <p>{@link #bytes()} counts each member's bytes as Redis's clients send them: an intset member counts the length
 * of its decimal text, as it would in the table. Not thread-safe: the store calls it under its own monitor
 * ({@link TypedValue}).
 */
final class SetValue extends TypedValue {
  /** Redis 7.0's default of {@code set-max-intset-entries}. */
  static final long REDIS_MAX_INTSET_ENTRIES = 512;
  /** Heap per member beyond its bytes, at most: the table's (an intset member's 8 bytes are less). */
  static final int HEAP_PER_MEMBER = HashValue.HEAP_PER_FIELD;
  /** Redis caps an intset at 2^30 entries whatever the setting. */
  private static final long INTSET_CAP = 1L << 30;

  private static final HashValue.Compact NEVER_COMPACT = new HashValue.Compact(0, 0);
  private static final byte[] NO_VALUE = new byte[0];
  private static final long[] NO_INTS = new long[0];

  /** The intset's members in [0, size), ascending; unused once {@link #table} is set. */
  private long[] ints = NO_INTS;
  private int size;
  private long intBytes;
  private @Nullable HashValue table;

  /** An empty set (an intset, as Redis creates one for an integer first member) of the packed key {@code key}. */
  SetValue(byte[] key) {
    super(key);
  }

  @Override
  String type() {
    return "set";
  }

  @Override
  String encoding() {
    return table == null ? "intset" : "hashtable";
  }

  @Override
  long bytes() {
    HashValue t = table;
    return t == null ? intBytes : t.bytes();
  }

  @Override
  long regionWaste() {
    HashValue t = table;
    return t == null ? 0 : t.regionWaste();
  }

  @Override
  long elements() {
    HashValue t = table;
    return t == null ? size : t.elements();
  }

  @Override
  int heapPerElement() {
    return HEAP_PER_MEMBER;
  }

  /** The table of a {@code hashtable} set, or {@code null} while it is an intset. */
  @Nullable HashValue table() {
    return table;
  }

  @Override
  SetValue copy(byte[] otherKey) {
    SetValue copy = new SetValue(otherKey);
    copy.ints = Arrays.copyOf(ints, ints.length);
    copy.size = size;
    copy.intBytes = intBytes;
    HashValue t = table;
    copy.table = t == null ? null : t.copy(otherKey);
    return copy;
  }

  /** Takes over the members of {@code other}, which is dropped after: this set must be empty. */
  void adopt(SetValue other) {
    ints = other.ints;
    size = other.size;
    intBytes = other.intBytes;
    table = other.table;
  }

  /**
   * Adds {@code member} (copied); whether it is new. An intset becomes a table for good if {@code member} is not an
   * integer's canonical text, or if it would then hold more than {@code maxIntsetEntries} members.
   */
  boolean add(byte[] member, long maxIntsetEntries) {
    HashValue t = table;
    if (t != null) {
      return t.entry(member) == null && t.put(member, NO_VALUE, NEVER_COMPACT);
    }
    if (!isInteger(member)) {
      toTable().put(member, NO_VALUE, NEVER_COMPACT);
      return true;
    }
    long value = Decimal.parse(member);
    int at = Arrays.binarySearch(ints, 0, size, value);
    if (at >= 0) {
      return false;
    }
    at = -at - 1;
    if (size == ints.length) {
      ints = Arrays.copyOf(ints, Math.max(4, size + (size >> 1)));
    }
    System.arraycopy(ints, at, ints, at + 1, size - at);
    ints[at] = value;
    size++;
    intBytes += member.length;
    if (size > Math.min(maxIntsetEntries, INTSET_CAP)) {
      toTable();
    }
    return true;
  }

  /** Removes {@code member}; whether it was there. */
  boolean remove(byte[] member) {
    HashValue t = table;
    if (t != null) {
      return t.remove(member);
    }
    int at = indexOf(member);
    if (at < 0) {
      return false;
    }
    removeAt(at);
    return true;
  }

  /** Whether {@code member} is in the set. */
  boolean contains(byte[] member) {
    HashValue t = table;
    return t != null ? t.entry(member) != null : indexOf(member) >= 0;
  }

  /** Gives {@code action} each member, in the set's order, as a fresh array (part Z's sorted-set algebra reads it). */
  void forEach(Consumer<byte[]> action) {
    each(member -> {
      action.accept(member);
      return true;
    });
  }

  /**
   * Gives {@code action} each member, in the set's order (ascending integers, or the table's hash order), as a fresh
   * array, until it answers false; whether it went through every member.
   */
  boolean each(Predicate<byte[]> action) {
    HashValue t = table;
    if (t == null) {
      for (int i = 0; i < size; i++) {
        if (!action.test(Decimal.format(ints[i]))) {
          return false;
        }
      }
      return true;
    }
    for (byte[] entry : t.slots()) {
      if (entry != null && !action.test(HashEntries.field(entry))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every member in the set's order, or {@code null} if they would pass {@code maxBytes} counting each as its bytes
   * plus {@code perMember} (nothing is copied then).
   */
  @Nullable List<byte[]> members(long maxBytes, int perMember) {
    if (bytes() + elements() * perMember > maxBytes) {
      return null;
    }
    List<byte[]> members = new ArrayList<>((int) elements());
    forEach(members::add);
    return members;
  }

  /** A member at random, each as likely; the set must not be empty. */
  byte[] random() {
    HashValue t = table;
    if (t == null) {
      return Decimal.format(ints[ThreadLocalRandom.current().nextInt(size)]);
    }
    return HashEntries.field(t.slots()[HashReads.randomSlot(t, ThreadLocalRandom.current())]);
  }

  /** Removes a member at random and returns it; the set must not be empty. */
  byte[] pop() {
    HashValue t = table;
    if (t == null) {
      int at = ThreadLocalRandom.current().nextInt(size);
      byte[] member = Decimal.format(ints[at]);
      removeAt(at);
      return member;
    }
    byte[] member = random();
    t.remove(member);
    return member;
  }

  /** The intset member at {@code index} (ascending order), for reads that pick members by position. */
  long intAt(int index) {
    return ints[index];
  }

  private void removeAt(int at) {
    intBytes -= decimalLength(ints[at]);
    size--;
    System.arraycopy(ints, at + 1, ints, at, size - at);
    if (size * 4 < ints.length && ints.length > 8) {
      ints = Arrays.copyOf(ints, ints.length / 2);
    }
  }

  /** The intset index of {@code member}, or negative (also for a member that is no integer's canonical text). */
  private int indexOf(byte[] member) {
    return isInteger(member) ? Math.max(-1, Arrays.binarySearch(ints, 0, size, Decimal.parse(member))) : -1;
  }

  /** Moves the intset's members into a table, for good (as Redis converts an intset to a hashtable). */
  private HashValue toTable() {
    HashValue t = new HashValue(key);
    for (int i = 0; i < size; i++) {
      t.put(Decimal.format(ints[i]), NO_VALUE, NEVER_COMPACT);
    }
    ints = NO_INTS;
    size = 0;
    intBytes = 0;
    table = t;
    return t;
  }

  /** Whether {@code member} is the canonical decimal text of a {@code long} (Redis's {@code string2ll}). */
  static boolean isInteger(byte[] member) {
    int length = member.length;
    if (length == 0 || length > Decimal.MAX_LENGTH) {
      return false;
    }
    for (int i = member[0] == '-' ? 1 : 0; i < length; i++) {
      if (member[i] < '0' || member[i] > '9') {
        return false;
      }
    }
    try {
      Decimal.parse(member); // leading zeros, "-", "-0" and overflow
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The length of the decimal text of {@code value}. */
  static int decimalLength(long value) {
    if (value == Long.MIN_VALUE) {
      return Decimal.MAX_LENGTH;
    }
    int length = value < 0 ? 2 : 1;
    for (long v = Math.abs(value); v >= 10; v /= 10) {
      length++;
    }
    return length;
  }
}
