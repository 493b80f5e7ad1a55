package io.blinkstore.server;

import io.blinkstore.BlinkException;
import io.blinkstore.server.transport.DirectMemoryGuard;
import io.blinkstore.server.transport.SpareDescriptor;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/**
 * How {@link BlinkServer} opens its listening sockets on one Netty transport: the bootstraps for TCP and a Unix
 * socket (the spare descriptor as each server channel's handler, the direct-memory guard as the allocator), a Unix
 * socket's address, and the bind that turns a failure into a {@link BlinkException}.
 */
final class ServerSockets {
  private final BlinkServer.Transport transport;
  private final SpareDescriptor spare;

  ServerSockets(BlinkServer.Transport transport, SpareDescriptor spare) {
    this.transport = transport;
    this.spare = spare;
  }

  ServerBootstrap tcp(ChannelInitializer<Channel> initializer, EventLoopGroup group, DirectMemoryGuard allocator) {
    return tcp(initializer, group, group, allocator);
  }

  /** As {@link #tcp(ChannelInitializer, EventLoopGroup, DirectMemoryGuard)}, accepting on {@code acceptors}. */
  ServerBootstrap tcp(ChannelInitializer<Channel> initializer, EventLoopGroup acceptors, EventLoopGroup group,
      DirectMemoryGuard allocator) {
    return new ServerBootstrap()
        .group(acceptors, group)
        .handler(spare)
        .option(ChannelOption.ALLOCATOR, allocator)
        .childOption(ChannelOption.ALLOCATOR, allocator)
        .channel(transport == BlinkServer.Transport.EPOLL
            ? EpollServerSocketChannel.class
            : NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
        .childHandler(initializer);
  }

  ServerBootstrap unix(ChannelInitializer<Channel> initializer, EventLoopGroup group, DirectMemoryGuard allocator) {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .handler(spare)
        .option(ChannelOption.ALLOCATOR, allocator)
        .childOption(ChannelOption.ALLOCATOR, allocator)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childHandler(initializer);
    if (transport == BlinkServer.Transport.EPOLL) {
      return bootstrap.channel(EpollServerDomainSocketChannel.class)
          .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
    }
    // Netty's NIO domain socket channel has no half-closure (docs/protocol.md, known limitations): asking for
    // it would only log "Unknown channel option" for every connection.
    return bootstrap.channel(NioServerDomainSocketChannel.class);
  }

  SocketAddress unixAddress(Path path) {
    return transport == BlinkServer.Transport.EPOLL
        ? new DomainSocketAddress(path.toString())
        : UnixDomainSocketAddress.of(path);
  }

  static Channel bind(ServerBootstrap bootstrap, SocketAddress address, String what) {
    ChannelFuture future = bootstrap.bind(address).awaitUninterruptibly();
    if (!future.isSuccess()) {
      throw new BlinkException("cannot listen on " + what + ": " + FailureReason.of(future.cause()), future.cause());
    }
    return future.channel();
  }
}
