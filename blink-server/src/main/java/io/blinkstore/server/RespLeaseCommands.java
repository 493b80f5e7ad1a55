package io.blinkstore.server;

import static io.blinkstore.server.CommandFlag.DENYOOM;
import static io.blinkstore.server.CommandFlag.FAST;
import static io.blinkstore.server.CommandFlag.READONLY;
import static io.blinkstore.server.CommandFlag.WRITE;

import io.blinkstore.server.CommandSpec.Keys;
import io.blinkstore.BlinkStore;
import java.time.Duration;
import java.util.List;

/**
 * The fill-lease commands over RESP: {@code GETL key lease_ms}, {@code FILL key token ttl_ms value} and
 * {@code RELEASE key token}, the text protocol's words (docs/protocol.md, "Fill leases") with RESP replies. They
 * run through the same {@link LeaseCommands} and the server's one {@link Leases} table, so text and RESP clients
 * filling the same key share its single lease. Keys are mapped as for every RESP command ({@link RespKeys}).
 *
 * <p>Replies: {@code GETL} answers a two-element array, the text reply's word then its argument:
 * {@code ["VALUE", <bytes>]}, {@code ["LEASE", <token>]} or {@code ["WAIT", <ms>]} (token and milliseconds as
 * integers). {@code FILL} answers {@code +OK} or {@code -ERR lease expired}, and takes the value as a plain
 * (binary-safe) bulk string; {@code RELEASE} answers {@code :1} if the lease was live, else {@code :0}.
 */
final class RespLeaseCommands {
  private static final Result.Error INVALID_LEASE_TIME = Result.error(ExtensionParser.INVALID_LEASE_TIME);
  private static final Result.Error INVALID_LEASE_TOKEN = Result.error(ExtensionParser.INVALID_LEASE_TOKEN);

  private final LeaseCommands leases;

  RespLeaseCommands(BlinkStore store, Leases leases) {
    this.leases = new LeaseCommands(store, leases);
  }

  void register(CommandTable commands) {
    commands.add("getl", 3, Keys.ONE, this::getOrLease, READONLY, FAST);
    commands.add("fill", 5, Keys.ONE, this::fill, WRITE, DENYOOM);
    commands.add("release", 3, Keys.ONE, this::release, WRITE, FAST);
  }

  private Result getOrLease(ClientState client, byte[][] args) {
    String key = RespKeys.of(args[1]);
    Long millis = Arguments.integer(args[2]);
    if (millis == null || millis <= 0) {
      return INVALID_LEASE_TIME;
    }
    Reply reply = leases.execute(new Command.GetOrLease(key, millis));
    if (reply instanceof Reply.Value value) {
      return pair("VALUE", new Result.Bulk(value.bytes()));
    }
    if (reply instanceof Reply.Lease lease) {
      return pair("LEASE", new Result.Int(lease.token()));
    }
    if (reply instanceof Reply.Wait wait) {
      return pair("WAIT", new Result.Int(wait.millis()));
    }
    return Result.error(((Reply.Error) reply).message());
  }

  private static Result pair(String word, Result argument) {
    return new Result.Array(List.of(Result.bulk(word), argument));
  }

  /** {@code FILL key token ttl_ms value}: a TTL of 0 means none. */
  private Result fill(ClientState client, byte[][] args) {
    String key = RespKeys.of(args[1]);
    Long token = Arguments.integer(args[2]);
    if (token == null) {
      return INVALID_LEASE_TOKEN;
    }
    boolean persistent = Arguments.text(args[3]).equals("0");
    Duration ttl = persistent ? null : ExtensionParser.ttl(Arguments.text(args[3]), true);
    if (ttl == null && !persistent) {
      return SetOptions.invalidExpireTime("fill");
    }
    Reply reply = leases.execute(new Command.Fill(key, token, ttl, args[4]));
    return reply == Reply.Status.OK ? Result.OK : Result.error(((Reply.Error) reply).message());
  }

  private Result release(ClientState client, byte[][] args) {
    String key = RespKeys.of(args[1]);
    Long token = Arguments.integer(args[2]);
    if (token == null) {
      return INVALID_LEASE_TOKEN;
    }
    Reply reply = leases.execute(new Command.Release(key, token));
    return new Result.Int(reply == Reply.Status.OK ? 1 : 0);
  }
}
