package io.blinkstore.internal;

import java.util.List;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Not API: what blink-server's logical databases and its {@code SCAN}, {@code KEYS}, {@code RANDOMKEY},
 * {@code DBSIZE}, {@code FLUSHDB} and {@code INFO keyspace} need of the in-process store beyond
 * {@code BlinkStore}, per namespace ({@link Namespaces}). The store built by {@code BlinkStore.builder()} is a
 * {@link Source} of one; the server asks {@code store instanceof Keyspace.Source}. Keys given and returned are
 * keys within the namespace (without its prefix); a key whose time to live has passed is never returned.
 */
public interface Keyspace {
  /** What gives a {@link Keyspace}: the in-process store. */
  interface Source {
    Keyspace keyspace();
  }

  /**
   * One step of an iteration over the keys of {@code namespace}: {@code cursor} 0 starts one, and each step returns
   * the cursor of the next, 0 once the iteration is complete. Every key present from the first step to the last
   * is returned exactly once; a key added or removed meanwhile may or may not be. A step returns at most
   * {@code count} keys and looks at a bounded number of entries (of every namespace), so it may return none
   * before the end.
   *
   * @return the step, or {@code null} if {@code cursor} is not 0 and not a live cursor (never issued, already
   *     used, or expired: see the store's cursor bounds)
   */
  @Nullable Step scan(int namespace, long cursor, int count);

  /**
   * Gives every live key of {@code namespace} to {@code visitor}, in no particular order, in one pass over the
   * whole store, until it returns {@code false}: a caller bounds what it collects (a reply's size) without a list
   * of every key first.
   */
  void forEachKey(int namespace, Predicate<String> visitor);

  /** A live key of {@code namespace} chosen at random, or {@code null} if it holds none. */
  @Nullable String randomKey(int namespace);

  /** The keys of {@code namespace}, expired ones not yet removed included (as Redis's {@code DBSIZE}). */
  long size(int namespace);

  /**
   * What the live entry of {@code key} costs the heap by the store's own reckoning (its heap capacity's): its key
   * and value bytes, the store's figure per entry (the one its builder was given with {@code heapCapacity}), and
   * that of a time to live's holder if it has one; {@code -1} if there is no live entry. Read without counting a
   * hit or a miss.
   */
  long entryCost(int namespace, String key);

  /** The keys of {@code namespace} that have a time to live. */
  long expiring(int namespace);

  /** Removes every key of {@code namespace}, in one pass over the whole store. */
  void flush(int namespace);

  /** One step of {@link #scan}: the cursor to pass next (0: done) and the keys found. */
  /**
   * An identity of where the value of {@code key} in {@code namespace} is stored, the same for as long as the value
   * changes in place (a counter incremented, a value overwritten by one of the same length, a hash's or list's
   * elements) and in general different once it is replaced; -1 if the key is absent. {@code DEBUG OBJECT}'s
   * {@code at:}, which Redis's suite compares to see an {@code INCR} done in place.
   */
  long valueIdentity(int namespace, String key);

  /**
   * Switches active expiry on (the default) or off, for every namespace: off, an expired key is removed only when a
   * command touches it (a read, a write, {@code EXISTS}) or when the store needs its room, and {@link #size} and
   * {@link #expiring} count it until then. Redis's {@code DEBUG SET-ACTIVE-EXPIRE 0|1}, which its test suite uses to
   * observe lazy expiry.
   */
  void activeExpiry(boolean on);

  record Step(long cursor, List<String> keys) {}
}
