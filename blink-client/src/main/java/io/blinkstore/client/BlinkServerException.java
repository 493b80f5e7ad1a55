package io.blinkstore.client;

import io.blinkstore.BlinkException;

/**
 * The server answered a command with an error: {@code ERROR <message>} in the text protocol, {@code -<message>}
 * over RESP. The connection stays usable (unless the message is {@code line too long}, after which the server
 * closes it).
 */
public class BlinkServerException extends BlinkException {
  private static final long serialVersionUID = 1L;

  private final String command;
  private final String serverMessage;

  /** Creates the exception for {@code command}, answered {@code ERROR serverMessage}. */
  public BlinkServerException(String command, String serverMessage) {
    super(command + ": the server answered ERROR " + serverMessage);
    this.command = command;
    this.serverMessage = serverMessage;
  }

  /** Returns the command that failed: its protocol word and, where it has one, its key. */
  public String command() {
    return command;
  }

  /** Returns the server's error text, without the text protocol's {@code ERROR } prefix (or RESP's {@code -}). */
  public String serverMessage() {
    return serverMessage;
  }
}
