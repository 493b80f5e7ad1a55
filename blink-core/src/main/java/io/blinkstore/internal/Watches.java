package io.blinkstore.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the keys clients {@code WATCH}, with Redis's semantics ({@code multi.c}): a modification of a watched
 * key by anyone marks its watchers dirty, and a dirty watcher's {@code EXEC} aborts. The store marks them where it
 * modifies a key ({@link #touch}) while it holds its gate, so an {@code EXEC}, which checks under the gate held
 * exclusive, sees every modification that finished before it. Keys are the store's keys (namespaced).
 *
 * <p>The same signal reaches one {@link Listener} (blink-server's client-side caching), with the removals a write
 * did not make (expiry, eviction: {@link #removed}) and the flushes ({@link #flushed}); those removals, told apart,
 * reach one {@link RemovalListener} too (blink-server's keyspace notifications).
 *
 * <p>Costs nothing while nothing is watched and nobody listens: {@link #touch} reads one volatile count and one
 * volatile reference first.
 */
public final class Watches {
  private final Map<String, Set<Watcher>> byKey = new ConcurrentHashMap<>();
  private final AtomicInteger watched = new AtomicInteger();
  private volatile @Nullable Listener listener;
  private volatile @Nullable RemovalListener removalListener;

  /**
   * Told of every modification of a key, on the thread that made it, while that thread holds the store's gate
   * (a removal for expiry or eviction may come from any thread, with or without it). It must not call the store.
   */
  public interface Listener {
    /** The store key {@code key} was written, deleted, expired or evicted. */
    void modified(String key);

    /** Many keys changed at once: {@code FLUSHALL}, {@code FLUSHDB}, {@code SWAPDB}, {@code BlinkStore.clear()}. */
    void flushed();
  }

  /**
   * Told of each key the store removed without a write, on the thread that removed it (any, with or without the
   * gate). It must not call the store.
   */
  public interface RemovalListener {
    /** The store key {@code key} expired ({@code expired}) or was evicted to make room. */
    void removed(String key, boolean expired);
  }

  /** Makes {@code listener} the one told of every removal without a write from now on. */
  public void listenToRemovals(RemovalListener listener) {
    this.removalListener = listener;
  }

  /** Makes {@code listener} the one told of every modification from now on. */
  public void listen(Listener listener) {
    this.listener = listener;
  }

  /** Whether a {@link Listener} or a {@link RemovalListener} is told of removals (so a removal is worth naming). */
  public boolean listening() {
    return listener != null || removalListener != null;
  }

  /**
   * Tells the listeners that the store removed {@code key} without a write: it expired ({@code expired}) or was
   * evicted. Watchers are not marked: {@code EXEC} finds those keys gone itself ({@link #lostSinceWatched}), as
   * Redis 7.0 does.
   */
  public void removed(String key, boolean expired) {
    Listener told = listener;
    if (told != null) {
      told.modified(key);
    }
    RemovalListener removals = removalListener;
    if (removals != null) {
      removals.removed(key, expired);
    }
  }

  /** Tells the listener that many keys changed at once (a flush, a swap of databases). */
  public void flushed() {
    Listener told = listener;
    if (told != null) {
      told.flushed();
    }
  }

  /** One client's watches. Its keys change on the client's own thread only; {@link #dirty} from any. */
  public static final class Watcher {
    /** Each watched key, and whether it was live when watched (an expiry since then aborts, as in Redis 7.0). */
    private final Map<String, Boolean> keys = new HashMap<>();
    private long keyChars;
    private volatile boolean dirty;

    /** Whether a watched key was modified since it was watched. */
    public boolean dirty() {
      return dirty;
    }

    /** Whether this client watches anything. */
    public boolean watching() {
      return !keys.isEmpty();
    }

    /** The number of keys watched, for the client's memory figures. */
    public int size() {
      return keys.size();
    }

    /** The characters of the keys watched, for the client's memory figures. */
    public long keyChars() {
      return keyChars;
    }
  }

  /**
   * Adds {@code key} to {@code watcher}'s keys; {@code live}: whether the key holds a live value now.
   *
   * @return whether the key was not watched by {@code watcher} yet
   */
  public boolean watch(Watcher watcher, String key, boolean live) {
    if (watcher.keys.putIfAbsent(key, live) != null) {
      return false;
    }
    watcher.keyChars += key.length();
    watched.incrementAndGet();
    byKey.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(watcher);
    return true;
  }

  /** Ends every watch of {@code watcher} and clears its dirty mark ({@code EXEC}, {@code DISCARD}, {@code UNWATCH}). */
  public void unwatchAll(Watcher watcher) {
    for (String key : watcher.keys.keySet()) {
      byKey.computeIfPresent(key, (k, watchers) -> {
        watchers.remove(watcher);
        return watchers.isEmpty() ? null : watchers;
      });
      watched.decrementAndGet();
    }
    watcher.keys.clear();
    watcher.keyChars = 0;
    watcher.dirty = false;
  }

  /** Marks the watchers of {@code key} dirty, and tells the listener: it has just been modified. */
  public void touch(String key) {
    Listener told = listener;
    if (told != null) {
      told.modified(key);
    }
    if (watched.get() == 0) {
      return;
    }
    Set<Watcher> watchers = byKey.get(key);
    if (watchers != null) {
      watchers.forEach(w -> w.dirty = true);
    }
  }

  /** Marks the watchers of every watched key that passes {@code modified} dirty ({@code FLUSHDB}, {@code SWAPDB}). */
  public void touchIf(Predicate<String> modified) {
    if (watched.get() == 0) {
      return;
    }
    byKey.forEach((key, watchers) -> {
      if (modified.test(key)) {
        watchers.forEach(w -> w.dirty = true);
      }
    });
  }

  /**
   * Whether a key {@code watcher} watched while it was live is no longer ({@code live} says), so has expired or
   * been evicted since: Redis 7.0's {@code isWatchedKeyExpired}, with eviction as a deletion. Call it under the
   * gate held exclusive.
   */
  public boolean lostSinceWatched(Watcher watcher, Predicate<String> live) {
    for (Map.Entry<String, Boolean> entry : watcher.keys.entrySet()) {
      if (entry.getValue() && !live.test(entry.getKey())) {
        return true;
      }
    }
    return false;
  }
}
