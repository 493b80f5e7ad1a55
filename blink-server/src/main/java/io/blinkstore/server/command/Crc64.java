package io.blinkstore.server.command;

import java.nio.ByteBuffer;

/**
 * The CRC-64 of Redis's {@code DUMP} payloads ({@code crc64.c}): Jones's polynomial {@code 0xad93d23594c935a9},
 * reflected, initial value 0, no final xor; {@code "123456789"} gives {@code 0xe9c6d914c4b8d9ca}.
 */
final class Crc64 {
  /** The polynomial, bit-reversed for the reflected table. */
  private static final long REFLECTED_POLY = Long.reverse(0xad93d23594c935a9L);
  private static final long[] TABLE = new long[256];

  static {
    for (int i = 0; i < TABLE.length; i++) {
      long crc = i;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 1) != 0 ? crc >>> 1 ^ REFLECTED_POLY : crc >>> 1;
      }
      TABLE[i] = crc;
    }
  }

  private Crc64() {}

  /** The CRC of {@code length} bytes of {@code data} from its index {@code offset}. */
  static long of(ByteBuffer data, int offset, int length) {
    long crc = 0;
    for (int i = offset; i < offset + length; i++) {
      crc = TABLE[(int) (crc ^ data.get(i)) & 0xff] ^ crc >>> 8;
    }
    return crc;
  }

  /** The CRC of {@code length} bytes of {@code data} from {@code offset}. */
  static long of(byte[] data, int offset, int length) {
    long crc = 0;
    for (int i = offset; i < offset + length; i++) {
      crc = TABLE[(int) (crc ^ data[i]) & 0xff] ^ crc >>> 8;
    }
    return crc;
  }
}
