package io.blinkstore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

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
 *   <li><b>Slow path</b> (no room): the writer takes {@link #overLimitLock}, puts (so Caffeine's W-TinyLFU policy
 *       decides what goes, possibly the new entry itself), and runs Caffeine's maintenance on its own thread
 *       until {@code used} is back within the limit. Only here can {@code used} pass the limit, and only while
 *       the lock is held; fast-path reservations fail meanwhile, so concurrent writers queue behind it.
 *   <li>{@link #usage()} reads {@code used} without locking when it is within the limit, and otherwise waits for
 *       the slow path to finish, so no caller ever observes a value over the limit.
 * </ul>
 *
 * <p>Every stored array is counted in exactly once and out exactly once: by the writer that replaced it, by
 * {@link #delete}, by {@link #trimEntries}, or by Caffeine's eviction listener, which runs atomically with the
 * eviction.
 *
 * <p>An optional entry bound guards the heap against many tiny entries, which the byte limit alone does not
 * (each entry costs the JVM ~140 bytes beyond its key and value). Caffeine cannot bound weight and count at
 * once, so a writer that finds the count over the bound removes the coldest entries, in Caffeine's own eviction
 * order, until it is back under. It is a soft bound: concurrent writers may pass it by a few entries for a moment.
 *
 * <p><b>Expiry</b> is Caffeine's variable expiry: each write states the entry's time to live (entries without
 * one get {@link #NEVER}, Caffeine's maximum of about 146 years), and an update through {@code compute} keeps
 * the current one. Caffeine hides an expired entry from reads at once and removes it in maintenance, at the
 * resolution of its timer wheel (about a second), calling the eviction listener, which gives its bytes back and
 * counts an expiration. Maintenance runs on writes, on {@link #usage()}, {@link #size()} and {@link #stats()},
 * and, while the store is idle, on a timer (Caffeine's scheduler), so expired bytes never linger for long.
 *
 * <p>Counters update in {@code compute}, reserving the most an entry can grow by first (key bytes plus the 20
 * digits of the longest {@code long}) and giving back the rest, so they keep the same limit promise as sets.
 * {@link #getOrLoad} runs the loader outside any Caffeine lock, through {@link SingleFlight}.
 */
final class CaffeineBlinkStore implements BlinkStore {
  /** Entries removed per round when trimming to the entry bound. */
  private static final int TRIM_BATCH = 64;

  /** The time to live, in nanoseconds, of an entry that does not expire; Caffeine caps it at ~146 years. */
  static final long NEVER = Long.MAX_VALUE;

  /**
   * Wakes an idle store's maintenance when its next entry is due to expire. The JDK's shared timer thread only
   * hands the work to the common pool: maintenance must not hold up other users of that thread.
   */
  private static final Scheduler IDLE_CLEANUP = (executor, task, delay, unit) ->
      Scheduler.systemScheduler().schedule(ForkJoinPool.commonPool(), task, delay, unit);

  private final long limit;
  private final long maxEntries;
  private final AtomicLong used = new AtomicLong();
  private final LongAdder evicted = new LongAdder();
  private final LongAdder expired = new LongAdder();
  private final ReentrantLock overLimitLock = new ReentrantLock();
  private final Cache<String, byte[]> cache;
  private final ConcurrentMap<String, byte[]> map;
  private final Policy.Eviction<String, byte[]> eviction;
  private final Policy.VarExpiration<String, byte[]> expiration;
  private final SingleFlight loads = new SingleFlight();
  private volatile boolean closed;

  CaffeineBlinkStore(long limit, long maxEntries, Ticker ticker) {
    this.limit = limit;
    this.maxEntries = maxEntries;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(limit)
            .weigher((String key, byte[] value) -> Utf8.validKeyBytes(key) + value.length)
            .expireAfter(new KeepTtlExpiry())
            .evictionListener(this::onEviction)
            // Maintenance (and so eviction) runs on the writing thread: no hand-off, no surprise threads.
            .executor(Runnable::run)
            // A fake clock (in tests) is advanced by hand, and cleanUp runs where exactness is needed.
            .scheduler(ticker == Ticker.systemTicker() ? IDLE_CLEANUP : Scheduler.disabledScheduler())
            .ticker(ticker)
            .recordStats()
            .build();
    this.map = cache.asMap();
    this.eviction = cache.policy().eviction().orElseThrow();
    this.expiration = cache.policy().expireVariably().orElseThrow();
  }

  /** Runs atomically with Caffeine's removal of an entry for size or expiry: its bytes leave the count. */
  private void onEviction(String key, byte[] value, RemovalCause cause) {
    if (key != null && value != null) {
      used.addAndGet(-weight(key, value));
      (cause == RemovalCause.EXPIRED ? expired : evicted).increment();
    }
  }

  @Override
  public void set(String key, byte[] value) {
    put(key, value, NEVER);
  }

  @Override
  public void set(String key, byte[] value, Duration ttl) {
    put(key, value, ttlNanos(ttl));
  }

  private void put(String key, byte[] value, long ttlNanos) {
    Objects.requireNonNull(value, "value");
    ensureOpen();
    int keyBytes = validate(key);
    long weight = (long) keyBytes + value.length;
    if (weight > limit || weight > Integer.MAX_VALUE) {
      throw new EntryTooLargeException(weight, limit);
    }
    byte[] copy = value.clone();
    withRoomFor(weight, () -> release(expiration.put(key, copy, ttlNanos, TimeUnit.NANOSECONDS), keyBytes));
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
    if (maxEntries != Long.MAX_VALUE && map.size() > maxEntries) {
      trimEntries();
    }
  }

  /** Removes the coldest entries until the entry count is within its bound. */
  private void trimEntries() {
    overLimitLock.lock();
    try {
      long excess;
      while ((excess = map.size() - maxEntries) > 0) {
        Map<String, byte[]> coldest = eviction.coldest((int) Math.min(excess, TRIM_BATCH));
        if (coldest.isEmpty()) {
          return;
        }
        for (Map.Entry<String, byte[]> entry : coldest.entrySet()) {
          if (map.remove(entry.getKey(), entry.getValue())) {
            release(entry.getValue(), Utf8.validKeyBytes(entry.getKey()));
            evicted.increment();
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

  private void release(byte[] removed, int keyBytes) {
    if (removed != null) {
      used.addAndGet(-((long) keyBytes + removed.length));
    }
  }

  @Override
  public byte[] get(String key) {
    ensureOpen();
    validate(key);
    byte[] value = cache.getIfPresent(key);
    return value == null ? null : value.clone();
  }

  @Override
  public boolean delete(String key) {
    ensureOpen();
    int keyBytes = validate(key);
    byte[] removed = map.remove(key);
    release(removed, keyBytes);
    return removed != null;
  }

  @Override
  public boolean expire(String key, Duration ttl) {
    long nanos = ttlNanos(ttl);
    ensureOpen();
    validate(key);
    // Handing back the same array changes nothing but the expiry; an absent key stays absent.
    return expiration.compute(key, (k, value) -> value, Duration.ofNanos(nanos)) != null;
  }

  @Override
  public boolean persist(String key) {
    ensureOpen();
    validate(key);
    boolean[] hadTtl = new boolean[1];
    expiration.compute(key, (k, value) -> {
      hadTtl[0] = value != null && remainingNanos(k) <= BlinkStore.MAX_TTL.toNanos();
      return value;
    }, Duration.ofNanos(NEVER));
    return hadTtl[0];
  }

  @Override
  public Duration ttl(String key) {
    ensureOpen();
    validate(key);
    long nanos = remainingNanos(key);
    if (nanos < 0) {
      return null;
    }
    return nanos > BlinkStore.MAX_TTL.toNanos() ? BlinkStore.NO_EXPIRY : Duration.ofNanos(nanos);
  }

  /** The live entry's time left in nanoseconds, or -1 if there is no live entry. */
  private long remainingNanos(String key) {
    return expiration.getExpiresAfter(key, TimeUnit.NANOSECONDS).orElse(-1);
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
      try {
        map.compute(key, (k, old) -> {
          long current = old == null ? 0 : parseCounter(k, old);
          result[0] = Math.addExact(current, delta);
          byte[] updated = Decimal.format(result[0]);
          // An expired old value arrives as null: the eviction listener has already given its bytes back.
          grown[0] = old == null ? keyBytes + updated.length : updated.length - old.length;
          return updated;
        });
      } finally {
        used.addAndGet(grown[0] - reserved);
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
    return load(key, NEVER, loader);
  }

  @Override
  public byte[] getOrLoad(String key, Duration ttl, Loader loader) {
    return load(key, ttlNanos(ttl), loader);
  }

  private byte[] load(String key, long ttlNanos, Loader loader) {
    Objects.requireNonNull(loader, "loader");
    byte[] value = get(key);
    if (value != null) {
      return value;
    }
    byte[] loaded = loads.run(key, k -> {
      // A load that finished between our miss and our turn has filled the key already.
      byte[] present = map.get(k);
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
      put(key, value, ttlNanos);
    }
    return value;
  }

  @Override
  public long usage() {
    ensureOpen();
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
    cache.cleanUp();
    return map.size();
  }

  @Override
  public BlinkStats stats() {
    ensureOpen();
    cache.cleanUp();
    var stats = cache.stats();
    return new BlinkStats(stats.hitCount(), stats.missCount(), evicted.sum(), expired.sum());
  }

  @Override
  public void clear() {
    ensureOpen();
    removeAll();
  }

  private void removeAll() {
    for (String key : map.keySet()) {
      release(map.remove(key), Utf8.validKeyBytes(key));
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

  private static long weight(String key, byte[] value) {
    return (long) Utf8.validKeyBytes(key) + value.length;
  }

  @Override
  public String toString() {
    return "BlinkStore{usage=" + used.get() + ", limit=" + limit + ", size=" + map.size()
        + (maxEntries == Long.MAX_VALUE ? "" : ", maxEntries=" + maxEntries) + '}';
  }

  /** Entries never expire unless a write says so; an update (a counter's) keeps the time left. */
  private static final class KeepTtlExpiry implements Expiry<String, byte[]> {
    @Override
    public long expireAfterCreate(String key, byte[] value, long currentTime) {
      return NEVER;
    }

    @Override
    public long expireAfterUpdate(String key, byte[] value, long currentTime, long currentDuration) {
      return currentDuration;
    }

    @Override
    public long expireAfterRead(String key, byte[] value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
