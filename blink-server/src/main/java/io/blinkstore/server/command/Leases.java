package io.blinkstore.server.command;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The server's table of fill leases, for stampede protection (memcached's leases): per missing key, at most one
 * live lease, whose holder alone may fill the key. A lease ends when it is filled, released, or its time runs
 * out, so a holder that crashed blocks the key for at most its lease time. Thread-safe and non-blocking: every
 * connection's event loop calls it directly.
 *
 * <p>Bounded: each lease costs an estimate of its heap ({@link #costOf}), and leases are refused while the table
 * is at its budget, after expired leases have been swept out. Expired leases are also replaced in place when
 * their key is asked for again, and swept out at most a second after they end while leases are being asked for.
 *
 * <p>A write of a key by anyone but its lease holder ends the lease ({@link #invalidate}, through
 * {@link LeaseInvalidatingStore}), so a holder that loaded before that write cannot overwrite it.
 */
public final class Leases {
  /** The longest lease granted, in milliseconds; longer requests get this. */
  static final long MAX_LEASE_MILLIS = 60_000;

  /** The error both protocols give for a lease time that is not a positive integer (docs/protocol.md). */
  public static final String INVALID_LEASE_TIME = "invalid lease time";

  /** The error both protocols give for a lease token that is not an integer (docs/protocol.md). */
  public static final String INVALID_LEASE_TOKEN = "invalid lease token";

  /** The default budget of the lease table, in estimated heap bytes: 4 MiB, some 40,000 leases of short keys. */
  static final long DEFAULT_TABLE_BYTES = 4L << 20;

  /** The most a waiter is told to wait before asking again, in milliseconds. */
  static final long MAX_RETRY_HINT_MILLIS = 10;

  /** Estimated heap of one lease beyond its key's characters: map node, record, boxed fields. */
  private static final long LEASE_OVERHEAD_BYTES = 96;

  /** One granted lease: its token and the {@link #clock} reading at which it ends. */
  record Lease(long token, long expiresAt) {}

  /** What a request for a lease got. */
  sealed interface Outcome {}

  /** This caller holds the lease with {@code token}. */
  record Granted(long token) implements Outcome {}

  /** Another caller holds a live lease; ask again after {@code millis}. */
  record Held(long millis) implements Outcome {}

  /** The table is at its budget; no lease was granted. */
  record Full() implements Outcome {}

  private static final Full FULL = new Full();

  /** How often {@link #acquire} sweeps out expired leases. */
  static final long SWEEP_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final ConcurrentHashMap<String, Lease> table = new ConcurrentHashMap<>();
  private final AtomicLong tableBytes = new AtomicLong();
  private final AtomicLong nextToken = new AtomicLong(ThreadLocalRandom.current().nextLong(1, 1L << 48));
  private final long maxTableBytes;
  private final LongSupplier clock;
  private final AtomicLong lastSweep;

  /** A table of {@link #DEFAULT_TABLE_BYTES} on the system clock. */
  public Leases() {
    this(DEFAULT_TABLE_BYTES, System::nanoTime);
  }

  /**
   * A table bounded by {@code maxTableBytes} (estimated heap), timed by {@code clock} (nanoseconds).
   *
   * @throws IllegalArgumentException if {@code maxTableBytes} is not positive
   */
  public Leases(long maxTableBytes, LongSupplier clock) {
    if (maxTableBytes <= 0) {
      throw new IllegalArgumentException("maxTableBytes must be positive, but was " + maxTableBytes);
    }
    this.maxTableBytes = maxTableBytes;
    this.clock = clock;
    this.lastSweep = new AtomicLong(clock.getAsLong());
  }

  /**
   * Grants a lease on {@code key} for {@code millis} (at most {@link #MAX_LEASE_MILLIS}), unless another live
   * lease holds it or the table is full.
   */
  Outcome acquire(String key, long millis) {
    sweepEverySecond();
    Outcome outcome = tryAcquire(key, millis);
    if (outcome == FULL) {
      sweepExpired();
      outcome = tryAcquire(key, millis);
    }
    return outcome;
  }

  /**
   * Sweeps expired leases if the last sweep was {@link #SWEEP_INTERVAL_NANOS} ago or more, so that leases nobody
   * filled or released (their workers died) do not stay in the table until it is full. One caller sweeps; the
   * others go on.
   */
  private void sweepEverySecond() {
    long now = clock.getAsLong();
    long last = lastSweep.get();
    if (now - last >= SWEEP_INTERVAL_NANOS && lastSweep.compareAndSet(last, now)) {
      sweepExpired();
    }
  }

  private Outcome tryAcquire(String key, long millis) {
    long now = clock.getAsLong();
    long cost = costOf(key);
    Outcome[] outcome = new Outcome[1];
    table.compute(key, (k, current) -> {
      if (current != null && current.expiresAt() - now > 0) {
        outcome[0] = new Held(retryHint(current.expiresAt() - now));
        return current;
      }
      if (current == null && !reserve(cost)) {
        outcome[0] = FULL;
        return null;
      }
      long token = nextToken.getAndIncrement();
      outcome[0] = new Granted(token);
      return new Lease(token, now + TimeUnit.MILLISECONDS.toNanos(Math.min(millis, MAX_LEASE_MILLIS)));
    });
    return outcome[0];
  }

  private static long retryHint(long nanosLeft) {
    long millisLeft = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanosLeft + 999_999));
    return Math.min(millisLeft, MAX_RETRY_HINT_MILLIS);
  }

  /**
   * Ends the lease {@code token} on {@code key} if it is the key's live lease.
   *
   * @return {@code true} if it was; {@code false} if it had expired, been ended, or never existed
   */
  boolean end(String key, long token) {
    long now = clock.getAsLong();
    boolean[] ended = new boolean[1];
    table.computeIfPresent(key, (k, current) -> {
      if (current.token() != token) {
        return current;
      }
      ended[0] = current.expiresAt() - now > 0;
      tableBytes.addAndGet(-costOf(k));
      return null; // an expired lease of this token goes too
    });
    return ended[0];
  }

  /** Tells whether {@code token} is the live lease on {@code key}. */
  boolean holds(String key, long token) {
    Lease current = table.get(key);
    return current != null && current.token() == token && current.expiresAt() - clock.getAsLong() > 0;
  }

  /**
   * Runs {@code write} if {@code token} is the live lease on {@code key}, then ends the lease (also when the write
   * throws, so that another worker may try). The check and the write are one step against {@link #invalidate}:
   * a write that invalidates the key either comes after this one, or makes it refused.
   *
   * @return whether the lease was live and {@code write} ran
   */
  boolean fill(String key, long token, Runnable write) {
    long now = clock.getAsLong();
    boolean[] filled = new boolean[1];
    RuntimeException[] failure = new RuntimeException[1];
    table.computeIfPresent(key, (k, current) -> {
      if (current.token() != token) {
        return current;
      }
      if (current.expiresAt() - now > 0) {
        try {
          write.run();
          filled[0] = true;
        } catch (RuntimeException e) {
          failure[0] = e;
        }
      }
      tableBytes.addAndGet(-costOf(k));
      return null;
    });
    if (failure[0] != null) {
      throw failure[0];
    }
    return filled[0];
  }

  /** Ends the lease on {@code key}, if any: its value is being written by someone else. */
  void invalidate(String key) {
    if (!table.isEmpty()) {
      table.computeIfPresent(key, (k, current) -> {
        tableBytes.addAndGet(-costOf(k));
        return null;
      });
    }
  }

  /** Ends every lease: the store is being cleared. */
  void invalidateAll() {
    for (String key : table.keySet()) {
      invalidate(key);
    }
  }

  /** The number of leases in the table, expired ones not yet swept included. */
  int size() {
    return table.size();
  }

  /** Removes every expired lease. */
  void sweepExpired() {
    long now = clock.getAsLong();
    for (String key : table.keySet()) {
      table.computeIfPresent(key, (k, current) -> {
        if (current.expiresAt() - now > 0) {
          return current;
        }
        tableBytes.addAndGet(-costOf(k));
        return null;
      });
    }
  }

  private boolean reserve(long cost) {
    for (;;) {
      long used = tableBytes.get();
      if (used + cost > maxTableBytes) {
        return false;
      }
      if (tableBytes.compareAndSet(used, used + cost)) {
        return true;
      }
    }
  }

  /** The estimated heap of a lease on {@code key}: two bytes a character plus the fixed overhead. */
  static long costOf(String key) {
    return 2L * key.length() + LEASE_OVERHEAD_BYTES;
  }
}
