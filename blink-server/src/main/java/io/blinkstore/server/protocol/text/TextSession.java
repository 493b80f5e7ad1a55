package io.blinkstore.server.protocol.text;

import io.blinkstore.server.transport.Session;
import org.jspecify.annotations.Nullable;

/**
 * The text protocol as a {@link Session}: {@link TextCommands} answers every command but {@code QUIT}, which
 * has no reply and ends the connection, as does a line over the limit (after its error). One per connection.
 */
public final class TextSession implements Session<Command> {
  private final TextCommands commands;

  public TextSession(TextCommands commands) {
    this.commands = commands;
  }

  @Override
  public @Nullable Reply execute(Command command) {
    return command instanceof Command.Quit ? null
        : command instanceof Command.Sync ? commands.sync() : commands.execute(command);
  }

  @Override
  public long waitNanos(Command command) {
    return commands.pauseNanos(command);
  }

  @Override
  public void wakeEarly(Runnable wake) {
    commands.wakeOnUnpause(wake);
  }

  @Override
  public void forget(Runnable wake) {
    commands.forgetWake(wake);
  }

  @Override
  public boolean endsConnection(Command command) {
    return command instanceof Command.Quit || command instanceof Command.LineTooLong;
  }
}
