package io.blinkstore.server.command;

import io.blinkstore.internal.ListReplies;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads RDB's lengths and strings from {@code data[from, to)} ({@code rdbLoadLen}, {@code rdbGenericLoadStringObject})
 * for {@link DumpFormat}: a length in 6, 14, 32 or 64 bits; a string plain, as an 8, 16 or 32-bit integer, or
 * LZF-compressed. Every string read is charged to the bound ({@link DumpFormat.TooLarge} past it), and nothing is
 * read or allocated past the bytes there are ({@link DumpFormat.Malformed}). The bytes are an array's, or a file's
 * mapped into memory (a replica's full sync, {@link ReceivedRdb}): only the strings read are copied to the heap.
 */
final class RdbReader {
  private final ByteBuffer data;
  private final int end;
  private int at;
  private long budget;

  RdbReader(byte[] data, int from, int to, long maxBytes) {
    this(ByteBuffer.wrap(data), from, to, maxBytes);
  }

  /** Reads {@code data} from its index {@code from} to {@code to}, whatever its position and limit. */
  RdbReader(ByteBuffer data, int from, int to, long maxBytes) {
    this.data = data;
    this.at = from;
    this.end = to;
    this.budget = maxBytes;
  }

  /** How many bytes are left to read. */
  int remaining() {
    return end - at;
  }

  int u8() {
    if (at >= end) {
      throw DumpFormat.MALFORMED;
    }
    return data.get(at++) & 0xff;
  }

  /** A length that is not a string's special encoding. */
  long length() {
    int first = u8();
    if ((first & 0xc0) == 0xc0) {
      throw DumpFormat.MALFORMED;
    }
    return lengthAfter(first);
  }

  private long lengthAfter(int first) {
    return switch (first >> 6) {
      case 0 -> first & 0x3f;
      case 1 -> (first & 0x3f) << 8 | u8();
      default -> switch (first) {
        case 0x80 -> bigEndian(4);
        case 0x81 -> {
          long length = bigEndian(8);
          if (length < 0) {
            throw DumpFormat.MALFORMED;
          }
          yield length;
        }
        default -> throw DumpFormat.MALFORMED;
      };
    };
  }

  private long bigEndian(int size) {
    long value = 0;
    for (int i = 0; i < size; i++) {
      value = value << 8 | u8();
    }
    return value;
  }

  /** {@code count} strings, read one by one (a count only claimed allocates nothing). */
  List<byte[]> strings(long count) {
    List<byte[]> strings = new ArrayList<>();
    for (long i = 0; i < count; i++) {
      strings.add(string());
    }
    return strings;
  }

  /** An RDB string. */
  byte[] string() {
    int first = u8();
    if ((first & 0xc0) != 0xc0) {
      long length = lengthAfter(first);
      if (length > end - at) {
        throw DumpFormat.MALFORMED;
      }
      charge(length); // before the copy is made
      return bytes(advance((int) length), (int) length);
    }
    return switch (first & 0x3f) {
      case 0 -> decimal((byte) u8());
      case 1 -> decimal((short) littleEndian(advance(2), 2));
      case 2 -> decimal((int) littleEndian(advance(4), 4));
      case 3 -> compressed();
      default -> throw DumpFormat.MALFORMED;
    };
  }

  /** A sorted set's binary score ({@code ZSET_2}): an IEEE 754 double, little-endian. */
  double binaryDouble() {
    return Double.longBitsToDouble(littleEndian(advance(8), 8));
  }

  /**
   * A sorted set's text score (the first {@code ZSET} type): 253 NaN, 254 +inf, 255 -inf, else that many bytes of
   * its decimal text; Redis's {@code rdbLoadDoubleValue}.
   */
  double textDouble() {
    int length = u8();
    return switch (length) {
      case 253 -> Double.NaN;
      case 254 -> Double.POSITIVE_INFINITY;
      case 255 -> Double.NEGATIVE_INFINITY;
      default -> {
        Double score = Scores.score(bytes(advance(length), length));
        yield score == null ? Double.NaN : score;
      }
    };
  }

  /** Where the next byte is read. */
  int position() {
    return at;
  }

  /** Skips {@code size} bytes. */
  void skip(long size) {
    if (size < 0 || size > end - at) {
      throw DumpFormat.MALFORMED;
    }
    at += (int) size;
  }

  private int advance(int size) {
    if (size > end - at) {
      throw DumpFormat.MALFORMED;
    }
    at += size;
    return at - size;
  }

  /** The {@code size} bytes from {@code from}, copied. */
  private byte[] bytes(int from, int size) {
    byte[] bytes = new byte[size];
    copy(from, bytes, 0, size);
    return bytes;
  }

  /** Copies the {@code size} bytes read from {@code from} to {@code into[at...]}. */
  void copy(int from, byte[] into, int at, int size) {
    data.get(from, into, at, size);
  }

  /** What is left of the bound: {@code maxBytes} less what the strings read so far were charged. */
  long budgetLeft() {
    return budget;
  }

  /** The unsigned little-endian integer of {@code size} bytes at {@code from} (as a long's bits for 8). */
  private long littleEndian(int from, int size) {
    long value = 0;
    for (int i = size - 1; i >= 0; i--) {
      value = value << 8 | (data.get(from + i) & 0xff);
    }
    return value;
  }

  private byte[] decimal(long value) {
    return charged(Long.toString(value).getBytes(StandardCharsets.US_ASCII));
  }

  /** An LZF string: its compressed and its whole length, then the compressed bytes. */
  private byte[] compressed() {
    long compressed = length();
    long length = length();
    if (compressed > end - at) {
      throw DumpFormat.MALFORMED;
    }
    charge(length);
    if (length > Integer.MAX_VALUE - 16) {
      throw new DumpFormat.TooLarge();
    }
    if (length > compressed * Lzf.MOST_PER_BYTE) {
      throw DumpFormat.MALFORMED; // more than its bytes can give: refused before its buffer is made
    }
    byte[] input = bytes(advance((int) compressed), (int) compressed);
    return Lzf.decompress(input, 0, input.length, (int) length);
  }

  /** Counts {@code bytes} of a string read against the bound (charged before a packed list is split up too). */
  void charge(long bytes) {
    budget -= bytes + ListReplies.ELEMENT_OVERHEAD;
    if (budget < 0) {
      throw new DumpFormat.TooLarge();
    }
  }

  private byte[] charged(byte[] bytes) {
    charge(bytes.length);
    return bytes;
  }
}
