package io.blinkstore;

import io.blinkstore.BlinkSnapshots.CorruptSnapshotException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads one block's payload ({@link SnapshotFormat}), checking every length against what is left of it, so that a
 * block whose checksum matches but whose content does not parse (a bug, or a crafted file) is refused with its
 * offset instead of read past its end or allocated huge. Entry by entry: {@link #next} parses one and remembers
 * where its parts are; the accessors copy them out.
 */
final class SnapshotCursor {
  /** What {@link #deadlineMillis()} answers for an entry without a deadline. */
  static final long NO_DEADLINE = Long.MIN_VALUE;

  private final byte[] bytes;
  private final int end;
  private final long fileOffset;
  private int at;
  private int type;
  private long deadlineMillis;
  private int keyStart;
  private int keyLength;
  private int valueStart;
  private int elements;
  private long valueBytes;

  /** A cursor over {@code length} bytes of {@code bytes}, the payload found at {@code fileOffset} in the file. */
  SnapshotCursor(byte[] bytes, int length, long fileOffset) {
    this.bytes = bytes;
    this.end = length;
    this.fileOffset = fileOffset;
  }

  /** The block's kind, its first byte. */
  byte kind() throws CorruptSnapshotException {
    byte kind = bytes[at++];
    if (kind != SnapshotFormat.ENTRIES && kind != SnapshotFormat.TRAILER) {
      throw corrupt("unknown block kind " + kind);
    }
    return kind;
  }

  /** An entry block's count of entries. */
  int entryCount() throws CorruptSnapshotException {
    need(4);
    int count = (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16 | (bytes[at + 2] & 0xff) << 8
        | bytes[at + 3] & 0xff;
    at += 4;
    if (count <= 0 || count > end - at) {
      throw corrupt("entry count " + Integer.toUnsignedString(count) + " does not fit the block");
    }
    return count;
  }

  /** Parses the next entry; where it started. */
  int next() throws CorruptSnapshotException {
    int start = at;
    need(1);
    int flags = bytes[at++] & 0xff;
    type = flags & ~SnapshotFormat.HAS_DEADLINE;
    if (type > SnapshotFormat.ZSET) {
      throw corrupt("unknown entry type " + flags);
    }
    deadlineMillis = (flags & SnapshotFormat.HAS_DEADLINE) != 0 ? longValue() : NO_DEADLINE;
    keyLength = count();
    keyStart = skip(keyLength);
    valueStart = at;
    if (type == SnapshotFormat.STRING) {
      valueBytes = count();
      skip((int) valueBytes);
      elements = 0;
      return start;
    }
    elements = count();
    if (type == SnapshotFormat.ZSET) {
      return zset(start);
    }
    int perElement = type == SnapshotFormat.HASH ? 2 : 1;
    if (elements <= 0 || elements > (end - at) / perElement) {
      throw corrupt("element count " + elements + " does not fit the block");
    }
    valueBytes = 0;
    for (long i = 0, n = (long) elements * perElement; i < n; i++) {
      int length = count();
      skip(length);
      valueBytes += length;
    }
    return start;
  }

  /** The members and scores of a sorted set (a NaN score is corrupt), counted as the store weighs them. */
  private int zset(int start) throws CorruptSnapshotException {
    if (elements <= 0 || elements > (end - at) / 9) {
      throw corrupt("element count " + elements + " does not fit the block");
    }
    valueBytes = 0;
    for (int i = 0; i < elements; i++) {
      int length = count();
      skip(length);
      if (Double.isNaN(Double.longBitsToDouble(longValue()))) {
        throw corrupt("a sorted set's score is NaN");
      }
      valueBytes += length + ZSetValue.SCORE_BYTES;
    }
    return start;
  }

  /** A sorted set's scores, in the order of its members ({@link #elementArray}). */
  double[] scoreArray() throws CorruptSnapshotException {
    int after = at;
    at = valueStart;
    double[] scores = new double[elements];
    count();
    for (int i = 0; i < elements; i++) {
      skip(count());
      scores[i] = Double.longBitsToDouble(longValue());
    }
    at = after;
    return scores;
  }

  /** Moves to an entry's start, as {@link #next} returned it. */
  void seek(int start) {
    at = start;
  }

  int type() {
    return type;
  }

  long deadlineMillis() {
    return deadlineMillis;
  }

  int keyLength() {
    return keyLength;
  }

  /** The bytes of a string's value, of a hash's fields and values, or of a list's elements. */
  long valueBytes() {
    return valueBytes;
  }

  /** A hash's fields or a list's elements; 0 for a string. */
  int elements() {
    return elements;
  }

  /** The entry's key, as the store holds it. */
  String key() {
    return new String(bytes, keyStart, keyLength, StandardCharsets.UTF_8);
  }

  /**
   * Checks that the entry's key is one the store takes (valid UTF-8, as it encodes back, and a valid key): a block
   * whose CRC matches can still carry a crafted key, which would otherwise fail half way through the store pass.
   */
  void checkKey() throws CorruptSnapshotException {
    String key = key();
    byte[] encoded = key.getBytes(StandardCharsets.UTF_8);
    if (Utf8.keyBytes(key) != keyLength
        || !Arrays.equals(encoded, 0, encoded.length, bytes, keyStart, keyStart + keyLength)) {
      throw SnapshotFormat.corrupt(fileOffset + keyStart, "a key the store cannot hold");
    }
  }

  /** A copy of a string's value. */
  byte[] stringValue() {
    int length = (int) valueBytes;
    int start = at - length;
    return Arrays.copyOfRange(bytes, start, at);
  }

  /** Copies of a hash's fields and values, alternately, of a list's elements, or of a sorted set's members. */
  byte[][] elementArray() throws CorruptSnapshotException {
    int after = at;
    at = valueStart;
    byte[][] parts = new byte[type == SnapshotFormat.HASH ? elements * 2 : elements][];
    count();
    for (int i = 0; i < parts.length; i++) {
      int length = count();
      int start = skip(length);
      parts[i] = Arrays.copyOfRange(bytes, start, start + length);
      if (type == SnapshotFormat.ZSET) {
        skip(8); // its score: scoreArray()
      }
    }
    at = after;
    return parts;
  }

  /** A varint-prefixed run of bytes, copied. */
  byte[] bytes() throws CorruptSnapshotException {
    int length = count();
    int start = skip(length);
    return Arrays.copyOfRange(bytes, start, start + length);
  }

  long longValue() throws CorruptSnapshotException {
    need(8);
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = value << 8 | bytes[at++] & 0xff;
    }
    return value;
  }

  /** An unsigned LEB128 varint of at most 31 bits. */
  int count() throws CorruptSnapshotException {
    long value = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      need(1);
      int b = bytes[at++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        if (value > Integer.MAX_VALUE) {
          break;
        }
        return (int) value;
      }
    }
    throw corrupt("a length or count too large");
  }

  void expectEnd(String what) throws CorruptSnapshotException {
    if (at != end) {
      throw corrupt("the block holds " + what);
    }
  }

  /** The trailer's end marker, ending its block. */
  void expectEndMarker() throws CorruptSnapshotException {
    int start = skip(SnapshotFormat.END.length);
    if (!Arrays.equals(bytes, start, at, SnapshotFormat.END, 0, SnapshotFormat.END.length)) {
      throw corrupt("no end marker");
    }
    expectEnd("bytes after the end marker");
  }

  CorruptSnapshotException corrupt(String reason) {
    return SnapshotFormat.corrupt(fileOffset + at, reason);
  }

  private int skip(int length) throws CorruptSnapshotException {
    need(length);
    int start = at;
    at += length;
    return start;
  }

  private void need(int length) throws CorruptSnapshotException {
    if (length < 0 || length > end - at) {
      throw corrupt("a length of " + length + " runs past the block's end");
    }
  }
}
