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
  /** Bytes of MONITOR lines and pub/sub messages handed to the event loop and not yet written to the channel. */
  private final AtomicLong queued = new AtomicLong();
  /** Set once the server closes it (from any thread): what would be pushed to it then is dropped. */
  private volatile boolean closing;

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
    closing = true;
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
    if (!overLimit(bytes, maxPendingBytes)) {
      handOver(line, bytes);
    }
  }

  /**
   * As {@link #monitor}, for a pub/sub message; on the channel's own event loop, with nothing handed over still
   * waiting, it is written at once instead (the order of what one thread sends stays that of its calls).
   */
  @Override
  public boolean push(Result message, long bytes, long maxPendingBytes) {
    if (closing || account.gone() || overLimit(bytes, maxPendingBytes)) {
      return false;
    }
    if (channel.eventLoop().inEventLoop() && queued.get() == bytes) {
      queued.addAndGet(-bytes);
      if (channel.isActive()) {
        channel.writeAndFlush(message, channel.voidPromise());
      }
      return true;
    }
    handOver(message, bytes);
    return true;
  }

  /** Counts {@code bytes} as queued; closes the channel instead if that would pass {@code maxPendingBytes}. */
  private boolean overLimit(long bytes, long maxPendingBytes) {
    if (queued.addAndGet(bytes) + account.unsent() > maxPendingBytes) {
      queued.addAndGet(-bytes);
      close();
      return true;
    }
    return false;
  }

  /** Writes {@code message}, counted as queued in the account meanwhile, on the channel's event loop. */
  private void handOver(Result message, long bytes) {
    account.addQueued(bytes);
    channel.eventLoop().execute(() -> {
      queued.addAndGet(-bytes);
      account.addQueued(-bytes);
      if (channel.isActive()) {
        channel.writeAndFlush(message, channel.voidPromise()); // its flush counts the replies waiting (ConnectionLimits)
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
    if (queued.addAndGet(size) + account.unsent() > maxPendingBytes) {
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
