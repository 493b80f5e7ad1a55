package io.blinkstore;

import com.github.benmanes.caffeine.cache.Scheduler;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The store's own expiry, so that entries without a time to live pay nothing for it: Caffeine's variable expiry
 * would read the clock and reorder its timer wheel on every read of every entry. The map holds a plain
 * {@code byte[]} for an entry that never expires and an {@link Expiring} holder for one that does; every holder
 * the map holds is also here, ordered by deadline, and {@link #sweep} walks them from the front. A holder leaves
 * the index when its entry is replaced, removed or evicted, so the index never outgrows the live entries with a
 * time to live. Updates that keep the time to live (counters) make a new holder with the old one's deadline and
 * sequence number, which is its identity here, so the index is left alone.
 *
 * <p>While the index holds anything, a background sweep runs every {@link #SWEEP_INTERVAL}; the store also sweeps
 * on {@code usage()}, {@code size()}, {@code stats()}, on the slow write path and before trimming to the entry
 * bound.
 */
final class ExpiryIndex {
  /** How often an idle store holding entries with a time to live removes the expired ones. */
  static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

  /**
   * Runs an idle store's background sweep. The JDK's shared timer thread (behind Caffeine's system scheduler)
   * only hands the work to the common pool: a sweep must not hold up other users of that thread.
   */
  private static final Scheduler BACKGROUND = Scheduler.systemScheduler();

  /** What the index needs of the store it indexes. */
  interface Entries {
    /** Whether the map still holds {@code holder} (by its sequence number), without counting a read. */
    boolean holds(Expiring holder);

    /** Removes an expired holder if the map still holds it; unindexes it either way. */
    void removeExpired(Expiring holder);
  }

  private final Entries entries;
  private final NamespaceCounts counts;
  private final LongSupplier ticker;
  /** The ticker's reading at creation: deadlines count from it, so they never overflow for 292 years. */
  private final long epoch;
  /** The holders in the map, soonest deadline first. */
  private final ConcurrentSkipListSet<Expiring> expiring = new ConcurrentSkipListSet<>();
  /** The size of {@link #expiring}, kept beside it: the skip list counts by walking. */
  private final AtomicLong indexed = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  /** Whether a background sweep is scheduled; only with the system ticker (tests drive a fake one by hand). */
  private final AtomicBoolean sweepScheduled;
  private volatile boolean closed;
  /**
   * The instant {@link #now()} answers while a transaction runs ({@link #freeze}), else {@link #RUNNING}. Read
   * by every {@link #now()}: one volatile read, a plain load on x86 and ARM's load-acquire, beside the ticker's
   * own read.
   */
  private volatile long frozenAt = RUNNING;
  /**
   * Whether {@link #sweep} removes expired entries: false after Redis's {@code DEBUG SET-ACTIVE-EXPIRE 0}, when an
   * expired entry stays (counted by sizes) until a command touches it or room is needed ({@link #reclaim}).
   */
  private volatile boolean active = true;

  /** {@link #frozenAt} when the clock runs: no reading since the epoch is that far below it. */
  private static final long RUNNING = Long.MIN_VALUE;

  ExpiryIndex(Entries entries, NamespaceCounts counts, LongSupplier ticker) {
    this.entries = entries;
    this.counts = counts;
    this.ticker = ticker;
    this.epoch = ticker.getAsLong();
    this.sweepScheduled = new AtomicBoolean(ticker != BlinkStore.Builder.SYSTEM_TICKER);
  }

  /** Nanoseconds since the store's epoch; while {@linkplain #freeze frozen}, the instant it was frozen at. */
  long now() {
    long frozen = frozenAt;
    return frozen == RUNNING ? ticker.getAsLong() - epoch : frozen;
  }

  /**
   * Stops the store's clock at this instant until {@link #thaw}, for a body that runs with every other operation
   * of the store held off ({@code Isolation.atomically}: {@code EXEC}, scripts): every key it reads is judged live
   * or expired at that one instant, as Redis 7.0 evaluates a transaction's keys at the time {@code EXEC} began, so
   * a key live at its start does not vanish in its middle. The sweep, the one other reader of the clock meanwhile,
   * removes nothing that expires after that instant until the clock runs again.
   */
  void freeze() {
    frozenAt = ticker.getAsLong() - epoch;
  }

  /** Lets the clock run again after {@link #freeze}. */
  void thaw() {
    frozenAt = RUNNING;
  }

  /** Creates a holder expiring {@code ttlNanos} from now; it must then be stored and {@link #track}ed. */
  Expiring newHolder(byte[] packed, long ttlNanos, boolean pinned) {
    return holderUntil(packed, now() + ttlNanos, pinned);
  }

  /**
   * Creates a holder of {@code value} (a packed array or a {@link TypedValue}) expiring at {@code deadline}
   * ({@link #now()}'s clock); to be stored and tracked likewise.
   */
  Expiring holderUntil(Object value, long deadline, boolean pinned) {
    return new Expiring(value, deadline, sequence.getAndIncrement(), pinned);
  }

  /** Creates an unpinned holder expiring at {@code deadline}, the store's nanosecond time; as {@link #newHolder}. */
  Expiring holderUntil(byte[] packed, long deadline) {
    return new Expiring(packed, deadline, sequence.getAndIncrement(), false);
  }

  /**
   * Indexes a holder just stored, and unindexes it again if the map no longer holds it (a racing write replaced
   * it before it was indexed, so that write could not unindex it). Either way it ends indexed only if stored.
   */
  void track(Expiring holder) {
    if (expiring.add(holder)) {
      indexed.incrementAndGet();
      counts.expiringIn(holder);
    }
    if (!entries.holds(holder)) {
      unindex(holder);
    }
    scheduleSweep();
  }

  /** Takes a holder out of the index, if it is there. */
  void unindex(Expiring holder) {
    if (expiring.remove(holder)) {
      indexed.decrementAndGet();
      counts.expiringOut(holder);
    }
  }

  /** Switches the sweeps that run before sizes are read and in the background on or off ({@link #active}). */
  void activeExpiry(boolean on) {
    active = on;
  }

  /**
   * Removes every entry whose deadline has passed, as {@link #reclaim}, unless active expiry is off: the sweep
   * before a size is read and the background one.
   */
  void sweep() {
    if (active) {
      reclaim();
    }
  }

  /**
   * Removes every entry whose deadline has passed, soonest first, stopping at the first that has not, whether active
   * expiry is on or not: the store needs the room (a write over the limit, a trim to the entry bound, a lower
   * limit). Safe to run concurrently with itself and with writes: removal is by identity.
   */
  void reclaim() {
    if (expiring.isEmpty()) {
      return;
    }
    long now = now();
    for (Expiring due : expiring) {
      if (due.isLive(now)) {
        return;
      }
      entries.removeExpired(due);
    }
  }

  /** The number of holders indexed, counted as they come and go. */
  long indexed() {
    return indexed.get();
  }

  /** The number of holders indexed, counted by walking the index: tests check that it follows the map. */
  int walkedSize() {
    return expiring.size();
  }

  /** Stops the background sweep. */
  void close() {
    closed = true;
  }

  private void scheduleSweep() {
    if (!sweepScheduled.get() && sweepScheduled.compareAndSet(false, true)) {
      // Nothing to cancel: the sweep schedules its next run itself, and stops when the index is gone or closed.
      var unused = BACKGROUND.schedule(ForkJoinPool.commonPool(), new BackgroundSweep(this),
          SWEEP_INTERVAL.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /**
   * The background sweep of one index, repeated while it holds entries. It holds the index weakly: a store dropped
   * without {@code close()} stays collectable (the index is reachable only from its store).
   */
  private static final class BackgroundSweep implements Runnable {
    private final WeakReference<ExpiryIndex> index;

    BackgroundSweep(ExpiryIndex index) {
      this.index = new WeakReference<>(index);
    }

    @Override
    public void run() {
      ExpiryIndex target = index.get();
      if (target == null || target.closed) {
        return;
      }
      target.sweep();
      target.sweepScheduled.set(false);
      // A holder indexed after the sweep but before the flag fell found it still set: look again.
      if (!target.expiring.isEmpty()) {
        target.scheduleSweep();
      }
    }
  }
}
