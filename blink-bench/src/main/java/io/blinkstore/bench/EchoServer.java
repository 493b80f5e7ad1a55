package io.blinkstore.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code blink-bench echo-server}: sends back every byte it receives, on one selector thread. Measured with
 * {@code load --protocol echo}, it gives the round trip of the same client, transport and payload with no server
 * work at all: the floor under any server's latency on this machine.
 */
@Command(name = "echo-server",
    description = "A trivial echo server (one thread, NIO) for the loopback round-trip floor. Stops on SIGTERM"
        + " or after --exit-after seconds.")
final class EchoServer implements Callable<Integer> {
  @Mixin Help help;

  @Option(names = "--tcp", paramLabel = "HOST:PORT", description = "TCP address, e.g. 127.0.0.1:7000 (port 0: any).")
  String tcp;

  @Option(names = "--unix", paramLabel = "PATH", description = "Unix domain socket path.")
  Path unix;

  @Option(names = "--exit-after", paramLabel = "SECONDS", defaultValue = "3600",
      description = "Stop after this long, so a forgotten server does not linger. Default: ${DEFAULT-VALUE}.")
  long exitAfterSeconds;

  @Override
  public Integer call() throws IOException {
    if ((tcp == null) == (unix == null)) {
      throw new IllegalArgumentException("give exactly one of --tcp HOST:PORT or --unix PATH");
    }
    try (Selector selector = Selector.open(); ServerSocketChannel server = bind()) {
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
      System.out.println("echo-server listening on " + server.getLocalAddress());
      System.out.flush();
      long until = System.nanoTime() + exitAfterSeconds * 1_000_000_000L;
      while (System.nanoTime() < until) {
        selector.select(1000);
        for (SelectionKey key : selector.selectedKeys()) {
          if (key.isAcceptable()) {
            accept(server, selector);
          } else {
            echo(key);
          }
        }
        selector.selectedKeys().clear();
      }
    } finally {
      if (unix != null) {
        Files.deleteIfExists(unix);
      }
    }
    return 0;
  }

  private ServerSocketChannel bind() throws IOException {
    if (unix != null) {
      Files.deleteIfExists(unix);
      return ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(unix));
    }
    int colon = tcp.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("bad --tcp '" + tcp + "': expected HOST:PORT");
    }
    return ServerSocketChannel.open()
        .bind(new InetSocketAddress(tcp.substring(0, colon), Integer.parseInt(tcp.substring(colon + 1))));
  }

  private static void accept(ServerSocketChannel server, Selector selector) throws IOException {
    SocketChannel client = server.accept();
    if (client != null) {
      client.configureBlocking(false);
      client.register(selector, SelectionKey.OP_READ, ByteBuffer.allocate(64 * 1024));
    }
  }

  /** Reads what is there and writes it back; holds back reading while unsent bytes remain. */
  private static void echo(SelectionKey key) throws IOException {
    SocketChannel client = (SocketChannel) key.channel();
    ByteBuffer buffer = (ByteBuffer) key.attachment();
    try {
      if (key.isReadable() && client.read(buffer) < 0) {
        client.close();
        return;
      }
      buffer.flip();
      client.write(buffer);
      buffer.compact();
      key.interestOps(buffer.position() > 0 ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    } catch (IOException e) {
      client.close();
    }
  }
}
