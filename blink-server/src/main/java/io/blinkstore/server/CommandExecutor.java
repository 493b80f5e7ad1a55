package io.blinkstore.server;

import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes commands against a {@link BlinkStore}: the one place that decides each command's reply, shared by
 * the network {@link CommandHandler} and the {@link Repl}. Thread-safe (the store is), so one instance serves
 * every connection.
 */
final class CommandExecutor {
  private static final Logger log = LoggerFactory.getLogger(CommandExecutor.class);

  private final BlinkStore store;
  private final TtlCommands ttlCommands;
  private final LeaseCommands leaseCommands;
  private final ServerCounters counters;
  private final HeapGuard heapGuard;

  /** An executor with its own lease table, counters of its own and no heap guard (the REPL's). */
  CommandExecutor(BlinkStore store) {
    this(store, new Leases(), new ServerCounters(), HeapGuard.NONE);
  }

  /**
   * An executor whose lease words use {@code leases} (and whose writes end the leases of the keys they write),
   * counting its commands in {@code counters}, which
   * {@code STATS} reports, and refusing writes with {@code ERROR out of memory} while {@code heapGuard} says the
   * heap is nearly full.
   */
  CommandExecutor(BlinkStore store, Leases leases, ServerCounters counters, HeapGuard heapGuard) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(leases, "leases");
    this.store = new LeaseInvalidatingStore(store, leases);
    this.ttlCommands = new TtlCommands(this.store);
    this.leaseCommands = new LeaseCommands(store, leases);
    this.counters = Objects.requireNonNull(counters, "counters");
    this.heapGuard = Objects.requireNonNull(heapGuard, "heapGuard");
  }

  /**
   * Returns the reply to {@code command}. Never throws for a store failure: an entry larger than the memory
   * limit is answered with the capacity error, a key or value past the store's {@link EntrySizeLimits} with
   * {@code ERROR key too long} or {@code ERROR value too long}, anything unexpected with {@code ERROR internal error} (and
   * logged), so one bad request never costs the client its connection.
   *
   * @throws IllegalArgumentException for {@link Command.Quit}, which has no reply: the caller ends the session
   */
  Reply execute(Command command) {
    if (command instanceof Command.Quit) {
      throw new IllegalArgumentException("QUIT has no reply; the caller ends the session");
    }
    counters.commandExecuted();
    try {
      return dispatch(command);
    } catch (EntryTooLargeException e) {
      return Reply.AT_CAPACITY;
    } catch (EntrySizeLimits.TooLarge e) {
      return new Reply.Error(e.getMessage());
    } catch (RuntimeException e) {
      log.warn("internal error executing {}", command.getClass().getSimpleName(), e);
      return Reply.INTERNAL_ERROR;
    }
  }

  private Reply dispatch(Command command) {
    if (command instanceof Command.Write && !heapGuard.writesAllowed()) {
      return Reply.OUT_OF_MEMORY;
    }
    if (command instanceof Command.Get get) {
      // A key SET cannot have created (it holds whitespace, as in "GET a b") is simply absent.
      byte[] value = BlinkStore.isValidKey(get.key()) ? store.get(get.key()) : null;
      return value == null ? Reply.Status.NOT_FOUND : new Reply.Value(value);
    }
    if (command instanceof Command.Set set) {
      store.set(set.key(), set.value());
      return Reply.Status.OK;
    }
    if (command instanceof Command.Add add) {
      boolean stored = add.ttl() == null
          ? store.setIfAbsent(add.key(), add.value())
          : store.setIfAbsent(add.key(), add.value(), add.ttl());
      return stored ? Reply.Status.OK : Reply.Status.EXISTS;
    }
    if (command instanceof Command.Delete delete) {
      boolean existed = BlinkStore.isValidKey(delete.key()) && store.delete(delete.key());
      return existed ? Reply.Status.OK : Reply.Status.NOT_FOUND;
    }
    if (command instanceof Command.Usage) {
      return new Reply.Usage(store.usage());
    }
    if (command instanceof Command.Stats) {
      return stats();
    }
    if (command instanceof Command.TtlOrCounter ttlOrCounter) {
      return ttlCommands.execute(ttlOrCounter);
    }
    if (command instanceof Command.LeaseCommand lease) {
      return leaseCommands.execute(lease);
    }
    if (command instanceof Command.Flush) {
      store.clear();
      return Reply.Status.OK;
    }
    if (command instanceof Command.Ping ping) {
      return ping.inline() ? Reply.Status.INLINE_PONG : Reply.Status.PONG;
    }
    if (command instanceof Command.Authenticated) {
      return Reply.Status.OK;
    }
    if (command instanceof Command.Auth) {
      return Reply.NO_TOKEN_CONFIGURED; // with a token, AuthGate answers AUTH before it gets here
    }
    if (command instanceof Command.Invalid invalid) {
      return new Reply.Error(invalid.error());
    }
    if (command instanceof Command.LineTooLong) {
      return Reply.LINE_TOO_LONG;
    }
    throw new IllegalStateException("unhandled command " + command);
  }

  /** The {@code STATS} figures now, without counting a command (the metrics endpoint's view). */
  Reply.Stats stats() {
    return stats(store, counters);
  }

  /**
   * The figures of {@code store} and {@code counters} now: the one source of {@code STATS}, the metrics endpoint
   * and RESP {@code INFO}, so that they always agree.
   */
  static Reply.Stats stats(BlinkStore store, ServerCounters counters) {
    BlinkStats stats = store.stats();
    return new Reply.Stats(
        store.size(), store.usage(), store.memoryLimit(), stats.hits(), stats.misses(), stats.evictions(),
        stats.expirations(), stats.expiring(), serverFigures(stats, counters));
  }

  private static Reply.ServerFigures serverFigures(BlinkStats stats, ServerCounters counters) {
    long lookups = stats.hits() + stats.misses();
    return new Reply.ServerFigures(counters.uptimeSeconds(), counters.connections(),
        counters.totalConnections(), counters.commands(), lookups == 0 ? 0 : (double) stats.hits() / lookups,
        counters.evictedClients(), counters.clientBytes().get());
  }
}
