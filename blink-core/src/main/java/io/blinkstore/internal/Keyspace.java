package io.blinkstore.internal;

import java.util.List;
import java.util.function.Predicate;

/**
 * Not API: what blink-server's {@code SCAN}, {@code KEYS} and {@code RANDOMKEY} need of the in-process store
 * beyond {@code BlinkStore}. The store built by {@code BlinkStore.builder()} implements it; the server asks
 * {@code store instanceof Keyspace}. Keys are the store's keys (as {@code BlinkStore} methods take them); a key
 * whose time to live has passed is never returned.
 */
public interface Keyspace {
  /**
   * One step of an iteration over every key: {@code cursor} 0 starts one, and each step returns the cursor of the
   * next, 0 once the iteration is complete. Every key present from the first step to the last is returned
   * exactly once; a key added or removed meanwhile may or may not be. A step returns at most {@code count} keys
   * and looks at a bounded number of entries, so it may return none before the end.
   *
   * @return the step, or {@code null} if {@code cursor} is not 0 and not a live cursor (never issued, already
   *     used, or expired: see the store's cursor bounds)
   */
  Step scan(long cursor, int count);

  /**
   * Gives every live key to {@code visitor}, in no particular order, in one pass over the whole store, until it
   * returns {@code false}: a caller bounds what it collects (a reply's size) without a list of every key first.
   */
  void forEachKey(Predicate<String> visitor);

  /** A live key chosen at random, or {@code null} if the store holds none. */
  String randomKey();

  /** One step of {@link #scan}: the cursor to pass next (0: done) and the keys found. */
  record Step(long cursor, List<String> keys) {}
}
