package io.blinkstore;

import java.util.Arrays;

/**
 * The packed array of one field of a {@link HashValue}: the field's length as an unsigned LEB128 varint, the field
 * bytes, the value bytes (the layout {@link Key#pack} gives an entry of the store).
 */
final class HashEntries {
  private HashEntries() {}

  /** Packs copies of {@code field} and {@code value} into one array. */
  static byte[] pack(byte[] field, byte[] value) {
    int header = Key.varintLength(field.length);
    byte[] entry = new byte[header + field.length + value.length];
    int at = 0;
    for (int length = field.length; ; length >>>= 7) {
      if ((length & ~0x7f) == 0) {
        entry[at++] = (byte) length;
        break;
      }
      entry[at++] = (byte) (length & 0x7f | 0x80);
    }
    System.arraycopy(field, 0, entry, header, field.length);
    System.arraycopy(value, 0, entry, header + field.length, value.length);
    return entry;
  }

  static int fieldLength(byte[] entry) {
    return Key.keyLength(entry);
  }

  /** Where the field starts: after its length. */
  static int fieldStart(byte[] entry) {
    return Key.varintLength(fieldLength(entry));
  }

  /** Where the value starts. */
  static int valueStart(byte[] entry) {
    return Key.valueOffset(entry);
  }

  static int valueLength(byte[] entry) {
    return entry.length - valueStart(entry);
  }

  static byte[] field(byte[] entry) {
    return Arrays.copyOfRange(entry, fieldStart(entry), valueStart(entry));
  }

  static byte[] value(byte[] entry) {
    return Arrays.copyOfRange(entry, valueStart(entry), entry.length);
  }

  /** Whether the entry's field is {@code field}. */
  static boolean fieldEquals(byte[] entry, byte[] field) {
    int length = fieldLength(entry);
    if (length != field.length) {
      return false;
    }
    int start = Key.varintLength(length);
    return Arrays.equals(entry, start, start + length, field, 0, length);
  }
}
