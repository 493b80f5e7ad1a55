package io.blinkstore.server;

import io.blinkstore.BlinkException;
import io.blinkstore.BlinkStore;
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
import java.net.StandardProtocolFamily;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

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
  private final Path unix;
  private final int maxLineBytes;
  private final Transport transport;

  private final Object lifecycle = new Object();
  private EventLoopGroup group;
  private ChannelGroup connections;
  private Channel tcpChannel;
  private Channel unixChannel;
  private boolean started;
  private boolean closed;

  private BlinkServer(Builder builder) {
    this.store = builder.store;
    this.tcp = builder.tcp;
    this.unix = builder.unix;
    this.maxLineBytes = builder.maxLineBytes;
    this.transport = resolve(builder.transport);
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
      group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), ioHandlerFactory());
      connections = new DefaultChannelGroup("blink-connections", GlobalEventExecutor.INSTANCE);
      ProtocolPipeline protocol = new ProtocolPipeline(store, maxLineBytes);
      ChannelInitializer<Channel> initializer =
          new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel channel) {
              connections.add(channel);
              protocol.install(channel.pipeline());
            }
          };
      try {
        if (tcp != null) {
          tcpChannel = bind(tcpBootstrap(initializer), tcp, "TCP " + describe(tcp));
        }
        if (unix != null) {
          removeStaleSocket(unix);
          unixChannel = bind(unixBootstrap(initializer), unixAddress(unix), "Unix socket " + unix);
        }
      } catch (BlinkException e) {
        closed = true;
        shutdown();
        throw e;
      }
      return this;
    }
  }

  private ServerBootstrap tcpBootstrap(ChannelInitializer<Channel> initializer) {
    return new ServerBootstrap()
        .group(group)
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
   * The original removes a stale socket file before binding; we do too, but never a directory, and never the
   * socket of a server that is still running there (a connect succeeds): taking its path over would leave it
   * unreachable.
   */
  private static void removeStaleSocket(Path path) {
    if (Files.isDirectory(path)) {
      throw new BlinkException("cannot listen on Unix socket " + path + ": it is a directory");
    }
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (acceptsConnections(path)) {
      throw new BlinkException("cannot listen on Unix socket " + path + ": another server is listening on it");
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new BlinkException("cannot listen on Unix socket " + path + ": cannot remove the old file: "
          + reason(e), e);
    }
  }

  private static boolean acceptsConnections(Path path) {
    try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      return probe.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException refusedOrNotASocket) {
      return false;
    }
  }

  /** Returns the TCP address actually bound (with the real port when 0 was asked), or null without TCP. */
  public InetSocketAddress tcpAddress() {
    synchronized (lifecycle) {
      return tcpChannel == null ? null : (InetSocketAddress) tcpChannel.localAddress();
    }
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
    synchronized (lifecycle) {
      return connections == null ? 0 : connections.size();
    }
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

  static String describe(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  private static String reason(Throwable t) {
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

  /** Configures a {@link BlinkServer}. Each option may be set once; bad values fail fast. Not thread-safe. */
  public static final class Builder {
    private BlinkStore store;
    private InetSocketAddress tcp;
    private Path unix;
    private int maxLineBytes = -1;
    private Transport transport;

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

    /** Serves a Unix domain socket at {@code path}, replacing a stale file there. */
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
      if (maxLineBytes != -1) {
        throw new IllegalStateException("maxLineBytes was already set to " + maxLineBytes);
      }
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxLineBytes must be positive, but was " + bytes);
      }
      this.maxLineBytes = bytes;
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

    private static void requireUnset(Object current, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
    }
  }
}
