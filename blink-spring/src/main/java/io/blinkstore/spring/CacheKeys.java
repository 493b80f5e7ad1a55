package io.blinkstore.spring;

import io.blinkstore.BlinkStore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The store keys of one cache: {@code name:generation:key}. Spring's keys are any objects and its cache names any
 * strings, while a store key has no whitespace; so each character a store key cannot hold, or that would make two
 * keys alike, is written {@code %} and four hex digits (its UTF-16 unit), and {@code %} itself too: two different
 * keys never share a store key. The name also escapes {@code :}, so the first colon ends it.
 *
 * <p>The generation is a random token stored under {@code name:generation}: {@link #clear} replaces it, which makes
 * every earlier entry of the cache unreachable at once, in every process sharing the store, without a scan of the
 * store's keys (which {@link BlinkStore} does not offer); those entries leave by eviction or their time to live.
 */
final class CacheKeys {
  private final BlinkStore store;
  private final String name;
  private final String generationKey;

  CacheKeys(BlinkStore store, String cacheName) {
    this.store = store;
    this.name = escape(cacheName, true);
    this.generationKey = name + ":generation";
  }

  /** The key under which this cache's current generation is stored. */
  String generationKey() {
    return generationKey;
  }

  /** The store key of {@code key} in the generation {@code generation}. */
  String entryKey(String generation, Object key) {
    return name + ':' + generation + ':' + escape(text(key), false);
  }

  /** The store key of {@code key} in the current generation (one read of the store, two on a new cache). */
  String entryKey(Object key) {
    return entryKey(generation(), key);
  }

  /** The current generation, made (by the first process to ask) if there is none. */
  String generation() {
    while (true) {
      String current = store.getString(generationKey);
      if (current != null) {
        return current;
      }
      String fresh = newGeneration();
      if (store.setIfAbsent(generationKey, fresh)) {
        return fresh;
      }
      // Another process made one first: read it (looping only if it was cleared again in between).
    }
  }

  /** Starts a new generation: every entry written before is out of reach. */
  void clear() {
    store.set(generationKey, newGeneration());
  }

  static String newGeneration() {
    return Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
  }

  /**
   * The text of a cache key: a string as it is, another object by its own {@code toString()}. An object without
   * one would be known only by its identity, which no other process shares and no later call repeats.
   *
   * @throws IllegalArgumentException if the key's class does not override {@code toString()}
   */
  static String text(Object key) {
    if (key instanceof String string) {
      return string;
    }
    try {
      if (key.getClass().getMethod("toString").getDeclaringClass() == Object.class) {
        throw new IllegalArgumentException("a cache key of " + key.getClass().getName() + " has no toString() of"
            + " its own, so it cannot name an entry that another call or process finds again: give the key a"
            + " toString(), or choose the key with @Cacheable(key = ...) or a KeyGenerator");
      }
    } catch (NoSuchMethodException e) {
      throw new AssertionError("every object has toString()", e);
    }
    return key.toString();
  }

  static String escape(String text, boolean isName) {
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (mustEscape(text, i, c) || (isName && c == ':')) {
        if (out == null) {
          out = new StringBuilder(text.length() + 16).append(text, 0, i);
        }
        out.append('%').append(Character.forDigit(c >> 12, 16)).append(Character.forDigit((c >> 8) & 15, 16))
            .append(Character.forDigit((c >> 4) & 15, 16)).append(Character.forDigit(c & 15, 16));
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /**
   * A superset of what a store key refuses (Unicode White_Space, unpaired surrogates), plus the escape character
   * and control characters, so that keys stay readable in {@code redis-cli} and logs.
   */
  private static boolean mustEscape(String text, int i, char c) {
    if (c == '%' || c <= ' ' || (c >= 0x7f && c <= 0xa0)) {
      return true;
    }
    if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
      return true;
    }
    if (Character.isHighSurrogate(c)) {
      return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
    }
    if (Character.isLowSurrogate(c)) {
      return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
    }
    return false;
  }
}
