package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.ALLOW_BUSY;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.NO_AUTH;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.server.command.CommandSpec.Keys;

/**
 * {@code RESET} (Redis 6.2+): the connection back to the state of a new one, as Redis's
 * {@code clearClientConnectionState} does it: its transaction discarded and its watches ended, out of
 * {@code MONITOR} and of every subscription (telling it nothing, as Redis), tracking off ({@code CLIENT TRACKING OFF}),
 * database 0, RESP2, no name, every reply sent again ({@code CLIENT REPLY ON}; a {@code SKIP} already applying to this
 * very command still drops its reply, as there), and back to the {@code default} user, signed out if that user needs
 * a password. {@code CLIENT NO-EVICT} stays, as in Redis. Answers {@code +RESET}.
 */
final class ConnectionReset {
  private static final Result RESET = new Result.Simple("RESET");

  private final RespTransactionCommands transactions;
  private final Monitors monitors;
  private final PubSubChannels pubSub;
  private final ClientTracking tracking;

  ConnectionReset(RespTransactionCommands transactions, Monitors monitors, PubSubChannels pubSub,
      ClientTracking tracking) {
    this.transactions = transactions;
    this.monitors = monitors;
    this.pubSub = pubSub;
    this.tracking = tracking;
  }

  void register(CommandTable table) {
    table.add("reset", 1, Keys.NONE, this::reset, NOSCRIPT, LOADING, STALE, FAST, NO_AUTH, ALLOW_BUSY);
  }

  private Result reset(ClientState client, byte[][] args) {
    monitors.stop(client);
    tracking.disable(client);
    client.db(0);
    client.protocol(ClientState.DEFAULT_PROTOCOL);
    client.signInAsDefault();
    transactions.end(client);
    pubSub.unsubscribeAll(client);
    client.name(null);
    client.repliesReset();
    return RESET;
  }
}
