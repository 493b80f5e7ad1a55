package io.blinkstore;

import io.blinkstore.internal.Namespaces;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The keys, and the keys with a time to live, of each namespace ({@link Namespaces}): counted where a {@link Key}
 * enters the map (where a compute finds no entry) and where it leaves it, and where a holder enters and leaves
 * the expiry index, so that {@code DBSIZE} and {@code INFO keyspace} are O(1) per database. Like Redis's
 * {@code DBSIZE}, a key whose deadline has passed counts until it is removed.
 */
final class NamespaceCounts {
  private final AtomicLongArray keys = new AtomicLongArray(Namespaces.COUNT);
  private final AtomicLongArray expiring = new AtomicLongArray(Namespaces.COUNT);

  /** The namespace of a stored ref's key. */
  static int namespace(Object stored) {
    byte[] packed = Key.packed(stored);
    int keyBytes = Key.keyLength(packed);
    return Namespaces.of(packed, Key.varintLength(keyBytes), keyBytes);
  }

  void keyIn(Object stored) {
    keys.incrementAndGet(namespace(stored));
  }

  void keyOut(Object stored) {
    keys.decrementAndGet(namespace(stored));
  }

  void expiringIn(Expiring holder) {
    expiring.incrementAndGet(namespace(holder));
  }

  void expiringOut(Expiring holder) {
    expiring.decrementAndGet(namespace(holder));
  }

  long keys(int namespace) {
    return keys.get(namespace);
  }

  long expiring(int namespace) {
    return expiring.get(namespace);
  }
}
