package io.blinkstore;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One entry of the store: the map's key and value at once, and the only object the store allocates per entry
 * (with its one array). Its {@link #ref} is the entry's {@linkplain #pack packed array} (key and value bytes in
 * one {@code byte[]}), a {@link TypedValue} (a hash, list, set or sorted set, which holds a packed array of its key
 * without value bytes), or an {@link Expiring} holder of either when the entry has a time to live; a lookup's key is a
 * {@code Key} whose ref is the key's {@code String}. Equality and hashing are by key bytes, whatever the ref, so
 * a lookup finds the stored entry; both are computed from the bytes on each call (no cached hash: 8 bytes per
 * entry on Java 17).
 *
 * <p>The object stored for a key keeps its identity while the key is present: an overwrite runs inside the map's
 * {@code compute} (whose remapping function runs under the key's lock, so writers to one key are serialized;
 * Caffeine re-weighs the entry there) and either writes the new value into the packed array in place, when it is
 * as long as the old one, or swaps {@link #ref} to a new array. The key bytes it compares by never change. Readers
 * take no lock: {@code ref} is volatile, every array it points to is complete before it is published, and its
 * value bytes are copied out through {@link ValueLocks}, which detects an overwrite in place under way and copies
 * again.
 *
 * <p>Packed layout: the key's length as an unsigned LEB128 varint (one byte up to 127), the key bytes, the value
 * bytes. A 10-byte key and a 100-byte value make a 111-byte array: 128 bytes of heap with its header, on Java 17
 * as on Java 25 with compact object headers (docs/BENCHMARKS.md, per-entry costs).
 *
 * <p>Where the next features fit (none of which this class does yet):
 *
 * <ul>
 *   <li><b>Binary keys</b> (RESP keys as raw bytes): the packed array already holds bytes; a lookup by bytes is a
 *       ref of a key-only array type, compared byte for byte. The U+FDD0 escape then goes away.
 *   <li><b>Logical databases</b> sharing one limit and policy: a namespace number as the first varint of the
 *       packed key, part of equality and hash; {@code SELECT}/{@code SWAPDB} map a database index to a namespace
 *       through a 16-slot table swapped in O(1), and {@code FLUSHDB} moves a database to a fresh namespace whose
 *       old entries the sweep removes.
 *  *   <li><b>Absolute deadlines</b> ({@code PXAT}, {@code PEXPIRETIME}): the holder keeps the wall-clock
 *       millisecond it was given beside the ticker deadline it is checked against.
 *   <li><b>Snapshots hottest first</b>: Caffeine's {@code policy().eviction().hottest()} walks these objects;
 *       each carries its whole entry.
 *   <li><b>Transactions and scripts</b>: a stamp per stripe of {@link #hashCode()}, read by every operation
 *       before it touches a key; the read path is one map lookup and one volatile read, so it stays cheap.
 * </ul>
 */
final class Key implements Comparable<Key> {
  /**
   * The packed array, a {@link TypedValue}, an {@link Expiring} holder of either, or (for a lookup) the key's
   * {@code String}.
   */
  volatile Object ref;

  private Key(Object ref) {
    this.ref = ref;
  }

  /** A key to look up {@code key} with; never stored. */
  static Key lookup(String key) {
    return new Key(key);
  }

  /** A key holding {@code stored}, a packed array or a holder of one: stored if its key is absent. */
  static Key of(Object stored) {
    return new Key(stored);
  }

  /** Packs a valid key of {@code keyBytes} UTF-8 bytes and a copy of {@code value} into one array. */
  static byte[] pack(String key, int keyBytes, byte[] value) {
    int header = varintLength(keyBytes);
    byte[] packed = new byte[header + keyBytes + value.length];
    int at = writeVarint(packed, keyBytes);
    if (keyBytes == key.length()) {
      key.getBytes(0, keyBytes, packed, at); // ASCII: one byte per char, no encoder
    } else {
      byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(utf8, 0, packed, at, keyBytes);
    }
    System.arraycopy(value, 0, packed, header + keyBytes, value.length);
    return packed;
  }

  /** A packed array with the key bytes of {@code packed} and {@code value} as its value. */
  static byte[] repack(byte[] packed, byte[] value) {
    int offset = valueOffset(packed);
    byte[] result = Arrays.copyOf(packed, offset + value.length);
    System.arraycopy(value, 0, result, offset, value.length);
    return result;
  }

  /** The packed array of a stored ref: a typed value's has its key bytes only. */
  static byte[] packed(Object stored) {
    return stored instanceof byte[] packed ? packed
        : stored instanceof Expiring holder ? holder.packed : ((TypedValue) stored).key;
  }

  /** The typed value of a stored ref, {@code null} for a string. */
  static @Nullable TypedValue typed(Object stored) {
    return stored instanceof TypedValue typed ? typed : stored instanceof Expiring holder ? holder.typed : null;
  }

  /** What a stored ref holds without its holder: the packed array of a string, or the typed value. */
  static Object bare(Object stored) {
    return stored instanceof Expiring holder ? holder.bare() : stored;
  }

  /** The bytes {@code usage()} counts for a stored ref: key plus value bytes, or key plus a typed value's bytes. */
  static long weigh(Object stored) {
    TypedValue typed = typed(stored);
    return typed != null ? typed.weight() : weight(packed(stored));
  }

  /** Where the value starts in a packed array. */
  static int valueOffset(byte[] packed) {
    int keyBytes = keyLength(packed);
    return varintLength(keyBytes) + keyBytes;
  }

  /** The key's length in bytes, from a packed array. */
  static int keyLength(byte[] packed) {
    int length = 0;
    for (int i = 0, shift = 0; ; i++, shift += 7) {
      int b = packed[i];
      length |= (b & 0x7f) << shift;
      if (b >= 0) {
        return length;
      }
    }
  }

  /** The value's length in bytes, from a packed array. */
  static int valueLength(byte[] packed) {
    return packed.length - valueOffset(packed);
  }

  /** The bytes {@code usage()} counts for a packed array: key plus value, not the length header. */
  static int weight(byte[] packed) {
    return packed.length - varintLength(keyLength(packed));
  }

  /** The key as a {@code String}, decoded from its UTF-8 bytes. */
  String text() {
    Object current = ref;
    if (current instanceof String text) {
      return text;
    }
    byte[] packed = packed(current);
    int keyBytes = keyLength(packed);
    return new String(packed, varintLength(keyBytes), keyBytes, StandardCharsets.UTF_8);
  }

  static int varintLength(int value) {
    int length = 1;
    while ((value >>>= 7) != 0) {
      length++;
    }
    return length;
  }

  private static int writeVarint(byte[] target, int value) {
    int at = 0;
    while ((value & ~0x7f) != 0) {
      target[at++] = (byte) ((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    target[at++] = (byte) value;
    return at;
  }

  /**
   * {@code String.hashCode()} of the key's text. A lookup's is its {@code String}'s own, which the {@code String}
   * caches after its first use: a caller that reuses its key strings (constants, a server's interned names) pays no
   * hashing per operation. A stored key's is computed from its UTF-8 bytes when the map inserts or resizes: one step
   * per byte while they are ASCII (a byte is then a char), the decoded text's hash otherwise (a stored key is the
   * UTF-8 encoding of a valid {@code String}, so it decodes back to that {@code String}).
   */
  @Override
  public int hashCode() {
    Object current = ref;
    if (current instanceof String text) {
      return text.hashCode();
    }
    byte[] packed = packed(current);
    int keyBytes = keyLength(packed);
    int h = 0;
    for (int i = varintLength(keyBytes), end = i + keyBytes; i < end; i++) {
      byte b = packed[i];
      if (b < 0) {
        return text().hashCode();
      }
      h = 31 * h + b;
    }
    return h;
  }

  @Override
  public boolean equals(Object other) {
    if (this == other) {
      return true;
    }
    if (!(other instanceof Key that)) {
      return false;
    }
    Object mine = ref;
    Object theirs = that.ref;
    if (mine instanceof String text) {
      return theirs instanceof String otherText ? text.equals(otherText) : matches(text, packed(theirs));
    }
    if (theirs instanceof String otherText) {
      return matches(otherText, packed(mine));
    }
    return Arrays.equals(packed(mine), 0, valueOffset(packed(mine)), packed(theirs), 0, valueOffset(packed(theirs)));
  }

  /** Whether the key bytes of {@code packed} are the UTF-8 encoding of {@code key}. */
  private static boolean matches(String key, byte[] packed) {
    int keyBytes = keyLength(packed);
    int at = varintLength(keyBytes);
    int end = at + keyBytes;
    int length = key.length();
    if (length > keyBytes) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = key.charAt(i);
      if (c < 0x80) {
        if (at == end || packed[at++] != c) {
          return false;
        }
      } else {
        if (Utf8.keyBytes(key) != keyBytes) {
          return false; // an invalid key (its unpaired surrogate would encode as '?') or another length
        }
        byte[] rest = key.substring(i).getBytes(StandardCharsets.UTF_8);
        return Arrays.equals(rest, 0, rest.length, packed, at, end);
      }
    }
    return at == end;
  }

  /**
   * Orders keys by their bytes, unsigned: the map falls back on it in a bin of colliding hashes (lookups and
   * stored keys are one class for that reason), so a flood of equal hashes costs a tree walk, not a list walk.
   */
  @Override
  public int compareTo(Key other) {
    return Arrays.compareUnsigned(keyBytes(), other.keyBytes());
  }

  private byte[] keyBytes() {
    Object current = ref;
    if (current instanceof String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    byte[] packed = packed(current);
    return Arrays.copyOfRange(packed, varintLength(keyLength(packed)), valueOffset(packed));
  }

  @Override
  public String toString() {
    return text();
  }
}
