package io.blinkstore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

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
 *   <li><b>Memory</b>: {@link #usage()} is the exact sum, over live entries, of key bytes plus value bytes (a
 *       container's field, value, element or member bytes, and 8 per sorted-set score). Once a write has returned,
 *       {@code usage()} never exceeds {@link #memoryLimit()}, whatever the number of concurrent writers: entries are
 *       evicted (W-TinyLFU; a new entry may itself be the one), or writes refused ({@link Builder#noEviction}).
 * </ul>
 *
 * <p>Nulls, expiry, closing and an example: the package documentation.
 */
public interface BlinkStore extends AutoCloseable {

  /** The memory limit used when none is given: 10 MiB, the same default as the Blink Store server. */
  long DEFAULT_MEMORY_LIMIT = 10L * 1024 * 1024;

  /** What {@link #ttl} answers for an entry that never expires: the largest {@link Duration}. */
  Duration NO_EXPIRY = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

  /** The longest time to live accepted: 100 years (36,500 days; the store's nanosecond deadlines hold 292). */
  Duration MAX_TTL = Duration.ofDays(36_500);

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
   * Stores {@code value} under {@code key} for {@code ttl}, after which the entry expires; otherwise as
   * {@link #set(String, byte[])}. Replaces any previous value and time to live.
   *
   * @throws EntryTooLargeException if the entry exceeds the memory limit; the store is then unchanged
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}, or {@code ttl} is not
   *     positive or is longer than {@link #MAX_TTL}
   */
  void set(String key, byte[] value, Duration ttl);

  /**
   * Stores the UTF-8 bytes of {@code value} under {@code key} for {@code ttl}; otherwise as
   * {@link #set(String, byte[], Duration)}.
   *
   * @throws EntryTooLargeException if the entry exceeds the memory limit
   * @throws IllegalArgumentException if the key is not valid or {@code ttl} is out of range
   */
  default void set(String key, String value, Duration ttl) {
    set(key, value.getBytes(StandardCharsets.UTF_8), ttl);
  }

  /**
   * Stores {@code value} under {@code key} only if the key has no live value, in one atomic step: of any number
   * of callers racing for an absent key (in this process or, through a server, in any), exactly one stores its
   * value. The usual lock or "first writer wins" idiom, like Redis's {@code SET key value NX}. An entry whose time
   * to live has passed counts as absent. The entry never expires; a write that is not made changes nothing.
   *
   * @return {@code true} if the value was stored, {@code false} if the key already had a live value
   * @throws EntryTooLargeException if the key and value bytes together exceed {@link #memoryLimit()}
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  boolean setIfAbsent(String key, byte[] value);

  /**
   * Stores {@code value} under {@code key} for {@code ttl}, only if the key has no live value; otherwise as
   * {@link #setIfAbsent(String, byte[])}. With a time to live, a lock whose holder dies is freed when it expires.
   *
   * <p>A value stored this way is a lock its caller relies on, so the in-process store pins it: eviction for size
   * leaves it alone until it expires, is deleted, or is overwritten, even when the store is full (otherwise the
   * admission policy could drop the fresh key at once and a second caller would get the lock too). Pinned entries
   * hold at most 10% of the memory limit and of the entry bound; past that, such a value is an ordinary entry.
   * {@link #expire} keeps the pin; {@link #persist} and counter updates drop it.
   *
   * @return {@code true} if the value was stored, {@code false} if the key already had a live value
   * @throws EntryTooLargeException if the key and value bytes together exceed {@link #memoryLimit()}
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}, or {@code ttl} is not
   *     positive or is longer than {@link #MAX_TTL}
   */
  boolean setIfAbsent(String key, byte[] value, Duration ttl);

  /**
   * Stores the UTF-8 bytes of {@code value} under {@code key} only if the key has no live value; otherwise as
   * {@link #setIfAbsent(String, byte[])}.
   *
   * @return {@code true} if the value was stored, {@code false} if the key already had a live value
   * @throws EntryTooLargeException if the entry exceeds the memory limit
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  default boolean setIfAbsent(String key, String value) {
    return setIfAbsent(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Stores the UTF-8 bytes of {@code value} under {@code key} for {@code ttl}, only if the key has no live value;
   * otherwise as {@link #setIfAbsent(String, byte[], Duration)} (a lock's token, typically).
   *
   * @return {@code true} if the value was stored, {@code false} if the key already had a live value
   * @throws EntryTooLargeException if the entry exceeds the memory limit
   * @throws IllegalArgumentException if the key is not valid or {@code ttl} is out of range
   */
  default boolean setIfAbsent(String key, String value, Duration ttl) {
    return setIfAbsent(key, value.getBytes(StandardCharsets.UTF_8), ttl);
  }

  /**
   * Makes the entry under {@code key}, if there is one, expire {@code ttl} from now, replacing any earlier time
   * to live. Does nothing to an absent key.
   *
   * @return {@code true} if the key was present (and now expires), {@code false} if it was absent
   * @throws IllegalArgumentException if the key is not valid, or {@code ttl} is not positive or is longer than
   *     {@link #MAX_TTL}
   */
  boolean expire(String key, Duration ttl);

  /**
   * Removes the time to live of the entry under {@code key}, so that it never expires.
   *
   * @return {@code true} if the key was present and had a time to live; {@code false} if it was absent or
   *     already never expired
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  boolean persist(String key);

  /**
   * Returns the time the entry under {@code key} has left to live: {@code null} if there is no entry,
   * {@link #NO_EXPIRY} if it never expires, otherwise a positive duration at most {@link #MAX_TTL}. Not counted
   * as a read in {@link #stats()}. Remote stores may round it to their wire resolution (milliseconds).
   *
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  @Nullable Duration ttl(String key);

  /**
   * Atomically adds {@code delta} to the 64-bit decimal integer stored under {@code key} and returns the result,
   * as Redis's {@code INCRBY} does. An absent key counts from 0 (and the new entry never expires); a present
   * one keeps its time to live. The result is stored as its decimal ASCII text ({@code "-42"}), so
   * {@link #getString} reads it back.
   *
   * @return the value after the addition
   * @throws NotAnIntegerException if the stored value is not the canonical decimal text of a 64-bit integer
   *     (optional {@code -}, digits, no leading zeros, no sign on zero); the store is then unchanged
   * @throws ArithmeticException if the result would overflow a {@code long}; the store is then unchanged
   * @throws EntryTooLargeException if the key's bytes plus 20 (the longest number's) exceed the memory limit
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  long incrementBy(String key, long delta);

  /** Adds one to the integer under {@code key}: {@link #incrementBy incrementBy(key, 1)}, with its exceptions. */
  default long increment(String key) {
    return incrementBy(key, 1);
  }

  /** Subtracts one from the integer under {@code key}: {@link #incrementBy incrementBy(key, -1)}, likewise. */
  default long decrement(String key) {
    return incrementBy(key, -1);
  }

  // The typed views: each sees the value under its key as Redis's commands of its type see it, and holds nothing
  // itself. They throw IllegalArgumentException for a key that is not valid, and UnsupportedOperationException
  // where this store holds no values of that type (a text-protocol client).

  /** The hash stored under {@code key} ({@link BlinkHash}), as the typed views above. */
  default BlinkHash hash(String key) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " holds no hashes");
  }

  /** The list stored under {@code key} ({@link BlinkList}), as the typed views above. */
  default BlinkList list(String key) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " has no lists");
  }

  /** The set stored under {@code key} ({@link BlinkSet}), as the typed views above. */
  default BlinkSet set(String key) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " holds no sets");
  }

  /** The sorted set stored under {@code key} ({@link BlinkSortedSet}), as the typed views above. */
  default BlinkSortedSet sortedSet(String key) {
    if (this instanceof io.blinkstore.internal.SortedSets.Source source) {
      return new StoreSortedSet(source.sortedSets(), key);
    }
    throw new UnsupportedOperationException(getClass().getSimpleName() + " holds no sorted sets");
  }

  /**
   * Returns the value under {@code key}, loading and storing it (without a time to live) if absent, with at
   * most one load per key at a time; as {@link #getOrLoad(String, Duration, Loader)} without expiry.
   *
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  byte @Nullable [] getOrLoad(String key, Loader loader);

  /**
   * Returns a copy of the value under {@code key}; if there is none, loads it with {@code loader}, stores it for
   * {@code ttl} and returns it. Single-flight: callers that miss the same key while a load of it is under way
   * do not load it again but wait for that load, and all receive its result. If the loader returns
   * {@code null}, nothing is stored and every waiting caller gets {@code null}; if it throws, nothing is stored
   * and every waiting caller gets the failure (unchecked exceptions as thrown, checked ones wrapped in a
   * {@link BlinkException}), and the next call loads again. If the loaded entry is too large for the store,
   * every waiting caller gets the {@link EntryTooLargeException}. The loader runs on the caller's thread with
   * no lock held, so it may use the store, but not load the same key again.
   *
   * @throws IllegalArgumentException if the key is not valid, or {@code ttl} is out of range
   * @throws IllegalStateException if the loader, directly or not, calls {@code getOrLoad} for the key it is
   *     loading (in-process stores; the wait would never end)
   */
  byte @Nullable [] getOrLoad(String key, Duration ttl, Loader loader);

  /** Loads the value of a missing key for {@link #getOrLoad}. */
  @FunctionalInterface
  interface Loader {
    /**
     * Returns the value of {@code key}, or {@code null} if there is none to store.
     *
     * @throws Exception if it cannot be loaded; every caller waiting for this load receives the failure
     */
    byte @Nullable [] load(String key) throws Exception;
  }

  /**
   * Returns a copy of the value stored under {@code key}, or {@code null} if there is none. Counts a hit or a
   * miss in {@link #stats()}.
   *
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  byte @Nullable [] get(String key);

  /**
   * Returns a copy of the value stored under {@code key} as a read-only buffer (position 0, limit the value's
   * length), or {@code null} if there is none; as {@link #get}, which it counts as (a hit or a miss in
   * {@link #stats()}). The buffer is the caller's: nothing written to the store afterwards changes it. To write a
   * value into a buffer of your own without an array in between, use {@link #getStored}.
   *
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  default @Nullable ByteBuffer getBuffer(String key) {
    byte[] value = get(key);
    return value == null ? null : ByteBuffer.wrap(value).asReadOnlyBuffer();
  }

  /**
   * Returns the value under {@code key} without copying it yet, or {@code null} if there is none; counts a hit or a
   * miss in {@link #stats()}, as {@link #get} does. For code that writes values straight into buffers of its own,
   * such as a server writing its replies: the value's length is known at once, and {@link StoredValue#copyTo}
   * copies its bytes once, into the caller's buffer. A store that holds its values elsewhere (over the network)
   * returns one it has already copied.
   *
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  default @Nullable StoredValue getStored(String key) {
    byte[] value = get(key);
    return value == null ? null : new StoredValue() {
      @Override
      public int length() {
        return value.length;
      }

      @Override
      public void copyTo(ByteBuffer target, int index, int from, int length) {
        target.put(index, value, from, length);
      }
    };
  }

  /**
   * A value read by {@link #getStored} and not copied yet. Its length is fixed; the bytes one call of
   * {@link #copyTo} copies are those of one write of the key, the one read or a later one of the same length (the
   * in-process store overwrites a value shorter than {@link #IMMUTABLE_LENGTH} in place when the new one is as
   * long), never a mix of two writes. A value at least {@link #IMMUTABLE_LENGTH} long never changes: parts of it
   * copied at different times are all of the write read. Copy it soon after reading it, as a reply to the read: it
   * keeps the stored bytes reachable until it is dropped. Thread-safe.
   */
  interface StoredValue {
    /**
     * The least length of a value that is never overwritten in place (1 MiB): a write of the key replaces it, so a
     * reader may copy it in parts, over time, as a server sends a large reply in slices while its client reads,
     * with no copy of the whole value first. In-place overwrites save a cache's churn of small values its garbage;
     * for a value of a mebibyte the write's own copy of the bytes costs far more than the array it allocates, and
     * with the launcher's 2 MiB G1 regions such an array is a humongous object, which a young collection reclaims
     * once it is dead.
     */
    int IMMUTABLE_LENGTH = 1 << 20;

    /** The value's length in bytes. */
    int length();

    /**
     * Copies the value's {@link #length()} bytes into {@code target} from {@code index} (an absolute position: the
     * buffer's position and limit are left alone).
     *
     * @throws IndexOutOfBoundsException if {@code target} has no room for them from {@code index}
     * @throws java.nio.ReadOnlyBufferException if {@code target} is read-only
     */
    default void copyTo(ByteBuffer target, int index) {
      copyTo(target, index, 0, length());
    }

    /**
     * Copies {@code length} bytes of the value, from its byte {@code from}, into {@code target} from {@code index}
     * (an absolute position: the buffer's position and limit are left alone).
     *
     * @throws IndexOutOfBoundsException if the value has no {@code length} bytes from {@code from}, or
     *     {@code target} no room for them from {@code index}
     * @throws java.nio.ReadOnlyBufferException if {@code target} is read-only
     */
    void copyTo(ByteBuffer target, int index, int from, int length);
  }

  /**
   * Returns the value under {@code key} decoded as UTF-8 (malformed bytes become U+FFFD), or {@code null}.
   *
   * @throws IllegalArgumentException if the key is not {@linkplain #isValidKey valid}
   */
  default @Nullable String getString(String key) {
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

  /**
   * Returns a snapshot of the hit, miss, eviction and expiration counters since the store was created, and of the
   * number of entries with a time to live.
   */
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
    private long heapCapacity = -1;
    private int bytesPerEntry;
    private int heapRegionBytes;
    private boolean noEviction;
    /** The real clock. Here, not in the store's class, so that a builder can be made without Caffeine. */
    static final LongSupplier SYSTEM_TICKER = System::nanoTime;

    private LongSupplier ticker = SYSTEM_TICKER;

    Builder() {}

    /**
     * Replaces the clock that times expiry, a source of nanoseconds as {@link System#nanoTime()} is; for tests,
     * which advance a fake one instead of sleeping. A JDK type, so that the API needs nothing of Caffeine.
     */
    Builder ticker(LongSupplier nanoTime) {
      this.ticker = Objects.requireNonNull(nanoTime, "ticker");
      return this;
    }

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
     * and value bytes only, while the JVM spends about 115 more bytes on each entry (Java 17), so a store of many
     * tiny entries can use far more heap than its limit (a million 12-byte entries: 12 MB counted, 128 MB of heap).
     * {@link #heapCapacity} bounds that cost itself; this caps a count, whatever the entries' sizes (the server's
     * {@code --max-entries}). When a write takes the store past the bound, the coldest entries are evicted (and
     * counted as evictions) before it returns; the bound may be passed by a few entries while writes are in flight.
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

    /**
     * Also bounds what the entries cost the heap: key and value bytes, plus {@code bytesPerEntry} for each entry
     * (and about 80 more for each entry with a time to live), stay within {@code bytes}; default: no such bound.
     * Where {@link #maximumEntries} caps a count whatever the entries' sizes, this bounds their real cost: many
     * tiny entries are held until they would fill {@code bytes} of heap, large ones until they fill the memory
     * limit, and a larger capacity never holds fewer entries. Give it the share of the heap the store may fill and
     * the JVM's cost of an entry beyond its key and value: about 120 bytes on Java 17 (114 measured for an 11-byte
     * key and a 100-byte value, up to 6 more for other lengths' padding), about 108 on Java 25 with
     * {@code -XX:+UseCompactObjectHeaders}. Entries over the bound are evicted coldest first (and counted as
     * evictions) before a write returns; the bound may be passed by a few entries while writes are in flight.
     *
     * @throws IllegalArgumentException if {@code bytes} or {@code bytesPerEntry} is not positive
     * @throws IllegalStateException if the capacity was already set
     */
    public Builder heapCapacity(long bytes, int bytesPerEntry) {
      if (heapCapacity != -1) {
        throw new IllegalStateException("heapCapacity was already set to " + heapCapacity);
      }
      if (bytes <= 0 || bytesPerEntry <= 0) {
        throw new IllegalArgumentException("heapCapacity and bytesPerEntry must be positive, but were " + bytes
            + " and " + bytesPerEntry);
      }
      heapCapacity = bytes;
      this.bytesPerEntry = bytesPerEntry;
      return this;
    }

    /**
     * The heap region size of the JVM's collector when it stores objects in regions (G1's {@code G1HeapRegionSize});
     * default: none. Such a collector keeps an array of half a region or more in whole regions of its own and packs
     * smaller ones a whole number to a region, so values of some sizes fill up to twice their bytes of heap (a
     * 1.1 MiB value takes a 2 MiB region; 512 KiB ones pack three to a region). With it, a string value of at least
     * an eighth of a region counts what it wastes against the memory limit, so such values are evicted before they
     * fill more heap than the limit; {@link BlinkStore#usage()} still counts key and value bytes only, and is then
     * below the limit when the store is full of them. The elements of hashes, lists, sets and sorted sets of that
     * size count their waste in what {@link #heapCapacity} bounds instead (set for the whole JVM: the collector's
     * regions are the JVM's).
     *
     * @throws IllegalArgumentException if {@code bytes} is not a power of two of at least 1 MiB
     */
    public Builder heapRegionBytes(int bytes) {
      if (bytes < (1 << 20) || Integer.bitCount(bytes) != 1) {
        throw new IllegalArgumentException(
            "heapRegionBytes must be a power of two of at least 1 MiB, but was " + bytes);
      }
      heapRegionBytes = bytes;
      return this;
    }

    /**
     * Makes the store refuse a write that does not fit instead of evicting (Redis's {@code noeviction}): nothing is
     * ever evicted (expiry still removes), {@link BlinkStore#usage()} never passes the memory limit, and a write
     * that would pass it (or {@link #maximumEntries}, {@link #heapCapacity}) throws {@link StoreFullException} and
     * changes nothing, also with concurrent writers. Default: evict the coldest. @throws IllegalStateException if
     * already set
     */
    public Builder noEviction() {
      if (noEviction) {
        throw new IllegalStateException("noEviction was already set");
      }
      noEviction = true;
      return this;
    }

    /**
     * Returns a new, empty store.
     *
     * @throws IllegalStateException if Caffeine (which blink-client leaves out) is not on the class path
     */
    public BlinkStore build() {
      try {
        if (heapRegionBytes > 0) {
          HeapRegions.use(heapRegionBytes);
        }
        IsolatedStore store = new IsolatedStore(new CaffeineBlinkStore(
            memoryLimit == -1 ? DEFAULT_MEMORY_LIMIT : memoryLimit,
            maximumEntries == -1 ? Long.MAX_VALUE : maximumEntries,
            heapCapacity == -1 ? Long.MAX_VALUE : heapCapacity,
            heapCapacity == -1 ? 1 : bytesPerEntry,
            heapRegionBytes,
            ticker));
        store.memoryLimitControl().evictWhenFull(!noEviction);
        return store;
      } catch (NoClassDefFoundError e) {
        throw StoreArguments.caffeineMissing(e);
      }
    }
  }
}
