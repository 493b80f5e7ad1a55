package io.blinkstore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.stats.CacheStats;
import java.util.Objects;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
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
 * {@link #delete}, or by Caffeine's eviction listener, which runs atomically with the eviction.
 */
final class CaffeineBlinkStore implements BlinkStore {
  private final long limit;
  private final AtomicLong used = new AtomicLong();
  private final ReentrantLock overLimitLock = new ReentrantLock();
  private final Cache<String, byte[]> cache;
  private final ConcurrentMap<String, byte[]> map;
  private volatile boolean closed;

  CaffeineBlinkStore(long limit) {
    this.limit = limit;
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
    return new BlinkStats(stats.hitCount(), stats.missCount(), stats.evictionCount());
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
    return "BlinkStore{usage=" + used.get() + ", limit=" + limit + ", size=" + map.size() + '}';
  }
}
