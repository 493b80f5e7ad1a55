package io.blinkstore.server.command;

import io.blinkstore.internal.ListReplies;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Redis 7.0's {@code DUMP} payload ({@code createDumpPayload}, {@code rdbLoadObject}): an RDB object type byte, the
 * value in RDB's encoding, the RDB version (2 bytes, little-endian) and the CRC-64 of all before it (8 bytes,
 * little-endian). {@link #read} takes every encoding Redis 7.0 reads for a string, a hash, a list, a set or a sorted
 * set: strings plain, as integers or LZF-compressed; hashes as pairs, zipmap, ziplist or listpack; lists as strings,
 * ziplist, quicklist of ziplists, or quicklist 2 of listpacks and plain nodes; sets as strings or intset; sorted sets
 * as strings with text or binary scores, ziplist or listpack. {@link #write} writes the plainest forms Redis 7.0
 * reads back ({@link RdbObjects}). Streams and modules are not built here: their payloads are malformed to this
 * reader, as an empty container, a duplicate field or member, or a NaN score is to Redis's.
 *
 * <p><b>Bounds.</b> The reader allocates nothing a payload only claims: a length is checked against the bytes
 * left before anything is read, a compressed string's length against the bound before its buffer is made, and
 * every string read counts its bytes and {@link ListReplies#ELEMENT_OVERHEAD} against {@code maxBytes}, so that a
 * small payload cannot make the server build a value past the store's limit (an LZF run expands 3 bytes to 264).
 */
final class DumpFormat {
  /** The RDB version Redis 7.0 writes and the most it reads. */
  static final int RDB_VERSION = 10;

  /** A payload this reader cannot read: Redis's {@code Bad data format}. No stack trace: bad input, not a bug. */
  static final class Malformed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Malformed(String message) {
      super(message, null, false, false);
    }
  }

  /** A payload whose value would pass the bound: refused as a write past the memory limit is. */
  static final class TooLarge extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super("the value would pass the store's limit", null, false, false);
    }
  }

  static final Malformed MALFORMED = new Malformed("Bad data format");

  /** A value of a payload. */
  sealed interface Value permits Text, Hash, Items, Members, Scored {}

  /** A string. */
  record Text(byte[] value) implements Value {}

  /** A hash: fields and values, one after the other, no field twice. */
  record Hash(List<byte[]> fieldsAndValues) implements Value {}

  /** A list's elements, head first. */
  record Items(List<byte[]> elements) implements Value {}

  /** A set's members, none twice. */
  record Members(List<byte[]> members) implements Value {}

  /** A sorted set's members, none twice, and their scores (none NaN), in the same order. */
  record Scored(List<byte[]> members, double[] scores) implements Value {}

  private static final int HASH_ZIPMAP = 9;
  private static final int LIST_ZIPLIST = 10;
  private static final int HASH_ZIPLIST = 13;
  private static final int LIST_QUICKLIST = 14;
  private static final int HASH_LISTPACK = 16;
  private static final int LIST_QUICKLIST_2 = 18;
  static final int ZSET = 3;
  static final int SET_INTSET = 11;
  static final int ZSET_ZIPLIST = 12;
  static final int ZSET_LISTPACK = 17;

  private DumpFormat() {}

  /** Whether {@code payload} has Redis's footer: an RDB version of at most 10 and the right CRC-64. */
  static boolean verified(byte[] payload) {
    if (payload.length < 10) {
      return false;
    }
    int footer = payload.length - 10;
    int version = (payload[footer] & 0xff) | (payload[footer + 1] & 0xff) << 8;
    return version <= RDB_VERSION
        && Crc64.of(payload, 0, payload.length - 8) == littleEndian(payload, payload.length - 8, 8);
  }

  /**
   * The value of a {@link #verified} payload.
   *
   * @throws Malformed if it is not one Redis 7.0 would read as a string, hash or list
   * @throws TooLarge if its strings, with {@link ListReplies#ELEMENT_OVERHEAD} each, would pass {@code maxBytes}
   */
  static Value read(byte[] payload, long maxBytes) {
    RdbReader reader = new RdbReader(payload, 0, payload.length - 10, maxBytes);
    return object(reader.u8(), reader);
  }

  /**
   * The value of RDB object type {@code type}, read from {@code reader} (a payload's, or an RDB file's entry after
   * its key).
   *
   * @throws Malformed if it is not one Redis 7.0 would read
   * @throws TooLarge if its strings would pass the reader's bound
   */
  static Value object(int type, RdbReader reader) {
    return switch (type) {
      case RdbObjects.STRING -> new Text(reader.string());
      case RdbObjects.LIST -> new Items(nonEmpty(reader.strings(reader.length())));
      case RdbObjects.HASH -> new Hash(pairs(reader.strings(checkedPairs(reader.length()))));
      case HASH_ZIPMAP -> new Hash(pairs(PackedLists.zipmap(reader.string(), reader)));
      case LIST_ZIPLIST -> new Items(nonEmpty(PackedLists.ziplist(reader.string(), reader)));
      case HASH_ZIPLIST -> new Hash(pairs(PackedLists.ziplist(reader.string(), reader)));
      case HASH_LISTPACK -> new Hash(pairs(PackedLists.listpack(reader.string(), reader)));
      case LIST_QUICKLIST, LIST_QUICKLIST_2 -> new Items(nonEmpty(quicklist(reader, type == LIST_QUICKLIST_2)));
      case RdbObjects.SET, SET_INTSET, RdbObjects.ZSET_2, ZSET, ZSET_ZIPLIST, ZSET_LISTPACK ->
          SetPayloads.read(type, reader);
      default -> throw MALFORMED;
    };
  }

  private static List<byte[]> quicklist(RdbReader reader, boolean withContainers) {
    long nodes = reader.length();
    List<byte[]> elements = new ArrayList<>();
    for (long i = 0; i < nodes; i++) {
      long container = withContainers ? reader.length() : 2;
      byte[] node = reader.string();
      if (container == 1) {
        elements.add(node); // a plain node: one element
      } else if (container == 2) {
        elements.addAll(withContainers ? PackedLists.listpack(node, reader) : PackedLists.ziplist(node, reader));
      } else {
        throw MALFORMED;
      }
    }
    return elements;
  }

  private static long checkedPairs(long pairs) {
    if (pairs > Long.MAX_VALUE / 2) {
      throw MALFORMED;
    }
    return 2 * pairs;
  }

  /** Redis refuses an empty container ({@code emptykey}). */
  static List<byte[]> nonEmpty(List<byte[]> elements) {
    if (elements.isEmpty()) {
      throw MALFORMED;
    }
    return elements;
  }

  /** Fields and values: none empty, an even count, no field twice (Redis: {@code Hash with dup elements}). */
  private static List<byte[]> pairs(List<byte[]> fieldsAndValues) {
    if (fieldsAndValues.size() % 2 != 0) {
      throw MALFORMED;
    }
    Set<String> fields = new HashSet<>();
    for (int i = 0; i < fieldsAndValues.size(); i += 2) {
      if (!fields.add(new String(fieldsAndValues.get(i), StandardCharsets.ISO_8859_1))) {
        throw MALFORMED;
      }
    }
    return nonEmpty(fieldsAndValues);
  }

  /** The payload of {@code value} ({@link RdbObjects}'s encoding) with Redis's footer. */
  static byte[] write(Value value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RdbObjects.write(out, value);
    out.write(RDB_VERSION);
    out.write(0);
    byte[] body = out.toByteArray();
    long crc = Crc64.of(body, 0, body.length);
    for (int i = 0; i < 8; i++) {
      out.write((int) (crc >>> 8 * i));
    }
    return out.toByteArray();
  }

  /** The unsigned little-endian integer of {@code size} bytes at {@code at} (as a long's bits for 8). */
  static long littleEndian(byte[] data, int at, int size) {
    long value = 0;
    for (int i = size - 1; i >= 0; i--) {
      value = value << 8 | (data[at + i] & 0xff);
    }
    return value;
  }
}
