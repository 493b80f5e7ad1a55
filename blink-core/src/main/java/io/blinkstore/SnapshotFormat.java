package io.blinkstore;

import io.blinkstore.BlinkSnapshots.CorruptSnapshotException;
import io.blinkstore.internal.Deadlines;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The bytes of a snapshot file (docs/snapshots.md describes them byte by byte): a {@link #HEADER_BYTES}-byte header
 * checked by its own CRC32C, then blocks, each {@code length (u32) + CRC32C (u32) + payload}, the CRC covering the
 * length and the payload; every payload opens with its kind. Entry blocks hold whole entries; the last block is the
 * trailer (entry count, block count, metadata, {@link #END}), after which the file ends. Numbers are big-endian;
 * lengths and counts inside payloads are unsigned LEB128 varints, as the store's own packed arrays use.
 */
final class SnapshotFormat {
  static final byte[] MAGIC = "BLINKSNP".getBytes(StandardCharsets.US_ASCII);
  static final byte[] END = "BLINKEND".getBytes(StandardCharsets.US_ASCII);
  static final short VERSION = 1;
  /** Magic, version (u16), flags (u16, 0), creation time (Unix ms, i64), CRC32C of those 20 bytes (u32). */
  static final int HEADER_BYTES = 24;
  /** A block's length and CRC. */
  static final int BLOCK_HEADER_BYTES = 8;
  /** A block is closed once its payload reaches this size; one entry larger than it has a block of its own. */
  static final int BLOCK_TARGET = 64 * 1024;

  static final byte ENTRIES = 1;
  static final byte TRAILER = 2;

  static final int STRING = 0;
  static final int HASH = 1;
  static final int LIST = 2;
  /** A set: its members, each a varint-prefixed run of bytes. */
  static final int SET = 3;
  /** A sorted set: its members, each a varint-prefixed run of bytes followed by its score (an IEEE 754 double). */
  static final int ZSET = 4;
  /** Set in an entry's type byte when a deadline (Unix ms, i64) follows it. */
  static final int HAS_DEADLINE = 0x80;

  private SnapshotFormat() {}

  /** The header of a snapshot made at {@code createdMillis}. */
  static ByteBuffer header(long createdMillis) {
    ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
    header.put(MAGIC).putShort(VERSION).putShort((short) 0).putLong(createdMillis);
    header.putInt(crc(header.array(), 0, HEADER_BYTES - 4));
    return header.flip();
  }

  /**
   * Checks a header read whole.
   *
   * @throws CorruptSnapshotException if it is not a header of {@link #VERSION}
   */
  static void checkHeader(ByteBuffer header) throws CorruptSnapshotException {
    byte[] bytes = header.array();
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        throw corrupt(0, "not a Blink snapshot (wrong magic)");
      }
    }
    if (header.getInt(HEADER_BYTES - 4) != crc(bytes, 0, HEADER_BYTES - 4)) {
      throw corrupt(0, "header checksum mismatch");
    }
    int version = header.getShort(MAGIC.length) & 0xffff;
    if (version != VERSION) {
      throw corrupt(MAGIC.length, "format version " + version + ", this code reads version " + VERSION);
    }
  }

  /** The CRC32C of {@code length} bytes of {@code bytes} from {@code offset}. */
  static int crc(byte[] bytes, int offset, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, offset, length);
    return (int) crc.getValue();
  }

  /**
   * The Unix time in milliseconds that a store {@code deadline} stands for, as saved: read against the store clock's
   * {@code now} and the wall clock's {@code unixNanos} taken together, rounded down after a quarter of a millisecond
   * is added. The server converts Unix times through its own pairing of the two clocks, taken at its start
   * ({@code UnixTime}), and puts a deadline set from {@code PXAT T} at the start of millisecond T; a loaded one sits
   * in the middle of its millisecond ({@link #deadline}). Either is saved as its millisecond while this pairing is
   * within a quarter of a millisecond of the one that set it (rounding up saved T + 1 whenever this one was a hair
   * later than the server's).
   */
  static long unixMillis(long deadline, long now, long unixNanos) {
    long left = deadline - now;
    long millis = Math.floorDiv(left, 1_000_000) + Math.floorDiv(unixNanos, 1_000_000);
    long rest = Math.floorMod(left, 1_000_000) + Math.floorMod(unixNanos, 1_000_000);
    return millis + (rest + 250_000) / 1_000_000;
  }

  /**
   * The store deadline that a saved Unix millisecond stands for, at least one millisecond after the current one: the
   * middle of that millisecond, so that a server converting it back through its own pairing of the clocks (off from
   * this one by less than half a millisecond) answers the same millisecond ({@code PEXPIRETIME}; it put T - 1 when
   * the load put it at its millisecond's start); a deadline past what the store clock holds becomes
   * {@link Deadlines#NEVER} - 1.
   */
  static long deadline(long unixMillis, long now, long unixNanos) {
    long leftMillis = unixMillis - Math.floorDiv(unixNanos, 1_000_000);
    if (leftMillis >= (Long.MAX_VALUE - now) / 1_000_000 - 1) {
      return Deadlines.NEVER - 1;
    }
    return now + leftMillis * 1_000_000 + 500_000 - Math.floorMod(unixNanos, 1_000_000);
  }

  /** The CRC32C a block carries: of its length field, then its payload. */
  static int blockCrc(int length, byte[] payload, int offset) {
    CRC32C crc = new CRC32C();
    crc.update(length >>> 24);
    crc.update(length >>> 16);
    crc.update(length >>> 8);
    crc.update(length);
    crc.update(payload, offset, length);
    return (int) crc.getValue();
  }

  static CorruptSnapshotException corrupt(long offset, String reason) {
    return new CorruptSnapshotException("corrupt snapshot at byte " + offset + ": " + reason);
  }
}
