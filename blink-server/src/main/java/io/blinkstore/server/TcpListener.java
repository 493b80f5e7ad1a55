package io.blinkstore.server;

import io.blinkstore.server.command.LiveSetting;
import io.blinkstore.server.command.ServerCounters;
import io.blinkstore.server.transport.Addresses;
import io.blinkstore.server.transport.DirectMemoryGuard;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TCP listener, and {@code CONFIG SET port} ({@link LiveSetting}): a new port is bound first, on the
 * same address, and only then is the old listener closed, so that a port that cannot be bound (another socket holds
 * it) leaves the server listening where it was, and the whole {@code CONFIG SET} refused, as Redis's
 * {@code changeListenPort}. Connections already open stay open, as in Redis. A new port is bound on an acceptor
 * thread of its own (started at the first change), not on the event loops: {@code CONFIG SET} runs on one and waits
 * for the bind, which it could not do for a listener of its own loop.
 */
final class TcpListener implements LiveSetting {
  private static final Logger log = LoggerFactory.getLogger(TcpListener.class);

  /** Redis's reason when the new port cannot be bound ({@code updatePort}). */
  static final String UNABLE = "Unable to listen on this port. Check server logs.";

  private final ServerSockets sockets;
  private final ChannelInitializer<Channel> initializer;
  private final EventLoopGroup group;
  private final DirectMemoryGuard allocator;
  private final IoHandlerFactory handlers;
  private final InetSocketAddress address;
  private final ServerCounters counters;
  private @Nullable EventLoopGroup acceptors;
  private volatile Channel channel;

  /**
   * Listens on {@code address} with {@code initializer}'s pipeline on {@code group}, and reports the port bound in
   * {@code counters}.
   *
   * @throws io.blinkstore.BlinkException if it cannot bind
   */
  TcpListener(ServerSockets sockets, ChannelInitializer<Channel> initializer, EventLoopGroup group,
      DirectMemoryGuard allocator, IoHandlerFactory handlers, InetSocketAddress address, ServerCounters counters) {
    this.sockets = sockets;
    this.initializer = initializer;
    this.group = group;
    this.allocator = allocator;
    this.handlers = handlers;
    this.address = address;
    this.counters = counters;
    this.channel = ServerSockets.bind(sockets.tcp(initializer, group, allocator), address,
        "TCP " + Addresses.describe(address));
    counters.tcpPort(port(channel));
  }

  /** The listening channel now. */
  Channel channel() {
    return channel;
  }

  @Override
  public @Nullable String refusal(long value) {
    return value == 0 ? "Blink Store keeps its TCP listener: port 0 (no TCP) is not taken while it runs" : null;
  }

  @Override
  public void apply(long value) {
    String failure = tryApply(value);
    if (failure != null) {
      throw new IllegalStateException(failure);
    }
  }

  @Override
  public synchronized @Nullable String tryApply(long value) {
    Channel old = channel;
    if (port(old) == value) {
      return null;
    }
    InetSocketAddress asked = new InetSocketAddress(address.getAddress(), (int) value);
    ChannelFuture bound = sockets.tcp(initializer, acceptors(), group, allocator).bind(asked).awaitUninterruptibly();
    if (!bound.isSuccess()) {
      log.warn("CONFIG SET port: cannot listen on {}: {}", Addresses.describe(asked),
          FailureReason.of(bound.cause()));
      return UNABLE;
    }
    channel = bound.channel();
    counters.tcpPort(port(channel));
    old.close();
    log.info("listening on TCP {} instead of port {} (CONFIG SET port)", Addresses.describe(asked), port(old));
    return null;
  }

  private synchronized EventLoopGroup acceptors() {
    if (acceptors == null) {
      acceptors = new MultiThreadIoEventLoopGroup(1, handlers);
    }
    return acceptors;
  }

  /** Stops listening (the server is stopping). */
  synchronized void close() {
    channel.close().awaitUninterruptibly();
    if (acceptors != null) {
      acceptors.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }

  private static int port(Channel channel) {
    return ((InetSocketAddress) channel.localAddress()).getPort();
  }
}
