package io.blinkstore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the server is: TCP host and port, or a Unix domain socket. A picocli mixin shared by the commands. */
final class Endpoint {
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Server host. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = {"-p", "--port"}, defaultValue = "8765", description = "Server TCP port. Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = {"-s", "--unix"}, paramLabel = "PATH", description = "Unix domain socket (overrides host and port).")
  Path unix;

  SocketAddress address() {
    return unix != null ? UnixDomainSocketAddress.of(unix) : new InetSocketAddress(host, port);
  }

  /** Opens a blocking connection; over TCP with Nagle off, as every latency-minded client does. */
  SocketChannel connect() throws IOException {
    SocketChannel channel = unix != null
        ? SocketChannel.open(StandardProtocolFamily.UNIX)
        : SocketChannel.open();
    try {
      channel.connect(address());
      if (unix == null) {
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      }
      return channel;
    } catch (IOException e) {
      channel.close();
      throw new IOException("cannot connect to " + this + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return unix != null ? "unix:" + unix : host + ":" + port;
  }
}
