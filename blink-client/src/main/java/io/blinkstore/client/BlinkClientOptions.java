package io.blinkstore.client;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link BlinkClient} connects, waits and recovers. Immutable and thread-safe; made with {@link #builder()},
 * whose setters may each be called once and fail fast naming a bad value. {@link #defaults()} are safe: every
 * wait is bounded and a dropped connection is replaced.
 *
 * <p><b>Commands in flight when a connection drops</b> (the server closed it, the socket failed, a reply made no
 * sense, or a command timed out) all fail at once with {@link BlinkConnectionException} naming each command,
 * whether they had been written or were still waiting to be: none hangs, none receives another command's reply,
 * and none is sent again on the new connection, since the server may already have run it (a resent
 * {@code INCRBY} would count twice). Whether the next command opens a new connection is {@link #reconnect()}.
 *
 * <pre>{@code
 * BlinkClientOptions options = BlinkClientOptions.builder()
 *     .commandTimeout(Duration.ofMillis(500))
 *     .poolSize(2)
 *     .build();
 * }</pre>
 */
public final class BlinkClientOptions {
  /** Default {@link #connectTimeout()}: 5 seconds. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /** Default {@link #commandTimeout()}: 2 seconds. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

  /** Default {@link #reconnectMinDelay()}: 50 milliseconds. */
  public static final Duration DEFAULT_RECONNECT_MIN_DELAY = Duration.ofMillis(50);

  /** Default {@link #reconnectMaxDelay()}: 5 seconds. */
  public static final Duration DEFAULT_RECONNECT_MAX_DELAY = Duration.ofSeconds(5);

  /** Default {@link #queueCapacity()}: 1024 commands per connection. */
  public static final int DEFAULT_QUEUE_CAPACITY = 1024;

  /** Default {@link #poolSize()}: one connection, shared by every thread. */
  public static final int DEFAULT_POOL_SIZE = 1;

  /** The largest {@link #poolSize()} accepted: 64 connections. */
  public static final int MAX_POOL_SIZE = 64;

  /** Default {@link #maxRequestBytes()}: 1 MiB, the server's default line limit. */
  public static final int DEFAULT_MAX_REQUEST_BYTES = 1 << 20;

  /** The smallest {@link #maxRequestBytes()} accepted: room for every command with a short key. */
  public static final int MIN_MAX_REQUEST_BYTES = 64;

  /** Default {@link #leaseTime()}: 2 seconds. */
  public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(2);

  /** The longest {@link #leaseTime()} accepted: 60 seconds, the longest lease the server grants. */
  public static final Duration MAX_LEASE_TIME = Duration.ofSeconds(60);

  private static final BlinkClientOptions DEFAULTS = builder().build();

  private final Duration connectTimeout;
  private final Duration commandTimeout;
  private final boolean reconnect;
  private final Duration reconnectMinDelay;
  private final Duration reconnectMaxDelay;
  private final int queueCapacity;
  private final int poolSize;
  private final int maxRequestBytes;
  private final Duration leaseTime;

  private BlinkClientOptions(Builder builder) {
    this.connectTimeout = orDefault(builder.connectTimeout, DEFAULT_CONNECT_TIMEOUT);
    this.commandTimeout = orDefault(builder.commandTimeout, DEFAULT_COMMAND_TIMEOUT);
    this.reconnect = builder.reconnect == null || builder.reconnect;
    this.reconnectMinDelay = orDefault(builder.reconnectMinDelay, DEFAULT_RECONNECT_MIN_DELAY);
    this.reconnectMaxDelay = orDefault(builder.reconnectMaxDelay, DEFAULT_RECONNECT_MAX_DELAY);
    this.queueCapacity = builder.queueCapacity == 0 ? DEFAULT_QUEUE_CAPACITY : builder.queueCapacity;
    this.poolSize = builder.poolSize == 0 ? DEFAULT_POOL_SIZE : builder.poolSize;
    this.maxRequestBytes = builder.maxRequestBytes == 0 ? DEFAULT_MAX_REQUEST_BYTES : builder.maxRequestBytes;
    this.leaseTime = orDefault(builder.leaseTime, DEFAULT_LEASE_TIME);
  }

  /** Returns the default options. */
  public static BlinkClientOptions defaults() {
    return DEFAULTS;
  }

  /** Returns a builder whose options all start at their defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the longest wait to open a connection and have the server answer its handshake ({@code PING}, then
   * a query of its memory limit).
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * Returns the longest wait for a command's reply, counted from when the command joins its connection's queue:
   * after a reconnect the call may have made first, which {@link #connectTimeout()} bounds. Then the command
   * fails with {@link BlinkTimeoutException} and its connection is replaced.
   */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /** Tells whether a lost connection is replaced by a new one when the next command needs it. */
  public boolean reconnect() {
    return reconnect;
  }

  /**
   * Returns the wait after the first failed reconnect attempt. Each further failure doubles it, up to
   * {@link #reconnectMaxDelay()}; meanwhile commands fail at once with {@link BlinkConnectionException}.
   */
  public Duration reconnectMinDelay() {
    return reconnectMinDelay;
  }

  /** Returns the longest wait between reconnect attempts. */
  public Duration reconnectMaxDelay() {
    return reconnectMaxDelay;
  }

  /**
   * Returns how many commands one connection holds, waiting to be written or awaiting their reply; one more
   * fails at once with {@link BlinkQueueFullException}. A command holds its place until it is answered or its
   * connection fails: cancelling its future does not free it.
   */
  public int queueCapacity() {
    return queueCapacity;
  }

  /**
   * Returns the number of connections, used in turn by successive commands; while one waits out its
   * {@linkplain #reconnectMinDelay() reconnect delay}, commands go to the others.
   */
  public int poolSize() {
    return poolSize;
  }

  /**
   * Returns the longest request line the client sends, in bytes without its {@code \n}. A longer one (a large
   * value: base64 makes it 4/3 of the value's size) is refused with {@link IllegalArgumentException} before
   * anything is sent. Set it to the server's {@code --max-line-bytes}.
   */
  public int maxRequestBytes() {
    return maxRequestBytes;
  }

  /**
   * Returns how long the fill lease of {@link BlinkClient#getOrLoad} lasts: the time another process waits for
   * this client's load before it may load the key itself. Choose it a little above the loader's usual time: a
   * load slower than the lease may be run again elsewhere, and a client that dies mid-load holds the key up for
   * this long. A caller waiting for another client's load waits at most this plus {@link #commandTimeout()}.
   * Sent in whole milliseconds, rounded up.
   */
  public Duration leaseTime() {
    return leaseTime;
  }

  @Override
  public String toString() {
    return "BlinkClientOptions{connectTimeout=" + connectTimeout + ", commandTimeout=" + commandTimeout
        + ", reconnect=" + reconnect + ", reconnectDelay=" + reconnectMinDelay + ".." + reconnectMaxDelay
        + ", queueCapacity=" + queueCapacity + ", poolSize=" + poolSize + ", maxRequestBytes=" + maxRequestBytes
        + ", leaseTime=" + leaseTime + '}';
  }

  private static Duration orDefault(@Nullable Duration value, Duration fallback) {
    return value == null ? fallback : value;
  }

  /** Builds {@link BlinkClientOptions}. Each setter may be called once. Not thread-safe. */
  public static final class Builder {
    private @Nullable Duration connectTimeout;
    private @Nullable Duration commandTimeout;
    private @Nullable Boolean reconnect;
    private @Nullable Duration reconnectMinDelay;
    private @Nullable Duration reconnectMaxDelay;
    private int queueCapacity;
    private int poolSize;
    private int maxRequestBytes;
    private @Nullable Duration leaseTime;

    private Builder() {}

    /**
     * Sets {@link BlinkClientOptions#connectTimeout()}; default {@link #DEFAULT_CONNECT_TIMEOUT}.
     *
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder connectTimeout(Duration timeout) {
      requireUnset(connectTimeout, "connectTimeout");
      connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets {@link BlinkClientOptions#commandTimeout()}; default {@link #DEFAULT_COMMAND_TIMEOUT}. There is no
     * way to wait forever.
     *
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder commandTimeout(Duration timeout) {
      requireUnset(commandTimeout, "commandTimeout");
      commandTimeout = positive(timeout, "commandTimeout");
      return this;
    }

    /**
     * Sets {@link BlinkClientOptions#reconnect()}; default {@code true}. With {@code false}, once a connection
     * is lost every later command on it fails with {@link BlinkConnectionException}.
     *
     * @throws IllegalStateException if already set
     */
    public Builder reconnect(boolean enabled) {
      requireUnset(reconnect, "reconnect");
      reconnect = enabled;
      return this;
    }

    /**
     * Sets {@link BlinkClientOptions#reconnectMinDelay()} and {@link BlinkClientOptions#reconnectMaxDelay()};
     * defaults {@link #DEFAULT_RECONNECT_MIN_DELAY} and {@link #DEFAULT_RECONNECT_MAX_DELAY}.
     *
     * @throws IllegalArgumentException if either is not positive, or {@code min} is longer than {@code max}
     * @throws IllegalStateException if already set
     */
    public Builder reconnectDelay(Duration min, Duration max) {
      requireUnset(reconnectMinDelay, "reconnectDelay");
      positive(min, "reconnectDelay min");
      positive(max, "reconnectDelay max");
      if (min.compareTo(max) > 0) {
        throw new IllegalArgumentException("reconnectDelay min " + min + " is longer than max " + max);
      }
      reconnectMinDelay = min;
      reconnectMaxDelay = max;
      return this;
    }

    /**
     * Sets {@link BlinkClientOptions#queueCapacity()}; default {@link #DEFAULT_QUEUE_CAPACITY}.
     *
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder queueCapacity(int commands) {
      requireUnset(queueCapacity, "queueCapacity");
      queueCapacity = atLeast(commands, 1, "queueCapacity");
      return this;
    }

    /**
     * Sets {@link BlinkClientOptions#poolSize()}; default {@link #DEFAULT_POOL_SIZE}.
     *
     * @throws IllegalArgumentException if not between 1 and {@link #MAX_POOL_SIZE}
     * @throws IllegalStateException if already set
     */
    public Builder poolSize(int connections) {
      requireUnset(poolSize, "poolSize");
      if (connections > MAX_POOL_SIZE) {
        throw new IllegalArgumentException("poolSize must be at most " + MAX_POOL_SIZE + ", but was " + connections);
      }
      poolSize = atLeast(connections, 1, "poolSize");
      return this;
    }

    /**
     * Sets {@link BlinkClientOptions#maxRequestBytes()}; default {@link #DEFAULT_MAX_REQUEST_BYTES}.
     *
     * @throws IllegalArgumentException if less than {@link #MIN_MAX_REQUEST_BYTES}
     * @throws IllegalStateException if already set
     */
    public Builder maxRequestBytes(int bytes) {
      requireUnset(maxRequestBytes, "maxRequestBytes");
      maxRequestBytes = atLeast(bytes, MIN_MAX_REQUEST_BYTES, "maxRequestBytes");
      return this;
    }

    /**
     * Sets {@link BlinkClientOptions#leaseTime()}; default {@link #DEFAULT_LEASE_TIME}.
     *
     * @throws IllegalArgumentException if not positive, or longer than {@link #MAX_LEASE_TIME}
     * @throws IllegalStateException if already set
     */
    public Builder leaseTime(Duration time) {
      requireUnset(leaseTime, "leaseTime");
      if (positive(time, "leaseTime").compareTo(MAX_LEASE_TIME) > 0) {
        throw new IllegalArgumentException("leaseTime must be at most " + MAX_LEASE_TIME + ", but was " + time);
      }
      leaseTime = time;
      return this;
    }

    /** Returns the options. */
    public BlinkClientOptions build() {
      return new BlinkClientOptions(this);
    }

    private static Duration positive(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, but was " + value);
      }
      return value;
    }

    private static int atLeast(int value, int min, String name) {
      if (value < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", but was " + value);
      }
      return value;
    }

    private static void requireUnset(int current, String name) {
      if (current != 0) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
    }

    private static void requireUnset(@Nullable Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
    }
  }
}
