package io.blinkstore.server;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.Dispatcher;

/**
 * The defaults that are not compile-time constants of their own, as constants the CLI can read without
 * initializing BlinkServer (whose logger would fix the log level before {@code --log-level} is applied).
 */
final class Defaults {
  static final long IDLE_TIMEOUT_SECONDS = 0;
  static final long REQUEST_TIMEOUT_SECONDS = 30;
  static final long AUTH_TIMEOUT_SECONDS = 10;
  static final String UNIX_MODE = "rw-rw----";
  static final int DATABASES = Dispatcher.DEFAULT_DATABASES;
  /** {@code --memory-limit}'s default for picocli: {@code $BLINK_MEMORY_LIMIT}, else the store's own default. */
  static final String MEMORY_LIMIT = "${env:BLINK_MEMORY_LIMIT:-" + BlinkStore.DEFAULT_MEMORY_LIMIT + "}";

  private Defaults() {}
}
