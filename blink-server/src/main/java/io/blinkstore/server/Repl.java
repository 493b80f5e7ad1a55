package io.blinkstore.server;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.text.Command;
import io.blinkstore.server.protocol.text.CommandParser;
import io.blinkstore.server.protocol.text.ReplyEncoder;
import io.blinkstore.server.protocol.text.TextCommands;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import org.jspecify.annotations.Nullable;

/**
 * {@code blink-store run}: the text protocol on a reader and a print stream, against an in-process store. Lines
 * are parsed and answered exactly as on the network (same parser, same executor, same reply encoding); a line
 * ends at {@code \n} only, as on the wire. {@code quit} or the end of input ends the session.
 */
final class Repl {
  private static final String PROMPT = "> ";

  private final TextCommands commands;
  private final boolean interactive;

  /** Creates a non-interactive REPL (no prompts), as for piped input. */
  Repl(BlinkStore store) {
    this(store, false);
  }

  /** Creates a REPL that prints a {@code > } prompt before each line when {@code interactive}. */
  Repl(BlinkStore store, boolean interactive) {
    this.commands = new TextCommands(store);
    this.interactive = interactive;
  }

  /**
   * Answers each line of {@code in} on {@code out} until {@code quit} or the end of input. Does not close
   * either.
   *
   * @throws UncheckedIOException if reading {@code in} fails
   */
  void run(BufferedReader in, PrintStream out) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      while (true) {
        if (interactive) {
          out.print(PROMPT);
          out.flush();
        }
        String line = readLine(in);
        if (line == null) {
          if (interactive) {
            out.println();
          }
          break;
        }
        Command command = CommandParser.parse(line);
        if (command instanceof Command.Quit) {
          break;
        }
        buffer.clear();
        ReplyEncoder.write(commands.execute(command), buffer);
        out.write(ByteBufUtil.getBytes(buffer), 0, buffer.readableBytes());
        out.flush();
      }
    } finally {
      buffer.release();
    }
  }

  /** Reads up to {@code \n} (not a lone {@code \r}, unlike {@link BufferedReader#readLine}); null at the end. */
  private static @Nullable String readLine(BufferedReader in) {
    StringBuilder line = new StringBuilder();
    try {
      int c;
      while ((c = in.read()) != -1) {
        if (c == '\n') {
          return line.toString();
        }
        line.append((char) c);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return line.length() == 0 ? null : line.toString();
  }
}
