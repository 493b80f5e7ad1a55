package io.blinkstore;

import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * A hash: fields and values of any bytes, each pair packed in one array ({@link HashEntries}: field length varint,
 * field bytes, value bytes), as {@link Key#pack} packs an entry. About 30 bytes of heap per field beyond its bytes
 * (the array's header and padding, a table slot), where a {@code HashMap<Wrapper, byte[]>} costs about 90.
 *
 * <p><b>Two layouts, as Redis has</b>: while the hash is small (within {@link Compact}'s bounds: at most 128
 * fields, none and no value longer than 64 bytes by default, Redis's {@code hash-max-listpack-entries} and
 * {@code -value}) its arrays are kept dense in insertion order and found by a linear search, so
 * {@code HGETALL} answers in Redis's order and {@code OBJECT ENCODING} says {@code listpack}. Past that, for good, it
 * is an open-addressing table ({@code hashtable}) with linear probing, whose home slot is the top bits of a seeded
 * 63-bit hash of the field, and whose runs are kept in hash order (Amble and Knuth's ordered hash table: an insert
 * shifts the rest of its run, a delete shifts it back). So the table is sorted by hash everywhere, whatever its
 * size: {@code HSCAN}'s cursor is the hash to resume from, which a resize does not disturb, and a step reads only
 * the slots it returns. The table has a tail of spare slots instead of wrapping around, so order holds to its end.
 *
 * <p>Not thread-safe: the store calls it under its own monitor ({@link TypedValue}).
 */
final class HashValue extends TypedValue {
  /** Redis 7.0's defaults of {@code hash-max-listpack-entries} and {@code hash-max-listpack-value}. */
  static final Compact REDIS_DEFAULTS = new Compact(128, 64);
  /**
   * Heap per field beyond its bytes, at most: the array's 16-byte header, its varint (2 bytes up to 16 KiB fields)
   * and up to 7 bytes of padding, and 4-byte table slots at a load never below 1/4 (16 bytes per field), with margin.
   */
  static final int HEAP_PER_FIELD = 48;

  private static final int SPARE_SLOTS = 16;

  /**
   * The most fields and the longest field or value of a compact hash (Redis's {@code hash-max-listpack-entries}
   * and {@code hash-max-listpack-value}, which {@code CONFIG SET} changes for the hashes written after).
   */
  record Compact(long maxEntries, long maxBytes) {}
  private static final byte[][] NONE = new byte[0][];

  /** Compact: the entries in [0, size), in insertion order. Table: the slots, null where empty. */
  private byte[][] slots = NONE;
  private int size;
  private long bytes;
  private boolean table;
  /** The table's home slot of a hash is {@code hash >>> shift}. */
  private int shift;
  private final long seed;

  HashValue(byte[] key) {
    this(key, ThreadLocalRandom.current().nextLong());
  }

  private HashValue(byte[] key, long seed) {
    super(key);
    this.seed = seed;
  }

  @Override
  String type() {
    return "hash";
  }

  @Override
  String encoding() {
    return table ? "hashtable" : "listpack";
  }

  @Override
  long bytes() {
    return bytes;
  }

  @Override
  long elements() {
    return size;
  }

  @Override
  int heapPerElement() {
    return HEAP_PER_FIELD;
  }

  /** Whether the hash is a table: its order is its hashes', and {@link #scan} steps through it. */
  boolean isTable() {
    return table;
  }

  @Override
  HashValue copy(byte[] otherKey) {
    HashValue copy = new HashValue(otherKey, seed);
    copy.slots = new byte[slots.length][];
    for (int i = 0; i < slots.length; i++) {
      byte[] entry = slots[i];
      copy.slots[i] = entry == null ? null : entry.clone();
    }
    copy.size = size;
    copy.bytes = bytes;
    copy.regionWaste = regionWaste;
    copy.table = table;
    copy.shift = shift;
    return copy;
  }

  /** The stored entry of {@code field}, never to be handed out, or {@code null}. */
  byte @Nullable [] entry(byte[] field) {
    int at = find(field);
    return at < 0 ? null : slots[at];
  }

  /**
   * Sets {@code field} to {@code value} (both copied); whether the field is new. A compact hash becomes a table
   * if it would pass {@code compact}'s bounds. The caller has made room: the store refuses first what would not fit.
   */
  boolean put(byte[] field, byte[] value, Compact compact) {
    int at = find(field);
    byte[] entry = HashEntries.pack(field, value);
    if (at >= 0) {
      bytes += value.length - HashEntries.valueLength(slots[at]);
      regionWaste += HeapRegions.waste(entry.length) - HeapRegions.waste(slots[at].length);
      slots[at] = entry;
      if (!table && value.length > compact.maxBytes) {
        toTable();
      }
      return false;
    }
    if (!table && (size >= compact.maxEntries || field.length > compact.maxBytes || value.length > compact.maxBytes)) {
      toTable();
    }
    if (table) {
      insert(entry, hash(field));
    } else {
      if (size == slots.length) {
        slots = Arrays.copyOf(slots, Math.max(4, size * 2));
      }
      slots[size] = entry;
    }
    size++;
    bytes += field.length + value.length;
    regionWaste += HeapRegions.waste(entry.length);
    return true;
  }

  /** Removes {@code field}; whether it was there. */
  boolean remove(byte[] field) {
    int at = find(field);
    if (at < 0) {
      return false;
    }
    byte[] entry = slots[at];
    bytes -= entry.length - HashEntries.fieldStart(entry);
    regionWaste -= HeapRegions.waste(entry.length);
    size--;
    if (!table) {
      System.arraycopy(slots, at + 1, slots, at, size - at);
      slots[size] = null;
      return true;
    }
    // Backward shift: each next entry away from its home moves one slot nearer it, keeping the run in order.
    int next = at + 1;
    while (next < slots.length && slots[next] != null && home(hashOf(slots[next])) < next) {
      slots[next - 1] = slots[next];
      next++;
    }
    slots[next - 1] = null;
    if (size * 4L < slots.length - SPARE_SLOTS && capacityBits() > 3) {
      resize(capacityBits() - 1); // a load of at least 1/4: HEAP_PER_FIELD holds, and a random slot finds a field soon
    }
    return true;
  }

  /** The slots, for a walk in order (null where empty): {@code [0, size())} while compact. */
  byte[][] slots() {
    return slots;
  }

  /** Where the table's walk by hash starts for {@code hash}: its home slot. */
  int slotOf(long hash) {
    return table ? home(hash) : 0;
  }

  /** The smallest hash whose home is {@code slot}, or -1 for a spare slot (past every home). */
  long firstHashOf(int slot) {
    return slot < slots.length - SPARE_SLOTS ? (long) slot << shift : -1;
  }

  /** The seeded 63-bit hash of an entry's field. */
  long hashOf(byte[] entry) {
    return hash(entry, HashEntries.fieldStart(entry), HashEntries.fieldLength(entry));
  }

  private long hash(byte[] field) {
    return hash(field, 0, field.length);
  }

  private long hash(byte[] bytes, int from, int length) {
    return hash(seed, bytes, from, length);
  }

  /** A seeded multiply-xorshift hash of 8 bytes at a time, finished by MurmurHash3's mix; 63 bits. */
  static long hash(long seed, byte[] bytes, int from, int length) {
    long h = seed ^ (length * 0x9E3779B97F4A7C15L);
    int i = from;
    int end = from + length;
    for (; i + 8 <= end; i += 8) {
      long word = 0;
      for (int b = 7; b >= 0; b--) {
        word = word << 8 | bytes[i + b] & 0xff;
      }
      h = Long.rotateLeft(h ^ word * 0xC2B2AE3D27D4EB4FL, 31) * 0x9E3779B97F4A7C15L;
    }
    long tail = 0;
    for (int b = end - 1; b >= i; b--) {
      tail = tail << 8 | bytes[b] & 0xff;
    }
    h ^= tail * 0x165667B19E3779F9L;
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h >>> 1;
  }

  private int home(long hash) {
    return (int) (hash >>> shift);
  }

  /** The slot of {@code field}, or -1. */
  private int find(byte[] field) {
    if (!table) {
      for (int i = 0; i < size; i++) {
        if (HashEntries.fieldEquals(slots[i], field)) {
          return i;
        }
      }
      return -1;
    }
    long hash = hash(field);
    for (int i = home(hash); i < slots.length && slots[i] != null; i++) {
      long other = hashOf(slots[i]);
      if (other > hash) {
        return -1; // the run is in hash order: the field would stand before this
      }
      if (other == hash && HashEntries.fieldEquals(slots[i], field)) {
        return i;
      }
    }
    return -1;
  }

  /** Inserts a new entry in hash order, shifting the rest of its run on; grows the table first if it must. */
  private void insert(byte[] entry, long hash) {
    if ((size + 1) * 5L > (slots.length - SPARE_SLOTS) * 3L) {
      resize(capacityBits() + 1); // load at most 3/5
    }
    while (!tryInsert(entry, hash)) {
      resize(capacityBits() + 1); // the run reached the end of the spare slots
    }
  }

  private boolean tryInsert(byte[] entry, long hash) {
    int at = home(hash);
    while (at < slots.length && slots[at] != null && hashOf(slots[at]) <= hash) {
      at++;
    }
    int free = at;
    while (free < slots.length && slots[free] != null) {
      free++;
    }
    if (free == slots.length) {
      return false;
    }
    System.arraycopy(slots, at, slots, at + 1, free - at);
    slots[at] = entry;
    return true;
  }

  private int capacityBits() {
    return 63 - shift;
  }

  /** Moves every entry to a table of at least 2^bits home slots (and the spare ones), in order. */
  private void resize(int bits) {
    byte[][] old = slots;
    int count = table ? old.length : size;
    for (int b = bits; !fill(old, count, b); b++) {
      // a run reached the end of the spare slots: twice the slots
    }
  }

  /** Puts the first {@code count} slots of {@code old} in a new table of 2^bits home slots; whether they fit. */
  private boolean fill(byte[][] old, int count, int bits) {
    slots = new byte[(1 << bits) + SPARE_SLOTS][];
    shift = 63 - bits;
    int last = -1;
    for (int i = 0; i < count; i++) {
      byte[] entry = old[i];
      if (entry == null) {
        continue;
      }
      if (table) {
        // Already in hash order: each goes to its home or just after the one before it.
        last = Math.max(home(hashOf(entry)), last + 1);
        if (last >= slots.length) {
          return false;
        }
        slots[last] = entry;
      } else if (!tryInsert(entry, hashOf(entry))) {
        return false;
      }
    }
    return true;
  }

  /** Leaves the compact layout for the table, for good (as Redis converts a listpack to a hashtable). */
  private void toTable() {
    int bits = 3;
    while ((1 << bits) * 3L < (size + 1) * 5L) {
      bits++;
    }
    resize(bits);
    table = true;
  }
}
