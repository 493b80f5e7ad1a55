package io.blinkstore.server.command;

import java.util.Locale;

/** Redis 7's errors for a command or subcommand that does not exist, quoting what was sent as Redis quotes it. */
final class UnknownCommands {
  /** How much of a command name or argument Redis quotes in an error ({@code %.128s}). */
  private static final int QUOTED_BYTES = 128;

  private UnknownCommands() {}

  static Result unknownSubcommand(byte[][] args) {
    return Result.error("unknown subcommand '" + quoted(args[1]) + "'. Try "
        + Arguments.text(args[0]).toUpperCase(Locale.ROOT) + " HELP.");
  }

  /** Redis 7's text: each argument quoted and followed by a space, until the list passes 128 bytes. */
  static Result unknownCommand(byte[][] args) {
    StringBuilder quotedArgs = new StringBuilder();
    for (int i = 1; i < args.length && quotedArgs.length() < QUOTED_BYTES; i++) {
      String arg = Arguments.text(args[i]);
      int room = QUOTED_BYTES - quotedArgs.length();
      quotedArgs.append('\'').append(arg, 0, Math.min(arg.length(), room)).append("' ");
    }
    return Result.error("unknown command '" + quoted(args[0]) + "', with args beginning with: " + quotedArgs);
  }

  private static String quoted(byte[] arg) {
    String text = Arguments.text(arg);
    return text.length() > QUOTED_BYTES ? text.substring(0, QUOTED_BYTES) : text;
  }
}
