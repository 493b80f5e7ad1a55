package io.blinkstore.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Redis or Valkey deployment as {@link BlinkRedis#connect(String)} reads it from an address:
 *
 * <pre>
 * redis[s]://[[user]:password@]host[:port][/database]                       one server
 * redis[s]-sentinel://[[user]:password@]host[:port][,host[:port]...][/database]#primaryName
 * redis[s]-cluster://[[user]:password@]host[:port][,host[:port]...]         a cluster (database 0 only)
 * </pre>
 *
 * The {@code s} asks for TLS. The user and password are those of the Redis servers (an ACL user, or only a
 * password for {@code requirepass}), percent-encoded where they hold {@code @ : / # %}; Sentinels are asked
 * without credentials. A host is a name, an IPv4 address, or an IPv6 address in brackets.
 *
 * @param kind which deployment
 * @param tls whether to connect with TLS
 * @param hosts the server, the Sentinels, or the cluster nodes to learn the topology from (at least one)
 * @param user the ACL user, or null ({@code default})
 * @param password the password, or null for none
 * @param database the logical database (0 on a cluster)
 * @param primaryName the name the Sentinels know the primary by; null unless {@link Kind#SENTINEL}
 */
record Address(Kind kind, boolean tls, List<Host> hosts, String user, String password, int database,
    String primaryName) {

  /** Which deployment an address names. */
  enum Kind { STANDALONE, SENTINEL, CLUSTER }

  /** One host and port. */
  record Host(String name, int port) {
    @Override
    public String toString() {
      return (name.contains(":") ? "[" + name + "]" : name) + ":" + port;
    }
  }

  static final int REDIS_PORT = 6379;
  static final int SENTINEL_PORT = 26379;

  /**
   * Reads {@code address}.
   *
   * @throws IllegalArgumentException if it is not written as above
   */
  static Address parse(String address) {
    Objects.requireNonNull(address, "address");
    int schemeEnd = address.indexOf("://");
    if (schemeEnd < 0) {
      throw refused(address, "no scheme");
    }
    String scheme = address.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
    boolean tls = scheme.startsWith("rediss");
    Kind kind = switch (scheme) {
      case "redis", "rediss" -> Kind.STANDALONE;
      case "redis-sentinel", "rediss-sentinel" -> Kind.SENTINEL;
      case "redis-cluster", "rediss-cluster" -> Kind.CLUSTER;
      default -> throw refused(address, "the scheme must be redis, redis-sentinel or redis-cluster (rediss"
          + " for TLS)");
    };
    String rest = address.substring(schemeEnd + 3);
    if (rest.indexOf('?') >= 0) {
      throw refused(address, "options are set with BlinkRedisOptions, not in the address");
    }
    String primaryName = null;
    int hash = rest.indexOf('#');
    if (hash >= 0) {
      primaryName = decode(address, rest.substring(hash + 1));
      rest = rest.substring(0, hash);
    }
    if ((kind == Kind.SENTINEL) != (primaryName != null && !primaryName.isEmpty())) {
      throw refused(address, kind == Kind.SENTINEL ? "no #primaryName" : "only a Sentinel address names a primary");
    }
    int slash = rest.indexOf('/');
    int database = slash < 0 ? 0 : database(address, rest.substring(slash + 1), kind);
    String authority = slash < 0 ? rest : rest.substring(0, slash);
    int at = authority.lastIndexOf('@');
    String user = null;
    String password = null;
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      int colon = userInfo.indexOf(':');
      user = colon < 0 ? null : emptyToNull(decode(address, userInfo.substring(0, colon)));
      password = decode(address, colon < 0 ? userInfo : userInfo.substring(colon + 1));
      authority = authority.substring(at + 1);
    }
    List<Host> hosts = hosts(address, authority, kind == Kind.SENTINEL ? SENTINEL_PORT : REDIS_PORT);
    if (kind == Kind.STANDALONE && hosts.size() != 1) {
      throw refused(address, "one server: for several, use redis-sentinel:// or redis-cluster://");
    }
    return new Address(kind, tls, List.copyOf(hosts), user, password, database, primaryName);
  }

  private static int database(String address, String path, Kind kind) {
    if (path.isEmpty()) {
      return 0;
    }
    int database;
    try {
      database = Integer.parseInt(path);
    } catch (NumberFormatException e) {
      throw refused(address, "the path must be a database number");
    }
    if (database < 0 || (kind == Kind.CLUSTER && database != 0)) {
      throw refused(address, kind == Kind.CLUSTER ? "a cluster has database 0 only" : "no database " + database);
    }
    return database;
  }

  private static List<Host> hosts(String address, String list, int defaultPort) {
    List<Host> hosts = new ArrayList<>();
    for (String entry : list.split(",", -1)) {
      String name;
      String port;
      if (entry.startsWith("[")) {
        int close = entry.indexOf(']');
        if (close < 0) {
          throw refused(address, "an IPv6 address without its ]");
        }
        name = entry.substring(1, close);
        String after = entry.substring(close + 1);
        if (!after.isEmpty() && !after.startsWith(":")) {
          throw refused(address, "junk after ]: " + after);
        }
        port = after.isEmpty() ? null : after.substring(1);
      } else {
        int colon = entry.indexOf(':');
        name = colon < 0 ? entry : entry.substring(0, colon);
        port = colon < 0 ? null : entry.substring(colon + 1);
      }
      if (name.isEmpty()) {
        throw refused(address, "a host is missing");
      }
      hosts.add(new Host(name, port == null ? defaultPort : port(address, port)));
    }
    return hosts;
  }

  private static int port(String address, String text) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 1 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below, with the address
    }
    throw refused(address, "bad port " + text);
  }

  /** Decodes {@code text}'s percent-encoding; a bad one is refused without quoting it (it may be in the password). */
  private static String decode(String address, String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw refused(address, "a % that does not start a percent-encoded byte (write % itself as %25)");
    }
  }

  private static @Nullable String emptyToNull(String text) {
    return text.isEmpty() ? null : text;
  }

  /** The address without its password, for messages. */
  @Override
  public String toString() {
    String scheme = (tls ? "rediss" : "redis") + switch (kind) {
      case STANDALONE -> "";
      case SENTINEL -> "-sentinel";
      case CLUSTER -> "-cluster";
    };
    String credentials = user == null && password == null ? "" : (user == null ? "" : user) + ":***@";
    List<String> names = hosts.stream().map(Host::toString).toList();
    return scheme + "://" + credentials + String.join(",", names) + (database == 0 ? "" : "/" + database)
        + (primaryName == null ? "" : "#" + primaryName);
  }

  private static IllegalArgumentException refused(String address, String why) {
    int at = address.lastIndexOf('@');
    int schemeEnd = address.indexOf("://");
    String shown = at > schemeEnd && schemeEnd >= 0
        ? address.substring(0, schemeEnd + 3) + "***" + address.substring(at) : address;
    return new IllegalArgumentException("unsupported Redis address " + shown + ": " + why);
  }
}
