package io.blinkstore.server.transport;

import java.net.InetSocketAddress;

/** How logs, messages and reports show a socket address. */
public final class Addresses {
  private Addresses() {}

  /** {@code address} as logs and messages show it: the IP literal (never a host name), IPv6 in brackets. */
  public static String describe(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
