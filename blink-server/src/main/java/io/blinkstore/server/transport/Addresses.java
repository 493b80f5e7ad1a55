package io.blinkstore.server.transport;

import java.net.InetSocketAddress;
import java.util.Arrays;

/** How logs, messages and reports show a socket address. */
public final class Addresses {
  private Addresses() {}

  /** {@code address} as logs and messages show it: the IP literal (never a host name), IPv6 in brackets. */
  public static String describe(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** Whether Redis's {@code islocalClient} counts a TCP client at {@code address} as local: 127.0.0.1 or ::1 only. */
  public static boolean redisLocal(InetSocketAddress address) {
    byte[] ip = address.getAddress() == null ? new byte[0] : address.getAddress().getAddress();
    return Arrays.equals(ip, new byte[] {127, 0, 0, 1})
        || Arrays.equals(ip, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  }
}
