package io.blinkstore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;
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
 */
final class CaffeineBlinkStore implements BlinkStore {
  /** Entries removed per round when trimming to the entry bound. */
  private static final int TRIM_BATCH = 64;

  private final long limit;
  private final long maxEntries;
  private final AtomicLong used = new AtomicLong();
  private final LongAdder trimmed = new LongAdder();
  private final ReentrantLock overLimitLock = new ReentrantLock();
  private final Cache<String, byte[]> cache;
  private final ConcurrentMap<String, byte[]> map;
  private final Policy.Eviction<String, byte[]> eviction;
  private volatile boolean closed;

  CaffeineBlinkStore(long limit, long maxEntries) {
    this.limit = limit;
    this.maxEntries = maxEntries;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(limit)
            .weigher((String key, byte[] value) -> Utf8.validKeyBytes(key) + value.length)
            .evictionListener((String key, byte[] value, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
              if (key != null && value != null) {
                used.addAndGet(-weight(key, value));
              }
            })
            // Maintenance (and so eviction) runs on the writing thread: no hand-off, no surprise threads.
            .executor(Runnable::run)
            .recordStats()
            .build();
    this.map = cache.asMap();
    this.eviction = cache.policy().eviction().orElseThrow();
  }

  @Override
  public void set(String key, byte[] value) {
    Objects.requireNonNull(value, "value");
    ensureOpen();
    int keyBytes = validate(key);
    long weight = (long) keyBytes + value.length;
    if (weight > limit || weight > Integer.MAX_VALUE) {
      throw new EntryTooLargeException(weight, limit);
    }
    byte[] copy = value.clone();
    if (tryReserve(weight)) {
      release(map.put(key, copy), keyBytes);
    } else {
      setOverLimit(key, copy, weight, keyBytes);
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
            trimmed.increment();
          }
        }
      }
    } finally {
      overLimitLock.unlock();
    }
  }

  private void setOverLimit(String key, byte[] value, long weight, int keyBytes) {
    overLimitLock.lock();
    try {
      used.addAndGet(weight);
      release(map.put(key, value), keyBytes);
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
  public long usage() {
    ensureOpen();
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
    return map.size();
  }

  @Override
  public BlinkStats stats() {
    ensureOpen();
    CacheStats stats = cache.stats();
    return new BlinkStats(stats.hitCount(), stats.missCount(), stats.evictionCount() + trimmed.sum());
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
}
