package io.blinkstore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.blinkstore.internal.Decimal;
import io.blinkstore.internal.SingleFlight;
import java.lang.ref.WeakReference;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The in-process {@link BlinkStore}: a Caffeine cache bounded by {@code maximumWeight(limit)}, weighed by key
 * UTF-8 bytes plus value bytes, with exact byte accounting of its own.
 *
 * <p><b>Layout</b>: one {@link Key} object per entry is both the map's key and its value, and holds the entry's
 * key and value bytes packed in one array (or an {@link Expiring} holder of one). An overwrite with a value of the
 * same length (a cache's usual churn: the same key, a fresh value of the same shape; a counter keeping its digit
 * count) writes into that array in place ({@link Overwrite}, {@link ValueLocks}), so it allocates nothing that
 * lives and leaves no old-generation garbage; any other overwrite swaps in a new array, and the key object
 * survives either way. Per entry the JVM then holds Caffeine's node, the map's node and table slot, the key object and
 * the array: 224 bytes of heap for a 10-byte key and a 100-byte value on Java 17, 216 with compact object headers
 * on Java 25 (was 257 with a {@code String} key and a separate value array; docs/BENCHMARKS.md).
 *
 * <p>Why our own accounting: Caffeine adds an entry to its map first and evicts later, in its maintenance
 * cycle, so its weighted size can run well past the maximum while writers race ahead of eviction. Here every
 * byte is counted in {@link #used} at the moment it enters or leaves the map, and the limit is kept like this:
 *
 * <ul>
 *   <li><b>Fast path</b> (room available): a writer reserves its entry's bytes with a CAS that never lets
 *       {@code used} pass the limit, then puts. No lock.
 *   <li><b>Slow path</b> (no room): the writer takes {@link #overLimitLock}, removes expired entries, puts (so
 *       Caffeine's W-TinyLFU policy decides what goes, possibly the new entry itself), and runs Caffeine's
 *       maintenance on its own thread until {@code used} is back within the limit. Only here can {@code used}
 *       pass the limit, and only while the lock is held; fast-path reservations fail meanwhile, so concurrent
 *       writers queue behind it.
 *   <li>{@link #usage()} reads {@code used} without locking when it is within the limit, and otherwise waits for
 *       the slow path to finish, so no caller ever observes a value over the limit.
 * </ul>
 *
 * <p>Every stored array is counted in exactly once and out exactly once: by the writer that replaced it, by
 * {@link #delete}, by {@link #trimEntries}, by whoever removes it once expired, or by Caffeine's eviction
 * listener, which runs atomically with the eviction.
 *
 * <p>An optional entry bound guards the heap against many tiny entries, which the byte limit alone does not
 * (each entry costs the JVM about 114 bytes beyond its key and value on Java 17: docs/BENCHMARKS.md). Caffeine cannot bound weight and count at
 * once, so a writer that finds the count over the bound removes the coldest entries, in Caffeine's own eviction
 * order, until it is back under. It is a soft bound: concurrent writers may pass it by a few entries for a moment.
 *
 * <p><b>Expiry</b> is our own, so that entries without a time to live pay nothing for it: Caffeine's variable
 * expiry would read the clock and reorder its timer wheel on every read of every entry. The map holds a plain
 * {@code byte[]} for an entry that never expires and an {@link Expiring} holder for one that does. A read of a
 * holder whose deadline has passed answers "absent" at once and removes it (by identity, so never a value
 * written meanwhile). Every holder is also in {@link #expiring}, ordered by deadline, which {@link #sweep}
 * walks from the front: on {@link #usage()}, {@link #size()}, {@link #stats()}, on the slow write path, before
 * trimming to the entry bound, and, while the store holds entries with a time to live, every
 * {@link #SWEEP_INTERVAL} in the background. A holder leaves the index when its entry is replaced, removed or
 * evicted, so the index never outgrows the live entries with a time to live. Updates that keep the time to live
 * (counters) make a new holder with the old one's deadline and sequence number, which is its identity in the
 * index, so the index is left alone.
 *
 * <p>Counters update in {@code compute}, reserving the most an entry can grow by first (key bytes plus the 20
 * digits of the longest {@code long}) and giving back the rest, so they keep the same limit promise as sets.
 * {@link #getOrLoad} runs the loader outside any Caffeine lock, through {@link SingleFlight}.
 */
final class CaffeineBlinkStore implements BlinkStore {
  /** The largest entry an array can hold, with its length header and the JVM's margin. */
  private static final int MAX_ENTRY_BYTES = Integer.MAX_VALUE - 16;

  /** Copies a stored value out: what {@link #get} returns. */
  private static final ValueLocks.Copier<byte[]> COPY =
      (packed, offset, length) -> Arrays.copyOfRange(packed, offset, offset + length);

  /** Decodes a stored value: what {@link #getString} returns. */
  private static final ValueLocks.Copier<String> DECODE =
      (packed, offset, length) -> new String(packed, offset, length, StandardCharsets.UTF_8);

  /** How often an idle store holding entries with a time to live removes the expired ones. */
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

  /**
   * Runs an idle store's background sweep. The JDK's shared timer thread (behind Caffeine's system scheduler)
   * only hands the work to the common pool: a sweep must not hold up other users of that thread.
   */
  private static final Scheduler BACKGROUND = Scheduler.systemScheduler();

  private final long limit;
  private final long maxEntries;
  private final LongSupplier ticker;
  /** The ticker's reading at creation: deadlines count from it, so they never overflow for 292 years. */
  private final long epoch;
  private final AtomicLong used = new AtomicLong();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder evicted = new LongAdder();
  private final LongAdder expired = new LongAdder();
  private final ReentrantLock overLimitLock = new ReentrantLock();
  private final Cache<Key, Key> cache;
  private final ConcurrentMap<Key, Key> map;
  private final Policy<Key, Key> policy;
  private final Policy.Eviction<Key, Key> eviction;
  private final PinBudget pins;
  /** The holders in the map, soonest deadline first. */
  private final ConcurrentSkipListSet<Expiring> expiring = new ConcurrentSkipListSet<>();
  /** The size of {@link #expiring}, kept beside it: the skip list counts by walking. */
  private final AtomicLong indexed = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  /** Whether a background sweep is scheduled; only with the system ticker (tests drive a fake one by hand). */
  private final AtomicBoolean sweepScheduled;
  private final SingleFlight loads = new SingleFlight();
  private final ValueLocks locks = new ValueLocks();
  private volatile boolean closed;

  CaffeineBlinkStore(long limit, long maxEntries, LongSupplier ticker) {
    this.limit = limit;
    this.maxEntries = maxEntries;
    this.ticker = ticker;
    this.epoch = ticker.getAsLong();
    this.sweepScheduled = new AtomicBoolean(ticker != BlinkStore.Builder.SYSTEM_TICKER);
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(limit)
            .weigher((Key key, Key value) -> weight(value.ref))
            .evictionListener(this::onEviction)
            // Maintenance (and so eviction) runs on the writing thread: no hand-off, no surprise threads.
            .executor(Runnable::run)
            .build();
    this.map = cache.asMap();
    this.policy = cache.policy();
    this.eviction = policy.eviction().orElseThrow();
    this.pins = new PinBudget(limit, maxEntries, eviction);
  }

  /**
   * What Caffeine weighs an entry: its key and value bytes, or 0 for a pinned lock, which keeps it out of size
   * eviction ({@link PinBudget}); the store's own count ({@link #used}) counts every entry's bytes.
   */
  private static int weight(Object stored) {
    return stored instanceof Expiring holder && holder.pinned ? 0 : Key.weight(Key.packed(stored));
  }

  /** Runs atomically with Caffeine's removal of an entry for size: its bytes leave the count. */
  private void onEviction(@Nullable Key key, @Nullable Key value, RemovalCause cause) {
    if (value != null) {
      Object stored = value.ref;
      released(stored);
      countEviction(stored);
    }
  }

  /** Counts the removal of an entry to make room: an expiration if it had expired already, else an eviction. */
  private void countEviction(Object removed) {
    if (removed instanceof Expiring holder && !holder.isLive(now())) {
      expired.increment();
    } else {
      evicted.increment();
    }
  }

  @Override
  public void set(String key, byte[] value) {
    Objects.requireNonNull(value, "value");
    ensureOpen();
    write(key, validate(key), value, 0);
  }

  @Override
  public void set(String key, byte[] value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    long ttlNanos = ttlNanos(ttl);
    ensureOpen();
    write(key, validate(key), value, ttlNanos);
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value) {
    Objects.requireNonNull(value, "value");
    ensureOpen();
    int keyBytes = validate(key);
    return putIfAbsent(pack(key, keyBytes, value), false);
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    long ttlNanos = ttlNanos(ttl);
    ensureOpen();
    int keyBytes = validate(key);
    return putIfAbsent(newHolder(pack(key, keyBytes, value), ttlNanos, false), true);
  }

  /**
   * Stores a packed array or a holder unless the key has a live value, deciding in the map's {@code compute}, so
   * that one racer wins. Its bytes are reserved first, as for a set, and given back if nothing is stored; an
   * expired value it replaces leaves the count as an expiration. A lock ({@code pin}) is pinned while the
   * {@link PinBudget} has room, and stored as an ordinary entry otherwise.
   */
  private boolean putIfAbsent(Object stored, boolean pin) {
    long weight = Key.weight(Key.packed(stored)); // checked when packed
    boolean pinned = pin && pins.tryPin(weight);
    Object ref = pinned ? ((Expiring) stored).pinned(true) : stored;
    Key fresh = Key.of(ref);
    boolean[] won = new boolean[1];
    try {
      withRoomFor(weight, () -> {
        Object[] replaced = new Object[1];
        try {
          map.compute(fresh, (k, old) -> {
            if (old != null && liveValue(old.ref) != null) {
              return old;
            }
            won[0] = true;
            if (old == null) {
              return k;
            }
            replaced[0] = old.ref;
            old.ref = ref;
            return old;
          });
        } finally {
          if (!won[0]) {
            used.addAndGet(-weight);
          }
        }
        if (won[0]) {
          if (ref instanceof Expiring holder) {
            track(holder);
          }
          if (replaced[0] != null) {
            released(replaced[0]);
            expired.increment();
          }
        }
      });
    } finally {
      if (pinned && !won[0]) {
        pins.unpin(weight);
      }
    }
    return won[0];
  }

  /**
   * Stores {@code value} under a valid key of {@code keyBytes} UTF-8 bytes, for {@code ttlNanos} (0: for ever),
   * checking its size first: a value too large for the store is never copied.
   *
   * @throws EntryTooLargeException if key and value bytes exceed the limit
   */
  private void write(String key, int keyBytes, byte[] value, long ttlNanos) {
    long weight = checkedWeight(keyBytes, value.length);
    withRoomFor(weight, new Overwrite(key, keyBytes, value, ttlNanos, weight));
  }

  /**
   * One write of a value, run with its bytes reserved: the map's {@code compute} decides under the key's lock, then
   * the books are settled. A stored value of the same length is overwritten in place, in the packed array the entry
   * already has ({@link ValueLocks}): no array is allocated, and none is left behind as garbage, which under a
   * cache's churn of overwrites would be old-generation garbage. Otherwise the value is packed into a new array. The
   * key object stays either way; a time to live gets a new holder around the array.
   */
  private final class Overwrite implements BiFunction<Key, Key, Key>, Runnable {
    private final String key;
    private final int keyBytes;
    private final byte[] value;
    private final long ttlNanos;
    private final long weight;
    private @Nullable Object replaced;
    private @Nullable Object stored;

    Overwrite(String key, int keyBytes, byte[] value, long ttlNanos, long weight) {
      this.key = key;
      this.keyBytes = keyBytes;
      this.value = value;
      this.ttlNanos = ttlNanos;
      this.weight = weight;
    }

    @Override
    public void run() {
      try {
        map.compute(Key.lookup(key), this);
      } finally {
        if (stored == null) {
          used.addAndGet(-weight); // the compute failed: nothing was stored or replaced
        }
      }
      if (replaced != null) {
        released(replaced);
        countIfExpired(replaced);
      }
      if (stored instanceof Expiring holder) {
        track(holder);
      }
    }

    @Override
    public Key apply(Key lookup, Key entry) {
      replaced = entry == null ? null : entry.ref;
      byte[] packed = replaced == null ? null : Key.packed(replaced);
      if (packed != null && Key.valueLength(packed) == value.length) {
        locks.overwrite(key, packed, value);
      } else {
        packed = Key.pack(key, keyBytes, value);
      }
      stored = ttlNanos == 0 ? packed : newHolder(packed, ttlNanos, false);
      // An absent key: the lookup key becomes the stored one (same key bytes, same hash).
      Key result = entry == null ? lookup : entry;
      result.ref = stored;
      return result;
    }
  }

  /**
   * Packs a valid key and a copy of a value into one array, checking their size first (a value too large for the
   * store is never copied).
   *
   * @throws EntryTooLargeException if key and value bytes exceed the limit
   */
  private byte[] pack(String key, int keyBytes, byte[] value) {
    checkedWeight(keyBytes, value.length);
    return Key.pack(key, keyBytes, value);
  }

  /** The bytes an entry counts. @throws EntryTooLargeException if they exceed the limit */
  private long checkedWeight(int keyBytes, int valueBytes) {
    long weight = (long) keyBytes + valueBytes;
    if (weight > limit || weight > MAX_ENTRY_BYTES) {
      throw new EntryTooLargeException(weight, limit);
    }
    return weight;
  }

  /**
   * Runs {@code write} with {@code bytes} reserved in {@link #used}, then trims to the entry bound. The write
   * must give back whatever it replaced and whatever of the reservation it did not use, also when it throws.
   */
  private void withRoomFor(long bytes, Runnable write) {
    if (tryReserve(bytes)) {
      write.run();
    } else {
      writeOverLimit(bytes, write);
    }
    trimIfOverBound();
  }

  private void trimIfOverBound() {
    if (maxEntries != Long.MAX_VALUE && map.size() > maxEntries) {
      trimEntries();
    }
  }

  /**
   * Removes expired entries, then the coldest ones that are not pinned, until the entry count is within its
   * bound.
   */
  private void trimEntries() {
    overLimitLock.lock();
    try {
      sweep();
      long excess;
      while ((excess = map.size() - maxEntries) > 0) {
        long limitTo = excess;
        List<Key> coldest = eviction.coldest(entries -> entries
            .map(Map.Entry::getValue)
            .filter(stored -> !(stored.ref instanceof Expiring holder && holder.pinned))
            .limit(limitTo)
            .collect(Collectors.toList()));
        if (coldest.isEmpty()) {
          return;
        }
        for (Key stored : coldest) {
          Object removed = removeIf(stored, ref -> !(ref instanceof Expiring holder && holder.pinned));
          if (removed != null) {
            released(removed);
            countEviction(removed);
          }
        }
      }
    } finally {
      overLimitLock.unlock();
    }
  }

  /**
   * Removes the entry of {@code key} if its ref passes {@code test}, deciding under the key's lock (a write may
   * have swapped the ref since it was read).
   *
   * @return the ref removed, or {@code null}
   */
  private Object removeIf(Key key, java.util.function.Predicate<Object> test) {
    Object[] removed = new Object[1];
    map.computeIfPresent(key, (k, stored) -> {
      Object ref = stored.ref;
      if (test.test(ref)) {
        removed[0] = ref;
        return null;
      }
      return stored;
    });
    return removed[0];
  }

  private void writeOverLimit(long bytes, Runnable write) {
    overLimitLock.lock();
    try {
      sweep();
      used.addAndGet(bytes);
      write.run();
      while (used.get() > limit) {
        cache.cleanUp();
        if (used.get() > limit) {
          // A fast-path writer reserved bytes whose put Caffeine has not seen yet; let it finish.
          Thread.yield();
        }
      }
    } finally {
      overLimitLock.unlock();
    }
  }

  private boolean tryReserve(long weight) {
    for (;;) {
      long current = used.get();
      if (current + weight > limit) {
        return false;
      }
      if (used.compareAndSet(current, current + weight)) {
        return true;
      }
    }
  }

  /**
   * Gives back the bytes of a ref that has left the map, drops it from the expiry index, and gives back its share
   * of the pin budget if it was pinned.
   */
  private void released(Object removed) {
    long weight = Key.weight(Key.packed(removed));
    used.addAndGet(-weight);
    if (removed instanceof Expiring holder) {
      unindex(holder);
      if (holder.pinned) {
        pins.unpin(weight);
      }
    }
  }

  /**
   * Counts an expiration if a value that has just left the map had expired: it was gone already.
   *
   * @return whether the value was live
   */
  private boolean countIfExpired(Object removed) {
    if (removed instanceof Expiring holder && !holder.isLive(now())) {
      expired.increment();
      return false;
    }
    return true;
  }

  @Override
  public byte @Nullable [] get(String key) {
    byte[] packed = read(key);
    return packed == null ? null : locks.read(key, packed, COPY);
  }

  /** Decodes the stored bytes themselves: no copy to throw away. */
  @Override
  public @Nullable String getString(String key) {
    byte[] packed = read(key);
    return packed == null ? null : locks.read(key, packed, DECODE);
  }

  /** The stored array and its stripe's lock: {@link StoredBytes#copyTo} copies from the array itself. */
  @Override
  public @Nullable StoredValue getStored(String key) {
    byte[] packed = read(key);
    return packed == null ? null : new StoredBytes(locks.of(key), packed);
  }

  /**
   * Returns the packed array of a live entry, never to be handed out, counting a hit or a miss; its value bytes
   * are read through {@link #locks}, since a write may be overwriting them.
   * Validates the key only on a miss: only valid keys are ever stored, so a hit proves the key valid, and an
   * invalid key still throws before anything is counted.
   */
  private byte @Nullable [] read(String key) {
    ensureOpen();
    byte[] packed = live(map.get(Key.lookup(Objects.requireNonNull(key, "key"))));
    if (packed == null) {
      validate(key);
      misses.increment();
      return null;
    }
    hits.increment();
    return packed;
  }

  /**
   * Returns the packed array of the entry the map holds, or {@code null} if that is nothing or an expired
   * holder, which is then removed.
   */
  private byte @Nullable [] live(@Nullable Key stored) {
    if (stored == null) {
      return null;
    }
    Object ref = stored.ref;
    if (ref instanceof byte[] packed) {
      return packed;
    }
    Expiring holder = (Expiring) ref;
    if (holder.isLive(now())) {
      return holder.packed;
    }
    removeExpired(holder);
    return null;
  }

  /** Removes an expired holder if the map still holds it (or its counter update), counting one expiration. */
  private void removeExpired(Expiring holder) {
    Object removed = removeIf(Key.of(holder.packed), ref -> ref instanceof Expiring stored && stored.seq == holder.seq);
    if (removed != null) {
      released(removed);
      expired.increment();
    } else {
      unindex(holder);
    }
  }

  @Override
  public boolean delete(String key) {
    ensureOpen();
    validate(key);
    Key removed = map.remove(Key.lookup(key));
    if (removed == null) {
      return false;
    }
    // Read after the removal: no write can swap the ref of a key object the map no longer holds.
    Object ref = removed.ref;
    released(ref);
    return countIfExpired(ref);
  }

  @Override
  public boolean expire(String key, Duration ttl) {
    long nanos = ttlNanos(ttl);
    ensureOpen();
    validate(key);
    Expiring[] created = new Expiring[1];
    // A pinned lock given a new time to live (a lock extended) stays pinned: its bytes are already in the share.
    Replaced replaced = replaceLive(key, (ref, packed) ->
        created[0] = newHolder(packed, nanos, ref instanceof Expiring holder && holder.pinned));
    afterCompute(replaced.ref, replaced.wasLive, created[0]);
    return created[0] != null;
  }

  @Override
  public boolean persist(String key) {
    ensureOpen();
    validate(key);
    Replaced replaced = replaceLive(key, (ref, packed) -> packed);
    afterCompute(replaced.ref, replaced.wasLive, null);
    return replaced.wasLive && replaced.ref instanceof Expiring;
  }

  /** What {@link #replaceLive} found: the ref it replaced or removed (null if absent), and whether it was live. */
  private record Replaced(@Nullable Object ref, boolean wasLive) {}

  /**
   * Gives a present key's entry the ref {@code next} makes of its ref and packed array, if it is live; removes it
   * if it has expired. Decided under the key's lock; the caller settles the books ({@link #afterCompute}).
   */
  private Replaced replaceLive(String key, BiFunction<Object, byte[], Object> next) {
    Object[] replaced = new Object[1];
    boolean[] wasLive = new boolean[1];
    map.computeIfPresent(Key.lookup(key), (k, stored) -> {
      Object ref = stored.ref;
      replaced[0] = ref;
      byte[] packed = liveValue(ref);
      wasLive[0] = packed != null;
      if (packed == null) {
        return null;
      }
      stored.ref = next.apply(ref, packed);
      return stored;
    });
    return new Replaced(replaced[0], wasLive[0]);
  }

  /** The packed array of a stored ref if it is live, otherwise {@code null}. Reads nothing but the clock. */
  private byte @Nullable [] liveValue(@Nullable Object stored) {
    if (stored instanceof Expiring holder) {
      return holder.isLive(now()) ? holder.packed : null;
    }
    return (byte[]) stored;
  }

  /**
   * Settles the books after a {@code compute} that replaced {@code replaced} (if not null) by a live value or by
   * nothing, creating the holder {@code created} (if not null): an expired value found there leaves the count,
   * and the index follows the map; a pinned lock that lost its pin gives its share back. {@code wasLive} is what
   * the compute saw: the clock read again here may have passed a deadline the compute found unexpired, whose
   * bytes it stored again.
   */
  private void afterCompute(@Nullable Object replaced, boolean wasLive, @Nullable Expiring created) {
    if (created != null) {
      track(created);
    }
    if (replaced == null) {
      return;
    }
    if (!wasLive) {
      released(replaced);
      expired.increment();
    } else if (replaced instanceof Expiring holder) {
      unindex(holder);
      if (holder.pinned && (created == null || !created.pinned)) {
        pins.unpin(Key.weight(holder.packed));
      }
    }
  }

  @Override
  public @Nullable Duration ttl(String key) {
    ensureOpen();
    validate(key);
    Key stored = policy.getIfPresentQuietly(Key.lookup(key));
    if (stored == null) {
      return null;
    }
    Object ref = stored.ref;
    if (ref instanceof Expiring holder) {
      long nanos = holder.deadline - now();
      if (nanos > 0) {
        return Duration.ofNanos(nanos);
      }
      removeExpired(holder);
      return null;
    }
    return BlinkStore.NO_EXPIRY;
  }

  @Override
  public long incrementBy(String key, long delta) {
    ensureOpen();
    int keyBytes = validate(key);
    long reserved = (long) keyBytes + Decimal.MAX_LENGTH;
    if (reserved > limit) {
      throw new EntryTooLargeException(reserved, limit);
    }
    long[] result = new long[1];
    withRoomFor(reserved, () -> {
      long[] grown = new long[1];
      Object[] replaced = new Object[1];
      boolean[] wasLive = new boolean[1];
      try {
        map.compute(Key.lookup(key), (k, stored) -> {
          Object old = stored == null ? null : stored.ref;
          byte[] oldPacked = liveValue(old);
          long current = oldPacked == null ? 0 : parseCounter(key, oldPacked);
          result[0] = Math.addExact(current, delta);
          byte[] digits = Decimal.format(result[0]);
          byte[] updated;
          if (oldPacked != null && Key.valueLength(oldPacked) == digits.length) {
            locks.overwrite(key, oldPacked, digits); // as many digits as before: in place, no garbage
            updated = oldPacked;
          } else {
            updated = oldPacked != null ? Key.repack(oldPacked, digits) : Key.pack(key, keyBytes, digits);
          }
          grown[0] = Key.weight(updated) - (old == null ? 0 : Key.weight(Key.packed(old)));
          replaced[0] = old;
          wasLive[0] = oldPacked != null;
          // A live holder stays, or its successor keeps its deadline and its place in the index.
          Object next = old instanceof Expiring holder && oldPacked != null
              ? (updated == oldPacked && !holder.pinned ? holder : holder.withValue(updated))
              : updated;
          if (stored == null) {
            k.ref = next; // the lookup key becomes the stored one: same key bytes, same hash
            return k;
          }
          stored.ref = next;
          return stored;
        });
      } finally {
        used.addAndGet(grown[0] - reserved);
      }
      if (replaced[0] instanceof Expiring holder) {
        // Its bytes left the count in grown; an expired one leaves the index, a pinned one its share.
        if (!wasLive[0]) {
          unindex(holder);
          expired.increment();
        }
        if (holder.pinned) {
          pins.unpin(Key.weight(holder.packed));
        }
      }
    });
    return result[0];
  }

  private static long parseCounter(String key, byte[] packed) {
    try {
      return Decimal.parse(packed, Key.valueOffset(packed));
    } catch (NumberFormatException e) {
      throw new NotAnIntegerException(key);
    }
  }

  @Override
  public byte @Nullable [] getOrLoad(String key, Loader loader) {
    return load(key, 0, loader);
  }

  @Override
  public byte @Nullable [] getOrLoad(String key, Duration ttl, Loader loader) {
    return load(key, ttlNanos(ttl), loader);
  }

  /** Gets or loads; {@code ttlNanos} 0 stores the loaded value without a time to live. */
  private byte @Nullable [] load(String key, long ttlNanos, Loader loader) {
    Objects.requireNonNull(loader, "loader");
    byte[] value = get(key);
    if (value != null) {
      return value;
    }
    byte[] loaded = loads.run(key, k -> {
      // A load that finished between our miss and our turn has filled the key already.
      byte[] present = live(map.get(Key.lookup(k)));
      return present != null ? locks.read(k, present, COPY) : loadAndStore(k, ttlNanos, loader);
    });
    return loaded == null ? null : loaded.clone();
  }

  private byte @Nullable [] loadAndStore(String key, long ttlNanos, Loader loader) {
    byte[] value;
    try {
      value = loader.load(key);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new BlinkException("the loader of key " + key + " failed: " + e, e);
    }
    if (value != null) {
      ensureOpen();
      write(key, validate(key), value, ttlNanos);
    }
    return value;
  }

  /** Creates a holder expiring {@code ttlNanos} from now; it must then be stored and {@link #track}ed. */
  private Expiring newHolder(byte[] packed, long ttlNanos, boolean pinned) {
    return new Expiring(packed, now() + ttlNanos, sequence.getAndIncrement(), pinned);
  }

  /**
   * Indexes a holder just stored, and unindexes it again if the map no longer holds it (a racing write replaced
   * it before it was indexed, so that write could not unindex it). Either way it ends indexed only if stored.
   */
  private void track(Expiring holder) {
    if (expiring.add(holder)) {
      indexed.incrementAndGet();
    }
    Key stored = policy.getIfPresentQuietly(Key.of(holder.packed));
    if (!(stored != null && stored.ref instanceof Expiring current && current.seq == holder.seq)) {
      unindex(holder);
    }
    scheduleSweep();
  }

  /**
   * Removes every entry whose deadline has passed, soonest first, stopping at the first that has not. Safe to run
   * concurrently with itself and with writes: removal is by identity.
   */
  private void sweep() {
    if (expiring.isEmpty()) {
      return;
    }
    long now = now();
    for (Expiring due : expiring) {
      if (due.isLive(now)) {
        return;
      }
      removeExpired(due);
    }
  }

  /** Takes a holder out of the expiry index, if it is there. */
  private void unindex(Expiring holder) {
    if (expiring.remove(holder)) {
      indexed.decrementAndGet();
    }
  }

  private void scheduleSweep() {
    if (!sweepScheduled.get() && sweepScheduled.compareAndSet(false, true)) {
      // Nothing to cancel: the sweep schedules its next run itself, and stops when the store is gone or closed.
      var unused = BACKGROUND.schedule(ForkJoinPool.commonPool(), new BackgroundSweep(this),
          SWEEP_INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * The background sweep of one store, repeated while it holds entries with a time to live. It holds the store
   * weakly: a store dropped without {@link #close()} stays collectable.
   */
  private static final class BackgroundSweep implements Runnable {
    private final WeakReference<CaffeineBlinkStore> store;

    BackgroundSweep(CaffeineBlinkStore store) {
      this.store = new WeakReference<>(store);
    }

    @Override
    public void run() {
      CaffeineBlinkStore target = store.get();
      if (target == null || target.closed) {
        return;
      }
      target.sweep();
      target.sweepScheduled.set(false);
      // A holder indexed after the sweep but before the flag fell found it still set: look again.
      if (!target.expiring.isEmpty()) {
        target.scheduleSweep();
      }
    }
  }

  private long now() {
    return ticker.getAsLong() - epoch;
  }

  @Override
  public long usage() {
    ensureOpen();
    sweep();
    cache.cleanUp();
    long current = used.get();
    if (current <= limit) {
      return current;
    }
    overLimitLock.lock();
    try {
      return used.get();
    } finally {
      overLimitLock.unlock();
    }
  }

  @Override
  public long memoryLimit() {
    ensureOpen();
    return limit;
  }

  @Override
  public long size() {
    ensureOpen();
    sweep();
    cache.cleanUp();
    return map.size();
  }

  @Override
  public BlinkStats stats() {
    ensureOpen();
    sweep();
    return new BlinkStats(hits.sum(), misses.sum(), evicted.sum(), expired.sum(), indexed.get());
  }

  @Override
  public void clear() {
    ensureOpen();
    removeAll();
  }

  private void removeAll() {
    for (Key key : map.keySet()) {
      Key removed = map.remove(key);
      if (removed != null) {
        Object ref = removed.ref;
        released(ref);
        countIfExpired(ref);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    removeAll();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the store is closed");
    }
  }

  /**
   * Validates a time to live and returns it in nanoseconds.
   *
   * @throws IllegalArgumentException if it is not positive or is longer than {@link BlinkStore#MAX_TTL}
   */
  private static long ttlNanos(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(BlinkStore.MAX_TTL) > 0) {
      throw new IllegalArgumentException(
          "ttl must be positive and at most " + BlinkStore.MAX_TTL + ", but was " + ttl);
    }
    return ttl.toNanos();
  }

  private static int validate(String key) {
    int keyBytes = Utf8.keyBytes(Objects.requireNonNull(key, "key"));
    if (keyBytes < 0) {
      throw new IllegalArgumentException(
          "invalid key (must be non-empty, without whitespace or unpaired surrogates): " + quote(key));
    }
    return keyBytes;
  }

  private static String quote(String key) {
    String shown = key.length() > 64 ? key.substring(0, 64) + "..." : key;
    return '"' + shown.replace("\n", "\\n").replace("\r", "\\r") + '"';
  }

  /** The bytes of the pinned locks; tests check that pins follow the map. */
  long pinnedBytes() {
    return pins.bytes();
  }

  /** The number of holders in the expiry index; tests check that it follows the map. */
  int indexedHolders() {
    return expiring.size();
  }

  @Override
  public String toString() {
    return "BlinkStore{usage=" + used.get() + ", limit=" + limit + ", size=" + map.size()
        + (maxEntries == Long.MAX_VALUE ? "" : ", maxEntries=" + maxEntries) + '}';
  }
}
