package io.blinkstore.server;

import io.blinkstore.BlinkException;
import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.Authenticator;
import io.blinkstore.server.command.Dispatcher;
import io.blinkstore.server.command.EntrySizeLimits;
import io.blinkstore.server.command.HeapGuard;
import io.blinkstore.server.command.Leases;
import io.blinkstore.server.command.ServerCounters;
import io.blinkstore.server.command.SnapshotFiles;
import io.blinkstore.server.command.SnapshotSettings;
import io.blinkstore.server.transport.Addresses;
import io.blinkstore.server.transport.ClientMemory;
import io.blinkstore.server.transport.ConnectionLimits;
import io.blinkstore.server.transport.DirectMemoryGuard;
import io.blinkstore.server.transport.HttpRejector;
import io.blinkstore.server.transport.MetricsEndpoint;
import io.blinkstore.server.transport.ProtocolPipeline;
import io.blinkstore.server.transport.SignInDeadline;
import io.blinkstore.server.transport.SpareDescriptor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
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

  /** Connections that send nothing are never closed for it, unless {@link BlinkServerBuilder#idleTimeout} says otherwise. */
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

  /** How long {@link #close()} waits for connections to take their last replies before cutting them. */
  static final long DRAIN_TIMEOUT_MILLIS = 5_000;

  /** What the server does at start with a snapshot file it cannot load ({@link BlinkServerBuilder#snapshot}). */
  public enum CorruptSnapshot {
    /** Moves the file aside ({@code PATH.corrupt-<UTC time>}), logs one line and starts empty. */
    START_EMPTY,
    /** Does not start: {@link #start} throws, naming the file and why. */
    REFUSE
  }

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
  private final @Nullable InetSocketAddress tcp;
  private final @Nullable InetSocketAddress metrics;
  private final @Nullable Path unix;
  private final int maxLineBytes;
  /** The longest bulk string of a RESP request ({@link BlinkServerBuilder#maxBulkBytes}). */
  private final long maxBulkBytes;
  private final Transport transport;
  private final boolean respOnly;
  private final ServerCounters counters = new ServerCounters();
  private final ClientMemory clientMemory;
  private final SpareDescriptor spare = new SpareDescriptor(Path.of("/dev/null"));
  private final ServerSockets sockets;
  private final ConnectionLimits limits;
  private final long maxOutputBytes;
  private final int databases;
  private final DebugCommandAccess debugCommand;
  private final EntrySizeLimits sizeLimits;
  private final @Nullable Authenticator authenticator;
  private final Set<PosixFilePermission> unixMode;
  private final @Nullable HeapGuard givenHeapGuard;
  private final double heapThreshold;
  private final Duration metricsDeadline;
  private final @Nullable SnapshotSettings snapshot;
  private final @Nullable SnapshotFiles snapshotFiles;
  private @Nullable HeapGuard heapGuard;

  private final Object lifecycle = new Object();
  // Null until start() sets them (and after a start that failed before it reached them).
  private @Nullable EventLoopGroup group;
  private @Nullable DirectMemoryGuard allocator;
  private @Nullable ChannelGroup connections;
  private @Nullable TcpListener tcpListener;
  private @Nullable Channel unixChannel;
  private @Nullable Channel metricsChannel;
  /** The command layer, whose running script a close stops. */
  private @Nullable Dispatcher dispatcher;
  private boolean started;
  private boolean closed;
  /** Whether a close saves the snapshot, once a {@code SHUTDOWN} decided (the first: Redis exits at it); else yes. */
  private final AtomicReference<@Nullable Boolean> shutdownSave = new AtomicReference<>();
  private volatile Runnable onShutdownCommand = () -> { };

  BlinkServer(BlinkServerBuilder builder, BlinkStore store, Transport transport) {
    this.store = store;
    this.tcp = builder.tcp;
    this.metrics = builder.metrics;
    this.unix = builder.unix;
    this.maxLineBytes = builder.maxLineBytes;
    this.maxBulkBytes = builder.maxBulkBytes;
    this.transport = resolve(transport);
    this.respOnly = builder.respOnly;
    this.sockets = new ServerSockets(this.transport, spare);
    this.clientMemory = new ClientMemory(builder.maxClientMemory, counters);
    this.limits = new ConnectionLimits(counters, builder.maxConnections, builder.idleTimeout.toMillis(),
        builder.requestTimeout.toMillis(), builder.maxOutputBytes, spare,
        builder.authToken == null ? null : new SignInDeadline(builder.authTimeout));
    this.maxOutputBytes = builder.maxOutputBytes;
    this.databases = builder.databases;
    this.debugCommand = builder.debugCommand;
    this.sizeLimits = new EntrySizeLimits(builder.maxKeyBytes, builder.maxValueBytes);
    this.authenticator = builder.authToken == null ? null : new Authenticator(builder.authToken);
    this.unixMode = builder.unixMode;
    this.givenHeapGuard = builder.heapGuard;
    this.heapThreshold = builder.heapThreshold;
    this.metricsDeadline = builder.metricsDeadline;
    this.snapshot = builder.snapshotSettings();
    this.snapshotFiles = builder.snapshotFiles;
  }

  /** Returns a new builder. */
  public static BlinkServerBuilder builder() {
    return new BlinkServerBuilder();
  }

  /**
   * Binds the configured addresses and starts serving.
   *
   * @return this server
   * @throws BlinkException if an address cannot be bound (in use, not local, unwritable socket path), or the
   *     snapshot cannot be loaded with {@link CorruptSnapshot#REFUSE} (or moved aside); nothing is left bound then
   * @throws IllegalStateException if the server was already started
   */
  public BlinkServer start() {
    synchronized (lifecycle) {
      if (started) {
        throw new IllegalStateException("the server was already started");
      }
      started = true;
      spare.reserve();
      ConnectionLimits.warnIfDescriptorsShort(limits.maxConnections());
      group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), ioHandlerFactory());
      allocator = DirectMemoryGuard.forThisJvm();
      ChannelGroup connections = new DefaultChannelGroup("blink-connections", GlobalEventExecutor.INSTANCE);
      this.connections = connections;
      heapGuard = givenHeapGuard != null ? givenHeapGuard : HeapGuard.watchingCollections(heapThreshold);
      heapGuard.holdScriptStringsTo(maxBulkBytes); // a script's string is held as a request's bulk string
      Leases leases = new Leases(); // one table for both protocols: text and RESP fillers coordinate
      Dispatcher dispatcher = new Dispatcher(
          store, leases, Clock.systemUTC(), counters, heapGuard, authenticator, maxOutputBytes, sizeLimits,
          databases);
      this.dispatcher = dispatcher;
      limits.configure(dispatcher, connections);
      dispatcher.reportSettings(Map.of(
          "maxmemory-clients", Long.toString(clientMemory.limit()),
          "bind", tcp == null ? "" : tcp.getAddress().getHostAddress(),
          "unixsocket", unix == null ? "" : unix.toString(), "enable-debug-command", debugCommand.redisName()));
      ProtocolPipeline protocol = new ProtocolPipeline(dispatcher, maxLineBytes, authenticator, maxBulkBytes);
      ChannelInitializer<Channel> initializer =
          new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
              connections.add(channel);
              ClientMemory.Account account = clientMemory.open(channel);
              // Connection-level limits and the HTTP check first, so they hold whatever protocol follows.
              limits.install(channel.pipeline());
              channel.pipeline().addLast(HttpRejector.NAME, new HttpRejector(maxLineBytes, account));
              protocol.install(channel.pipeline(), respOnly);
            }
          };
      try {
        if (snapshot != null) { // loaded before any socket binds: no client sees the store half loaded
          dispatcher.snapshots().start(snapshot, snapshotFiles != null ? snapshotFiles : SnapshotFiles.of(store));
        }
        if (tcp != null) {
          TcpListener listener = new TcpListener(sockets, initializer, group, allocator, ioHandlerFactory(), tcp,
              counters);
          tcpListener = listener;
          dispatcher.liveSetting("port", listener); // CONFIG SET port binds the new port, then closes the old
        }
        dispatcher.onShutdown(this::shutdownCommand);
        if (unix != null) {
          StaleSocketFile.remove(unix);
          unixChannel = ServerSockets.bind(
              sockets.unix(initializer, group, allocator), sockets.unixAddress(unix), "Unix socket " + unix);
          setMode(unix, unixMode);
        }
        if (metrics != null) {
          // No half-closure: a scraper that ends its output is done, and its connection is closed at once.
          ServerBootstrap scrapes = sockets.tcp(
              new MetricsEndpoint(() -> counters.stats(store), metricsDeadline, dispatcher.snapshots()::figures),
              group, allocator)
              .childOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
          metricsChannel = ServerSockets.bind(scrapes, metrics, "metrics " + Addresses.describe(metrics));
        }
      } catch (BlinkException e) {
        closed = true;
        shutdown();
        throw e;
      }
      Exposure.warn(log, tcpAddress(), metricsAddress(), authenticator != null);
      dispatcher.snapshots().schedule();
      return this;
    }
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
          + PosixFilePermissions.toString(mode) + ": " + FailureReason.of(e), e);
    }
  }

  /**
   * Returns the TCP address served: the address asked for, with the port actually bound (the real one when 0 was
   * asked); null without TCP or before {@link #start}.
   */
  public @Nullable InetSocketAddress tcpAddress() {
    synchronized (lifecycle) {
      return served(tcp, tcpListener == null ? null : tcpListener.channel());
    }
  }

  /** Returns the metrics endpoint's address, as {@link #tcpAddress()} does; null without one. */
  public @Nullable InetSocketAddress metricsAddress() {
    synchronized (lifecycle) {
      return served(metrics, metricsChannel);
    }
  }

  /**
   * The address asked for with the port bound. The channel's own address is not shown as is: a wildcard bound
   * through a dual-stack socket reads {@code [0:0:0:0:0:0:0:0]} where the user asked for {@code 0.0.0.0}.
   */
  private static @Nullable InetSocketAddress served(@Nullable InetSocketAddress asked, @Nullable Channel channel) {
    return asked == null || channel == null
        ? null
        : new InetSocketAddress(asked.getAddress(), ((InetSocketAddress) channel.localAddress()).getPort());
  }

  /** Returns the Unix socket path served, or null without one. */
  public @Nullable Path unixPath() {
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

  /**
   * Returns the most client connections open at once ({@link BlinkServerBuilder#maxConnections}, or as
   * {@code CONFIG SET maxclients} changed it).
   */
  public int maxConnections() {
    return limits.maxConnections();
  }

  /** Returns the most bytes all client connections together may hold ({@link BlinkServerBuilder#maxClientMemory}). */
  public long maxClientMemory() {
    return clientMemory.limit();
  }

  /** Returns the number of connections closed so far because all together held more than that. */
  public long evictedClients() {
    return counters.evictedClients();
  }

  /**
   * Stops gracefully: stops accepting, flushes the replies to every request already read, closes each
   * connection (cutting those that do not take their replies within a few seconds), removes the Unix
   * socket file and, with {@link BlinkServerBuilder#snapshot}, saves the snapshot (waiting for it at most a minute:
   * past that, or if it fails, the previous file is kept and the failure logged). Does not close the store.
   * Idempotent.
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

  /**
   * {@code SHUTDOWN}: closes the server as {@link #close} does (saving the snapshot unless {@code save} is false), on
   * a thread of its own rather than the event loop that read it, then tells {@link #onShutdownCommand}'s action. A
   * later {@code SHUTDOWN} (another connection's, racing it) changes nothing.
   */
  private void shutdownCommand(boolean save) {
    if (!shutdownSave.compareAndSet(null, save)) {
      return;
    }
    new Thread(() -> {
      close();
      onShutdownCommand.run();
    }, "blink-shutdown-command").start();
  }

  /** Runs {@code action} once {@code SHUTDOWN} has closed the server: {@code serve} then exits. */
  void onShutdownCommand(Runnable action) {
    onShutdownCommand = action;
  }

  private void shutdown() {
    if (dispatcher != null) {
      dispatcher.close(); // a running script stops first, so that its caller gets its reply before the drain
    }
    closeQuietly(metricsChannel);
    if (tcpListener != null) {
      tcpListener.close();
    }
    closeQuietly(unixChannel);
    if (connections != null) {
      closeConnections(connections);
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
    if (dispatcher != null) {
      // Nothing is served any more: the save holds every write answered.
      dispatcher.snapshots().close(!Boolean.FALSE.equals(shutdownSave.get()));
    }
    if (heapGuard != null) {
      heapGuard.close();
    }
    spare.close();
    if (unix != null && unixChannel != null) {
      try {
        Files.deleteIfExists(unix);
      } catch (IOException ignored) {
        // Netty already removes it on close; this is only a second try.
      }
    }
  }

  /** Flushes each connection's last replies and closes it, cutting those not done within the drain timeout. */
  private static void closeConnections(ChannelGroup connections) {
    for (Channel connection : connections) {
      ProtocolPipeline.closeAfterReplies(connection);
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MILLIS);
    for (Channel connection : connections) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !connection.closeFuture().awaitUninterruptibly(left, TimeUnit.NANOSECONDS)) {
        break;
      }
    }
    connections.close().awaitUninterruptibly();
  }

  private static void closeQuietly(@Nullable Channel channel) {
    if (channel != null) {
      channel.close().awaitUninterruptibly();
    }
  }

  private IoHandlerFactory ioHandlerFactory() {
    return transport == Transport.EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  private static Transport resolve(Transport requested) {
    if (requested == Transport.EPOLL && !Epoll.isAvailable()) {
      throw new BlinkException("the epoll transport is not available here: "
          + FailureReason.of(Epoll.unavailabilityCause()), Epoll.unavailabilityCause());
    }
    return requested == Transport.NIO || !Epoll.isAvailable() ? Transport.NIO : Transport.EPOLL;
  }

  @Override
  public String toString() {
    return "BlinkServer{tcp=" + tcpAddress() + ", unix=" + unix + ", transport=" + transport + '}';
  }
}
