package io.blinkstore.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on a free loopback port in front of a {@code redis-server}, so that a test can do to a store's
 * connections what a network does: hold the server's replies back ({@link #holdReplies()}), then drop every
 * connection ({@link #dropConnections()}) with the replies still held, so that the commands ran but their callers
 * never hear of it. Connections made afterwards (the store's reconnects) are relayed normally.
 */
final class Relay implements AutoCloseable {
  private final ServerSocket listener;
  private final int serverPort;
  private final List<Socket> sockets = new ArrayList<>();
  private volatile boolean holding;

  private Relay(ServerSocket listener, int serverPort) {
    this.listener = listener;
    this.serverPort = serverPort;
  }

  /** Starts relaying connections on a free loopback port to the server on {@code serverPort}. */
  static Relay to(int serverPort) throws IOException {
    Relay relay = new Relay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), serverPort);
    daemon("relay-accept", relay::acceptAll);
    return relay;
  }

  int port() {
    return listener.getLocalPort();
  }

  /** From now on, the server's replies are read but not passed on until the connections are dropped. */
  void holdReplies() {
    holding = true;
  }

  /** Closes every connection relayed so far, with whatever replies were held, and relays new ones normally. */
  void dropConnections() throws IOException {
    synchronized (sockets) {
      for (Socket socket : sockets) {
        socket.close();
      }
      sockets.clear();
    }
    holding = false;
  }

  private void acceptAll() {
    try {
      while (true) {
        Socket client = listener.accept();
        Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
        synchronized (sockets) {
          sockets.add(client);
          sockets.add(server);
        }
        daemon("relay-requests", () -> pump(client, server, false));
        daemon("relay-replies", () -> pump(server, client, true));
      }
    } catch (IOException closed) {
      // the relay was closed
    }
  }

  /** Copies {@code from} to {@code to}; replies wait while they are held, and are lost if the relay drops them. */
  private void pump(Socket from, Socket to, boolean replies) {
    byte[] buffer = new byte[8192];
    try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
      for (int read; (read = in.read(buffer)) >= 0; ) {
        while (replies && holding && !to.isClosed()) {
          TimeUnit.MILLISECONDS.sleep(1);
        }
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException | InterruptedException dropped) {
      // a side closed, or the relay dropped the connection
    } finally {
      close(from);
      close(to);
    }
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private static void daemon(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws IOException {
    listener.close();
    dropConnections();
  }
}
