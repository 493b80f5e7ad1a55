package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.ADMIN;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.NO_ASYNC_LOADING;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.server.command.CommandSpec.Keys;

/**
 * {@code CLUSTER} and its subcommands, and {@code ASKING}, {@code READONLY}, {@code READWRITE}, as a Redis 7.0 started
 * with {@code cluster-enabled no} (which
 * {@code CONFIG GET cluster-enabled} reports) answers them: every one, {@code HELP} too, with
 * {@code -ERR This instance has cluster support disabled} ({@code clusterCommand} in Redis's {@code cluster.c}
 * answers so before it looks at the subcommand). Each is declared with Redis's arity and flags
 * ({@code src/commands/cluster-*.json}), so that {@code COMMAND INFO}, {@code DOCS} and {@code LIST} show them as
 * Redis does; scaling out is docs/scale-out.md's.
 */
final class ClusterCommand {
  /** Redis's reply to every {@code CLUSTER} subcommand without cluster support. */
  static final Result DISABLED = Result.error("This instance has cluster support disabled");

  private ClusterCommand() {}

  static void register(CommandTable table) {
    table.addContainer("cluster", -2, null);
    CommandSpec.Operation disabled = (client, args) -> DISABLED;
    for (String name : new String[] {"addslots", "delslots"}) {
      table.add("cluster|" + name, -3, Keys.NONE, disabled, NO_ASYNC_LOADING, ADMIN, STALE);
    }
    for (String name : new String[] {"addslotsrange", "delslotsrange", "meet", "setslot"}) {
      table.add("cluster|" + name, -4, Keys.NONE, disabled, NO_ASYNC_LOADING, ADMIN, STALE);
    }
    for (String name : new String[] {"bumpepoch", "flushslots", "saveconfig"}) {
      table.add("cluster|" + name, 2, Keys.NONE, disabled, NO_ASYNC_LOADING, ADMIN, STALE);
    }
    for (String name : new String[] {"forget", "replicate", "set-config-epoch"}) {
      table.add("cluster|" + name, 3, Keys.NONE, disabled, NO_ASYNC_LOADING, ADMIN, STALE);
    }
    table.add("cluster|failover", -2, Keys.NONE, disabled, NO_ASYNC_LOADING, ADMIN, STALE);
    for (String name : new String[] {"count-failure-reports", "replicas", "slaves"}) {
      table.add("cluster|" + name, 3, Keys.NONE, disabled, ADMIN, STALE);
    }
    table.add("cluster|countkeysinslot", 3, Keys.NONE, disabled, STALE);
    table.add("cluster|keyslot", 3, Keys.NONE, disabled, STALE);
    table.add("cluster|getkeysinslot", 4, Keys.NONE, disabled, STALE);
    for (String name : new String[] {"info", "links", "myid", "nodes", "shards", "slots"}) {
      table.add("cluster|" + name, 2, Keys.NONE, disabled, STALE);
    }
    table.add("cluster|help", 2, Keys.NONE, disabled, LOADING, STALE);
    table.add("cluster|reset", -2, Keys.NONE, disabled, ADMIN, STALE, NOSCRIPT);
    // A cluster client's connection commands, which a Redis without cluster support refuses alike.
    table.add("asking", 1, Keys.NONE, disabled, FAST);
    table.add("readonly", 1, Keys.NONE, disabled, FAST, LOADING, STALE);
    table.add("readwrite", 1, Keys.NONE, disabled, FAST, LOADING, STALE);
  }
}
