package io.blinkstore.server.transport;

import io.blinkstore.server.command.ClientConnection;
import io.blinkstore.server.command.Result;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A RESP connection's channel as {@code CLIENT LIST}, {@code CLIENT KILL} and {@code CLIENT NO-EVICT} see it.
 * Addresses are written as Redis writes them: {@code 127.0.0.1:5555}, {@code [::1]:5555}, and
 * {@code /unixsocket:0} for either end of a Unix socket connection.
 */
final class ChannelConnection implements ClientConnection {
  private final Channel channel;
  private final ClientMemory.Account account;
  private final String address;
  private final String localAddress;
  private final boolean local;
  /** Bytes of MONITOR lines handed to the event loop and not yet written to the channel. */
  private final AtomicLong queued = new AtomicLong();

  ChannelConnection(Channel channel, ClientMemory.Account account) {
    this.channel = channel;
    this.account = account;
    this.address = format(channel.remoteAddress());
    this.localAddress = format(channel.localAddress());
    this.local = !(channel.remoteAddress() instanceof InetSocketAddress inet) || Addresses.redisLocal(inet);
  }

  @Override
  public boolean local() {
    return local;
  }

  private static String format(SocketAddress address) {
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return Addresses.describe(inet);
    }
    return "/unixsocket:0";
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public String localAddress() {
    return localAddress;
  }

  @Override
  public boolean unixSocket() {
    return !(channel.localAddress() instanceof InetSocketAddress);
  }

  @Override
  public long replyBytes() {
    return account.replies();
  }

  @Override
  public long heldBytes() {
    return account.held();
  }

  @Override
  public void close() {
    channel.close();
  }

  @Override
  public void evictLast(boolean last) {
    account.evictLast = last;
  }

  @Override
  public String monitorSource() {
    return unixSocket() ? "unix:" + channel.localAddress() : address;
  }

  /**
   * Hands the line to the channel's event loop, counting it in the connection's account until it is written
   * and, once written, as replies waiting (as every reply); a monitor with more than {@code maxPendingBytes}
   * queued or unread is closed instead, so that one that does not read grows nothing without bound.
   */
  @Override
  public void monitor(Result.Simple line, long bytes, long maxPendingBytes) {
    if (queued.addAndGet(bytes) + account.replies() > maxPendingBytes) {
      queued.addAndGet(-bytes);
      channel.close();
      return;
    }
    account.addQueued(bytes);
    channel.eventLoop().execute(() -> {
      queued.addAndGet(-bytes);
      account.addQueued(-bytes);
      if (channel.isActive()) {
        channel.writeAndFlush(line, channel.voidPromise()); // its flush counts the replies waiting (ConnectionLimits)
      }
    });
  }

  /**
   * Hands the bytes to the channel's event loop as {@link #monitor} hands a line, held to the same bound, written
   * raw: the encoders of both protocols pass a buffer through as it is.
   */
  @Override
  public boolean stream(byte[] bytes, long maxPendingBytes) {
    if (!channel.isOpen()) {
      return false;
    }
    long size = bytes.length;
    if (queued.addAndGet(size) + account.replies() > maxPendingBytes) {
      queued.addAndGet(-size);
      channel.close();
      return false;
    }
    account.addQueued(size);
    channel.eventLoop().execute(() -> {
      queued.addAndGet(-size);
      account.addQueued(-size);
      if (channel.isActive()) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(bytes), channel.voidPromise());
      }
    });
    return true;
  }
}
