package io.blinkstore.server.command;

import java.util.List;

/**
 * {@code DEBUG}, with only the subcommands Redis's own test suite needs that are safe on a server in service:
 * {@code DEBUG PROTOCOL type}, a fixed reply of each RESP shape but RESP3's push, and
 * {@code DEBUG QUICKLIST-PACKED-THRESHOLD size}, checked as Redis checks it and with no effect (a list here has one
 * encoding, with no packed nodes whose size to choose), and {@code DEBUG SET-DISABLE-DENY-SCRIPTS 0|1}, which here
 * lets scripts call {@code DEBUG} and no other {@code noscript} command ({@link ScriptDenial}). Every other
 * subcommand
 * ({@code SLEEP}, {@code SEGFAULT}, {@code RELOAD}, {@code POPULATE}, {@code OBJECT}, ...) is refused with the error
 * of a Redis whose DEBUG is disabled, its default: none of them may stall, crash or fill the server.
 */
final class DebugCommand {
  static final Result.Error NOT_ALLOWED = Result.error("DEBUG command not allowed. If the enable-debug-command"
      + " option is set to \"local\", you can run it from a local connection, otherwise you need to set this"
      + " option in the configuration file, and then restart the server.");

  private static final Result.Error PACKED_THRESHOLD =
      Result.error("argument must be a memory value bigger than 1 and smaller than 4gb");

  private final ScriptDenial denial;

  /** A {@code DEBUG} whose {@code SET-DISABLE-DENY-SCRIPTS} switches {@code denial}. */
  DebugCommand(ScriptDenial denial) {
    this.denial = denial;
  }

  void register(CommandTable table) {
    table.add("debug", -2, CommandSpec.Keys.NONE, this::debug, CommandFlag.ADMIN, CommandFlag.NOSCRIPT,
        CommandFlag.LOADING, CommandFlag.STALE);
  }

  private Result debug(ClientState client, byte[][] args) {
    if (args.length == 3 && Arguments.lowerCase(args[1]).equals("set-disable-deny-scripts")) {
      denial.allowDebug(ScriptDenial.atoi(Arguments.text(args[2])) != 0);
      return Result.OK;
    }
    if (args.length == 3 && Arguments.lowerCase(args[1]).equals("quicklist-packed-threshold")) {
      Long size = ServerConfig.memoryBytes(Arguments.text(args[2]));
      return size == null || size > (1L << 32) - (1 << 20) ? PACKED_THRESHOLD : Result.OK;
    }
    if (args.length != 3 || !Arguments.lowerCase(args[1]).equals("protocol")) {
      return NOT_ALLOWED;
    }
    return switch (Arguments.lowerCase(args[2])) {
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
