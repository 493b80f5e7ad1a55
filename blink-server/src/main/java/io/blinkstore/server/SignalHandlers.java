package io.blinkstore.server;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT (Ctrl-C) start a graceful shutdown instead of killing the JVM, so the server can answer
 * what it read, remove its socket file and exit with status 0. A shutdown hook alone cannot: the JVM then
 * exits with 143 or 130. {@code sun.misc.Signal} is in the exported {@code jdk.unsupported} module.
 */
final class SignalHandlers {
  private SignalHandlers() {}

  static void onTerminate(Runnable action) {
    for (String name : new String[] {"TERM", "INT"}) {
      try {
        Signal.handle(new Signal(name), signal -> action.run());
      } catch (IllegalArgumentException unsupported) {
        // The platform has no such signal (or the JVM reserves it): the shutdown hook still stops the server.
      }
    }
  }
}
