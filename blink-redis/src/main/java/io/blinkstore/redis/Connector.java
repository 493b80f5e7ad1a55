package io.blinkstore.redis;

import io.blinkstore.client.BlinkConnectionException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes the Lettuce client and connection for an {@link Address}, with {@link BlinkRedisOptions} turned into
 * Lettuce's options. The choices, and why:
 *
 * <ul>
 *   <li>Keys travel as UTF-8 strings and values as raw bytes: the contract's keys are strings, its values any
 *       bytes.
 *   <li>Every command has a timeout ({@code TimeoutOptions}), the connect its own ({@code SocketOptions}), and each
 *       connection at most {@code queueCapacity} commands waiting ({@code requestQueueSize}; Lettuce's default is
 *       unbounded).
 *   <li>Auto-reconnect stays on, but a command issued while its node's connection is down is refused at once
 *       ({@code REJECT_COMMANDS}) instead of queued on that connection: {@link Calls} sends it again until the
 *       command timeout, and each attempt is routed afresh, so it reaches a promoted replica as soon as the slot
 *       map shows it (a command queued on the dead node's connection would wait there for its timeout). And a
 *       command in flight when a connection drops fails instead of being sent again on the new one (Lettuce's
 *       default): it may have run, and an {@code INCRBY} sent twice would count twice.
 *   <li>A cluster's slot map is refreshed periodically ({@code enablePeriodicRefresh}) and at once on every
 *       adaptive trigger Lettuce has ({@code MOVED}, {@code ASK}, persistent reconnects, an uncovered slot, an
 *       unknown node), at most once per {@code topologyRefreshPeriod}. The adaptive triggers follow a resharding
 *       at its first redirection; a failed primary gives none (its connection just stops answering), so the
 *       periodic refresh is what finds the promoted replica in bounded time, and the reconnect trigger finds it
 *       sooner. Refreshes ask every known node ({@code dynamicRefreshSources}, the default) and close the
 *       connections of nodes that left ({@code closeStaleConnections}, the default).
 *   <li>Reconnect attempts back off exponentially from at once to at most {@link #MAX_RECONNECT_DELAY}.
 *   <li>TLS verifies the server's certificate and that it names the host ({@link SslVerifyMode#FULL}).
 * </ul>
 */
final class Connector {
  private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
  private static final String CLIENT_NAME = "blink-redis";
  /**
   * The longest wait between two attempts to reconnect: Lettuce's default doubles up to 30 s, which after an
   * outage of some seconds would leave a promoted replica unused for as long.
   */
  static final Duration MAX_RECONNECT_DELAY = Duration.ofMillis(500);

  private Connector() {}

  /**
   * Connects to {@code address}.
   *
   * @throws IllegalArgumentException if TLS options are given for an address without TLS
   * @throws BlinkConnectionException if no connection could be made (unreachable, refused credentials, TLS)
   */
  static Nodes connect(Address address, BlinkRedisOptions options) {
    if (options.hasTlsOptions() && !address.tls()) {
      throw new IllegalArgumentException("TLS options were given for " + address + ", an address without TLS"
          + " (rediss://, rediss-sentinel:// or rediss-cluster://)");
    }
    List<RedisURI> uris = uris(address, options);
    ClientOptions clientOptions = clientOptions(options);
    ClientResources resources = ClientResources.builder()
        .reconnectDelay(() -> Delay.exponential(Duration.ZERO, MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
        .build();
    AbstractRedisClient client = null;
    try {
      if (address.kind() == Address.Kind.CLUSTER) {
        RedisClusterClient cluster = RedisClusterClient.create(resources, uris);
        client = cluster;
        cluster.setOptions(ClusterClientOptions.builder(clientOptions)
            .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enablePeriodicRefresh(options.topologyRefreshPeriod())
                .enableAllAdaptiveRefreshTriggers()
                .adaptiveRefreshTriggersTimeout(options.topologyRefreshPeriod())
                .build())
            .build());
        return new ClusterNodes(cluster, resources, cluster.connect(CODEC));
      }
      RedisClient single = RedisClient.create(resources);
      client = single;
      single.setOptions(clientOptions);
      return new SingleServer(single, resources, single.connect(CODEC, uris.get(0)));
    } catch (RedisException e) {
      if (client != null) { // null if making the client itself failed
        client.shutdown();
      }
      resources.shutdown();
      throw new BlinkConnectionException("CONNECT", "could not connect to " + address + ": " + message(e), e);
    }
  }

  /** The seed nodes of a cluster, or the one server, or one URI naming every Sentinel. */
  private static List<RedisURI> uris(Address address, BlinkRedisOptions options) {
    if (address.kind() == Address.Kind.SENTINEL) {
      Address.Host first = address.hosts().get(0);
      RedisURI.Builder builder = RedisURI.Builder.sentinel(first.name(), first.port(), address.primaryName());
      address.hosts().subList(1, address.hosts().size())
          .forEach(host -> builder.withSentinel(host.name(), host.port()));
      return List.of(settings(builder, address, options).build());
    }
    return address.hosts().stream()
        .map(host -> settings(RedisURI.builder().withHost(host.name()).withPort(host.port()), address, options)
            .build())
        .toList();
  }

  private static RedisURI.Builder settings(RedisURI.Builder builder, Address address, BlinkRedisOptions options) {
    builder.withDatabase(address.database())
        .withTimeout(options.commandTimeout())
        .withClientName(CLIENT_NAME);
    if (address.tls()) {
      builder.withSsl(true).withVerifyPeer(SslVerifyMode.FULL);
    }
    if (address.password() != null) {
      if (address.user() != null) {
        builder.withAuthentication(address.user(), address.password());
      } else {
        builder.withPassword(address.password().toCharArray());
      }
    }
    return builder;
  }

  private static ClientOptions clientOptions(BlinkRedisOptions options) {
    return ClientOptions.builder()
        .socketOptions(SocketOptions.builder().connectTimeout(options.connectTimeout()).keepAlive(true).build())
        .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .requestQueueSize(options.queueCapacity())
        .sslOptions(sslOptions(options))
        .build();
  }

  private static SslOptions sslOptions(BlinkRedisOptions options) {
    SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider().handshakeTimeout(options.connectTimeout());
    Path certificates = options.trustedCertificates();
    BlinkRedisOptions.KeyFile trustStore = options.trustStore();
    BlinkRedisOptions.KeyFile keyStore = options.keyStore();
    if (certificates != null) {
      ssl.trustManager(certificates.toFile());
    } else if (trustStore != null) {
      ssl.truststore(trustStore.path().toFile(), new String(trustStore.password()));
    }
    if (keyStore != null) {
      ssl.keystore(keyStore.path().toFile(), keyStore.password());
    }
    return ssl.build();
  }

  /** The innermost message of a failed connect: what the server or the socket said. */
  private static String message(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + cause + ")";
  }
}
