package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.DENYOOM;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.time.Duration;
import java.util.List;

/**
 * The fill-lease commands, {@code GETL key lease_ms}, {@code FILL key token ttl_ms value} and
 * {@code RELEASE key token} (docs/protocol.md, "Fill leases"; the text protocol's words run the same operations),
 * against the server's one {@link Leases} table, so that text and RESP clients filling the same key share its
 * single lease. Nothing here waits: a client that must wait is told how long, and asks again. The store is the
 * store itself, not the {@link LeaseInvalidatingStore} the other commands write through: a fill must not end its
 * own lease before it has written.
 *
 * <p>Results: {@code GETL} answers a two-element array, a word then its argument: {@code ["VALUE", <bytes>]},
 * {@code ["LEASE", <token>]} or {@code ["WAIT", <ms>]} (token and milliseconds as integers). {@code FILL}
 * answers {@code +OK} or {@code -ERR lease expired}, and takes the value as a plain (binary-safe) bulk string;
 * {@code RELEASE} answers {@code :1} if the lease was live, else {@code :0}.
 */
final class RespLeaseCommands {
  static final Result.Error LEASE_EXPIRED = Result.error("lease expired");
  static final Result.Error LEASE_TABLE_FULL = Result.error("lease table full");
  private static final long MAX_TTL_MILLIS = BlinkStore.MAX_TTL.toMillis();
  private static final Result.Error INVALID_LEASE_TIME = Result.error(Leases.INVALID_LEASE_TIME);
  private static final Result.Error INVALID_LEASE_TOKEN = Result.error(Leases.INVALID_LEASE_TOKEN);
  private static final Result.Bulk VALUE = Result.bulk("VALUE");
  private static final Result.Bulk LEASE = Result.bulk("LEASE");
  private static final Result.Bulk WAIT = Result.bulk("WAIT");

  private final BlinkStore store;
  private final Leases leases;

  RespLeaseCommands(BlinkStore store, Leases leases) {
    this.store = store;
    this.leases = leases;
  }

  void register(CommandTable commands) {
    commands.add("getl", 3, Keys.ONE, this::getOrLease, READONLY, FAST);
    commands.add("fill", 5, Keys.ONE, this::fill, WRITE, DENYOOM);
    commands.add("release", 3, Keys.ONE, this::release, WRITE, FAST);
  }

  /**
   * Answers the value, a new lease, or how long to wait. Counts a hit for a value and one miss per lease (or per
   * refusal for a full table), but nothing for a {@code WAIT}: a waiter polls every few milliseconds, and each
   * poll is not a miss of its own. Presence is checked with {@code ttl}, which counts nothing.
   */
  private Result getOrLease(ClientState client, byte[][] args) {
    String key = client.key(args[1]);
    Long millis = Arguments.integer(args[2]);
    if (millis == null || millis <= 0) {
      return INVALID_LEASE_TIME;
    }
    if (store.ttl(key) != null) {
      byte[] value = store.get(key);
      if (value != null) {
        return pair(VALUE, new Result.Bulk(value));
      }
    }
    Leases.Outcome outcome = leases.acquire(key, millis);
    if (outcome instanceof Leases.Held held) {
      return pair(WAIT, new Result.Int(held.millis()));
    }
    // A fill may have landed between our look and our lease: no load needed then. Else this is the miss.
    byte[] value = store.get(key);
    if (outcome instanceof Leases.Granted granted) {
      if (value == null) {
        return pair(LEASE, new Result.Int(granted.token()));
      }
      leases.end(key, granted.token());
    }
    return value != null ? pair(VALUE, new Result.Bulk(value)) : LEASE_TABLE_FULL;
  }

  private static Result pair(Result.Bulk word, Result argument) {
    return new Result.Array(List.of(word, argument));
  }

  /**
   * {@code FILL key token ttl_ms value}, a TTL of 0 meaning none: stores the value if the token holds the key's
   * live lease, then ends the lease (see {@link Leases#fill}).
   */
  private Result fill(ClientState client, byte[][] args) {
    String key = client.key(args[1]);
    Long token = Arguments.integer(args[2]);
    if (token == null) {
      return INVALID_LEASE_TOKEN;
    }
    Long ttlMillis = Arguments.integer(args[3]);
    boolean persistent = Arguments.text(args[3]).equals("0");
    if (!persistent && (ttlMillis == null || ttlMillis <= 0 || ttlMillis > MAX_TTL_MILLIS)) {
      return SetOptions.invalidExpireTime("fill");
    }
    Duration ttl = persistent || ttlMillis == null ? null : Duration.ofMillis(ttlMillis);
    byte[] value = args[4];
    boolean filled = leases.fill(key, token, () -> {
      if (ttl == null) {
        store.set(key, value);
      } else {
        store.set(key, value, ttl);
      }
    });
    return filled ? Result.OK : LEASE_EXPIRED;
  }

  private Result release(ClientState client, byte[][] args) {
    String key = client.key(args[1]);
    Long token = Arguments.integer(args[2]);
    if (token == null) {
      return INVALID_LEASE_TOKEN;
    }
    return new Result.Int(leases.end(key, token) ? 1 : 0);
  }
}
