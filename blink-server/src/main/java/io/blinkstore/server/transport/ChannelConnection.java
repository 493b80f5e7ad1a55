package io.blinkstore.server.transport;

import io.blinkstore.server.command.ClientConnection;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

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

  ChannelConnection(Channel channel, ClientMemory.Account account) {
    this.channel = channel;
    this.account = account;
    this.address = format(channel.remoteAddress());
    this.localAddress = format(channel.localAddress());
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
}
