package io.blinkstore.server;

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
  private static final RespReply.Error INVALID_LEASE_TIME = RespReply.error(ExtensionParser.INVALID_LEASE_TIME);
  private static final RespReply.Error INVALID_LEASE_TOKEN = RespReply.error(ExtensionParser.INVALID_LEASE_TOKEN);

  private final LeaseCommands leases;

  RespLeaseCommands(BlinkStore store, Leases leases) {
    this.leases = new LeaseCommands(store, leases);
  }

  void register(RespCommands commands) {
    commands.add("getl", 3, this::getOrLease);
    commands.add("fill", 5, this::fill);
    commands.add("release", 3, this::release);
  }

  private RespReply getOrLease(RespSession session, byte[][] args) {
    String key = RespKeys.of(args[1]);
    Long millis = RespCommands.integer(args[2]);
    if (millis == null || millis <= 0) {
      return INVALID_LEASE_TIME;
    }
    Reply reply = leases.execute(new Command.GetOrLease(key, millis));
    if (reply instanceof Reply.Value value) {
      return pair("VALUE", new RespReply.Bulk(value.bytes()));
    }
    if (reply instanceof Reply.Lease lease) {
      return pair("LEASE", new RespReply.Int(lease.token()));
    }
    if (reply instanceof Reply.Wait wait) {
      return pair("WAIT", new RespReply.Int(wait.millis()));
    }
    return RespReply.error(((Reply.Error) reply).message());
  }

  private static RespReply pair(String word, RespReply argument) {
    return new RespReply.Array(List.of(RespReply.bulk(word), argument));
  }

  /** {@code FILL key token ttl_ms value}: a TTL of 0 means none. */
  private RespReply fill(RespSession session, byte[][] args) {
    String key = RespKeys.of(args[1]);
    Long token = RespCommands.integer(args[2]);
    if (token == null) {
      return INVALID_LEASE_TOKEN;
    }
    boolean persistent = RespCommands.text(args[3]).equals("0");
    Duration ttl = persistent ? null : ExtensionParser.ttl(RespCommands.text(args[3]), true);
    if (ttl == null && !persistent) {
      return SetOptions.invalidExpireTime("fill");
    }
    Reply reply = leases.execute(new Command.Fill(key, token, ttl, args[4]));
    return reply == Reply.Status.OK ? RespReply.OK : RespReply.error(((Reply.Error) reply).message());
  }

  private RespReply release(RespSession session, byte[][] args) {
    String key = RespKeys.of(args[1]);
    Long token = RespCommands.integer(args[2]);
    if (token == null) {
      return INVALID_LEASE_TOKEN;
    }
    Reply reply = leases.execute(new Command.Release(key, token));
    return new RespReply.Int(reply == Reply.Status.OK ? 1 : 0);
  }
}
