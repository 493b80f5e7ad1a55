package io.blinkstore;

import org.jspecify.annotations.Nullable;

/** The root of every exception that Blink Store throws on purpose. Unchecked. */
public class BlinkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates an exception with a message a user can act on. */
  public BlinkException(String message) {
    super(message);
  }

  /** Creates an exception with a message and its cause. */
  public BlinkException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
