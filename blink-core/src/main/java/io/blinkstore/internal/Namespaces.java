package io.blinkstore.internal;

/**
 * Not API: how blink-server's logical databases share the one store. Namespace 0 is the store's keys as they are
 * (the text protocol's and in-process callers'); a key of namespace {@code n > 0} is stored as U+FDD1 (a Unicode
 * noncharacter nobody types) and the private-use character U+E000 + {@code n}, then the key: still a valid key,
 * one entry of the same cache, weighed, limited and evicted with every other. The store counts keys per namespace
 * from this prefix ({@link Keyspace#size}); {@code USAGE} counts its 6 bytes.
 */
public final class Namespaces {
  /** The number of namespaces: the private-use characters U+E000 to U+F8FF. */
  public static final int COUNT = 0xF900 - 0xE000;

  private static final char MARK = '\uFDD1';
  private static final char FIRST = '\uE000';

  private Namespaces() {}

  /** The store key of {@code key} in {@code namespace}. */
  public static String key(int namespace, String key) {
    return namespace == 0 ? key : new StringBuilder(key.length() + 2).append(MARK)
        .append((char) (FIRST + namespace)).append(key).toString();
  }

  /** The namespace of a store key. */
  public static int of(String storeKey) {
    return storeKey.length() > 2 && storeKey.charAt(0) == MARK && storeKey.charAt(1) >= FIRST
        && storeKey.charAt(1) < FIRST + COUNT ? storeKey.charAt(1) - FIRST : 0;
  }

  /** A store key without its namespace. */
  public static String strip(String storeKey) {
    return of(storeKey) == 0 ? storeKey : storeKey.substring(2);
  }

  /** The namespace of a store key given as {@code length} UTF-8 bytes at {@code offset}. */
  public static int of(byte[] utf8, int offset, int length) {
    // U+FDD1 is EF B7 91; U+E000 to U+F8FF are three bytes, EE 80 80 to EF A3 BF; then at least one more byte.
    if (length < 7 || utf8[offset] != (byte) 0xEF || utf8[offset + 1] != (byte) 0xB7
        || utf8[offset + 2] != (byte) 0x91) {
      return 0;
    }
    int c = (utf8[offset + 3] & 0x0F) << 12 | (utf8[offset + 4] & 0x3F) << 6 | utf8[offset + 5] & 0x3F;
    return (utf8[offset + 3] & 0xF0) == 0xE0 && c >= FIRST && c < FIRST + COUNT ? c - FIRST : 0;
  }
}
