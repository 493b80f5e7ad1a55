package io.blinkstore.server.command;

import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code DEBUG}, behind Redis's {@code enable-debug-command} ({@code serve --enable-debug-command no|local|yes},
 * default {@code no}, reported by {@code CONFIG GET}). Three subcommands answer everyone, since none can stall,
 * crash or fill the server: {@code DEBUG PROTOCOL type}, a fixed reply of each RESP shape but RESP3's push;
 * {@code DEBUG QUICKLIST-PACKED-THRESHOLD size}, checked as Redis checks it and with no effect (a list here has one
 * encoding, with no packed nodes whose size to choose); and {@code DEBUG SET-DISABLE-DENY-SCRIPTS 0|1}, which here
 * lets scripts call {@code DEBUG} and no other {@code noscript} command ({@link ScriptDenial}). The others Redis's
 * test suite uses ({@link DebugTools}: {@code SET-ACTIVE-EXPIRE}, {@code SLEEP}, {@code OBJECT}, {@code RELOAD},
 * {@code POPULATE}, {@code CHANGE-REPL-ID}, {@code HELP}) answer only the clients the setting admits, and every
 * other client gets Redis's refusal, before {@code MULTI} queues the command, as Redis refuses it. A subcommand not
 * built here gets Redis's unknown-subcommand error. {@code DEBUG} runs with the store's gate held exclusive, so that
 * {@code SLEEP} and {@code RELOAD} hold every other command off, as Redis's one thread does.
 */
final class DebugCommand {
  static final Result.Error NOT_ALLOWED = Result.error("DEBUG command not allowed. If the enable-debug-command"
      + " option is set to \"local\", you can run it from a local connection, otherwise you need to set this"
      + " option in the configuration file, and then restart the server.");

  private static final Result.Error PACKED_THRESHOLD =
      Result.error("argument must be a memory value bigger than 1 and smaller than 4gb");

  /** The subcommands that answer whatever {@code enable-debug-command} says (with their one argument). */
  private static final Set<String> FOR_EVERYONE =
      Set.of("protocol", "quicklist-packed-threshold", "set-disable-deny-scripts");

  private final ScriptDenial denial;
  private final DebugTools tools;
  /** {@code enable-debug-command}'s value: {@code no}, {@code local} or {@code yes}. */
  private final Supplier<String> access;
  private @Nullable CommandSpec spec;

  /**
   * A {@code DEBUG} whose {@code SET-DISABLE-DENY-SCRIPTS} switches {@code denial}, whose other subcommands are
   * {@code tools}', admitted by {@code access}.
   */
  DebugCommand(ScriptDenial denial, DebugTools tools, Supplier<String> access) {
    this.denial = denial;
    this.tools = tools;
    this.access = access;
  }

  void register(CommandTable table) {
    table.add("debug", -2, CommandSpec.Keys.NONE, this::debug, CommandFlag.ADMIN, CommandFlag.NOSCRIPT,
        CommandFlag.LOADING, CommandFlag.STALE);
    spec = table.find(new byte[] {'d', 'e', 'b', 'u', 'g'});
  }

  /**
   * {@link #NOT_ALLOWED} if {@code spec} is {@code DEBUG} and {@code client} may not run {@code args}, else null:
   * the dispatcher asks before it queues a command in {@code MULTI}, as Redis's {@code processCommand} does.
   */
  @Nullable Result refusal(CommandSpec spec, ClientState client, byte[][] args) {
    return spec == this.spec && !allowed(client, args) ? NOT_ALLOWED : null;
  }

  /** The server stops: a {@code DEBUG SLEEP} ends now. */
  void close() {
    tools.close();
  }

  private boolean allowed(ClientState client, byte[][] args) {
    return switch (access.get()) {
      case "yes" -> true;
      case "local" -> client.connection().local() || forEveryone(args);
      default -> forEveryone(args);
    };
  }

  private static boolean forEveryone(byte[][] args) {
    return args.length == 3 && FOR_EVERYONE.contains(Arguments.lowerCase(args[1]));
  }

  private Result debug(ClientState client, byte[][] args) {
    if (!allowed(client, args)) {
      return NOT_ALLOWED; // a script's DEBUG, which the dispatcher's check does not see
    }
    String subcommand = Arguments.lowerCase(args[1]);
    if (args.length == 3 && subcommand.equals("set-disable-deny-scripts")) {
      denial.allowDebug(ScriptDenial.atoi(Arguments.text(args[2])) != 0);
      return Result.OK;
    }
    if (args.length == 3 && subcommand.equals("quicklist-packed-threshold")) {
      Long size = ServerConfig.memoryBytes(Arguments.text(args[2]));
      return size == null || size > (1L << 32) - (1 << 20) ? PACKED_THRESHOLD : Result.OK;
    }
    if (args.length == 3 && subcommand.equals("protocol")) {
      return protocol(Arguments.lowerCase(args[2]));
    }
    Result result = tools.run(client, subcommand, args);
    return result != null ? result : Result.error("unknown subcommand or wrong number of arguments for '"
        + Arguments.text(args[1]) + "'. Try DEBUG HELP.");
  }

  private static Result protocol(String type) {
    return switch (type) {
      case "string" -> Result.bulk("Hello World");
      case "integer" -> new Result.Int(12345);
      case "double" -> new Result.Double(3.141);
      case "null" -> new Result.Nil();
      case "array" -> new Result.Array(List.of(new Result.Int(0), new Result.Int(1), new Result.Int(2)));
      case "set" -> new Result.Set(List.of(new Result.Int(0), new Result.Int(1), new Result.Int(2)));
      case "map" -> new Result.Map(List.of(new Result.Int(0), new Result.Bool(false), new Result.Int(1),
          new Result.Bool(true), new Result.Int(2), new Result.Bool(false)));
      case "true" -> new Result.Bool(true);
      case "false" -> new Result.Bool(false);
      case "verbatim" -> new Result.Verbatim("txt", "This is a verbatim\nstring");
      case "bignum" -> new Result.BigNumber("1234567999999999999999999999999999999");
      case "attrib" -> new Result.Attributed(List.of(Result.bulk("key-popularity"),
          new Result.Array(List.of(Result.bulk("key:123"), new Result.Int(90)))),
          Result.bulk("Some real reply following the attribute"));
      // two replies to one request, which the command layer does not answer
      case "push" -> NOT_ALLOWED;
      default -> Result.error("Wrong protocol type name. Please use one of the following: "
          + "string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false");
    };
  }
}
