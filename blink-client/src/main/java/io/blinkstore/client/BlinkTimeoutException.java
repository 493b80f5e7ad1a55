package io.blinkstore.client;

import io.blinkstore.BlinkException;
import java.time.Duration;

/**
 * A command got no reply within {@link BlinkClientOptions#commandTimeout()}. The server may still execute it.
 * The connection it was sent on is closed and replaced, since a reply that never came would hold up every reply
 * behind it.
 */
public class BlinkTimeoutException extends BlinkException {
  private static final long serialVersionUID = 1L;

  private final String command;
  private final Duration timeout;

  /** Creates the exception for {@code command}, which had no reply within {@code timeout}. */
  public BlinkTimeoutException(String command, Duration timeout) {
    super(command + ": no reply within " + timeout.toMillis() + " ms");
    this.command = command;
    this.timeout = timeout;
  }

  /** Returns the command that timed out: its protocol word and, where it has one, its key. */
  public String command() {
    return command;
  }

  /** Returns the timeout that passed. */
  public Duration timeout() {
    return timeout;
  }
}
