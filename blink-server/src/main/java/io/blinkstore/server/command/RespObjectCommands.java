package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.READONLY;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Keyspace;
import io.blinkstore.internal.Namespaces;
import io.blinkstore.internal.TypedKeys;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * {@code OBJECT ENCODING|FREQ|IDLETIME|REFCOUNT|HELP} and {@code MEMORY USAGE|HELP}: what Blink Store can report
 * honestly of a key. {@code ENCODING} names the value as Redis would encode it ({@code int}, {@code embstr},
 * {@code raw}, by Redis's rules for a string written whole); {@code REFCOUNT} is 1 (no value is shared, as in a
 * Redis with an LFU policy); {@code IDLETIME} gets Redis's error for the LFU policy Blink Store reports
 * ({@code allkeys-lfu}); {@code FREQ} gets an error of ours, since the store's W-TinyLFU sketch keeps no per-key
 * count to read. {@code MEMORY USAGE} is the entry's cost by the store's own reckoning ({@link Keyspace#entryCost}).
 */
final class RespObjectCommands {
  /** Redis's {@code OBJ_ENCODING_EMBSTR_SIZE_LIMIT}: longer strings are {@code raw}. */
  private static final int EMBSTR_SIZE_LIMIT = 44;
  /** The longest text Redis tries as an integer ({@code tryObjectEncoding}). */
  private static final int MAX_INTEGER_TEXT = 20;
  private static final Keys SECOND = new Keys(2, 2, 1);
  private static final Result.Error NO_IDLE_TIME = Result.error("An LFU maxmemory policy is selected, idle time not "
      + "tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time "
      + "to adjust.");
  private static final Result.Error NO_FREQUENCY = Result.error("Blink Store's eviction (W-TinyLFU) keeps no "
      + "per-key access count to report");
  private static final List<String> OBJECT_HELP = List.of(
      "ENCODING <key>",
      "    Return the kind of internal representation used in order to store the value",
      "    associated with a <key>.",
      "FREQ <key>",
      "    Return the access frequency index of the <key>. The returned integer is",
      "    proportional to the logarithm of the recent access frequency of the key.",
      "IDLETIME <key>",
      "    Return the idle time of the <key>, that is the approximated number of",
      "    seconds elapsed since the last access to the key.",
      "REFCOUNT <key>",
      "    Return the number of references of the value associated with the specified",
      "    <key>.");
  private static final List<String> MEMORY_HELP = List.of(
      "USAGE <key> [SAMPLES <count>]",
      "    Return memory in bytes used by <key> and its value. Nested values are",
      "    sampled up to <count> times (default: 5, 0 means sample all).");

  private final BlinkStore store;
  private final @Nullable Keyspace keyspace;
  private final @Nullable TypedKeys types;

  /**
   * The commands on {@code store}, whose {@code keyspace} (null: a store without one) tells an entry's cost and
   * whose {@code types} (null: strings only) a hash's or list's encoding.
   */
  RespObjectCommands(BlinkStore store, @Nullable Keyspace keyspace, @Nullable TypedKeys types) {
    this.store = store;
    this.keyspace = keyspace;
    this.types = types;
  }

  void register(CommandTable commands) {
    commands.addContainer("object", -2);
    commands.add("object|encoding", 3, SECOND, this::encoding, READONLY);
    commands.add("object|freq", 3, SECOND, (client, args) -> ifPresent(client, args, NO_FREQUENCY), READONLY);
    commands.add("object|idletime", 3, SECOND, (client, args) -> ifPresent(client, args, NO_IDLE_TIME), READONLY);
    commands.add("object|refcount", 3, SECOND, (client, args) -> ifPresent(client, args, new Result.Int(1)),
        READONLY);
    commands.add("object|help", 2, Keys.NONE, (client, args) -> help(args, OBJECT_HELP), LOADING, STALE);
    commands.addContainer("memory", -2);
    commands.add("memory|usage", -3, SECOND, this::usage, READONLY);
    commands.add("memory|help", 2, Keys.NONE, (client, args) -> help(args, MEMORY_HELP), LOADING, STALE);
  }

  /** {@code reply} if the key exists, else the null reply, as Redis's {@code OBJECT} answers a missing key. */
  private Result ifPresent(ClientState client, byte[][] args, Result reply) {
    return KeyTypes.present(store, client.key(args[2])) ? reply : Result.NULL;
  }

  /** {@code OBJECT ENCODING key}: Redis's encoding of a string of these bytes, set whole. */
  private Result encoding(ClientState client, byte[][] args) {
    String encoding = types == null ? null : types.encoding(client.key(args[2]));
    if (encoding != null) {
      return Result.bulk(encoding);
    }
    BlinkStore.StoredValue value = store.getStored(client.key(args[2]));
    if (value == null) {
      return Result.NULL;
    }
    int length = value.length();
    if (length <= MAX_INTEGER_TEXT) {
      ByteBuffer bytes = ByteBuffer.allocate(length);
      value.copyTo(bytes, 0);
      if (Arguments.integer(bytes.array()) != null) {
        return Result.bulk("int");
      }
    }
    return Result.bulk(length <= EMBSTR_SIZE_LIMIT ? "embstr" : "raw");
  }

  /** {@code MEMORY USAGE key [SAMPLES count]}: the entry's cost in bytes, or null for a missing key. */
  private Result usage(ClientState client, byte[][] args) {
    for (int i = 3; i < args.length; i++) {
      if (!Arguments.lowerCase(args[i]).equals("samples") || i + 1 == args.length) {
        return RespKeyCommands.SYNTAX_ERROR;
      }
      Long samples = Arguments.integer(args[++i]);
      if (samples == null || samples < 0) {
        return samples == null ? RespKeyCommands.NOT_AN_INTEGER : RespKeyCommands.SYNTAX_ERROR;
      }
    }
    String key = client.key(args[2]);
    if (keyspace == null) {
      BlinkStore.StoredValue value = store.getStored(key); // only strings on a store without a keyspace
      return value == null ? Result.NULL
          : new Result.Int((long) key.getBytes(StandardCharsets.UTF_8).length + value.length());
    }
    long cost = keyspace.entryCost(client.namespace(), Namespaces.strip(key));
    return cost < 0 ? Result.NULL : new Result.Int(cost);
  }

  /** Redis's help reply: a header naming the command, the lines, and {@code HELP}'s own. */
  static Result help(byte[][] args, List<String> lines) {
    List<Result> reply = new ArrayList<>();
    reply.add(new Result.Simple(Arguments.text(args[0]).toUpperCase(Locale.ROOT)
        + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"));
    lines.forEach(line -> reply.add(new Result.Simple(line)));
    reply.add(new Result.Simple("HELP"));
    reply.add(new Result.Simple("    Prints this help."));
    return new Result.Array(reply);
  }
}
