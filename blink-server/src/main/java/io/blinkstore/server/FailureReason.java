package io.blinkstore.server;

import java.util.regex.Pattern;

/** A one-line reason for a start-up failure message. */
final class FailureReason {
  private static final Pattern NATIVE_ERROR_PREFIX =
      Pattern.compile("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");

  private FailureReason() {}

  /** A one-line reason for {@code t}. */
  static String of(Throwable t) {
    String message = t == null ? null : t.getMessage();
    if (message == null || message.isBlank()) {
      return t == null ? "unknown error" : t.getClass().getSimpleName();
    }
    // Netty's native errors read "bind(..) failed with error(-98): Address already in use": keep the reason.
    return NATIVE_ERROR_PREFIX.matcher(message).replaceFirst("").replace('\n', ' ');
  }
}
