package io.blinkstore;

import io.blinkstore.internal.Keyspace;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The live {@code SCAN} cursors of a store: each is a weakly consistent iterator over the map, kept between calls
 * under a number the client holds. Nothing is kept per entry (docs/design-keyspace-transactions.md, section 2).
 *
 * <p>The guarantee is the map's: a {@code ConcurrentHashMap} iterator returns every element present from its
 * creation to the end exactly once, whatever is written meanwhile, and follows the table through resizes
 * (Caffeine's map view iterates its {@code ConcurrentHashMap} of nodes). An iterator pins at most the table it
 * began on; the tables a map has outgrown form a geometric series, so every cursor together pins less than the
 * current table.
 *
 * <p>Cursors are server-wide, not per connection: a pooled client sends the next step on whichever connection it
 * has. Each step retires its cursor number and issues a new one, so a step replayed with an old number is refused
 * rather than silently skipping keys. At most {@link #MAX_CURSORS} are live at once (the least recently used is
 * dropped beyond that), and one unused for {@link #IDLE} is dropped: an iteration resumed with a dropped cursor
 * gets {@code null} from {@link #step}, which the server answers with an error that says to start again.
 */
final class ScanCursors {
  /** The most cursors live at once, each an iterator of about a hundred bytes. */
  static final int MAX_CURSORS = 4096;

  /** How long a cursor lives unused. */
  static final Duration IDLE = Duration.ofMinutes(10);

  /** The most entries one step looks at, per key it may return (Redis looks at up to 10 buckets per key). */
  static final int VISITS_PER_KEY = 10;

  /** Cursor numbers stay below 2^53, so that clients holding them in a double (JavaScript's) keep them exact. */
  private static final long CURSOR_BOUND = 1L << 53;

  /** Least recently used first: every step takes its cursor out and puts it back under a new number. */
  private final Map<Long, Cursor> live = new LinkedHashMap<>();
  private final LongSupplier nanoTime;

  ScanCursors(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  private static final class Cursor {
    final Iterator<Key> keys;
    long lastUsed;

    Cursor(Iterator<Key> keys) {
      this.keys = keys;
    }
  }

  /**
   * One step: from a new iterator ({@code number} 0, made by {@code start}) or the live cursor {@code number},
   * up to {@code count} of the keys that {@code live} turns into a key (it returns {@code null} for entries to
   * skip), looking at no more than {@code count * VISITS_PER_KEY} entries.
   *
   * @return the step, or {@code null} if {@code number} is not a live cursor
   */
  Keyspace.@Nullable Step step(long number, int count, Iterator<Key> start, Function<Key, @Nullable String> live) {
    Cursor cursor = number == 0 ? new Cursor(start) : take(number);
    if (cursor == null) {
      return null;
    }
    List<String> found = new ArrayList<>(Math.min(count, 1024));
    long visits = (long) Math.max(count, 1) * VISITS_PER_KEY;
    while (found.size() < count && visits-- > 0 && cursor.keys.hasNext()) {
      String key = live.apply(cursor.keys.next());
      if (key != null) {
        found.add(key);
      }
    }
    return new Keyspace.Step(cursor.keys.hasNext() ? keep(cursor) : 0, found);
  }

  /** The number of live cursors; tests check the bound. */
  synchronized int size() {
    return live.size();
  }

  private synchronized @Nullable Cursor take(long number) {
    dropIdle();
    return live.remove(number);
  }

  private synchronized long keep(Cursor cursor) {
    dropIdle();
    cursor.lastUsed = nanoTime.getAsLong();
    long number;
    do {
      number = ThreadLocalRandom.current().nextLong(1, CURSOR_BOUND);
    } while (live.putIfAbsent(number, cursor) != null);
    if (live.size() > MAX_CURSORS) {
      Iterator<Cursor> eldest = live.values().iterator();
      eldest.next();
      eldest.remove();
    }
    return number;
  }

  /** Drops the cursors unused for {@link #IDLE}: the least recently used come first. */
  private void dropIdle() {
    long now = nanoTime.getAsLong();
    Iterator<Cursor> eldest = live.values().iterator();
    while (eldest.hasNext() && now - eldest.next().lastUsed >= IDLE.toNanos()) {
      eldest.remove();
    }
  }
}
