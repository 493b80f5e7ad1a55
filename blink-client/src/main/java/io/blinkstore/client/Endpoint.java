package io.blinkstore.client;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a server is and which protocol it is spoken to in, read from a URI ({@link BlinkClient#connect(URI,
 * BlinkClientOptions)}).
 *
 * @param address a TCP address (resolved) or a Unix domain socket path
 * @param resp whether to speak RESP2 rather than the Blink Store text protocol
 */
record Endpoint(SocketAddress address, boolean resp) {
  /** The Blink Store server's conventional port. */
  static final int BLINK_PORT = 8765;
  /** Redis's default port. */
  static final int REDIS_PORT = 6379;
  /** Where what this client refuses of a Redis address is found instead. */
  private static final String SCALE_OUT = " (for credentials, TLS, Sentinels or a cluster: BlinkRedis.connect, in"
      + " blink-redis; docs/scale-out.md)";

  /**
   * Reads {@code uri}.
   *
   * @throws IllegalArgumentException if it is no address this client understands
   */
  static Endpoint of(URI uri) {
    Objects.requireNonNull(uri, "uri");
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw refused(uri, "a user, password, query or fragment is not supported" + SCALE_OUT);
    }
    return switch (scheme) {
      case "blink" -> new Endpoint(tcp(uri, BLINK_PORT, false), false);
      case "redis" -> new Endpoint(tcp(uri, REDIS_PORT, true), true);
      case "blink-socket" -> new Endpoint(unix(uri), false);
      case "redis-socket" -> new Endpoint(unix(uri), true);
      default -> throw refused(uri, "the scheme must be blink, blink-socket, redis or redis-socket"
          + (scheme.startsWith("redis") ? SCALE_OUT : ""));
    };
  }

  private static InetSocketAddress tcp(URI uri, int defaultPort, boolean databaseZero) {
    if (uri.getHost() == null) {
      throw refused(uri, "no host");
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!path.isEmpty() && !path.equals("/") && !(databaseZero && path.equals("/0"))) {
      throw refused(uri, databaseZero ? "only database 0 exists" : "a path is not expected");
    }
    InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort() == -1 ? defaultPort : uri.getPort());
    if (address.isUnresolved()) {
      throw refused(uri, "the host cannot be resolved");
    }
    return address;
  }

  private static UnixDomainSocketAddress unix(URI uri) {
    String path = uri.getPath();
    if (uri.getHost() != null || path == null || path.isEmpty()) {
      throw refused(uri, "a socket address is written as scheme:///path/to/socket");
    }
    return UnixDomainSocketAddress.of(Path.of(path));
  }

  private static IllegalArgumentException refused(URI uri, String why) {
    return new IllegalArgumentException("unsupported server address " + shown(uri) + ": " + why);
  }

  /** The address as an error may show it: a user and password become {@code ***}, never logged or shown. */
  static String shown(URI uri) {
    String userInfo = uri.getRawUserInfo();
    return userInfo == null ? uri.toString() : uri.toString().replace(userInfo + "@", "***@");
  }
}
