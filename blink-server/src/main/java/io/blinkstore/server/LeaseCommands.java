package io.blinkstore.server;

import io.blinkstore.BlinkStore;

/**
 * Executes the lease words against a {@link BlinkStore} and the server's {@link Leases}; part of
 * {@link CommandExecutor}. Nothing here waits: a client that must wait is told how long, and asks again.
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

  private Reply getOrLease(String key, long leaseMillis) {
    byte[] value = store.get(key);
    if (value != null) {
      return new Reply.Value(value);
    }
    Leases.Outcome outcome = leases.acquire(key, leaseMillis);
    if (outcome instanceof Leases.Held held) {
      return new Reply.Wait(held.millis());
    }
    if (outcome instanceof Leases.Full) {
      return LEASE_TABLE_FULL;
    }
    long token = ((Leases.Granted) outcome).token();
    // A fill may have landed between our miss and our lease (ttl is not counted as a read): no load needed.
    if (store.ttl(key) != null) {
      value = store.get(key);
      if (value != null) {
        leases.end(key, token);
        return new Reply.Value(value);
      }
    }
    return new Reply.Lease(token);
  }

  /**
   * Stores the value if the token holds the key's live lease, then ends the lease. The check and the store are
   * not one atomic step: a lease that runs out between them still fills, which costs at most one extra load by
   * the next holder, never a wrong value.
   */
  private Reply fill(Command.Fill fill) {
    if (!leases.holds(fill.key(), fill.token())) {
      return LEASE_EXPIRED;
    }
    try {
      if (fill.ttl() == null) {
        store.set(fill.key(), fill.value());
      } else {
        store.set(fill.key(), fill.value(), fill.ttl());
      }
    } finally {
      leases.end(fill.key(), fill.token()); // also when the value is too large: let another holder try
    }
    return Reply.Status.OK;
  }
}
