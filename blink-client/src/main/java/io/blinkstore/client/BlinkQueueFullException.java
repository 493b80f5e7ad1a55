package io.blinkstore.client;

import io.blinkstore.BlinkException;

/**
 * A command was refused at once, before anything was sent, because its connection already had
 * {@link BlinkClientOptions#queueCapacity()} commands waiting or in flight. The caller is producing faster than
 * the server answers; retrying later, or a larger pool, may help.
 */
public class BlinkQueueFullException extends BlinkException {
  private static final long serialVersionUID = 1L;

  private final String command;

  /** Creates the exception for {@code command}, refused by a queue holding {@code capacity} commands. */
  public BlinkQueueFullException(String command, int capacity) {
    super(command + ": refused, " + capacity + " commands are already waiting or in flight on the connection");
    this.command = command;
  }

  /** Returns the command that was refused: its protocol word and, where it has one, its key. */
  public String command() {
    return command;
  }
}
