package io.blinkstore.server;

/**
 * One RESP connection as a {@link Session}: its client id and name, and the shared {@link RespCommands} that
 * answer its commands. A protocol error is answered {@code -ERR Protocol error: ...} and ends the connection, as
 * {@code QUIT} does after its {@code +OK}. Used only on the connection's event loop.
 */
final class RespSession implements Session<RespRequest> {
  private final RespCommands commands;
  private final long id;
  private final ClientMemory.Account account;
  private final Runnable onSignIn;
  private byte[] name;
  private boolean authenticated;

  /**
   * The session of connection {@code id}, whose name counts in {@code account}, and which runs {@code onSignIn}
   * when it first presents the server's token.
   */
  RespSession(RespCommands commands, long id, ClientMemory.Account account, Runnable onSignIn) {
    this.commands = commands;
    this.id = id;
    this.account = account;
    this.onSignIn = onSignIn;
  }

  @Override
  public RespReply execute(RespRequest request) {
    if (request instanceof RespRequest.ProtocolError error) {
      return RespReply.error("Protocol error: " + error.message());
    }
    return commands.execute(this, ((RespRequest.Command) request).args());
  }

  @Override
  public boolean endsConnection(RespRequest request) {
    return request instanceof RespRequest.ProtocolError
        || RespCommands.lowerCase(((RespRequest.Command) request).args()[0]).equals("quit");
  }

  /** The connection's id ({@code CLIENT ID}), unique within the server. */
  long id() {
    return id;
  }

  /** The name set by {@code CLIENT SETNAME}, or {@code null}. */
  byte[] name() {
    return name;
  }

  /** Whether the connection has presented the server's auth token (meaningless when the server has none). */
  boolean authenticated() {
    return authenticated;
  }

  /**
   * Whether the connection must still sign in: the server has a token and the connection has not presented it.
   * Until then only {@code AUTH}, {@code HELLO} and {@code QUIT} run, and requests are held to smaller limits.
   */
  boolean signedOut() {
    return commands.requiresAuth() && !authenticated;
  }

  /** Records the outcome of the connection's last {@code AUTH}. */
  void authenticated(boolean authenticated) {
    if (authenticated && !this.authenticated) {
      onSignIn.run();
    }
    this.authenticated = authenticated;
  }

  /** Sets the connection's name; {@code null} clears it. */
  void name(byte[] name) {
    this.name = name;
    account.name(name == null ? 0 : name.length);
  }
}
