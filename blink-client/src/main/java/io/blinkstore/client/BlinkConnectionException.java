package io.blinkstore.client;

import io.blinkstore.BlinkException;
import org.jspecify.annotations.Nullable;

/**
 * A command failed because the connection to the server could not be made or was lost: the server may or may
 * not have executed it. Commands in flight on a connection that drops all fail with this exception; none waits
 * forever and none receives another command's reply.
 */
public class BlinkConnectionException extends BlinkException {
  private static final long serialVersionUID = 1L;

  private final String command;

  /**
   * Creates the exception for {@code command} (its protocol word and key, such as {@code GET user:42}), with
   * the exception that broke the connection, or null if none did (the server closed it, say).
   */
  public BlinkConnectionException(String command, String message, @Nullable Throwable cause) {
    super(command + ": " + message);
    this.command = command;
    if (cause != null) {
      initCause(cause);
    }
  }

  /** Returns the command that failed: its protocol word and, where it has one, its key. */
  public String command() {
    return command;
  }
}
