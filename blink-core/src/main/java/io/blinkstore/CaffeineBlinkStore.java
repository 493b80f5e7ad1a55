package io.blinkstore;

import static io.blinkstore.StoreArguments.ttlNanos;
import static io.blinkstore.StoreArguments.validate;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.blinkstore.internal.Deadlines;
import io.blinkstore.internal.Keyspace;
import io.blinkstore.internal.SingleFlight;
import io.blinkstore.internal.Watches;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The in-process {@link BlinkStore}: a Caffeine cache bounded by {@code maximumWeight(limit)}, weighed by key
 * UTF-8 bytes plus value bytes, with exact byte accounting of its own ({@link ByteBudget}) and expiry of its own
 * ({@link ExpiryIndex}).
 *
 * <p><b>Layout</b>: one {@link Key} object per entry is both the map's key and its value, and holds the entry's
 * key and value bytes packed in one array (or an {@link Expiring} holder of one). An overwrite with a value of the
 * same length (a cache's usual churn: the same key, a fresh value of the same shape; a counter keeping its digit
 * count) writes into that array in place ({@link Overwrite}, {@link CounterUpdate}, {@link ValueLocks}), so it
 * allocates nothing that lives and leaves no old-generation garbage; any other overwrite swaps in a new array, and
 * the key object survives either way. Per entry the JVM then holds Caffeine's node, the map's node and table slot,
 * the key object and the array (docs/BENCHMARKS.md, heap per entry).
 *
 * <p>Optional bounds on what entries cost the heap beside their bytes ({@link EntryBound}: a heap capacity, a count)
 * guard the heap against many tiny entries.
 *
 * <p>A read of a holder whose deadline has passed answers "absent" at once and removes it (by identity, so never
 * a value written meanwhile). {@link #getOrLoad} runs the loader outside any Caffeine lock
 * ({@link LoadThrough}).
 */
final class CaffeineBlinkStore implements BlinkStore, Keyspace.Source, ExpiryIndex.Entries, LoadThrough.Target {
  /** The largest entry an array can hold, with its length header and the JVM's margin. */
  private static final int MAX_ENTRY_BYTES = Integer.MAX_VALUE - 16;

  final ByteBudget budget;
  final ConcurrentMap<Key, Key> map;
  final PinBudget pins;
  final ExpiryIndex expiry;
  final NamespaceCounts counts = new NamespaceCounts();
  final ValueLocks locks = new ValueLocks();
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder evicted = new LongAdder();
  private final LongAdder expired = new LongAdder();
  final Cache<Key, Key> cache;
  final Policy<Key, Key> policy;
  final EntryBound bound;
  final SingleFlight flights = new SingleFlight();
  private final LoadThrough loads = new LoadThrough(this, flights);
  final TtlChange ttlChange = new TtlChange(this);
  final StoreDeadlines deadlines = new StoreDeadlines(this);
  final TypedAccess typed = new TypedAccess(this);
  private final StoreKeyspace keyspace;
  private volatile boolean closed;
  /** Told of each key expired or evicted ({@link Watches#removed}): the gated store's registry, once it is built. */
  volatile @Nullable Watches removals;

  /**
   * @param maxEntries the count bound, {@link Long#MAX_VALUE} for none
   * @param heapCapacity the bound on bytes plus {@code bytesPerEntry} per entry, {@link Long#MAX_VALUE} for none
   */
  CaffeineBlinkStore(long limit, long maxEntries, long heapCapacity, int bytesPerEntry, LongSupplier ticker) {
    this(limit, maxEntries, heapCapacity, bytesPerEntry, 0, ticker);
  }

  /**
   * As above, with {@code regionBytes} the heap region size of a region-based collector (G1's), 0 for none: a
   * string's array that fills its regions badly weighs its waste too ({@link HeapRegions}).
   */
  CaffeineBlinkStore(long limit, long maxEntries, long heapCapacity, int bytesPerEntry, int regionBytes,
      LongSupplier ticker) {
    this.budget = new ByteBudget(limit);
    this.expiry = new ExpiryIndex(this, counts, ticker);
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(limit)
            .weigher((Key key, Key value) -> weight(value.ref, regionBytes))
            .evictionListener(this::onEviction)
            // Maintenance (and so eviction) runs on the writing thread: no hand-off, no surprise threads.
            .executor(Runnable::run)
            .build();
    this.map = cache.asMap();
    this.policy = cache.policy();
    Policy.Eviction<Key, Key> eviction = policy.eviction().orElseThrow();
    this.pins = new PinBudget(limit, EntryBound.entriesAllowed(maxEntries, heapCapacity, bytesPerEntry), eviction);
    this.bound = new EntryBound(this, maxEntries, heapCapacity, bytesPerEntry, eviction, regionBytes != 0);
    this.keyspace = new StoreKeyspace(this, new ScanCursors(ticker));
  }

  /**
   * What Caffeine weighs an entry: its key and value bytes, or 0 for a pinned lock, which keeps it out of size
   * eviction ({@link PinBudget}); the store's own count ({@link ByteBudget}) counts every entry's bytes. A string's
   * array also weighs what it wastes of the collector's regions ({@link HeapRegions#waste}; 0 for most), so that
   * values the collector stores badly are evicted before they fill more heap than the limit.
   */
  private static int weight(Object stored, int regionBytes) {
    if (stored instanceof Expiring holder && holder.pinned) {
      return 0;
    }
    long waste = regionBytes == 0 || Key.typed(stored) != null
        ? 0 : HeapRegions.waste(Key.packed(stored).length, regionBytes);
    return (int) Math.min(Integer.MAX_VALUE, Key.weigh(stored) + waste);
  }

  /** Runs atomically with Caffeine's removal of an entry for size: its bytes leave the count. */
  private void onEviction(@Nullable Key key, @Nullable Key value, RemovalCause cause) {
    if (value != null) {
      Object stored = value.ref;
      counts.keyOut(stored);
      released(stored);
      countEviction(stored);
      removedWithoutWrite(stored);
    }
  }

  /**
   * Tells the listeners of {@link #removals}, if any, that the entry of {@code stored} expired (its deadline had
   * passed) or was evicted.
   */
  void removedWithoutWrite(Object stored) {
    Watches told = removals;
    if (told != null && told.listening()) {
      told.removed(Key.of(stored).text(), stored instanceof Expiring holder && !holder.isLive(now()));
    }
  }

  /** Counts the removal of an entry to make room: an expiration if it had expired already, else an eviction. */
  void countEviction(Object removed) {
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
    write(key, validate(key), value, Deadlines.NEVER);
  }

  @Override
  public void set(String key, byte[] value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    long ttlNanos = ttlNanos(ttl);
    ensureOpen();
    write(key, validate(key), value, now() + ttlNanos);
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value) {
    Objects.requireNonNull(value, "value");
    ensureOpen();
    int keyBytes = validate(key);
    return ConditionalPut.run(this, pack(key, keyBytes, value), false);
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    long ttlNanos = ttlNanos(ttl);
    ensureOpen();
    int keyBytes = validate(key);
    return ConditionalPut.run(this, expiry.newHolder(pack(key, keyBytes, value), ttlNanos, false), true);
  }

  /**
   * Stores {@code value} under a valid key of {@code keyBytes} UTF-8 bytes until {@code deadline}
   * ({@link Deadlines#NEVER}: for ever), checking its size first: a value too large for the store is never copied.
   *
   * @throws EntryTooLargeException if key and value bytes exceed the limit
   */
  void write(String key, int keyBytes, byte[] value, long deadline) {
    long weight = checkedWeight(keyBytes, value.length);
    withRoomFor(weight, new Overwrite(this, key, keyBytes, value, deadline, weight));
  }

  /**
   * Packs a valid key and a copy of a value into one array, checking their size first (a value too large for the
   * store is never copied).
   *
   * @throws EntryTooLargeException if key and value bytes exceed the limit
   */
  byte[] pack(String key, int keyBytes, byte[] value) {
    checkedWeight(keyBytes, value.length);
    return Key.pack(key, keyBytes, value);
  }

  /** The bytes an entry counts. @throws EntryTooLargeException if they exceed the limit */
  private long checkedWeight(int keyBytes, int valueBytes) {
    long weight = (long) keyBytes + valueBytes;
    if (weight > budget.limit() || weight > MAX_ENTRY_BYTES) {
      throw new EntryTooLargeException(weight, budget.limit());
    }
    return weight;
  }

  /**
   * Runs {@code write} with {@code bytes} reserved in {@link #used}, then trims to the entry bounds (or refuses it,
   * {@link StoreFullException}, if the store does not evict and is full). The write must give back whatever it
   * replaced and whatever of the reservation it did not use, also when it throws.
   */
  void withRoomFor(long bytes, Runnable write) {
    bound.refuseIfFull(bytes);
    if (budget.tryReserve(bytes)) {
      write.run();
    } else {
      budget.writeOverLimit(bytes, write, expiry::reclaim, cache::cleanUp);
    }
    bound.trimIfOver();
  }

  /**
   * Removes the entry of {@code key} if its ref passes {@code test}, deciding under the key's lock (a write may
   * have swapped the ref since it was read): an expiry or an eviction, never a write, which {@link #removals} is
   * told of.
   *
   * @return the ref removed, or {@code null}
   */
  Object removeIf(Key key, Predicate<Object> test) {
    Object[] removed = new Object[1];
    map.computeIfPresent(key, (k, stored) -> {
      Object ref = stored.ref;
      if (test.test(ref)) {
        removed[0] = ref;
        counts.keyOut(ref);
        return null;
      }
      return stored;
    });
    if (removed[0] != null) {
      removedWithoutWrite(removed[0]);
    }
    return removed[0];
  }

  /**
   * Gives back the bytes of a ref that has left the map, drops it from the expiry index, and gives back its share
   * of the pin budget if it was pinned.
   */
  void released(Object removed) {
    long weight = Key.weigh(removed);
    budget.add(-weight);
    TypedValue typedValue = Key.typed(removed);
    if (typedValue != null) {
      typed.addOverhead(-typedValue.overhead());
    }
    if (removed instanceof Expiring holder) {
      expiry.unindex(holder);
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
  boolean countIfExpired(Object removed) {
    if (removed instanceof Expiring holder && !holder.isLive(now())) {
      expired.increment();
      return false;
    }
    return true;
  }

  @Override
  public byte @Nullable [] get(String key) {
    byte[] packed = read(key);
    return packed == null ? null : locks.read(key, packed, ValueLocks.COPY);
  }

  /** Decodes the stored bytes themselves: no copy to throw away. */
  @Override
  public @Nullable String getString(String key) {
    byte[] packed = read(key);
    return packed == null ? null : locks.read(key, packed, ValueLocks.DECODE);
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
    }
    counted(packed != null);
    return packed;
  }

  /** Counts a read's hit or miss. */
  void counted(boolean hit) {
    (hit ? hits : misses).increment();
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
    if (!(ref instanceof Expiring holder) || holder.isLive(now())) {
      return liveValue(ref);
    }
    removeExpired(holder);
    return null;
  }

  @Override
  public boolean holds(Expiring holder) {
    Key stored = policy.getIfPresentQuietly(Key.of(holder.packed));
    return stored != null && stored.ref instanceof Expiring current && current.seq == holder.seq;
  }

  /** Removes an expired holder if the map still holds it (or its counter update), counting one expiration. */
  @Override
  public void removeExpired(Expiring holder) {
    Object removed = removeIf(Key.of(holder.packed), ref -> ref instanceof Expiring stored && stored.seq == holder.seq);
    if (removed != null) {
      released(removed);
      expired.increment();
    } else {
      expiry.unindex(holder);
    }
  }

  @Override
  public boolean delete(String key) {
    ensureOpen();
    validate(key);
    return remove(Key.lookup(key));
  }

  /** Removes the entry of {@code key}, settling the books; whether it was there and live. */
  boolean remove(Key key) {
    Object ref = drop(key);
    if (ref == null) {
      return false;
    }
    if (countIfExpired(ref)) {
      return true;
    }
    removedWithoutWrite(ref); // it had expired: gone before this delete, as Redis's lookup finds it
    return false;
  }

  /**
   * Removes the entry of {@code key} and settles its books, counting and telling nothing more: a flush's removal
   * (Redis's {@code FLUSHDB} frees its keys without an expiry's count or event). Its ref, or null if absent.
   */
  @Nullable Object drop(Key key) {
    Key removed = map.remove(key);
    // Read after the removal: no write can swap the ref of a key object the map no longer holds.
    Object ref = removed == null ? null : removed.ref;
    if (ref != null) {
      counts.keyOut(ref);
      released(ref);
    }
    return ref;
  }

  @Override
  public boolean expire(String key, Duration ttl) {
    long nanos = ttlNanos(ttl);
    ensureOpen();
    validate(key);
    return ttlChange.expireAt(key, now() + nanos, Deadlines.Condition.ALWAYS);
  }

  @Override
  public boolean persist(String key) {
    ensureOpen();
    validate(key);
    return ttlChange.persist(key);
  }

  /**
   * The packed array of a stored string if it is live, otherwise {@code null}. Reads nothing but the clock.
   *
   * @throws WrongTypeException if it is a live typed value
   */
  byte @Nullable [] liveValue(@Nullable Object stored) {
    if (stored == null || !isLive(stored)) {
      return null;
    }
    TypedValue value = Key.typed(stored);
    if (value != null) {
      throw new WrongTypeException(Key.of(stored).text(), value.type());
    }
    return Key.packed(stored);
  }

  /** Whether a stored ref, of any type, is live: not a holder whose deadline has passed. */
  boolean isLive(Object stored) {
    return !(stored instanceof Expiring holder) || holder.isLive(now());
  }

  @Override
  public @Nullable Duration ttl(String key) {
    return deadlines.ttl(key);
  }

  @Override
  public long incrementBy(String key, long delta) {
    return CounterUpdate.run(this, key, delta);
  }

  /** Counts an expiration found by a write: the value it replaced had expired. */
  void countExpiration() {
    expired.increment();
  }

  @Override
  public byte @Nullable [] getOrLoad(String key, Loader loader) {
    Objects.requireNonNull(loader, "loader");
    return loads.load(key, 0, loader);
  }

  @Override
  public byte @Nullable [] getOrLoad(String key, Duration ttl, Loader loader) {
    long ttlNanos = ttlNanos(ttl);
    Objects.requireNonNull(loader, "loader");
    return loads.load(key, ttlNanos, loader);
  }

  @Override
  public byte @Nullable [] peek(String key) {
    byte[] present = live(map.get(Key.lookup(key)));
    return present == null ? null : locks.read(key, present, ValueLocks.COPY);
  }

  @Override
  public void store(String key, byte[] value, long ttlNanos) {
    ensureOpen();
    write(key, validate(key), value, ttlNanos == 0 ? Deadlines.NEVER : now() + ttlNanos);
  }

  long now() {
    return expiry.now();
  }

  @Override
  public long usage() {
    ensureOpen();
    expiry.sweep();
    cache.cleanUp();
    return budget.settled();
  }

  @Override
  public long memoryLimit() {
    ensureOpen();
    return budget.limit();
  }

  @Override
  public long size() {
    ensureOpen();
    expiry.sweep();
    cache.cleanUp();
    return map.size();
  }

  @Override
  public BlinkStats stats() {
    ensureOpen();
    expiry.sweep();
    return new BlinkStats(hits.sum(), misses.sum(), evicted.sum(), expired.sum(), expiry.indexed());
  }

  @Override
  public Keyspace keyspace() {
    return keyspace;
  }

  @Override
  public void clear() {
    ensureOpen();
    removeAll();
  }

  private void removeAll() {
    for (Key key : map.keySet()) {
      drop(key);
    }
  }

  @Override
  public void close() {
    closed = true;
    expiry.close();
    removeAll();
  }

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the store is closed");
    }
  }

  /** The bytes of the pinned locks; tests check that pins follow the map. */
  long pinnedBytes() {
    return pins.bytes();
  }

  /** The number of holders in the expiry index; tests check that it follows the map. */
  int indexedHolders() {
    return expiry.walkedSize();
  }

  @Override
  public String toString() {
    return "BlinkStore{usage=" + budget.used() + ", limit=" + budget.limit() + ", size=" + map.size()
        + bound + '}';
  }
}
