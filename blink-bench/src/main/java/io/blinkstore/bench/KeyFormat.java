package io.blinkstore.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Names key {@code i} of a key space as {@code key:} and {@code i} zero-padded to at least seven digits
 * ({@code key:0000042}, 11 bytes, for up to ten million keys), written straight into a buffer without allocating.
 */
final class KeyFormat {
  private static final byte[] PREFIX = "key:".getBytes(StandardCharsets.US_ASCII);
  private static final int MIN_DIGITS = 7;

  private final int digits;

  KeyFormat(long keySpace) {
    this.digits = Math.max(MIN_DIGITS, Long.toString(Math.max(0, keySpace - 1)).length());
  }

  /** The length in bytes of every key. */
  int length() {
    return PREFIX.length + digits;
  }

  void write(ByteBuffer out, long index) {
    out.put(PREFIX);
    int end = out.position() + digits;
    for (int at = end - 1; at >= end - digits; at--) {
      out.put(at, (byte) ('0' + index % 10));
      index /= 10;
    }
    out.position(end);
  }

  String key(long index) {
    ByteBuffer buffer = ByteBuffer.allocate(length());
    write(buffer, index);
    return new String(buffer.array(), StandardCharsets.US_ASCII);
  }
}
