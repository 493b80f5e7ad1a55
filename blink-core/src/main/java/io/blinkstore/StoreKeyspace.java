package io.blinkstore;

import io.blinkstore.internal.Keyspace;
import java.util.Iterator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The {@link Keyspace} of a {@link CaffeineBlinkStore}: iterations over its map, with nothing kept per entry.
 * {@code SCAN} steps through {@link ScanCursors}; {@code KEYS} is one pass; a random key is the next live key of
 * a walk over the map that every call moves on by a random stride, since the map offers no random access.
 */
final class StoreKeyspace {
  /** The largest stride of the random walk: a call looks at no more entries than this. */
  static final int MAX_STRIDE = 64;

  private final CaffeineBlinkStore store;
  private final ScanCursors cursors;
  private Iterator<Key> walk;

  StoreKeyspace(CaffeineBlinkStore store, ScanCursors cursors) {
    this.store = store;
    this.cursors = cursors;
  }

  Keyspace.Step scan(long cursor, int count) {
    return cursors.step(cursor, count, store.map.keySet().iterator(), this::liveKey);
  }

  void forEachKey(Predicate<String> visitor) {
    for (Key key : store.map.keySet()) {
      String live = liveKey(key);
      if (live != null && !visitor.test(live)) {
        return;
      }
    }
  }

  /**
   * Moves the walk on by a random stride (restarting it at the end of the map) and returns the first live key at
   * or after it; {@code null} only if a whole pass finds none.
   */
  synchronized String randomKey() {
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
      String key = liveKey(walk.next());
      if (key != null) {
        foundAny = true;
        if (stride-- == 0) {
          return key;
        }
      }
    }
  }

  /** The key of a stored entry, or {@code null} if its time to live has passed. */
  private String liveKey(Key stored) {
    return store.liveValue(stored.ref) == null ? null : stored.text();
  }
}
