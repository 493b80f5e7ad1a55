package io.blinkstore.server.command;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Writes a value in RDB's object encoding, as a {@code DUMP} payload and an RDB file carry it: its type byte, then
 * the plainest form Redis 7.0 reads back ({@code rdbLoadObject}), which it converts to its compact encodings itself
 * as it loads: a string as is, a list as its strings ({@code LIST}), a hash as pairs ({@code HASH}), a set as its
 * strings ({@code SET}), a sorted set as members with binary scores ({@code ZSET_2}).
 */
final class RdbObjects {
  static final int STRING = 0;
  static final int LIST = 1;
  static final int SET = 2;
  static final int HASH = 4;
  static final int ZSET_2 = 5;

  private RdbObjects() {}

  /** Writes {@code value}'s type byte and value. */
  static void write(ByteArrayOutputStream out, DumpFormat.Value value) {
    write(out, null, value);
  }

  /** Writes {@code value}'s type byte, then {@code key} if there is one (an RDB file's entry), then the value. */
  static void write(ByteArrayOutputStream out, byte @Nullable [] key, DumpFormat.Value value) {
    out.write(type(value));
    if (key != null) {
      writeString(out, key);
    }
    if (value instanceof DumpFormat.Text text) {
      writeString(out, text.value());
    } else if (value instanceof DumpFormat.Hash hash) {
      strings(out, hash.fieldsAndValues().size() / 2, hash.fieldsAndValues());
    } else if (value instanceof DumpFormat.Items items) {
      strings(out, items.elements().size(), items.elements());
    } else if (value instanceof DumpFormat.Members members) {
      strings(out, members.members().size(), members.members());
    } else {
      DumpFormat.Scored scored = (DumpFormat.Scored) value;
      writeLength(out, scored.members().size());
      for (int i = 0; i < scored.scores().length; i++) {
        writeString(out, scored.members().get(i));
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

  private static void strings(ByteArrayOutputStream out, int count, List<byte[]> strings) {
    writeLength(out, count);
    strings.forEach(bytes -> writeString(out, bytes));
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
