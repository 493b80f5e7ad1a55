package io.blinkstore;

import io.blinkstore.internal.Hashes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The reads of a {@link HashValue} that walk more than one field ({@code HGETALL}, {@code HSCAN},
 * {@code HRANDFIELD}), run under the hash's monitor: each copies out only what it returns, bounded by the bytes its
 * caller can send.
 */
final class HashReads {
  /** What a reply spends on an element beyond its bytes, at most: RESP's {@code $<length>\r\n...\r\n}. */
  private static final int ELEMENT_OVERHEAD = 16;
  /** How many empty slots an {@code HSCAN} step reads per field asked for before it returns. */
  private static final int EMPTY_SLOTS_PER_FIELD = 10;

  private HashReads() {}

  /** Every field and/or value in the hash's order, or {@code null} past {@code maxBytes}. */
  static @Nullable List<byte[]> entries(HashValue hash, boolean fields, boolean values, long maxBytes) {
    Reply reply = new Reply(maxBytes);
    for (byte[] entry : hash.slots()) {
      if (entry != null && !reply.add(entry, fields, values)) {
        return null;
      }
    }
    return reply.elements;
  }

  /** One {@code HSCAN} step from {@code cursor}: see {@link Hashes#scan}. */
  static Hashes.Step scan(HashValue hash, long cursor, int count) {
    Reply reply = new Reply(Long.MAX_VALUE);
    if (!hash.isTable()) {
      for (byte[] entry : hash.slots()) {
        if (entry != null) {
          reply.add(entry, true, true);
        }
      }
      return new Hashes.Step(0, reply.elements);
    }
    if (cursor < 0) {
      return new Hashes.Step(0, List.of()); // past every 63-bit hash
    }
    byte[][] slots = hash.slots();
    int returned = 0;
    long lastHash = -1;
    long empties = 0;
    for (int i = hash.slotOf(cursor); i < slots.length; i++) {
      byte[] entry = slots[i];
      if (entry == null) {
        if (++empties > (long) EMPTY_SLOTS_PER_FIELD * count) {
          // Every entry past an empty slot is homed past it: its hash is at least the slot's first.
          long next = hash.firstHashOf(i);
          return new Hashes.Step(next < 0 ? 0 : next, reply.elements);
        }
        continue;
      }
      long h = hash.hashOf(entry);
      if (h < cursor) {
        continue; // spilled here from an earlier home, returned by an earlier step
      }
      if (returned >= count && h != lastHash) {
        return new Hashes.Step(h, reply.elements); // every field hashed below h is returned
      }
      reply.add(entry, true, true);
      returned++;
      lastHash = h;
    }
    return new Hashes.Step(0, reply.elements);
  }

  /** {@code HRANDFIELD} with a count: see {@link Hashes#random}. */
  static @Nullable List<byte[]> random(HashValue hash, long count, boolean withValues, long maxBytes) {
    long size = hash.elements();
    if (count >= size) {
      return entries(hash, true, withValues, maxBytes);
    }
    Reply reply = new Reply(maxBytes);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    if (count < 0) {
      for (long i = 0; i < -count; i++) {
        if (!reply.add(hash.slots()[randomSlot(hash, random)], true, withValues)) {
          return null;
        }
      }
      return reply.elements;
    }
    // Distinct slots at random (or, for most of the hash, the ones left out); answered in the hash's order.
    boolean leaveOut = count * 2 > size;
    Set<Integer> picked = new HashSet<>();
    while (picked.size() < (leaveOut ? size - count : count)) {
      picked.add(randomSlot(hash, random));
    }
    byte[][] slots = hash.slots();
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] != null && picked.contains(i) != leaveOut && !reply.add(slots[i], true, withValues)) {
        return null;
      }
    }
    return reply.elements;
  }

  /**
   * A slot holding a field, each field as likely: a slot at random until one is not empty (a table's load is at
   * least 1/4, so four tries on average).
   */
  static int randomSlot(HashValue hash, ThreadLocalRandom random) {
    byte[][] slots = hash.slots();
    int bound = hash.isTable() ? slots.length : (int) hash.elements();
    for (;;) {
      int slot = random.nextInt(bound);
      if (slots[slot] != null) {
        return slot;
      }
    }
  }

  /** The elements of a reply being copied out, within a budget of bytes. */
  private static final class Reply {
    final List<byte[]> elements = new ArrayList<>();
    private long bytes;
    private final long maxBytes;

    Reply(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    /** Adds the field and/or value of {@code entry}; whether the budget still holds. */
    boolean add(byte[] entry, boolean field, boolean value) {
      bytes += (field ? HashEntries.fieldLength(entry) + ELEMENT_OVERHEAD : 0)
          + (value ? HashEntries.valueLength(entry) + ELEMENT_OVERHEAD : 0);
      if (bytes > maxBytes) {
        return false;
      }
      if (field) {
        elements.add(HashEntries.field(entry));
      }
      if (value) {
        elements.add(HashEntries.value(entry));
      }
      return true;
    }
  }
}
