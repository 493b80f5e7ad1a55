package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The packed encodings a {@code DUMP} payload carries inside its strings, read into their entries as Redis 7.0's
 * loader reads them ({@code ziplist.c}, {@code listpack.c}, {@code zipmap.c}): integers become their decimal text.
 * The headers' byte counts must match, the end marker be where they say, and every entry lie inside: anything else
 * is {@link DumpFormat.Malformed}. Each entry is charged to the reader's bound.
 */
final class PackedLists {
  private static final int END = 0xff;

  private PackedLists() {}

  /** A ziplist: {@code zlbytes zltail zllen}, entries of {@code prevlen encoding data}, {@code 0xff}. */
  static List<byte[]> ziplist(byte[] zl, RdbReader reader) {
    if (zl.length < 11 || DumpFormat.littleEndian(zl, 0, 4) != zl.length || (zl[zl.length - 1] & 0xff) != END) {
      throw DumpFormat.MALFORMED;
    }
    List<byte[]> entries = new ArrayList<>();
    int p = 10;
    int last = zl.length - 1;
    while (p < last) {
      p += (zl[p] & 0xff) < 254 ? 1 : 5; // prevlen
      int encoding = at(zl, p, last);
      long length;
      int header;
      switch (encoding >> 6) {
        case 0 -> {
          length = encoding & 0x3f;
          header = 1;
        }
        case 1 -> {
          length = (encoding & 0x3f) << 8 | at(zl, p + 1, last);
          header = 2;
        }
        case 2 -> {
          if (encoding != 0x80 || p + 5 > last) {
            throw DumpFormat.MALFORMED;
          }
          length = (long) at(zl, p + 1, last) << 24 | at(zl, p + 2, last) << 16 | at(zl, p + 3, last) << 8
              | at(zl, p + 4, last);
          header = 5;
        }
        default -> {
          p = ziplistInteger(zl, p, last, encoding, entries, reader);
          continue;
        }
      }
      p = text(zl, p + header, length, last, entries, reader);
    }
    return entries;
  }

  private static int ziplistInteger(byte[] zl, int p, int last, int encoding, List<byte[]> entries,
      RdbReader reader) {
    int size = switch (encoding) {
      case 0xc0 -> 2;
      case 0xd0 -> 4;
      case 0xe0 -> 8;
      case 0xf0 -> 3;
      case 0xfe -> 1;
      default -> encoding >= 0xf1 && encoding <= 0xfd ? 0 : -1;
    };
    if (size < 0 || p + 1 + size > last) {
      throw DumpFormat.MALFORMED;
    }
    long value = size == 0 ? (encoding & 0x0f) - 1 : signed(DumpFormat.littleEndian(zl, p + 1, size), size);
    entries.add(decimal(value, reader));
    return p + 1 + size;
  }

  /** A listpack: {@code total-bytes num-elements}, entries of {@code encoding data backlen}, {@code 0xff}. */
  static List<byte[]> listpack(byte[] lp, RdbReader reader) {
    if (lp.length < 7 || DumpFormat.littleEndian(lp, 0, 4) != lp.length || (lp[lp.length - 1] & 0xff) != END) {
      throw DumpFormat.MALFORMED;
    }
    List<byte[]> entries = new ArrayList<>();
    int p = 6;
    int last = lp.length - 1;
    while (p < last) {
      int start = p;
      int encoding = at(lp, p, last);
      if ((encoding & 0x80) == 0) {
        entries.add(decimal(encoding & 0x7f, reader));
        p += 1;
      } else if ((encoding & 0xc0) == 0x80) {
        p = text(lp, p + 1, encoding & 0x3f, last, entries, reader);
      } else if ((encoding & 0xe0) == 0xc0) {
        entries.add(decimal(signed((encoding & 0x1f) << 8 | at(lp, p + 1, last), 13), reader));
        p += 2;
      } else if ((encoding & 0xf0) == 0xe0) {
        p = text(lp, p + 2, (encoding & 0x0f) << 8 | at(lp, p + 1, last), last, entries, reader);
      } else if (encoding == 0xf0) {
        if (p + 5 > last) {
          throw DumpFormat.MALFORMED;
        }
        p = text(lp, p + 5, DumpFormat.littleEndian(lp, p + 1, 4), last, entries, reader);
      } else {
        int size = switch (encoding) {
          case 0xf1 -> 2;
          case 0xf2 -> 3;
          case 0xf3 -> 4;
          case 0xf4 -> 8;
          default -> throw DumpFormat.MALFORMED;
        };
        if (p + 1 + size > last) {
          throw DumpFormat.MALFORMED;
        }
        entries.add(decimal(signed(DumpFormat.littleEndian(lp, p + 1, size), size), reader));
        p += 1 + size;
      }
      p += backlenSize(p - start);
    }
    if (p != last) {
      throw DumpFormat.MALFORMED;
    }
    return entries;
  }

  /** How many bytes a listpack entry of {@code length} bytes keeps its length in after it. */
  private static int backlenSize(long length) {
    return length <= 127 ? 1 : length < 16383 ? 2 : length < 2097151 ? 3 : length < 268435455 ? 4 : 5;
  }

  /** A zipmap (Redis 2.4's small hashes): {@code zmlen}, then {@code len key len free value} ..., {@code 0xff}. */
  static List<byte[]> zipmap(byte[] zm, RdbReader reader) {
    if (zm.length < 2 || (zm[zm.length - 1] & 0xff) != END) {
      throw DumpFormat.MALFORMED;
    }
    List<byte[]> entries = new ArrayList<>();
    int last = zm.length - 1;
    int p = 1;
    while (p < last) {
      long[] key = zipmapLength(zm, p, last);
      p = text(zm, (int) key[1], key[0], last, entries, reader);
      long[] value = zipmapLength(zm, p, last);
      int free = at(zm, (int) value[1], last);
      p = text(zm, (int) value[1] + 1, value[0], last, entries, reader) + free;
    }
    if (p != last || entries.size() % 2 != 0) {
      throw DumpFormat.MALFORMED;
    }
    return entries;
  }

  /** A zipmap length at {@code p} and where what it counts starts. */
  private static long[] zipmapLength(byte[] zm, int p, int last) {
    int first = at(zm, p, last);
    if (first < 254) {
      return new long[] {first, p + 1};
    }
    if (first != 254 || p + 5 > last) {
      throw DumpFormat.MALFORMED;
    }
    return new long[] {DumpFormat.littleEndian(zm, p + 1, 4), p + 5};
  }

  /** Adds the {@code length} bytes at {@code from} (before {@code last}) as an entry; where they end. */
  private static int text(byte[] data, int from, long length, int last, List<byte[]> entries, RdbReader reader) {
    if (length > last - from) {
      throw DumpFormat.MALFORMED;
    }
    reader.charge(length);
    entries.add(Arrays.copyOfRange(data, from, from + (int) length));
    return from + (int) length;
  }

  private static int at(byte[] data, int p, int last) {
    if (p >= last) {
      throw DumpFormat.MALFORMED;
    }
    return data[p] & 0xff;
  }

  /** The two's complement value of the low {@code bytes} bytes ({@code 13}: bits) of {@code value}. */
  private static long signed(long value, int bytes) {
    int bits = bytes == 13 ? 13 : 8 * bytes;
    return bits == 64 ? value : value << (64 - bits) >> (64 - bits);
  }

  private static byte[] decimal(long value, RdbReader reader) {
    reader.charge(20);
    return Long.toString(value).getBytes(StandardCharsets.US_ASCII);
  }
}
