package io.blinkstore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
import java.util.function.LongSupplier;

/**
 * The in-process {@link BlinkStore}: a Caffeine cache bounded by {@code maximumWeight(limit)}, weighed by key
 * UTF-8 bytes plus value bytes, with exact byte accounting of its own.
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
 * (each entry costs the JVM ~100 bytes beyond its key and value). Caffeine cannot bound weight and count at
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
  /** Entries removed per round when trimming to the entry bound. */
  private static final int TRIM_BATCH = 64;

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
  private final Cache<String, Object> cache;
  private final ConcurrentMap<String, Object> map;
  private final Policy<String, Object> policy;
  private final Policy.Eviction<String, Object> eviction;
  /** The holders in the map, soonest deadline first. */
  private final ConcurrentSkipListSet<Expiring> expiring = new ConcurrentSkipListSet<>();
  /** The size of {@link #expiring}, kept beside it: the skip list counts by walking. */
  private final AtomicLong indexed = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  /** Whether a background sweep is scheduled; only with the system ticker (tests drive a fake one by hand). */
  private final AtomicBoolean sweepScheduled;
  private final SingleFlight loads = new SingleFlight();
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
            .weigher((String key, Object value) -> Utf8.validKeyBytes(key) + bytes(value).length)
            .evictionListener(this::onEviction)
            // Maintenance (and so eviction) runs on the writing thread: no hand-off, no surprise threads.
            .executor(Runnable::run)
            .build();
    this.map = cache.asMap();
    this.policy = cache.policy();
    this.eviction = policy.eviction().orElseThrow();
  }

  /** Runs atomically with Caffeine's removal of an entry for size: its bytes leave the count. */
  private void onEviction(String key, Object value, RemovalCause cause) {
    if (key != null && value != null) {
      released(key, value);
      countEviction(value);
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
    int keyBytes = validate(key);
    put(key, keyBytes, value.clone());
  }

  @Override
  public void set(String key, byte[] value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    long ttlNanos = ttlNanos(ttl);
    ensureOpen();
    int keyBytes = validate(key);
    put(key, keyBytes, newHolder(key, value.clone(), ttlNanos));
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value) {
    Objects.requireNonNull(value, "value");
    ensureOpen();
    int keyBytes = validate(key);
    return putIfAbsent(key, keyBytes, value.clone());
  }

  @Override
  public boolean setIfAbsent(String key, byte[] value, Duration ttl) {
    Objects.requireNonNull(value, "value");
    long ttlNanos = ttlNanos(ttl);
    ensureOpen();
    int keyBytes = validate(key);
    return putIfAbsent(key, keyBytes, newHolder(key, value.clone(), ttlNanos));
  }

  /**
   * Stores a value or a holder unless the key has a live value, deciding in the map's {@code compute}, so that
   * one racer wins. Its bytes are reserved first, as for a set, and given back if nothing is stored; an expired
   * value it replaces leaves the count as an expiration.
   */
  private boolean putIfAbsent(String key, int keyBytes, Object stored) {
    long weight = checkedWeight(keyBytes, stored);
    boolean[] won = new boolean[1];
    withRoomFor(weight, () -> {
      Object[] replaced = new Object[1];
      try {
        map.compute(key, (k, old) -> {
          if (liveValue(old) != null) {
            return old;
          }
          replaced[0] = old;
          won[0] = true;
          return stored;
        });
      } finally {
        if (!won[0]) {
          used.addAndGet(-weight);
        }
      }
      if (won[0]) {
        if (stored instanceof Expiring holder) {
          track(holder);
        }
        if (replaced[0] != null) {
          released(keyBytes, replaced[0]);
          expired.increment();
        }
      }
    });
    return won[0];
  }

  /** Stores a value or a holder, whose weight has not been checked against the limit yet. */
  private void put(String key, int keyBytes, Object stored) {
    long weight = checkedWeight(keyBytes, stored);
    // The fast path calls store directly: no lambda to allocate on every set.
    if (tryReserve(weight)) {
      store(key, keyBytes, stored);
    } else {
      writeOverLimit(weight, () -> store(key, keyBytes, stored));
    }
    trimIfOverBound();
  }

  /** The bytes an entry counts. @throws EntryTooLargeException if they exceed the limit */
  private long checkedWeight(int keyBytes, Object stored) {
    long weight = (long) keyBytes + bytes(stored).length;
    if (weight > limit || weight > Integer.MAX_VALUE) {
      throw new EntryTooLargeException(weight, limit);
    }
    return weight;
  }

  /** Puts into the map, its bytes already reserved, and gives back those of the value it replaced. */
  private void store(String key, int keyBytes, Object stored) {
    Object replaced = map.put(key, stored);
    if (stored instanceof Expiring holder) {
      track(holder);
    }
    if (replaced != null) {
      released(keyBytes, replaced);
      countIfExpired(replaced);
    }
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

  /** Removes expired entries, then the coldest ones, until the entry count is within its bound. */
  private void trimEntries() {
    overLimitLock.lock();
    try {
      sweep();
      long excess;
      while ((excess = map.size() - maxEntries) > 0) {
        Map<String, Object> coldest = eviction.coldest((int) Math.min(excess, TRIM_BATCH));
        if (coldest.isEmpty()) {
          return;
        }
        for (Map.Entry<String, Object> entry : coldest.entrySet()) {
          if (map.remove(entry.getKey(), entry.getValue())) {
            released(entry.getKey(), entry.getValue());
            countEviction(entry.getValue());
          }
        }
      }
    } finally {
      overLimitLock.unlock();
    }
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

  /** Gives back the bytes of a value that has left the map, and drops it from the expiry index. */
  private void released(String key, Object removed) {
    released(Utf8.validKeyBytes(key), removed);
  }

  private void released(int keyBytes, Object removed) {
    used.addAndGet(-((long) keyBytes + bytes(removed).length));
    if (removed instanceof Expiring holder) {
      unindex(holder);
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
  public byte[] get(String key) {
    byte[] value = read(key);
    return value == null ? null : value.clone();
  }

  /** A view of the stored array: safe to hand out, since no stored array is ever changed in place. */
  @Override
  public ByteBuffer getBuffer(String key) {
    byte[] value = read(key);
    return value == null ? null : ByteBuffer.wrap(value).asReadOnlyBuffer();
  }

  /** Decodes the stored array itself: no copy to throw away. */
  @Override
  public String getString(String key) {
    byte[] value = read(key);
    return value == null ? null : new String(value, StandardCharsets.UTF_8);
  }

  /**
   * Returns the stored array of a live entry, never to be changed or handed out, counting a hit or a miss.
   * Validates the key only on a miss: only valid keys are ever stored, so a hit proves the key valid, and an
   * invalid key still throws before anything is counted.
   */
  private byte[] read(String key) {
    ensureOpen();
    byte[] value = live(key, map.get(Objects.requireNonNull(key, "key")));
    if (value == null) {
      validate(key);
      misses.increment();
      return null;
    }
    hits.increment();
    return value;
  }

  /**
   * Returns the value of what the map holds for {@code key}, or {@code null} if that is nothing or an expired
   * holder, which is then removed.
   */
  private byte[] live(String key, Object stored) {
    if (stored instanceof byte[] value) {
      return value;
    }
    if (stored == null) {
      return null;
    }
    Expiring holder = (Expiring) stored;
    if (holder.isLive(now())) {
      return holder.value;
    }
    removeExpired(key, holder);
    return null;
  }

  /** Removes an expired holder if the map still holds it (or its counter update), counting one expiration. */
  private void removeExpired(String key, Expiring holder) {
    while (policy.getIfPresentQuietly(key) instanceof Expiring stored && stored.seq == holder.seq) {
      if (map.remove(key, stored)) {
        released(key, stored);
        expired.increment();
        return;
      }
    }
    unindex(holder);
  }

  @Override
  public boolean delete(String key) {
    ensureOpen();
    int keyBytes = validate(key);
    Object removed = map.remove(key);
    if (removed == null) {
      return false;
    }
    released(keyBytes, removed);
    return countIfExpired(removed);
  }

  @Override
  public boolean expire(String key, Duration ttl) {
    long nanos = ttlNanos(ttl);
    ensureOpen();
    validate(key);
    Expiring[] created = new Expiring[1];
    Object[] replaced = new Object[1];
    boolean[] wasLive = new boolean[1];
    map.computeIfPresent(key, (k, stored) -> {
      replaced[0] = stored;
      byte[] value = liveValue(stored);
      wasLive[0] = value != null;
      return value == null ? null : (created[0] = newHolder(k, value, nanos));
    });
    afterCompute(key, replaced[0], wasLive[0], created[0]);
    return created[0] != null;
  }

  @Override
  public boolean persist(String key) {
    ensureOpen();
    validate(key);
    Object[] replaced = new Object[1];
    boolean[] wasLive = new boolean[1];
    map.computeIfPresent(key, (k, stored) -> {
      replaced[0] = stored;
      byte[] value = liveValue(stored);
      wasLive[0] = value != null;
      return value;
    });
    afterCompute(key, replaced[0], wasLive[0], null);
    return wasLive[0] && replaced[0] instanceof Expiring;
  }

  /** The value of a stored entry if it is live, otherwise {@code null}. Reads nothing but the clock. */
  private byte[] liveValue(Object stored) {
    if (stored instanceof Expiring holder) {
      return holder.isLive(now()) ? holder.value : null;
    }
    return (byte[]) stored;
  }

  /**
   * Settles the books after a {@code compute} that replaced {@code replaced} (if not null) by a live value or by
   * nothing, creating the holder {@code created} (if not null): an expired value found there leaves the count,
   * and the index follows the map. {@code wasLive} is what the compute saw: the clock read again here may have
   * passed a deadline the compute found unexpired, whose bytes it stored again.
   */
  private void afterCompute(String key, Object replaced, boolean wasLive, Expiring created) {
    if (created != null) {
      track(created);
    }
    if (replaced == null) {
      return;
    }
    if (!wasLive) {
      released(key, replaced);
      expired.increment();
    } else if (replaced instanceof Expiring holder) {
      unindex(holder);
    }
  }

  @Override
  public Duration ttl(String key) {
    ensureOpen();
    validate(key);
    Object stored = policy.getIfPresentQuietly(key);
    if (stored instanceof Expiring holder) {
      long nanos = holder.deadline - now();
      if (nanos > 0) {
        return Duration.ofNanos(nanos);
      }
      removeExpired(key, holder);
      return null;
    }
    return stored == null ? null : BlinkStore.NO_EXPIRY;
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
      Object[] expiredValue = new Object[1];
      try {
        map.compute(key, (k, old) -> {
          byte[] oldValue = liveValue(old);
          long current = oldValue == null ? 0 : parseCounter(k, oldValue);
          result[0] = Math.addExact(current, delta);
          byte[] updated = Decimal.format(result[0]);
          grown[0] = old == null ? keyBytes + updated.length : updated.length - bytes(old).length;
          if (oldValue == null && old != null) {
            expiredValue[0] = old;
          }
          // A live holder's successor keeps its deadline and its place in the index.
          return old instanceof Expiring holder && oldValue != null ? holder.withValue(updated) : updated;
        });
      } finally {
        used.addAndGet(grown[0] - reserved);
      }
      if (expiredValue[0] instanceof Expiring holder) {
        unindex(holder);
        expired.increment();
      }
    });
    return result[0];
  }

  private static long parseCounter(String key, byte[] value) {
    try {
      return Decimal.parse(value);
    } catch (NumberFormatException e) {
      throw new NotAnIntegerException(key);
    }
  }

  @Override
  public byte[] getOrLoad(String key, Loader loader) {
    return load(key, 0, loader);
  }

  @Override
  public byte[] getOrLoad(String key, Duration ttl, Loader loader) {
    return load(key, ttlNanos(ttl), loader);
  }

  /** Gets or loads; {@code ttlNanos} 0 stores the loaded value without a time to live. */
  private byte[] load(String key, long ttlNanos, Loader loader) {
    Objects.requireNonNull(loader, "loader");
    byte[] value = get(key);
    if (value != null) {
      return value;
    }
    byte[] loaded = loads.run(key, k -> {
      // A load that finished between our miss and our turn has filled the key already.
      byte[] present = live(k, map.get(k));
      return present != null ? present : loadAndStore(k, ttlNanos, loader);
    });
    return loaded == null ? null : loaded.clone();
  }

  private byte[] loadAndStore(String key, long ttlNanos, Loader loader) {
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
      byte[] copy = value.clone();
      put(key, validate(key), ttlNanos == 0 ? copy : newHolder(key, copy, ttlNanos));
    }
    return value;
  }

  /** Creates a holder expiring {@code ttlNanos} from now; it must then be stored and {@link #track}ed. */
  private Expiring newHolder(String key, byte[] value, long ttlNanos) {
    return new Expiring(key, value, now() + ttlNanos, sequence.getAndIncrement());
  }

  /**
   * Indexes a holder just stored, and unindexes it again if the map no longer holds it (a racing write replaced
   * it before it was indexed, so that write could not unindex it). Either way it ends indexed only if stored.
   */
  private void track(Expiring holder) {
    if (expiring.add(holder)) {
      indexed.incrementAndGet();
    }
    if (!(policy.getIfPresentQuietly(holder.key) instanceof Expiring stored && stored.seq == holder.seq)) {
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
      removeExpired(due.key, due);
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
      BACKGROUND.schedule(ForkJoinPool.commonPool(), new BackgroundSweep(this),
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
    for (String key : map.keySet()) {
      Object removed = map.remove(key);
      if (removed != null) {
        released(key, removed);
        countIfExpired(removed);
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

  /** The value bytes of what the map holds: the array itself, or a holder's. */
  private static byte[] bytes(Object stored) {
    return stored instanceof byte[] value ? value : ((Expiring) stored).value;
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

  /**
   * What the map holds for an entry with a time to live. Its identity, in the index and for conditional
   * removal, is its sequence number: unique per time to live set, shared by counter updates that keep it.
   * Equality is the object's own (never by content), so {@code map.remove(key, holder)} removes only it.
   */
  static final class Expiring implements Comparable<Expiring> {
    final String key;
    final byte[] value;
    /** Nanoseconds after the store's epoch at which the entry expires. */
    final long deadline;
    final long seq;

    Expiring(String key, byte[] value, long deadline, long seq) {
      this.key = key;
      this.value = value;
      this.deadline = deadline;
      this.seq = seq;
    }

    boolean isLive(long now) {
      return now < deadline;
    }

    Expiring withValue(byte[] updated) {
      return new Expiring(key, updated, deadline, seq);
    }

    @Override
    public int compareTo(Expiring other) {
      int byDeadline = Long.compare(deadline, other.deadline);
      return byDeadline != 0 ? byDeadline : Long.compare(seq, other.seq);
    }
  }
}
