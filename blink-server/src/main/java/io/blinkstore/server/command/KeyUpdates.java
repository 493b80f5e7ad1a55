package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;
import io.blinkstore.internal.Deadlines;
import io.blinkstore.internal.Text;
import io.blinkstore.internal.ValueSwaps;
import java.time.Duration;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Read-then-write of one key as one step, for the commands whose write depends on what they read ({@code GETDEL},
 * {@code GETSET}, {@code SET} with {@code GET}/{@code XX}/{@code KEEPTTL}, {@code GETEX}, {@code APPEND},
 * {@code SETRANGE}, {@code INCRBYFLOAT}, {@code SETBIT}): the command {@linkplain Decision decides} from the key's
 * entry, and the write is a compare-and-set of that entry in the store ({@link ValueSwaps}); if another write of
 * the key came between, the command reads and decides again. So no write of the key by any client, on either
 * protocol, or by an in-process caller, lands between a command's read and its write, and no key's lock is held
 * while a command computes. Each write is held to the entry size limits and ends the key's fill lease first, as
 * {@link EntrySizeLimits} and {@link LeaseInvalidatingStore} do for the others.
 *
 * <p>A store that is not the in-process one (no {@link ValueSwaps.Source}) gets the same decisions without the
 * compare-and-set: read, then written, as its own {@code BlinkStore} operations; {@code BlinkServer} always runs on
 * the in-process store.
 */
final class KeyUpdates {
  private final BlinkStore store;
  private final ValueSwaps swaps;
  private final Leases leases;
  private final EntrySizeLimits limits;

  /**
   * Updates of the keys of {@code store}: the {@linkplain io.blinkstore.internal.Isolation#view view} the commands
   * run on; without a compare-and-set of its own, its writes until a deadline go through {@code deadlines}.
   */
  KeyUpdates(BlinkStore store, Deadlines deadlines, Leases leases, EntrySizeLimits limits) {
    this.store = store;
    this.swaps = store instanceof ValueSwaps.Source source ? source.swaps() : new Unswapped(store, deadlines);
    this.leases = leases;
    this.limits = limits;
  }

  /**
   * What a command decides from a key's entry: its reply, and whether it writes: a new value ({@code next}) with
   * {@code ttlNanos} ({@link ValueSwaps#swap}'s) or, if {@code until}, until the store's time {@code ttlNanos}
   * ({@link ValueSwaps#swapUntil}'s deadline), or the key's removal ({@code next} null).
   */
  record Decision(Result reply, boolean writes, byte @Nullable [] next, long ttlNanos, boolean until) {
    /** Answers {@code reply} and writes nothing. */
    static Decision reply(Result reply) {
      return new Decision(reply, false, null, 0, false);
    }

    /** Answers {@code reply} once {@code next} is stored for {@code ttlNanos} (0: for ever; {@code KEEP_TTL}). */
    static Decision write(Result reply, byte[] next, long ttlNanos) {
      return new Decision(reply, true, next, ttlNanos, false);
    }

    /** Answers {@code reply} once {@code next} is stored until the store's time {@code deadline}. */
    static Decision writeUntil(Result reply, byte[] next, long deadline) {
      return new Decision(reply, true, next, deadline, true);
    }

    /** Answers {@code reply} once the key is removed. */
    static Decision delete(Result reply) {
      return new Decision(reply, true, null, 0, false);
    }
  }

  /**
   * Runs {@code decide} on the live entry of {@code key} ({@code null} if it has none) and applies its decision
   * atomically, deciding again if the key changed meanwhile; returns the decision's reply. {@code decide} must
   * not have side effects: it may run more than once.
   */
  Result update(String key, Function<ValueSwaps.@Nullable Entry, Decision> decide) {
    while (true) {
      ValueSwaps.Entry entry = swaps.read(key);
      Decision decision = decide.apply(entry);
      if (!decision.writes()) {
        return decision.reply();
      }
      byte[] next = decision.next();
      if (next != null) {
        limits.check(key, next);
      }
      leases.invalidate(key);
      long ttlNanos = decision.ttlNanos() == ValueSwaps.KEEP_TTL && entry == null ? 0 : decision.ttlNanos();
      if (next != null && decision.until() ? swaps.swapUntil(key, entry, next, decision.ttlNanos())
          : swaps.swap(key, entry, next, ttlNanos)) {
        return decision.reply();
      }
    }
  }

  /**
   * Refuses, before it is built, a value of {@code length} bytes for {@code key} that no write could store: past
   * the value size limit ({@code -ERR value too long}) or the store's memory limit ({@code -OOM}). A value grown
   * by {@code SETRANGE} or {@code SETBIT} is allocated whole, so its size is checked against both first.
   *
   * @throws EntrySizeLimits.TooLarge past the size limits
   * @throws EntryTooLargeException past the memory limit
   */
  void checkRoom(String key, long length) {
    limits.checkLength(key, length);
    long entryBytes = Text.utf8Length(key) + length;
    if (entryBytes > store.memoryLimit()) {
      throw new EntryTooLargeException(entryBytes, store.memoryLimit());
    }
  }

  /**
   * As {@link #update}, for a command whose read Redis counts as a keyspace hit or miss ({@code GETDEL},
   * {@code GETEX}, {@code GETSET}, {@code SET ... GET}): the key is looked up once through the store for that
   * count, then updated; the compare-and-set's own reads are not counted.
   */
  Result updateCounted(String key, Function<ValueSwaps.@Nullable Entry, Decision> decide) {
    store.getStored(key);
    return update(key, decide);
  }

  /** The entry of {@code key} as {@link #update} sees it, for commands that only read ({@code STRLEN} does not). */
  ValueSwaps.@Nullable Entry read(String key) {
    return swaps.read(key);
  }

  /** {@link ValueSwaps} over a store's own operations: each a step of its own, the swap's comparison skipped. */
  private record Unswapped(BlinkStore store, Deadlines deadlines) implements ValueSwaps {
    @Override
    public @Nullable Entry read(String key) {
      byte[] value = store.get(key);
      Duration ttl = value == null ? null : store.ttl(key);
      if (value == null || ttl == null) {
        return null;
      }
      long nanos = ttl.equals(BlinkStore.NO_EXPIRY) ? NO_DEADLINE : ttl.toNanos();
      return new Entry(value, nanos, nanos);
    }

    @Override
    public boolean swap(String key, @Nullable Entry expected, byte @Nullable [] next, long ttlNanos) {
      long nanos = ttlNanos == KEEP_TTL && expected != null ? expected.ttlNanos() : ttlNanos;
      if (next == null) {
        store.delete(key);
      } else if (nanos == 0 || nanos == NO_DEADLINE) {
        store.set(key, next);
      } else {
        store.set(key, next, Duration.ofNanos(nanos));
      }
      return true;
    }

    @Override
    public boolean swapUntil(String key, @Nullable Entry expected, byte[] next, long deadline) {
      deadlines.setUntil(key, next, deadline);
      return true;
    }
  }
}
