package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import io.blinkstore.WrongTypeException;
import io.blinkstore.internal.Hashes;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A {@code SORT} pattern ({@code BY weight_*}, {@code GET data_*->field}, {@code GET #}) looked up for one element,
 * as Redis 7.0's {@code lookupKeyByPattern} does: {@code #} alone is the element itself; otherwise the first
 * {@code *} is replaced by the element to name a key, whose string value is the answer, or, with {@code ->field}
 * after the {@code *} (a non-empty field), that field of its hash. A pattern without {@code *}, a missing key, a
 * key of another type or a missing field answer {@code null}. Redis finds {@code #}, {@code *} and {@code ->}
 * with C's string functions, which stop at a NUL byte; so does this, so that patterns holding one mean the same.
 */
final class SortPattern {
  private final BlinkStore store;
  private final @Nullable Hashes hashes;

  /** Patterns read against {@code store}'s strings and {@code hashes}' fields ({@code null}: no hashes). */
  SortPattern(BlinkStore store, @Nullable Hashes hashes) {
    this.store = store;
    this.hashes = hashes;
  }

  /** The index of the first {@code *} of {@code pattern} before any NUL byte, or -1. */
  static int star(byte[] pattern) {
    for (int i = 0; i < pattern.length && pattern[i] != 0; i++) {
      if (pattern[i] == '*') {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code pattern} is {@code GET #}: {@code #} then the end of its C string. */
  static boolean isElement(byte[] pattern) {
    return pattern.length > 0 && pattern[0] == '#' && (pattern.length == 1 || pattern[1] == 0);
  }

  /** The value {@code pattern} names for {@code element}, or {@code null}; an array the caller may keep. */
  byte @Nullable [] lookUp(ClientState client, byte[] pattern, byte[] element) {
    if (isElement(pattern)) {
      return element;
    }
    int star = star(pattern);
    if (star < 0) {
      return null;
    }
    int arrow = arrow(pattern, star + 1);
    int keyEnd = arrow < 0 ? pattern.length : arrow;
    byte[] key = new byte[star + element.length + keyEnd - star - 1];
    System.arraycopy(pattern, 0, key, 0, star);
    System.arraycopy(element, 0, key, star, element.length);
    System.arraycopy(pattern, star + 1, key, star + element.length, keyEnd - star - 1);
    String storeKey = client.key(key);
    try {
      if (arrow < 0) {
        return store.get(storeKey);
      }
      return hashes == null ? null : hashes.get(storeKey, Arrays.copyOfRange(pattern, arrow + 2, pattern.length));
    } catch (WrongTypeException other) {
      return null; // a key of another type is no value, as in Redis
    }
  }

  /**
   * Where the {@code ->} of a hash field starts, searched from {@code from} as C's {@code strstr} does (stopping at
   * a NUL byte), if a non-empty field follows it; else -1.
   */
  private static int arrow(byte[] pattern, int from) {
    for (int i = from; i + 1 < pattern.length && pattern[i] != 0 && pattern[i + 1] != 0; i++) {
      if (pattern[i] == '-' && pattern[i + 1] == '>') {
        return i + 2 < pattern.length && pattern[i + 2] != 0 ? i : -1;
      }
    }
    return -1;
  }
}
