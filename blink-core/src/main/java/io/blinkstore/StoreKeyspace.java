package io.blinkstore;

import io.blinkstore.internal.Keyspace;
import io.blinkstore.internal.Namespaces;
import java.util.Iterator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Keyspace} of a {@link CaffeineBlinkStore}: iterations over its map, with nothing kept per entry.
 * {@code SCAN} steps through {@link ScanCursors}; {@code KEYS} and {@code FLUSHDB} are one pass; a random key is
 * the next live key of a walk over the map that every call moves on by a random stride, since the map offers no
 * random access. Each namespace's keys are those whose prefix names it ({@link Namespaces}), counted by
 * {@link NamespaceCounts}.
 */
final class StoreKeyspace implements Keyspace {
  /** The largest stride of the random walk, in keys of the namespace asked for. */
  static final int MAX_STRIDE = 64;

  private final CaffeineBlinkStore store;
  private final ScanCursors cursors;
  private @Nullable Iterator<Key> walk;

  StoreKeyspace(CaffeineBlinkStore store, ScanCursors cursors) {
    this.store = store;
    this.cursors = cursors;
  }

  @Override
  public @Nullable Step scan(int namespace, long cursor, int count) {
    store.ensureOpen();
    return cursors.step(cursor, count, store.map.keySet().iterator(), key -> liveKey(key, namespace));
  }

  @Override
  public void forEachKey(int namespace, Predicate<String> visitor) {
    store.ensureOpen();
    for (Key key : store.map.keySet()) {
      String live = liveKey(key, namespace);
      if (live != null && !visitor.test(live)) {
        return;
      }
    }
  }

  /**
   * Moves the walk on by a random stride (restarting it at the end of the map) and returns the first live key at
   * or after it; {@code null} only if a whole pass finds none.
   */
  @Override
  public synchronized @Nullable String randomKey(int namespace) {
    store.ensureOpen();
    int stride = ThreadLocalRandom.current().nextInt(MAX_STRIDE);
    boolean passedEnd = false;
    boolean foundAny = false;
    for (;;) {
      if (walk == null || !walk.hasNext()) {
        if (passedEnd && !foundAny) {
          return null; // a whole pass without a live key
        }
        walk = store.map.keySet().iterator();
        passedEnd = true;
        foundAny = false;
        continue;
      }
      String key = liveKey(walk.next(), namespace);
      if (key != null) {
        foundAny = true;
        if (stride-- == 0) {
          return key;
        }
      }
    }
  }

  @Override
  public long size(int namespace) {
    store.ensureOpen();
    store.expiry.sweep();
    return store.counts.keys(namespace);
  }

  @Override
  public long entryCost(int namespace, String key) {
    store.ensureOpen();
    Key stored = store.policy.getIfPresentQuietly(Key.lookup(Namespaces.key(namespace, key)));
    Object ref = stored == null ? null : stored.ref;
    return ref == null || !store.isLive(ref) ? -1 : store.bound.cost(ref);
  }

  @Override
  public long expiring(int namespace) {
    store.ensureOpen();
    store.expiry.sweep();
    return store.counts.expiring(namespace);
  }

  @Override
  public long valueIdentity(int namespace, String key) {
    store.ensureOpen();
    Key stored = store.policy.getIfPresentQuietly(Key.lookup(Namespaces.key(namespace, key)));
    Object ref = stored == null ? null : stored.ref;
    if (ref == null || !store.isLive(ref)) {
      return -1;
    }
    TypedValue typed = Key.typed(ref);
    return Integer.toUnsignedLong(System.identityHashCode(typed != null ? typed : Key.packed(ref)));
  }

  @Override
  public void activeExpiry(boolean on) {
    store.ensureOpen();
    store.expiry.activeExpiry(on);
  }

  @Override
  public void flush(int namespace) {
    store.ensureOpen();
    for (Key key : store.map.keySet()) {
      if (NamespaceCounts.namespace(key.ref) == namespace) {
        store.drop(key); // as Redis's FLUSHDB: no expiry counted or told for a key whose time had passed
      }
    }
  }

  /** The key (without its namespace) of a stored entry of {@code namespace}, or {@code null}: another, or expired. */
  private @Nullable String liveKey(Key stored, int namespace) {
    Object ref = stored.ref;
    if (NamespaceCounts.namespace(ref) != namespace || !store.isLive(ref)) {
      return null;
    }
    return Namespaces.strip(stored.text());
  }
}
