package io.blinkstore.server;

import io.blinkstore.server.transport.Addresses;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * Like Redis's protected mode, but a warning: a store reachable from the network without a token. The metrics
 * endpoint has no token at all; it shows figures, not data, so off loopback it gets a one-line notice.
 */
final class Exposure {
  private Exposure() {}

  /** Warns of what the server serves on {@code tcp} and {@code metrics} (either null: none) off loopback. */
  static void warn(Logger log, @Nullable InetSocketAddress tcp, @Nullable InetSocketAddress metrics, boolean hasToken) {
    if (tcp != null && isExposed(tcp, hasToken)) {
      log.warn("SECURITY WARNING: listening on {} without an auth token: anyone who can reach this address"
          + " can read and change every entry (and stop the server: SHUTDOWN). Bind 127.0.0.1 or set"
          + " BLINK_AUTH_TOKEN / --auth-token-file.", Addresses.describe(tcp));
    }
    if (metrics != null && isExposed(metrics, false)) {
      log.warn("metrics at http://{}/metrics are open to anyone who can reach this address (the store's figures,"
          + " not its data); bind 127.0.0.1 to keep them local", Addresses.describe(metrics));
    }
  }

  /** Whether serving TCP on {@code tcp} (null: none) opens it to the network without a token. */
  static boolean isExposed(@Nullable InetSocketAddress tcp, boolean hasToken) {
    return tcp != null && !hasToken && !tcp.getAddress().isLoopbackAddress();
  }
}
