package io.blinkstore.server;

/**
 * The text protocol as a {@link Session}: {@link CommandExecutor} answers every command but {@code QUIT}, which
 * has no reply and ends the connection, as does a line over the limit (after its error). Stateless, so one
 * instance serves every connection.
 */
final class TextSession implements Session<Command> {
  private final CommandExecutor executor;

  TextSession(CommandExecutor executor) {
    this.executor = executor;
  }

  @Override
  public Reply execute(Command command) {
    return command instanceof Command.Quit ? null : executor.execute(command);
  }

  @Override
  public boolean endsConnection(Command command) {
    return command instanceof Command.Quit || command instanceof Command.LineTooLong;
  }
}
