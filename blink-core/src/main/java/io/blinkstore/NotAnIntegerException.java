package io.blinkstore;

/**
 * Thrown by {@link BlinkStore#incrementBy} and its relatives when the value stored under the key is not the
 * decimal text of a 64-bit integer. The store is left unchanged.
 */
public class NotAnIntegerException extends BlinkException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for the value stored under {@code key}. */
  public NotAnIntegerException(String key) {
    super("the value of key " + key + " is not a decimal 64-bit integer");
  }
}
