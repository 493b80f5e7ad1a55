package io.blinkstore;

/**
 * Thrown when an operation meets a key holding another kind of value than it works on: a string read
 * ({@link BlinkStore#get}, {@link BlinkStore#incrementBy}, ...) of a key holding a hash, list, set or sorted set, or a
 * hash operation on a key holding a string or a list. Redis answers these {@code -WRONGTYPE Operation against a key
 * holding the wrong kind of value}. The store is left unchanged. {@link BlinkStore#set} overwrites a value of any
 * kind, and {@link BlinkStore#delete} deletes one, as Redis's {@code SET} and {@code DEL} do.
 */
public class WrongTypeException extends BlinkException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception for the value stored under {@code key}, which is a {@code type} ("hash", "string", ...). */
  public WrongTypeException(String key, String type) {
    super("the value of key " + key + " is a " + type + ": wrong kind of value for this operation");
  }

  /**
   * No stack trace: the server answers a wrong type as any other reply (as Redis does), and a client looping on
   * such keys should not pay a stack walk for each.
   */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
