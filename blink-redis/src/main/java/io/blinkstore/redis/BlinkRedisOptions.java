package io.blinkstore.redis;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link BlinkRedis} store connects, waits, follows a cluster's topology and trusts a TLS server. Immutable
 * and thread-safe; made with {@link #builder()}, whose setters may each be called once and fail fast naming a bad
 * value. {@link #defaults()} are safe: every wait is bounded, a lost connection is reconnected, and a cluster's
 * slot map is refreshed periodically and on every sign that it changed.
 *
 * <pre>{@code
 * BlinkRedisOptions options = BlinkRedisOptions.builder()
 *     .commandTimeout(Duration.ofMillis(500))
 *     .trustedCertificates(Path.of("/etc/redis/ca.crt"))   // for rediss:// with a private CA
 *     .build();
 * }</pre>
 */
public final class BlinkRedisOptions {
  /** Default {@link #connectTimeout()}: 5 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Default {@link #commandTimeout()}: 2 seconds, as {@code BlinkClient}'s. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

  /** Default {@link #topologyRefreshPeriod()}: 5 seconds. */
  public static final Duration DEFAULT_TOPOLOGY_REFRESH_PERIOD = Duration.ofSeconds(5);

  /** Default {@link #queueCapacity()}: 1024 commands per connection, as {@code BlinkClient}'s. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1024;

  /** Default {@link #leaseTime()}: 2 seconds, as {@code BlinkClient}'s. */
  public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(2);

  /** The longest {@link #leaseTime()} accepted: 60 seconds, as on a Blink Store server. */
  public static final Duration MAX_LEASE_TIME = Duration.ofSeconds(60);

  private static final BlinkRedisOptions DEFAULTS = builder().build();

  private final Duration connectTimeout;
  private final Duration commandTimeout;
  private final Duration topologyRefreshPeriod;
  private final int queueCapacity;
  private final Duration leaseTime;
  private final @Nullable Path trustedCertificates;
  private final @Nullable KeyFile trustStore;
  private final @Nullable KeyFile keyStore;

  /** A key or trust store file and its password. */
  record KeyFile(Path path, char[] password) {}

  private BlinkRedisOptions(Builder builder) {
    this.connectTimeout = orDefault(builder.connectTimeout, DEFAULT_CONNECT_TIMEOUT);
    this.commandTimeout = orDefault(builder.commandTimeout, DEFAULT_COMMAND_TIMEOUT);
    this.topologyRefreshPeriod = orDefault(builder.topologyRefreshPeriod, DEFAULT_TOPOLOGY_REFRESH_PERIOD);
    this.queueCapacity = builder.queueCapacity == 0 ? DEFAULT_QUEUE_CAPACITY : builder.queueCapacity;
    this.leaseTime = orDefault(builder.leaseTime, DEFAULT_LEASE_TIME);
    this.trustedCertificates = builder.trustedCertificates;
    this.trustStore = builder.trustStore;
    this.keyStore = builder.keyStore;
  }

  /** Returns the default options. */
  public static BlinkRedisOptions defaults() {
    return DEFAULTS;
  }

  /** Returns a builder whose options all start at their defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the longest wait to open a connection: the TCP connect and the TLS handshake. Logging in on it
   * ({@code HELLO} with the credentials) then waits for the server's answer up to {@link #commandTimeout()}.
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns the longest wait for a command's reply, counted from when it is issued, then it fails with
   * {@code BlinkTimeoutException}. A command issued while its node is unreachable is sent again until a reconnect
   * (or, on a cluster, the slot's new primary) lets it run, that long at most, then fails with
   * {@code BlinkConnectionException}. Also the longest wait for the answer to the login on a new connection.
   */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /**
   * Returns how often a cluster's slot map is asked again of its nodes; also the least time between two refreshes
   * that a sign of change triggers at once (a {@code MOVED} or {@code ASK} redirection, reconnects that keep
   * failing, a slot no known node serves, a node not in the map). After a primary fails, its slots are served
   * again within the cluster's {@code cluster-node-timeout}, plus its election, plus at most this period.
   * Unused for a standalone or Sentinel-managed server.
   */
  public Duration topologyRefreshPeriod() {
    return topologyRefreshPeriod;
  }

  /**
   * Returns the most commands waiting for a reply, or for a connection, on each connection (one per node). One
   * more fails at once with {@code BlinkQueueFullException}, so that a node that stops answering cannot make
   * callers queue without bound.
   */
  public int queueCapacity() {
    return queueCapacity;
  }

  /**
   * Returns how long the lock that {@link BlinkRedis#getOrLoad} takes across processes holds a missing key for
   * its loader: another process waits that long at most for the value before it loads the key itself. Choose it a
   * little above the loader's usual time.
   */
  public Duration leaseTime() {
    return leaseTime;
  }

  /** Returns the PEM file of the certificates trusted for {@code rediss://}, or null for the JDK's defaults. */
  public @Nullable Path trustedCertificates() {
    return trustedCertificates;
  }

  /** Returns the trust store (JKS or PKCS#12) for {@code rediss://}, or null. */
  @Nullable KeyFile trustStore() {
    return trustStore;
  }

  /** Returns the key store holding this client's certificate and key, or null. */
  @Nullable KeyFile keyStore() {
    return keyStore;
  }

  /** Tells whether any TLS option is set, which only a TLS address can use. */
  boolean hasTlsOptions() {
    return trustedCertificates != null || trustStore != null || keyStore != null;
  }

  private static Duration orDefault(@Nullable Duration value, Duration fallback) {
    return value == null ? fallback : value;
  }

  /**
   * Builds {@link BlinkRedisOptions}. Each setter may be called once; a bad value fails at once with
   * {@link IllegalArgumentException} naming it, a second call with {@link IllegalStateException}. Not
   * thread-safe.
   */
  public static final class Builder {
    private @Nullable Duration connectTimeout;
    private @Nullable Duration commandTimeout;
    private @Nullable Duration topologyRefreshPeriod;
    private int queueCapacity;
    private @Nullable Duration leaseTime;
    private @Nullable Path trustedCertificates;
    private @Nullable KeyFile trustStore;
    private @Nullable KeyFile keyStore;

    private Builder() {}

    /**
     * Sets {@link BlinkRedisOptions#connectTimeout()}.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException if it was already set
     */
    public Builder connectTimeout(Duration timeout) {
      connectTimeout = positive("connectTimeout", connectTimeout, timeout);
      return this;
    }

    /**
     * Sets {@link BlinkRedisOptions#commandTimeout()}.
     *
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws IllegalStateException if it was already set
     */
    public Builder commandTimeout(Duration timeout) {
      commandTimeout = positive("commandTimeout", commandTimeout, timeout);
      return this;
    }

    /**
     * Sets {@link BlinkRedisOptions#topologyRefreshPeriod()}.
     *
     * @throws IllegalArgumentException if {@code period} is shorter than 100 ms (each refresh asks every node)
     * @throws IllegalStateException if it was already set
     */
    public Builder topologyRefreshPeriod(Duration period) {
      positive("topologyRefreshPeriod", topologyRefreshPeriod, period);
      if (period.toMillis() < 100) {
        throw new IllegalArgumentException("topologyRefreshPeriod must be at least 100 ms, but was " + period);
      }
      topologyRefreshPeriod = period;
      return this;
    }

    /**
     * Sets {@link BlinkRedisOptions#queueCapacity()}.
     *
     * @throws IllegalArgumentException if {@code capacity} is not positive
     * @throws IllegalStateException if it was already set
     */
    public Builder queueCapacity(int capacity) {
      if (queueCapacity != 0) {
        throw new IllegalStateException("queueCapacity was already set to " + queueCapacity);
      }
      if (capacity <= 0) {
        throw new IllegalArgumentException("queueCapacity must be positive, but was " + capacity);
      }
      queueCapacity = capacity;
      return this;
    }

    /**
     * Sets {@link BlinkRedisOptions#leaseTime()}.
     *
     * @throws IllegalArgumentException if {@code time} is under a millisecond or over {@link #MAX_LEASE_TIME}
     * @throws IllegalStateException if it was already set
     */
    public Builder leaseTime(Duration time) {
      positive("leaseTime", leaseTime, time);
      if (time.toMillis() < 1 || time.compareTo(MAX_LEASE_TIME) > 0) {
        throw new IllegalArgumentException("leaseTime must be from 1 ms to " + MAX_LEASE_TIME + ", but was " + time);
      }
      leaseTime = time;
      return this;
    }

    /**
     * Trusts the certificates in the PEM file {@code pem} (a private or self-signed CA) instead of the JDK's
     * defaults, for {@code rediss://} addresses. The server's certificate must still name the host it is reached
     * at (a DNS name or IP address in its subject alternative names).
     *
     * @throws IllegalArgumentException if the file cannot be read
     * @throws IllegalStateException if it, or {@link #trustStore}, was already set
     */
    public Builder trustedCertificates(Path pem) {
      requireNoTrust();
      trustedCertificates = readable("trustedCertificates", pem);
      return this;
    }

    /**
     * Trusts the certificates of the trust store {@code file} (JKS or PKCS#12) instead of the JDK's defaults, for
     * {@code rediss://} addresses.
     *
     * @throws IllegalArgumentException if the file cannot be read
     * @throws IllegalStateException if it, or {@link #trustedCertificates}, was already set
     */
    public Builder trustStore(Path file, char[] password) {
      requireNoTrust();
      trustStore = new KeyFile(readable("trustStore", file), Objects.requireNonNull(password, "password").clone());
      return this;
    }

    /**
     * Presents the certificate and key in the key store {@code file} (JKS or PKCS#12) to a TLS server that
     * asks clients for one (Redis's {@code tls-auth-clients yes}, its default).
     *
     * @throws IllegalArgumentException if the file cannot be read
     * @throws IllegalStateException if it was already set
     */
    public Builder keyStore(Path file, char[] password) {
      if (keyStore != null) {
        throw new IllegalStateException("keyStore was already set to " + keyStore.path());
      }
      keyStore = new KeyFile(readable("keyStore", file), Objects.requireNonNull(password, "password").clone());
      return this;
    }

    /** Returns the options. */
    public BlinkRedisOptions build() {
      return new BlinkRedisOptions(this);
    }

    private void requireNoTrust() {
      Object set = trustedCertificates != null ? trustedCertificates : trustStore != null ? trustStore.path() : null;
      if (set != null) {
        throw new IllegalStateException("the trusted certificates were already set to " + set);
      }
    }

    private static Path readable(String name, Path file) {
      Objects.requireNonNull(file, name);
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException(name + " cannot be read: " + file);
      }
      return file;
    }

    private static Duration positive(String name, @Nullable Duration current, Duration value) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, but was " + value);
      }
      return value;
    }
  }
}
