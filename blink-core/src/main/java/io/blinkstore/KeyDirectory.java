package io.blinkstore;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * An index of one database's entries that a client can walk from a saved position: the structure behind
 * {@code SCAN}, {@code KEYS}, {@code DBSIZE} and {@code FLUSHDB} (docs/design-keyspace-transactions.md, section 2).
 * Caffeine's map cannot serve them: its iterators live in the server, and its table moves entries on resize.
 *
 * <p><b>Layout</b>: a power-of-two table of bucket chains linked through each entry's own {@link Linked#next}
 * field, so the directory allocates nothing per entry. A bucket is chosen by the low bits of the entry's spread
 * {@link Object#hashCode()}, which must not change while the entry is here.
 *
 * <p><b>The cursor</b> is Redis's ({@code dictScan} in Redis's {@code src/dict.c}): a bucket index advanced in
 * reversed bit order, highest bit first. When the table doubles, bucket {@code b} splits into {@code b} and
 * {@code b + size}; when it halves, they merge; either way the buckets not yet visited at the old size are exactly
 * the expansions of cursors still ahead at the new size. So a walk from cursor 0 back to 0 returns every entry that
 * was present for the whole walk, whatever was added, removed or resized between calls; an entry may come twice
 * (after a shrink), and entries added or removed meanwhile may or may not come.
 *
 * <p><b>Concurrency</b>: {@link #STRIPES} locks; bucket {@code b} belongs to stripe {@code b % STRIPES}, and the
 * table never has fewer than {@link #MIN_BUCKETS} = {@code STRIPES} buckets, so an entry's stripe is fixed by its
 * hash whatever the size. {@link #add} and {@link #remove} lock one stripe; a {@link #scan} step locks the stripe of
 * the bucket it reads, so it reads a bucket whole; a resize locks every stripe in order and rehashes at once (no
 * second table to walk). No lock is held between scan calls, and the caller's sink runs outside every lock.
 *
 * <p><b>Sizing</b>: each stripe counts its entries. A stripe holding more than {@link #MAX_LOAD} times its share of
 * buckets, or fewer than an eighth of its share, proposes a resize, which sums the counts and sizes the table to
 * the smallest power of two (at least {@link #MIN_BUCKETS}) holding them at load 1. Between the two thresholds the
 * table stays put, so add-remove churn around one size never resizes back and forth.
 */
final class KeyDirectory<E extends KeyDirectory.Linked<E>> {
  /** The number of locks, a power of two; also the fewest buckets a table has. */
  static final int STRIPES = 64;

  static final int MIN_BUCKETS = STRIPES;

  /** The most buckets a table has: an array's limit. */
  static final int MAX_BUCKETS = 1 << 30;

  /** Entries per bucket, on average, above which the table doubles. */
  static final int MAX_LOAD = 2;

  /** An entry the directory can hold: its chain link lives in the entry. */
  abstract static class Linked<E extends Linked<E>> {
    /** The next entry of the same bucket; guarded by the bucket's stripe. */
    E next;
  }

  /** A stripe's lock and the number of entries whose hash falls in it (written under the lock). */
  private static final class Stripe extends ReentrantLock {
    private static final long serialVersionUID = 1L;
    volatile int count;
  }

  private final Stripe[] stripes = new Stripe[STRIPES];
  /** Replaced only while every stripe is held; its slots are guarded by their bucket's stripe. */
  private volatile Linked<?>[] table = new Linked<?>[MIN_BUCKETS];

  KeyDirectory() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  /** Mixes the high bits of a hash into the low ones, which choose the bucket and the stripe. */
  static int spread(int hash) {
    int h = hash * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  /** Adds {@code entry}, which must not be in this or another directory. */
  void add(E entry) {
    int hash = spread(entry.hashCode());
    Stripe stripe = stripes[hash & (STRIPES - 1)];
    int buckets;
    int count;
    stripe.lock();
    try {
      Linked<?>[] buckets0 = table;
      int index = hash & (buckets0.length - 1);
      entry.next = cast(buckets0[index]);
      buckets0[index] = entry;
      count = stripe.count + 1;
      stripe.count = count;
      buckets = buckets0.length;
    } finally {
      stripe.unlock();
    }
    if (count > (buckets / STRIPES) * MAX_LOAD && buckets < MAX_BUCKETS && size() > (long) buckets * MAX_LOAD) {
      resize();
    }
  }

  /** Removes {@code entry} (by identity); false if it was not here. */
  boolean remove(E entry) {
    int hash = spread(entry.hashCode());
    Stripe stripe = stripes[hash & (STRIPES - 1)];
    int buckets;
    int count;
    stripe.lock();
    try {
      Linked<?>[] buckets0 = table;
      int index = hash & (buckets0.length - 1);
      if (!unlink(buckets0, index, entry)) {
        return false;
      }
      count = stripe.count - 1;
      stripe.count = count;
      buckets = buckets0.length;
    } finally {
      stripe.unlock();
    }
    if (buckets > MIN_BUCKETS && count * 8 < buckets / STRIPES && size() * 8 < buckets) {
      resize();
    }
    return true;
  }

  private static <E extends Linked<E>> boolean unlink(Linked<?>[] buckets, int index, E entry) {
    E previous = null;
    for (E at = cast(buckets[index]); at != null; previous = at, at = at.next) {
      if (at == entry) {
        if (previous == null) {
          buckets[index] = at.next;
        } else {
          previous.next = at.next;
        }
        at.next = null;
        return true;
      }
    }
    return false;
  }

  /** The number of entries: exact when no add or remove is under way. */
  long size() {
    long size = 0;
    for (Stripe stripe : stripes) {
      size += stripe.count;
    }
    return size;
  }

  /** The number of buckets now (for tests and the memory figures). */
  int buckets() {
    return table.length;
  }

  /**
   * Walks whole buckets from {@code cursor} until at least {@code count} entries were handed to {@code sink}, or
   * {@code count * 10} buckets were read (Redis's bound, so a sparse table answers quickly), or the walk is done.
   * Returns the cursor to continue from, 0 when the walk is complete. Any {@code long} is a cursor: bits above
   * the table's size are ignored, as Redis does.
   */
  long scan(long cursor, int count, Consumer<? super E> sink) {
    List<E> found = new ArrayList<>(Math.max(count, 1));
    long next = cursor;
    long budget = Math.max(count, 1) * 10L;
    do {
      next = scanBucket(next, found);
    } while (next != 0 && found.size() < count && --budget > 0);
    found.forEach(sink);
    return next;
  }

  /** Adds the entries of the cursor's bucket to {@code found} and returns the next cursor. */
  private long scanBucket(long cursor, List<E> found) {
    Stripe stripe = stripes[(int) cursor & (STRIPES - 1)];
    stripe.lock();
    try {
      Linked<?>[] buckets = table;
      long mask = buckets.length - 1;
      for (E at = cast(buckets[(int) (cursor & mask)]); at != null; at = at.next) {
        found.add(at);
      }
      return advance(cursor, mask);
    } finally {
      stripe.unlock();
    }
  }

  /** The next cursor after {@code cursor} for a table of {@code mask + 1} buckets: reversed-bit increment. */
  static long advance(long cursor, long mask) {
    long reversed = Long.reverse(cursor | ~mask);
    return Long.reverse(reversed + 1);
  }

  /** Resizes to fit the current count, if it still calls for it once every stripe is held. */
  private void resize() {
    for (Stripe stripe : stripes) {
      stripe.lock();
    }
    try {
      long size = size();
      int target = MIN_BUCKETS;
      while (target < size && target < MAX_BUCKETS) {
        target <<= 1;
      }
      Linked<?>[] old = table;
      boolean grow = size > (long) old.length * MAX_LOAD && target > old.length;
      boolean shrink = size * 8 < old.length && target < old.length;
      if (grow || shrink) {
        table = rehash(old, target);
      }
    } finally {
      for (int i = STRIPES - 1; i >= 0; i--) {
        stripes[i].unlock();
      }
    }
  }

  private static <E extends Linked<E>> Linked<?>[] rehash(Linked<?>[] old, int buckets) {
    Linked<?>[] table = new Linked<?>[buckets];
    for (Linked<?> head : old) {
      E at = cast(head);
      while (at != null) {
        E next = at.next;
        int index = spread(at.hashCode()) & (buckets - 1);
        at.next = cast(table[index]);
        table[index] = at;
        at = next;
      }
    }
    return table;
  }

  @SuppressWarnings("unchecked")
  private static <E extends Linked<E>> E cast(Linked<?> entry) {
    return (E) entry;
  }
}
