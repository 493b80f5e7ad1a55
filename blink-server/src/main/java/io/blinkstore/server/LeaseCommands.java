package io.blinkstore.server;

import io.blinkstore.BlinkStore;

/**
 * Executes the lease words against a {@link BlinkStore} and the server's {@link Leases}; part of
 * {@link CommandExecutor}. Nothing here waits: a client that must wait is told how long, and asks again. The store
 * is the store itself, not the {@link LeaseInvalidatingStore} the other commands write through: a fill must not
 * end its own lease before it has written.
 */
final class LeaseCommands {
  static final Reply.Error LEASE_EXPIRED = new Reply.Error("lease expired");
  static final Reply.Error LEASE_TABLE_FULL = new Reply.Error("lease table full");

  private final BlinkStore store;
  private final Leases leases;

  LeaseCommands(BlinkStore store, Leases leases) {
    this.store = store;
    this.leases = leases;
  }

  /**
   * Returns the reply to {@code command}.
   *
   * @throws IllegalArgumentException if a key is not a valid key (keys from the parser always are)
   */
  Reply execute(Command.LeaseCommand command) {
    if (command instanceof Command.GetOrLease get) {
      return getOrLease(get.key(), get.leaseMillis());
    }
    if (command instanceof Command.Fill fill) {
      return fill(fill);
    }
    Command.Release release = (Command.Release) command;
    return leases.end(release.key(), release.token()) ? Reply.Status.OK : Reply.Status.NOT_FOUND;
  }

  /**
   * Answers the value, a new lease, or how long to wait. Counts a hit for a value and one miss per lease (or per
   * refusal for a full table), but nothing for a {@code WAIT}: a waiter polls every few milliseconds, and each
   * poll is not a miss of its own. Presence is checked with {@code ttl}, which counts nothing.
   */
  private Reply getOrLease(String key, long leaseMillis) {
    if (store.ttl(key) != null) {
      byte[] value = store.get(key);
      if (value != null) {
        return new Reply.Value(value);
      }
    }
    Leases.Outcome outcome = leases.acquire(key, leaseMillis);
    if (outcome instanceof Leases.Held held) {
      return new Reply.Wait(held.millis());
    }
    // A fill may have landed between our look and our lease: no load needed then. Else this is the miss.
    byte[] value = store.get(key);
    if (outcome instanceof Leases.Granted granted) {
      if (value == null) {
        return new Reply.Lease(granted.token());
      }
      leases.end(key, granted.token());
    }
    return value != null ? new Reply.Value(value) : LEASE_TABLE_FULL;
  }

  /** Stores the value if the token holds the key's live lease, then ends the lease (see {@link Leases#fill}). */
  private Reply fill(Command.Fill fill) {
    boolean filled = leases.fill(fill.key(), fill.token(), () -> {
      if (fill.ttl() == null) {
        store.set(fill.key(), fill.value());
      } else {
        store.set(fill.key(), fill.value(), fill.ttl());
      }
    });
    return filled ? Reply.Status.OK : LEASE_EXPIRED;
  }
}
