package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.PUBSUB;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.server.command.CommandSpec.Keys;
import io.blinkstore.server.command.Subscriptions.Kind;
import io.blinkstore.server.command.Subscriptions.Name;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Redis's publish/subscribe commands ({@code src/pubsub.c} in Redis 7.0): {@code SUBSCRIBE}, {@code UNSUBSCRIBE},
 * {@code PSUBSCRIBE}, {@code PUNSUBSCRIBE}, {@code PUBLISH}, their shard forms {@code SSUBSCRIBE},
 * {@code SUNSUBSCRIBE}, {@code SPUBLISH} (one node: shard channels are a namespace of their own), and
 * {@code PUBSUB}'s introspection, over the {@link PubSubChannels} registry. Each confirmation is a push (an array
 * for a RESP2 connection), one per channel, as Redis writes them. A RESP2 connection that subscribes to anything
 * may then only run the commands {@link #refusal} lets through; a RESP3 one runs anything.
 */
final class PubSubCommands {
  /** The commands a subscribed RESP2 connection may run, as Redis's {@code processCommand} lists them. */
  private static final Set<String> ALLOWED_WHILE_SUBSCRIBED = Set.of("ping", "subscribe", "ssubscribe",
      "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset");

  private static final List<String> HELP = List.of(
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)");

  private final PubSubChannels channels;

  PubSubCommands(PubSubChannels channels) {
    this.channels = channels;
  }

  void register(CommandTable table) {
    Keys shardChannels = new Keys(1, -1, 1);
    table.add("subscribe", -2, Keys.NONE, (client, args) -> subscribe(client, args, Kind.CHANNEL),
        PUBSUB, NOSCRIPT, LOADING, STALE);
    table.add("unsubscribe", -1, Keys.NONE, (client, args) -> unsubscribe(client, args, Kind.CHANNEL),
        PUBSUB, NOSCRIPT, LOADING, STALE);
    table.add("psubscribe", -2, Keys.NONE, (client, args) -> subscribe(client, args, Kind.PATTERN),
        PUBSUB, NOSCRIPT, LOADING, STALE);
    table.add("punsubscribe", -1, Keys.NONE, (client, args) -> unsubscribe(client, args, Kind.PATTERN),
        PUBSUB, NOSCRIPT, LOADING, STALE);
    table.add("publish", 3, Keys.NONE, (client, args) -> publish(client, args, false), PUBSUB, LOADING, STALE, FAST);
    table.add("ssubscribe", -2, shardChannels, (client, args) -> subscribe(client, args, Kind.SHARD),
        PUBSUB, NOSCRIPT, LOADING, STALE);
    table.add("sunsubscribe", -1, shardChannels, (client, args) -> unsubscribe(client, args, Kind.SHARD),
        PUBSUB, NOSCRIPT, LOADING, STALE);
    table.add("spublish", 3, Keys.ONE, (client, args) -> publish(client, args, true), PUBSUB, LOADING, STALE, FAST);
    table.addContainer("pubsub", -2);
    table.add("pubsub|help", 2, Keys.NONE, (client, args) -> help(), LOADING, STALE);
    table.add("pubsub|channels", -2, Keys.NONE, (client, args) -> list(args, Kind.CHANNEL),
        PUBSUB, LOADING, STALE);
    table.add("pubsub|numsub", -2, Keys.NONE, (client, args) -> numsub(args, Kind.CHANNEL), PUBSUB, LOADING, STALE);
    table.add("pubsub|numpat", 2, Keys.NONE, (client, args) -> new Result.Int(channels.count(Kind.PATTERN)),
        PUBSUB, LOADING, STALE);
    table.add("pubsub|shardchannels", -2, Keys.NONE, (client, args) -> list(args, Kind.SHARD),
        PUBSUB, LOADING, STALE);
    table.add("pubsub|shardnumsub", -2, Keys.NONE, (client, args) -> numsub(args, Kind.SHARD),
        PUBSUB, LOADING, STALE);
  }

  /**
   * Redis's refusal of {@code spec} for a RESP2 connection that subscribes to something, or null: only
   * {@code (P|S)SUBSCRIBE}, {@code (P|S)UNSUBSCRIBE}, {@code PING}, {@code QUIT} and {@code RESET} run then.
   */
  static @Nullable Result refusal(CommandSpec spec, ClientState client) {
    if (client.protocol() != 2 || !client.subscriptions().any() || ALLOWED_WHILE_SUBSCRIBED.contains(spec.name())) {
      return null;
    }
    return Result.error("Can't execute '" + spec.name() + "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT"
        + " / RESET are allowed in this context");
  }

  /** {@code PING}'s reply on a subscribed RESP2 connection ({@code *2 $4 pong $<n> <message>}), or null. */
  static @Nullable Result subscribedPing(ClientState client, byte[][] args) {
    if (client.protocol() != 2 || !client.subscriptions().any()) {
      return null;
    }
    return new Result.Array(List.of(Result.bulk("pong"), new Result.Bulk(args.length == 1 ? new byte[0] : args[1])));
  }

  /** {@code PUBLISH}, {@code SPUBLISH}: the receivers, after the messages to the publisher itself (a RESP3 one). */
  private Result publish(ClientState client, byte[][] args, boolean shard) {
    List<Result> replies = new ArrayList<>(1);
    Result receivers = new Result.Int(channels.publish(client, shard, args[1], args[2], replies));
    if (replies.isEmpty()) {
      return receivers;
    }
    replies.add(receivers);
    return new Result.Several(replies);
  }

  private Result subscribe(ClientState client, byte[][] args, Kind kind) {
    // Redis refuses a client that must answer each command at once (its DENY_BLOCKING): one inside EXEC, except
    // for the channels and patterns, which EXEC allows for compatibility. Scripts cannot reach these (NOSCRIPT).
    if (kind == Kind.SHARD && client.transaction() != null) {
      return Result.error("SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
    }
    List<Result> confirmations = new ArrayList<>(args.length - 1);
    for (int i = 1; i < args.length; i++) {
      Name name = new Name(args[i]);
      channels.subscribe(client, kind, name);
      confirmations.add(new Result.Push(List.of(kind.subscribed, new Result.Bulk(args[i]),
          new Result.Int(client.subscriptions().count(kind)))));
    }
    return confirmations.size() == 1 ? confirmations.get(0) : new Result.Several(confirmations);
  }

  private Result unsubscribe(ClientState client, byte[][] args, Kind kind) {
    List<Name> names = new ArrayList<>(args.length - 1);
    if (args.length == 1) {
      names.addAll(client.subscriptions().names(kind));
    } else {
      for (int i = 1; i < args.length; i++) {
        names.add(new Name(args[i]));
      }
    }
    List<Result> confirmations = new ArrayList<>(Math.max(1, names.size()));
    for (Name name : names) {
      channels.unsubscribe(client, kind, name);
      confirmations.add(new Result.Push(List.of(kind.unsubscribed, new Result.Bulk(name.bytes()),
          new Result.Int(client.subscriptions().count(kind)))));
    }
    if (confirmations.isEmpty()) { // subscribed to none: Redis still confirms, with a null name
      confirmations.add(new Result.Push(List.of(kind.unsubscribed, new Result.Nil(),
          new Result.Int(client.subscriptions().count(kind)))));
    }
    return confirmations.size() == 1 ? confirmations.get(0) : new Result.Several(confirmations);
  }

  private static Result help() {
    List<Result> lines = new ArrayList<>();
    lines.add(new Result.Simple("PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    HELP.forEach(line -> lines.add(new Result.Simple(line)));
    lines.add(new Result.Simple("HELP"));
    lines.add(new Result.Simple("    Prints this help."));
    return new Result.Array(lines);
  }

  /** {@code PUBSUB CHANNELS [pattern]}, {@code PUBSUB SHARDCHANNELS [pattern]}. */
  private Result list(byte[][] args, Kind kind) {
    if (args.length > 3) {
      return syntaxError(args);
    }
    List<Result> names = new ArrayList<>();
    for (Name name : channels.names(kind, channel -> args.length == 2 || GlobPattern.matches(args[2], channel))) {
      names.add(new Result.Bulk(name.bytes()));
    }
    return new Result.Array(names);
  }

  /** {@code PUBSUB NUMSUB channel...}, {@code PUBSUB SHARDNUMSUB channel...}: each name and its subscribers. */
  private Result numsub(byte[][] args, Kind kind) {
    List<Result> counts = new ArrayList<>(2 * (args.length - 2));
    for (int i = 2; i < args.length; i++) {
      counts.add(new Result.Bulk(args[i]));
      counts.add(new Result.Int(channels.subscribers(kind, new Name(args[i]))));
    }
    return new Result.Array(counts);
  }

  /** Redis's {@code addReplySubcommandSyntaxError}. */
  private static Result syntaxError(byte[][] args) {
    return Result.error("unknown subcommand or wrong number of arguments for '" + Arguments.text(args[1])
        + "'. Try PUBSUB HELP.");
  }
}
