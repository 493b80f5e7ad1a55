package io.blinkstore.server.command;

import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Redis's {@code TrackingTable}: each key a tracking connection read (without its database) and the ids of the
 * connections that read it, held to two bounds whatever the clients send.
 *
 * <p><b>Keys.</b> {@code tracking-table-max-keys} (Redis's default 1,000,000; 0: none). <b>Bytes.</b> What the table
 * holds on the heap, estimated as {@link #KEY_BYTES} and the key's characters for each key, and {@link #ITEM_BYTES}
 * for each (key, connection) item, is held to {@code maxBytes}: by default {@link #defaultMaxBytes a sixteenth of
 * the heap}. The key bound alone let 38 reads of missing 1 MiB key names, or 396 connections reading the same 5,000
 * keys (two million items), end a small server in an OutOfMemoryError. Past either bound, keys are dropped and their
 * connections sent an invalidation ({@code evicted}), as Redis's {@code trackingLimitUsedSlots} does: past the byte
 * bound after each key added, so that one command reading many keys never holds more than it either. Redis drops
 * keys found by a random walk; here a cursor walks the table round and round, so each key dropped costs the few
 * slots passed to reach it.
 *
 * <p>A key longer than {@code --max-key-bytes} is not kept: no write can store it, so no invalidation can ever be
 * owed for it. Thread-safe: keys are added and removed from every thread; one thread drops keys at a time, and a
 * thread that finds another dropping leaves it the work rather than waiting (an event loop must not wait).
 */
final class TrackingTable {
  /** Redis's default {@code tracking-table-max-keys}. */
  static final long DEFAULT_MAX_KEYS = 1_000_000;

  /**
   * What a key costs besides its characters: the key's {@code String} (24 bytes) and its array's header (16), the
   * map's node and slot (48), and the set of ids with its first table (88), rounded up.
   */
  static final long KEY_BYTES = 176;

  /** What one connection's id under a key costs: the boxed id (16), the set's node (32), and its slot (16). */
  static final long ITEM_BYTES = 64;

  /** The least byte bound: room for a few thousand keys, whatever the heap. */
  static final long MIN_BYTES = 1L << 20;

  private final ConcurrentHashMap<String, Set<Long>> table = new ConcurrentHashMap<>();
  private final AtomicLong items = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final long maxBytes;
  private final int maxKeyBytes;
  private final Consumer<String> evicted;
  private final ReentrantLock trimming = new ReentrantLock();
  /** Where dropping keys goes on from; read and moved only by the thread holding {@link #trimming}. */
  private @Nullable Iterator<String> cursor;
  private volatile long maxKeys = DEFAULT_MAX_KEYS;

  /**
   * A table of at most {@code maxBytes} (and the key bound), which keeps no key longer than {@code maxKeyBytes},
   * and drops a key by calling {@code evicted} with it (which {@link #remove removes} it and tells its readers).
   */
  TrackingTable(long maxBytes, int maxKeyBytes, Consumer<String> evicted) {
    this.maxBytes = maxBytes;
    this.maxKeyBytes = maxKeyBytes;
    this.evicted = evicted;
  }

  /**
   * The default byte bound for a heap of {@code maxHeapBytes}: a sixteenth, at least {@link #MIN_BYTES}. The store
   * plans with 60% of the heap and the client connections' bound is at most an eighth of it
   * ({@code --max-client-memory}); a sixteenth more leaves the collector a fifth of the heap. With the launcher's
   * 416 MiB heap: 26 MiB, some 110,000 keys of 40 bytes read by one connection each.
   */
  static long defaultMaxBytes(long maxHeapBytes) {
    return Math.max(MIN_BYTES, maxHeapBytes / 16);
  }

  /** {@link #defaultMaxBytes(long)} for this JVM. */
  static long defaultMaxBytes() {
    return defaultMaxBytes(Runtime.getRuntime().maxMemory());
  }

  /**
   * Remembers that the connection {@code id} read {@code key} (its store key, {@code RespKeys.of}), unless the key
   * is longer than any stored key can be; then, if the table is past its byte bound, drops keys until it is within
   * both bounds. Past the key bound only, keys are dropped by {@link #trim}, once the command has remembered all of
   * its keys (as Redis trims after a command).
   */
  void remember(byte[] key, Long id) {
    if (key.length > maxKeyBytes) {
      return;
    }
    table.compute(RespKeys.of(key), (k, ids) -> {
      Set<Long> set = ids;
      if (set == null) {
        set = new HashSet<>(2);
        bytes.addAndGet(keyBytes(k));
      }
      if (set.add(id)) {
        items.incrementAndGet();
        bytes.addAndGet(ITEM_BYTES);
      }
      return set;
    });
    if (bytes.get() > maxBytes) {
      trim();
    }
  }

  /** Removes {@code key}: the ids of the connections that read it, or {@code null} if none is remembered. */
  @Nullable Set<Long> remove(String key) {
    Set<Long> ids = table.remove(key);
    if (ids != null) { // out of the map: no one changes it any more
      items.addAndGet(-ids.size());
      bytes.addAndGet(-keyBytes(key) - ITEM_BYTES * ids.size());
    }
    return ids;
  }

  /** Removes every key ({@code FLUSHALL}). */
  void clear() {
    for (String key : table.keySet()) {
      remove(key);
    }
  }

  /** Forgets the ids of connections no longer open (not in {@code open}), and the keys left with none. */
  void sweep(Map<Long, ClientState> open) {
    for (String key : table.keySet()) {
      table.computeIfPresent(key, (k, ids) -> {
        int before = ids.size();
        ids.removeIf(id -> !open.containsKey(id));
        int gone = before - ids.size();
        items.addAndGet(-gone);
        bytes.addAndGet(-ITEM_BYTES * gone - (ids.isEmpty() ? keyBytes(k) : 0));
        return ids.isEmpty() ? null : ids;
      });
    }
  }

  /** {@code CONFIG SET tracking-table-max-keys}: the new key bound, applied at once. */
  void maxKeys(long value) {
    maxKeys = value;
    trim();
  }

  /** Drops keys, through {@code evicted}, while the table is past a bound; left to another thread already at it. */
  void trim() {
    if (!over() || !trimming.tryLock()) {
      return;
    }
    try {
      while (over()) {
        Iterator<String> keys = cursor;
        if (keys == null || !keys.hasNext()) {
          keys = cursor = table.keySet().iterator();
          if (!keys.hasNext()) {
            return; // emptied meanwhile: what is over is a key being added, which trims after it
          }
        }
        evicted.accept(keys.next());
      }
    } finally {
      trimming.unlock();
    }
  }

  private boolean over() {
    long keys = maxKeys;
    return bytes.get() > maxBytes || keys != 0 && table.mappingCount() > keys;
  }

  /** What {@code key} costs: {@link #KEY_BYTES} and its characters (two bytes each unless all are Latin-1). */
  private static long keyBytes(String key) {
    for (int i = 0; i < key.length(); i++) {
      if (key.charAt(i) > 0xff) {
        return KEY_BYTES + 2L * key.length();
      }
    }
    return KEY_BYTES + key.length();
  }

  boolean isEmpty() {
    return table.isEmpty();
  }

  long keys() {
    return table.mappingCount();
  }

  long items() {
    return items.get();
  }
}
