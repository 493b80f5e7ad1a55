package io.blinkstore.server;

import io.blinkstore.BlinkException;
import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.Authenticator;
import io.blinkstore.server.command.Dispatcher;
import io.blinkstore.server.command.EntrySizeLimits;
import io.blinkstore.server.command.HeapGuard;
import io.blinkstore.server.command.Leases;
import io.blinkstore.server.command.ServerCounters;
import io.blinkstore.server.transport.ClientMemory;
import io.blinkstore.server.transport.ConnectionLimits;
import io.blinkstore.server.transport.DirectMemoryGuard;
import io.blinkstore.server.transport.HttpRejector;
import io.blinkstore.server.transport.MetricsEndpoint;
import io.blinkstore.server.transport.ProtocolPipeline;
import io.blinkstore.server.transport.SignInDeadline;
import io.blinkstore.server.transport.SpareDescriptor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Blink Store server: one {@link BlinkStore} served over TCP, a Unix domain socket, or both at once, in
 * the Blink Store text protocol and, on the same sockets, in RESP2, Redis's protocol (each connection's first byte
 * chooses; see {@code docs/resp.md}). Connections share a small pool of event-loop threads (one per core) and call
 * the store directly on them; nothing blocks.
 *
 * <pre>{@code
 * BlinkServer server = BlinkServer.builder()
 *     .store(BlinkStore.builder().memoryLimit(64L << 20).build())
 *     .tcp(new InetSocketAddress("127.0.0.1", 8765))
 *     .build()
 *     .start();
 * // ...
 * server.close(); // stops accepting, answers what was read, closes connections, removes the socket file
 * }</pre>
 */
public final class BlinkServer implements AutoCloseable {
  /** The port the original Blink Store and its documents use. */
  public static final int DEFAULT_PORT = 8765;

  /** The longest request line accepted by default, in bytes (not counting the line end): 1 MiB. */
  public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

  /**
   * The longest key a write may store by default, in UTF-8 bytes: 64 KiB. Far above any real cache key, far below
   * the request limit, so a client cannot make every later lookup of a key hash and compare a megabyte.
   */
  public static final int DEFAULT_MAX_KEY_BYTES = 64 << 10;

  /**
   * The most client connections open at once by default where file descriptors allow it (Redis's
   * {@code maxclients} default): see {@link #defaultMaxConnections()}.
   */
  public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

  /**
   * The most client connections open at once by default: what this process's descriptor limit ({@code ulimit -n})
   * allows, less 128 kept for the listeners, the event loops, the JVM's own files, the metrics endpoint and
   * connections being refused, and at most {@link #DEFAULT_MAX_CONNECTIONS} (896 under {@code ulimit -n 1024}).
   */
  public static int defaultMaxConnections() {
    return ConnectionLimits.maxConnectionsFor(ConnectionLimits.descriptorLimit(), DEFAULT_MAX_CONNECTIONS);
  }

  /** Connections that send nothing are never closed for it, unless {@link Builder#idleTimeout} says otherwise. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(Defaults.IDLE_TIMEOUT_SECONDS);

  /** How long a request may stay unfinished by default before its connection is closed: 30 seconds. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(Defaults.REQUEST_TIMEOUT_SECONDS);

  /**
   * How long a connection may take to sign in by default, on a server with a token, before it is closed: 10
   * seconds (MySQL's {@code connect_timeout}). Client libraries sign in as they connect; a person typing
   * {@code AUTH} into {@code nc} has time enough.
   */
  public static final Duration DEFAULT_AUTH_TIMEOUT = Duration.ofSeconds(Defaults.AUTH_TIMEOUT_SECONDS);

  /** The most reply bytes waiting for one client by default before its connection is closed: 4 MiB. */
  public static final long DEFAULT_MAX_OUTPUT_BYTES = 4L << 20;

  /**
   * The most bytes all client connections together may hold by default, in their unfinished and waiting
   * requests, names and unread replies: an eighth of the maximum heap or half the JVM's direct memory, whichever
   * is less (52 MiB with the launcher's defaults). Computed for this JVM.
   */
  public static long defaultMaxClientMemory() {
    return ClientMemory.defaultLimit();
  }

  /** The Unix socket's permissions by default: read and write for its owner and group (0660). */
  public static final Set<PosixFilePermission> DEFAULT_UNIX_MODE = PosixFilePermissions.fromString(Defaults.UNIX_MODE);

  private static final Logger log = LoggerFactory.getLogger(BlinkServer.class);

  private static final Pattern NATIVE_ERROR_PREFIX =
      Pattern.compile("^\\w+\\(\\.\\.\\) failed(?: with error\\(-?\\d+\\))?: ");

  /** How long {@link #close()} waits for connections to take their last replies before cutting them. */
  static final long DRAIN_TIMEOUT_MILLIS = 5_000;

  /** Which Netty transport serves the sockets. */
  public enum Transport {
    /** Native epoll where available (Linux), else NIO. */
    AUTO,
    /** Linux native epoll. */
    EPOLL,
    /** Java NIO, available everywhere (Unix sockets need Java 16+). */
    NIO
  }

  private final BlinkStore store;
  private final InetSocketAddress tcp;
  private final InetSocketAddress metrics;
  private final Path unix;
  private final int maxLineBytes;
  private final Transport transport;
  private final ServerCounters counters = new ServerCounters();
  private final ClientMemory clientMemory;
  private final SpareDescriptor spare = new SpareDescriptor(Path.of("/dev/null"));
  private final int maxConnections;
  private final ConnectionLimits limits;
  private final long maxOutputBytes;
  private final EntrySizeLimits sizeLimits;
  private final Authenticator authenticator;
  private final Set<PosixFilePermission> unixMode;
  private final HeapGuard givenHeapGuard;
  private final double heapThreshold;
  private final Duration metricsDeadline;
  private HeapGuard heapGuard;

  private final Object lifecycle = new Object();
  private EventLoopGroup group;
  private DirectMemoryGuard allocator;
  private ChannelGroup connections;
  private Channel tcpChannel;
  private Channel unixChannel;
  private Channel metricsChannel;
  private boolean started;
  private boolean closed;

  private BlinkServer(Builder builder) {
    this.store = builder.store;
    this.tcp = builder.tcp;
    this.metrics = builder.metrics;
    this.unix = builder.unix;
    this.maxLineBytes = builder.maxLineBytes;
    this.transport = resolve(builder.transport);
    this.clientMemory = new ClientMemory(builder.maxClientMemory, counters);
    this.maxConnections = builder.maxConnections;
    this.limits = new ConnectionLimits(counters, builder.maxConnections, builder.idleTimeout.toMillis(),
        builder.requestTimeout.toMillis(), builder.maxOutputBytes, spare,
        builder.authToken == null ? null : new SignInDeadline(builder.authTimeout));
    this.maxOutputBytes = builder.maxOutputBytes;
    this.sizeLimits = new EntrySizeLimits(builder.maxKeyBytes, builder.maxValueBytes);
    this.authenticator = builder.authToken == null ? null : new Authenticator(builder.authToken);
    this.unixMode = builder.unixMode;
    this.givenHeapGuard = builder.heapGuard;
    this.heapThreshold = builder.heapThreshold;
    this.metricsDeadline = builder.metricsDeadline;
  }

  /** Returns a new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds the configured addresses and starts serving.
   *
   * @return this server
   * @throws BlinkException if an address cannot be bound (in use, not local, unwritable socket path); nothing
   *     is left bound then
   * @throws IllegalStateException if the server was already started
   */
  public BlinkServer start() {
    synchronized (lifecycle) {
      if (started) {
        throw new IllegalStateException("the server was already started");
      }
      started = true;
      spare.reserve();
      ConnectionLimits.warnIfDescriptorsShort(maxConnections);
      group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), ioHandlerFactory());
      allocator = DirectMemoryGuard.forThisJvm();
      connections = new DefaultChannelGroup("blink-connections", GlobalEventExecutor.INSTANCE);
      heapGuard = givenHeapGuard != null ? givenHeapGuard : HeapGuard.watchingCollections(heapThreshold);
      Leases leases = new Leases(); // one table for both protocols: text and RESP fillers coordinate
      Dispatcher dispatcher = new Dispatcher(
          store, leases, Clock.systemUTC(), counters, heapGuard, authenticator, maxOutputBytes, sizeLimits);
      ProtocolPipeline protocol = new ProtocolPipeline(dispatcher, maxLineBytes, authenticator);
      ChannelInitializer<Channel> initializer =
          new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
              connections.add(channel);
              ClientMemory.Account account = clientMemory.open(channel);
              // Connection-level limits and the HTTP check first, so they hold whatever protocol follows.
              limits.install(channel.pipeline());
              channel.pipeline().addLast(HttpRejector.NAME, new HttpRejector(maxLineBytes, account));
              protocol.install(channel.pipeline());
            }
          };
      try {
        if (tcp != null) {
          tcpChannel = bind(tcpBootstrap(initializer), tcp, "TCP " + describe(tcp));
        }
        if (unix != null) {
          StaleSocketFile.remove(unix);
          unixChannel = bind(unixBootstrap(initializer), unixAddress(unix), "Unix socket " + unix);
          setMode(unix, unixMode);
        }
        if (metrics != null) {
          // No half-closure: a scraper that ends its output is done, and its connection is closed at once.
          ServerBootstrap scrapes = tcpBootstrap(new MetricsEndpoint(() -> counters.stats(store), metricsDeadline))
              .childOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
          metricsChannel = bind(scrapes, metrics, "metrics " + describe(metrics));
        }
      } catch (BlinkException e) {
        closed = true;
        shutdown();
        throw e;
      }
      warnIfExposed();
      return this;
    }
  }

  /**
   * Like Redis's protected mode, but a warning: a store reachable from the network without a token. The metrics
   * endpoint has no token at all; it shows figures, not data, so off loopback it gets a one-line notice.
   */
  private void warnIfExposed() {
    if (isExposed(tcp, authenticator != null)) {
      log.warn("SECURITY WARNING: listening on {} without an auth token: anyone who can reach this address"
          + " can read and change every entry. Bind 127.0.0.1 or set BLINK_AUTH_TOKEN / --auth-token-file.",
          describe(tcpAddress()));
    }
    if (isExposed(metrics, false)) {
      log.warn("metrics at http://{}/metrics are open to anyone who can reach this address (the store's figures,"
          + " not its data); bind 127.0.0.1 to keep them local", describe(metricsAddress()));
    }
  }

  /** Whether serving TCP on {@code tcp} (null: none) opens it to the network without a token. */
  static boolean isExposed(InetSocketAddress tcp, boolean hasToken) {
    return tcp != null && !hasToken && !tcp.getAddress().isLoopbackAddress();
  }

  /**
   * Sets the socket file's permissions right after the bind (the file is created with the process umask; a
   * client connecting in between is served as usual, the mode only gates later connects).
   *
   * @throws BlinkException if they cannot be set; {@link #start} then unbinds everything
   */
  private void setMode(Path path, Set<PosixFilePermission> mode) {
    try {
      Files.setPosixFilePermissions(path, mode);
    } catch (IOException | UnsupportedOperationException e) {
      throw new BlinkException("cannot set the permissions of Unix socket " + path + " to "
          + PosixFilePermissions.toString(mode) + ": " + reason(e), e);
    }
  }

  private ServerBootstrap tcpBootstrap(ChannelInitializer<Channel> initializer) {
    return new ServerBootstrap()
        .group(group)
        .handler(spare)
        .option(ChannelOption.ALLOCATOR, allocator)
        .childOption(ChannelOption.ALLOCATOR, allocator)
        .channel(transport == Transport.EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childHandler(initializer);
  }

  private ServerBootstrap unixBootstrap(ChannelInitializer<Channel> initializer) {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .handler(spare)
        .option(ChannelOption.ALLOCATOR, allocator)
        .childOption(ChannelOption.ALLOCATOR, allocator)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childHandler(initializer);
    if (transport == Transport.EPOLL) {
      return bootstrap.channel(EpollServerDomainSocketChannel.class)
          .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }
    // Netty's NIO domain socket channel has no half-closure (docs/protocol.md, known limitations): asking for
    // it would only log "Unknown channel option" for every connection.
    return bootstrap.channel(NioServerDomainSocketChannel.class);
  }

  private SocketAddress unixAddress(Path path) {
    return transport == Transport.EPOLL
        ? new DomainSocketAddress(path.toString())
        : UnixDomainSocketAddress.of(path);
  }

  private static Channel bind(ServerBootstrap bootstrap, SocketAddress address, String what) {
    ChannelFuture future = bootstrap.bind(address).awaitUninterruptibly();
    if (!future.isSuccess()) {
      throw new BlinkException("cannot listen on " + what + ": " + reason(future.cause()), future.cause());
    }
    return future.channel();
  }

  /**
   * Returns the TCP address served: the address asked for, with the port actually bound (the real one when 0 was
   * asked); null without TCP or before {@link #start}.
   */
  public InetSocketAddress tcpAddress() {
    synchronized (lifecycle) {
      return served(tcp, tcpChannel);
    }
  }

  /** Returns the metrics endpoint's address, as {@link #tcpAddress()} does; null without one. */
  public InetSocketAddress metricsAddress() {
    synchronized (lifecycle) {
      return served(metrics, metricsChannel);
    }
  }

  /**
   * The address asked for with the port bound. The channel's own address is not shown as is: a wildcard bound
   * through a dual-stack socket reads {@code [0:0:0:0:0:0:0:0]} where the user asked for {@code 0.0.0.0}.
   */
  private static InetSocketAddress served(InetSocketAddress asked, Channel channel) {
    return channel == null
        ? null
        : new InetSocketAddress(asked.getAddress(), ((InetSocketAddress) channel.localAddress()).getPort());
  }

  /** Returns the Unix socket path served, or null without one. */
  public Path unixPath() {
    return unix;
  }

  /** Returns the transport in use: {@link Transport#EPOLL} or {@link Transport#NIO}, never AUTO. */
  public Transport transport() {
    return transport;
  }

  /** Returns the number of client connections currently open. */
  public int connectionCount() {
    return counters.connections();
  }

  /** Returns the seconds since this server was created. */
  public long uptimeSeconds() {
    return counters.uptimeSeconds();
  }

  /** Returns the number of client connections accepted so far, including any refused over the limit. */
  public long totalConnections() {
    return counters.totalConnections();
  }

  /** Returns the number of commands executed so far. */
  public long commandCount() {
    return counters.commands();
  }

  /** Returns the most client connections open at once ({@link Builder#maxConnections}). */
  public int maxConnections() {
    return maxConnections;
  }

  /** Returns the most bytes all client connections together may hold ({@link Builder#maxClientMemory}). */
  public long maxClientMemory() {
    return clientMemory.limit();
  }

  /** Returns the number of connections closed so far because all together held more than that. */
  public long evictedClients() {
    return counters.evictedClients();
  }

  /**
   * Stops gracefully: stops accepting, flushes the replies to every request already read, closes each
   * connection (cutting those that do not take their replies within a few seconds), and removes the Unix
   * socket file. Does not close the store. Idempotent.
   */
  @Override
  public void close() {
    synchronized (lifecycle) {
      if (closed || !started) {
        closed = true;
        return;
      }
      closed = true;
      shutdown();
    }
  }

  private void shutdown() {
    closeQuietly(metricsChannel);
    closeQuietly(tcpChannel);
    closeQuietly(unixChannel);
    for (Channel connection : connections) {
      connection.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MILLIS);
    for (Channel connection : connections) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !connection.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
        break;
      }
    }
    connections.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    heapGuard.close();
    spare.close();
    if (unix != null && unixChannel != null) {
      try {
        Files.deleteIfExists(unix);
      } catch (IOException ignored) {
        // Netty already removes it on close; this is only a second try.
      }
    }
  }

  private static void closeQuietly(Channel channel) {
    if (channel != null) {
      channel.close().awaitUninterruptibly();
    }
  }

  private IoHandlerFactory ioHandlerFactory() {
    return transport == Transport.EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  private static Transport resolve(Transport requested) {
    switch (requested) {
      case AUTO:
        return Epoll.isAvailable() ? Transport.EPOLL : Transport.NIO;
      case EPOLL:
        if (!Epoll.isAvailable()) {
          throw new BlinkException("the epoll transport is not available here: "
              + reason(Epoll.unavailabilityCause()), Epoll.unavailabilityCause());
        }
        return Transport.EPOLL;
      default:
        return Transport.NIO;
    }
  }

  /** {@code address} as logs and messages show it: the IP literal (never a host name), IPv6 in brackets. */
  public static String describe(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** A one-line reason for {@code t}, for a start-up failure message. */
  static String reason(Throwable t) {
    String message = t == null ? null : t.getMessage();
    if (message == null || message.isBlank()) {
      return t == null ? "unknown error" : t.getClass().getSimpleName();
    }
    // Netty's native errors read "bind(..) failed with error(-98): Address already in use": keep the reason.
    return NATIVE_ERROR_PREFIX.matcher(message).replaceFirst("").replace('\n', ' ');
  }

  @Override
  public String toString() {
    return "BlinkServer{tcp=" + tcpAddress() + ", unix=" + unix + ", transport=" + transport + '}';
  }

  /**
   * The defaults that are not compile-time constants of their own, as constants the CLI can read without
   * initializing this class (whose logger would fix the log level before {@code --log-level} is applied).
   */
  static final class Defaults {
    static final long IDLE_TIMEOUT_SECONDS = 0;
    static final long REQUEST_TIMEOUT_SECONDS = 30;
    static final long AUTH_TIMEOUT_SECONDS = 10;
    static final String UNIX_MODE = "rw-rw----";

    private Defaults() {}
  }

  /** Configures a {@link BlinkServer}. Each option may be set once; bad values fail fast. Not thread-safe. */
  public static final class Builder {
    private BlinkStore store;
    private InetSocketAddress tcp;
    private InetSocketAddress metrics;
    private Path unix;
    private int maxLineBytes = -1;
    private Transport transport;
    private int maxConnections = defaultMaxConnections();
    private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration authTimeout = DEFAULT_AUTH_TIMEOUT;
    private long maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES;
    private long maxClientMemory = defaultMaxClientMemory();
    private int maxKeyBytes = DEFAULT_MAX_KEY_BYTES;
    private int maxValueBytes = Integer.MAX_VALUE;
    private String authToken;
    private Set<PosixFilePermission> unixMode = DEFAULT_UNIX_MODE;
    private double heapThreshold = HeapGuard.DEFAULT_THRESHOLD;
    private HeapGuard heapGuard;
    private Duration metricsDeadline = MetricsEndpoint.DEFAULT_DEADLINE;
    /** The settings with a default that were set (each may be set once, as the others). */
    private final Set<String> given = new HashSet<>();

    private Builder() {}

    /** Sets the store to serve (required). The server does not close it. */
    public Builder store(BlinkStore store) {
      requireUnset(this.store, "store");
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Serves TCP on {@code address}; port 0 picks a free port ({@link #tcpAddress()} tells which).
     *
     * @throws IllegalArgumentException if the address is unresolved
     */
    public Builder tcp(InetSocketAddress address) {
      requireUnset(tcp, "tcp");
      Objects.requireNonNull(address, "address");
      if (address.isUnresolved()) {
        throw new IllegalArgumentException("tcp address is unresolved: " + address.getHostString());
      }
      this.tcp = address;
      return this;
    }

    /**
     * Serves Prometheus metrics over HTTP at {@code address}, path {@code /metrics}; port 0 picks a free port
     * ({@link #metricsAddress()} tells which). Off by default.
     *
     * @throws IllegalArgumentException if the address is unresolved
     */
    public Builder metrics(InetSocketAddress address) {
      requireUnset(metrics, "metrics");
      Objects.requireNonNull(address, "address");
      if (address.isUnresolved()) {
        throw new IllegalArgumentException("metrics address is unresolved: " + address.getHostString());
      }
      this.metrics = address;
      return this;
    }

    /**
     * Serves a Unix domain socket at {@code path}, replacing a stale socket file there (one no server answers on);
     * anything else at the path makes {@link BlinkServer#start} fail and is left untouched.
     */
    public Builder unix(Path path) {
      requireUnset(unix, "unix");
      this.unix = Objects.requireNonNull(path, "path");
      return this;
    }

    /**
     * Sets the longest request line accepted, in bytes without the line end; default
     * {@link #DEFAULT_MAX_LINE_BYTES}. A longer line is answered {@code ERROR line too long} and its
     * connection closed. The same bound applies to a RESP command's bulk strings, headers included; past it,
     * the command is answered {@code -ERR Protocol error: invalid bulk length} and its connection closed.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxLineBytes(int bytes) {
      setOnce("maxLineBytes");
      if (maxLineBytes != -1) {
        throw new IllegalStateException("maxLineBytes was already set to " + maxLineBytes);
      }
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxLineBytes must be positive, but was " + bytes);
      }
      this.maxLineBytes = bytes;
      return this;
    }

    /**
     * Sets the most client connections open at once; default {@link #defaultMaxConnections()}. One more is
     * answered {@code ERROR max number of clients reached} ({@code -ERR ...} if it speaks RESP) and closed.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxConnections(int connections) {
      setOnce("maxConnections");
      this.maxConnections = requirePositive(connections, "maxConnections");
      return this;
    }

    /**
     * Closes a connection that sends nothing and takes none of its replies for {@code timeout}; {@link Duration#ZERO} (the default) never does.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder idleTimeout(Duration timeout) {
      setOnce("idleTimeout");
      this.idleTimeout = requireNotNegative(timeout, "idleTimeout");
      return this;
    }

    /**
     * Closes a connection whose request (a text line or a RESP command) stays unfinished for {@code timeout}, as
     * a client sending a byte now and then would keep it; default {@link #DEFAULT_REQUEST_TIMEOUT};
     * {@link Duration#ZERO}: never.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder requestTimeout(Duration timeout) {
      setOnce("requestTimeout");
      this.requestTimeout = requireNotNegative(timeout, "requestTimeout");
      return this;
    }

    /**
     * On a server with a token ({@link #authToken}), closes a connection that has not signed in {@code timeout}
     * after it was accepted; default {@link #DEFAULT_AUTH_TIMEOUT}; {@link Duration#ZERO}: never. Whatever this
     * is, a new connection that would pass {@link #maxConnections} closes the connection that has waited longest to
     * sign in, if any, rather than being refused, so that clients without the token cannot keep those with it out.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder authTimeout(Duration timeout) {
      setOnce("authTimeout");
      this.authTimeout = requireNotNegative(timeout, "authTimeout");
      return this;
    }

    /**
     * Sets the most bytes of replies that may wait for one client (written, not yet read by it) before its
     * connection is closed; default {@link #DEFAULT_MAX_OUTPUT_BYTES}. It must exceed the largest reply (a
     * value's base64, 4/3 of its size): a connection asking for a larger one is closed. A RESP {@code MGET} whose
     * reply would be larger is refused with an error instead, before the reply is built.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxOutputBytes(long bytes) {
      setOnce("maxOutputBytes");
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxOutputBytes must be positive, but was " + bytes);
      }
      this.maxOutputBytes = bytes;
      return this;
    }

    /**
     * Sets the most bytes all client connections together may hold, in their unfinished requests, requests held
     * back by backpressure, names and replies not yet read, as Redis's {@code maxmemory-clients}; default
     * {@link #defaultMaxClientMemory()}. When they hold more, the connections holding the most are closed,
     * biggest first, until they no longer do; each is logged at INFO and counted ({@code evicted_clients} in
     * {@code STATS} and {@code INFO}).
     *
     * @throws IllegalArgumentException if less than 128 KiB
     */
    public Builder maxClientMemory(long bytes) {
      setOnce("maxClientMemory");
      this.maxClientMemory = ClientMemory.requireLimit(bytes);
      return this;
    }

    /**
     * Sets the longest key a write may store, in UTF-8 bytes (as {@code USAGE} counts it); default
     * {@link #DEFAULT_MAX_KEY_BYTES}. A write of a longer key is answered {@code ERROR key too long}
     * ({@code -ERR key too long} in RESP) and stores nothing; the connection stays usable.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxKeyBytes(int bytes) {
      setOnce("maxKeyBytes");
      this.maxKeyBytes = requirePositive(bytes, "maxKeyBytes");
      return this;
    }

    /**
     * Sets the largest value a write may store, in bytes; by default none of its own (the request size,
     * {@link #maxLineBytes}, and the memory limit bound every value). A write of a larger value is answered
     * {@code ERROR value too long} ({@code -ERR value too long} in RESP) and stores nothing; the connection stays
     * usable.
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxValueBytes(int bytes) {
      setOnce("maxValueBytes");
      this.maxValueBytes = requirePositive(bytes, "maxValueBytes");
      return this;
    }

    /**
     * Requires every connection to present {@code token} ({@code AUTH <token>}) before anything else is executed;
     * by default none is needed. Whitespace inside the token is kept as sent.
     *
     * @throws IllegalArgumentException if the token is empty, starts or ends with whitespace (the text protocol
     *     trims {@code AUTH}'s argument), or holds a line break (a text request ends there): no client could
     *     present such a token
     */
    public Builder authToken(String token) {
      requireUnset(authToken == null ? null : "a token", "authToken");
      this.authToken = Authenticator.requirePresentable(Objects.requireNonNull(token, "token"));
      return this;
    }

    /** Sets the Unix socket file's permissions; default {@link #DEFAULT_UNIX_MODE} (0660). */
    public Builder unixMode(Set<PosixFilePermission> mode) {
      setOnce("unixMode");
      this.unixMode = Set.copyOf(Objects.requireNonNull(mode, "mode"));
      return this;
    }

    /**
     * Refuses writes ({@code ERROR out of memory}) while more than {@code fraction} of the maximum heap is in use
     * after a garbage collection; reads go on. Default 0.90; 1.0 never refuses.
     *
     * @throws IllegalArgumentException unless {@code 0 < fraction <= 1}
     */
    public Builder heapThreshold(double fraction) {
      setOnce("heapThreshold");
      this.heapThreshold = HeapGuard.requireThreshold(fraction);
      return this;
    }

    /** Closes each metrics connection {@code deadline} after its accept instead of 10 s: a seam for tests. */
    Builder metricsDeadline(Duration deadline) {
      setOnce("metricsDeadline");
      this.metricsDeadline = requireNotNegative(deadline, "metricsDeadline");
      return this;
    }

    /** Uses {@code guard} instead of watching the JVM's collections: a seam for tests. */
    Builder heapGuard(HeapGuard guard) {
      setOnce("heapGuard");
      this.heapGuard = Objects.requireNonNull(guard, "guard");
      return this;
    }

    /** Chooses the transport; default {@link Transport#AUTO}. */
    public Builder transport(Transport transport) {
      requireUnset(this.transport, "transport");
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Returns a server, not yet started.
     *
     * @throws IllegalStateException if no store, or neither a TCP address nor a Unix socket, was given
     * @throws BlinkException if the epoll transport was asked for and is not available
     */
    public BlinkServer build() {
      if (store == null) {
        throw new IllegalStateException("a store is required");
      }
      if (tcp == null && unix == null) {
        throw new IllegalStateException("at least one of a TCP address or a Unix socket path is required");
      }
      if (maxLineBytes == -1) {
        maxLineBytes = DEFAULT_MAX_LINE_BYTES;
      }
      if (transport == null) {
        transport = Transport.AUTO;
      }
      return new BlinkServer(this);
    }

    private static int requirePositive(int value, String name) {
      if (value <= 0) {
        throw new IllegalArgumentException(name + " must be positive, but was " + value);
      }
      return value;
    }

    private static Duration requireNotNegative(Duration value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isNegative()) {
        throw new IllegalArgumentException(name + " must not be negative, but was " + value);
      }
      return value;
    }

    /**
     * Fails if the setting {@code name}, one with a default, was set before: a second call would silently
     * overwrite the first, which is a mistake in the caller.
     */
    private void setOnce(String name) {
      if (!given.add(name)) {
        throw new IllegalStateException(name + " was already set");
      }
    }

    private static void requireUnset(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
    }
  }
}
