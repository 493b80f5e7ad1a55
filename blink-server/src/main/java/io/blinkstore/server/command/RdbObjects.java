package io.blinkstore.server.command;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes a value in RDB's object encoding, as a {@code DUMP} payload and an RDB file carry it: its type byte, then
 * the plainest form Redis 7.0 reads back ({@code rdbLoadObject}), which it converts to its compact encodings itself
 * as it loads: a string as is, a list as its strings ({@code LIST}), a hash as pairs ({@code HASH}), a set as its
 * strings ({@code SET}), a sorted set as members with binary scores ({@code ZSET_2}). In a {@code DUMP} payload each
 * string is written as Redis's {@code rdbSaveRawString} writes it ({@link #writeCompactString}), so that a string's
 * payload is Redis's byte for byte; an RDB file's are written as they are.
 */
final class RdbObjects {
  static final int STRING = 0;
  static final int LIST = 1;
  static final int SET = 2;
  static final int HASH = 4;
  static final int ZSET_2 = 5;

  private RdbObjects() {}

  /** The compressed string's encoding ({@code RDB_ENCVAL << 6 | RDB_ENC_LZF}). */
  private static final int LZF = 0xc3;

  /** Writes {@code value}'s type byte and value, its strings compact ({@code DUMP}'s payload). */
  static void write(ByteArrayOutputStream out, DumpFormat.Value value) {
    write(out, null, value, true);
  }

  /** Writes {@code value}'s type byte, then {@code key} (an RDB file's entry), then the value, strings as they are. */
  static void write(ByteArrayOutputStream out, byte[] key, DumpFormat.Value value) {
    write(out, key, value, false);
  }

  private static void write(ByteArrayOutputStream out, byte @Nullable [] key, DumpFormat.Value value,
      boolean compact) {
    Strings strings = compact ? RdbObjects::writeCompactString : RdbObjects::writeString;
    out.write(type(value));
    if (key != null) {
      writeString(out, key);
    }
    if (value instanceof DumpFormat.Text text) {
      strings.write(out, text.value());
    } else if (value instanceof DumpFormat.Hash hash) {
      strings(out, hash.fieldsAndValues().size() / 2, hash.fieldsAndValues(), strings);
    } else if (value instanceof DumpFormat.Items items) {
      strings(out, items.elements().size(), items.elements(), strings);
    } else if (value instanceof DumpFormat.Members members) {
      strings(out, members.members().size(), members.members(), strings);
    } else {
      DumpFormat.Scored scored = (DumpFormat.Scored) value;
      writeLength(out, scored.members().size());
      for (int i = 0; i < scored.scores().length; i++) {
        strings.write(out, scored.members().get(i));
        long bits = Double.doubleToLongBits(scored.scores()[i]);
        for (int shift = 0; shift < 64; shift += 8) {
          out.write((int) (bits >>> shift));
        }
      }
    }
  }

  private static int type(DumpFormat.Value value) {
    return value instanceof DumpFormat.Text ? STRING : value instanceof DumpFormat.Hash ? HASH
        : value instanceof DumpFormat.Items ? LIST : value instanceof DumpFormat.Members ? SET : ZSET_2;
  }

  /** How a value's strings are written. */
  private interface Strings {
    void write(ByteArrayOutputStream out, byte[] bytes);
  }

  private static void strings(ByteArrayOutputStream out, int count, List<byte[]> list, Strings strings) {
    writeLength(out, count);
    list.forEach(bytes -> strings.write(out, bytes));
  }

  /**
   * Writes {@code bytes} as Redis's {@code rdbSaveRawString} does: a decimal integer of at most 11 characters that
   * reads back the same as an 8, 16 or 32-bit integer ({@code rdbTryIntegerEncoding}); past 20 bytes, LZF-compressed
   * if that saves at least 4 bytes ({@code rdbSaveLzfStringObject}); else as it is.
   */
  static void writeCompactString(ByteArrayOutputStream out, byte[] bytes) {
    if (bytes.length <= 11 && writeInteger(out, bytes)) {
      return;
    }
    byte[] compressed = bytes.length > 20 ? Lzf.compress(bytes, bytes.length - 4) : null;
    if (compressed == null) {
      writeString(out, bytes);
      return;
    }
    out.write(LZF);
    writeLength(out, compressed.length);
    writeLength(out, bytes.length);
    out.writeBytes(compressed);
  }

  /** Writes {@code bytes} as {@code rdbEncodeInteger} would, if it is an integer written as Redis writes one. */
  private static boolean writeInteger(ByteArrayOutputStream out, byte[] bytes) {
    Long parsed = Arguments.integer(bytes);
    if (parsed == null || !Arrays.equals(Long.toString(parsed).getBytes(StandardCharsets.US_ASCII), bytes)) {
      return false;
    }
    long value = parsed;
    int size = value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE ? 1
        : value >= Short.MIN_VALUE && value <= Short.MAX_VALUE ? 2
        : value >= Integer.MIN_VALUE && value <= Integer.MAX_VALUE ? 4 : 0;
    if (size == 0) {
      return false;
    }
    out.write(0xc0 | (size == 1 ? 0 : size == 2 ? 1 : 2));
    for (int i = 0; i < size; i++) {
      out.write((int) (value >>> 8 * i));
    }
    return true;
  }

  static void writeString(ByteArrayOutputStream out, byte[] bytes) {
    writeLength(out, bytes.length);
    out.writeBytes(bytes);
  }

  /** RDB's length: 6 bits, 14 bits, or a 32-bit big-endian length after {@code 0x80}. */
  static void writeLength(ByteArrayOutputStream out, long length) {
    if (length < 1 << 6) {
      out.write((int) length);
    } else if (length < 1 << 14) {
      out.write(0x40 | (int) (length >> 8));
      out.write((int) length);
    } else {
      out.write(0x80);
      for (int shift = 24; shift >= 0; shift -= 8) {
        out.write((int) (length >>> shift));
      }
    }
  }
}
