package io.blinkstore;

import java.nio.charset.StandardCharsets;

/**
 * A thread-safe, byte-bounded key-value store.
 *
 * <p>This is the contract shared by the in-process store ({@link #builder()}) and by stores reached over the
 * network, so code written against it can swap one for the other. Every implementation honours the same rules:
 *
 * <ul>
 *   <li><b>Keys</b> are non-empty strings without whitespace (Unicode {@code White_Space}, as the wire protocol
 *       defines it) and without unpaired surrogates; a key's size is its UTF-8 byte length. Any other key is
 *       rejected by every operation with {@link IllegalArgumentException} (see {@link #isValidKey}).
 *   <li><b>Values</b> are byte arrays, copied on the way in and on the way out: a caller can never change stored
 *       data through an array it passed in or got back. String overloads store and read UTF-8.
 *   <li><b>Memory</b>: {@link #usage()} is the exact sum, over live entries, of key bytes plus value bytes. Once
 *       a {@link #set} has returned, {@code usage()} never exceeds {@link #memoryLimit()}, whatever the number
 *       of concurrent writers; entries are evicted (by Caffeine's W-TinyLFU policy) to keep that promise, and
 *       a newly set entry may itself be the one evicted.
 *   <li><b>Nulls</b>: no argument may be {@code null} ({@link NullPointerException}); reads of an absent key
 *       return {@code null}.
 *   <li>After {@link #close()}, every operation but {@code close()} throws {@link IllegalStateException}.
 * </ul>
 *
 * <pre>{@code
 * try (BlinkStore store = BlinkStore.builder().memoryLimit(64L << 20).build()) {
 *   store.set("greeting", "hello");
 *   String value = store.getString("greeting"); // "hello"
 *   long bytes = store.usage();                 // 8 + 5 = 13
 * }
 * }</pre>
 */
public interface BlinkStore extends AutoCloseable {

  /** The memory limit used when none is given: 10 MiB, the same default as the Blink Store server. */
  long DEFAULT_MEMORY_LIMIT = 10L * 1024 * 1024;

  /** Returns a builder for an in-process store. */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Tells whether {@code key} is a key every Blink Store accepts: non-empty, no whitespace, no unpaired
   * surrogate.
   *
   * @throws NullPointerException if {@code key} is null
   */
  static boolean isValidKey(String key) {
    return Utf8.keyBytes(key) >= 0;
  }

  /**
   * Stores {@code value} under {@code key}, replacing any previous value, evicting other entries if needed.
   *
   * @throws EntryTooLargeException if the key and value bytes together exceed {@link #memoryLimit()}; the
   *     store is then unchanged (a previous value for the key stays)
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  void set(String key, byte[] value);

  /**
   * Stores the UTF-8 bytes of {@code value} under {@code key}; otherwise as {@link #set(String, byte[])}.
   *
   * @throws EntryTooLargeException if the entry exceeds the memory limit
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  default void set(String key, String value) {
    set(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Returns a copy of the value stored under {@code key}, or {@code null} if there is none. Counts a hit or a
   * miss in {@link #stats()}.
   *
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  byte[] get(String key);

  /**
   * Returns the value under {@code key} decoded as UTF-8 (malformed bytes become U+FFFD), or {@code null}.
   *
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  default String getString(String key) {
    byte[] value = get(key);
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  /**
   * Removes the entry for {@code key}.
   *
   * @return {@code true} if the key was present
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  boolean delete(String key);

  /**
   * Returns the sum over live entries of key UTF-8 bytes plus value bytes; never more than
   * {@link #memoryLimit()}. Exact when no write is in flight.
   */
  long usage();

  /** Returns the limit, in bytes, that {@link #usage()} never exceeds. */
  long memoryLimit();

  /** Returns the number of live entries (exact when no write is in flight). */
  long size();

  /** Returns a snapshot of the hit, miss and eviction counters since the store was created. */
  BlinkStats stats();

  /** Removes every entry. Entries written concurrently with the call may survive it. */
  void clear();

  /** Releases the store's entries; later calls to any other method throw {@link IllegalStateException}. */
  @Override
  void close();

  /**
   * Builds an in-process {@link BlinkStore}. Each option may be set at most once; a bad value fails fast with
   * a message naming it. Not thread-safe.
   */
  final class Builder {
    private long memoryLimit = -1;
    private long maximumEntries = -1;

    Builder() {}

    /**
     * Sets the most bytes (keys' UTF-8 plus values) the store holds; default {@link #DEFAULT_MEMORY_LIMIT}.
     *
     * @throws IllegalArgumentException if {@code bytes} is not positive
     * @throws IllegalStateException if the limit was already set
     */
    public Builder memoryLimit(long bytes) {
      if (memoryLimit != -1) {
        throw new IllegalStateException("memoryLimit was already set to " + memoryLimit);
      }
      if (bytes <= 0) {
        throw new IllegalArgumentException("memoryLimit must be positive, but was " + bytes);
      }
      memoryLimit = bytes;
      return this;
    }

    /**
     * Also bounds the number of entries; default: no bound beyond the memory limit. The memory limit counts key
     * and value bytes only, while the JVM spends about 140 more bytes on each entry, so a store of many tiny
     * entries can use far more heap than its limit (a million 4-byte entries: ~4 MB counted, ~145 MB of heap).
     * Set this where the heap must be protected from such input, as the server does. When a write takes the
     * store past the bound, the coldest entries are evicted (and counted as evictions) before it returns; the
     * bound may be passed by a few entries while writes are in flight.
     *
     * @throws IllegalArgumentException if {@code count} is not positive
     * @throws IllegalStateException if the bound was already set
     */
    public Builder maximumEntries(long count) {
      if (maximumEntries != -1) {
        throw new IllegalStateException("maximumEntries was already set to " + maximumEntries);
      }
      if (count <= 0) {
        throw new IllegalArgumentException("maximumEntries must be positive, but was " + count);
      }
      maximumEntries = count;
      return this;
    }

    /** Returns a new, empty store. */
    public BlinkStore build() {
      return new CaffeineBlinkStore(
          memoryLimit == -1 ? DEFAULT_MEMORY_LIMIT : memoryLimit,
          maximumEntries == -1 ? Long.MAX_VALUE : maximumEntries);
    }
  }
}
