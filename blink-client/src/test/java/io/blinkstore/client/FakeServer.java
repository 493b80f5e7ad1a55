package io.blinkstore.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;

/**
 * A scripted stand-in for a server, to make the failures a real one never shows on cue: silence, a dropped
 * connection, a reply that answers nothing. It reads request lines and asks the script what to do with each;
 * {@code PING} and {@code STATS} (the client's handshake) are answered as a real server would, unless the
 * script says otherwise.
 */
final class FakeServer implements AutoCloseable {
  /** Script answer: send nothing, as a stuck server would. */
  static final String SILENCE = "\u0000silence";
  /** Script answer: close the connection without a reply. */
  static final String CLOSE = "\u0000close";
  /** The handshake's STATS reply: a memory limit of 1000 bytes. */
  static final String STATS = "STATS keys=0 usage=0 limit=1000 hits=0 misses=0 evictions=0";

  private final ServerSocket listener;
  private final Function<String, String> script;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
  private final Thread acceptor;

  /**
   * @param script the reply line (without {@code \n}) to each request after the handshake, or {@link #SILENCE}
   *     or {@link #CLOSE}; null means "as a real server would" for the handshake words
   */
  FakeServer(Function<String, String> script) throws IOException {
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.script = script;
    this.acceptor = new Thread(this::acceptLoop, "fake-server");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  InetSocketAddress address() {
    return new InetSocketAddress(listener.getInetAddress(), listener.getLocalPort());
  }

  /** Returns how many connections were accepted so far. */
  int connections() {
    return sockets.size();
  }

  /** Returns the next request line received (handshake lines included), waiting for it. */
  String nextRequest() throws InterruptedException {
    return received.take();
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket socket = listener.accept();
        sockets.add(socket);
        Thread connection = new Thread(() -> serve(socket), "fake-server-connection");
        connection.setDaemon(true);
        connection.start();
      }
    } catch (IOException e) {
      // The listener was closed.
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      BufferedReader in =
          new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      for (String line; (line = in.readLine()) != null; ) {
        received.add(line);
        String reply = script.apply(line);
        if (reply == null) {
          reply = line.equals("PING") ? "PONG" : line.equals("STATS") ? STATS : "ERROR unknown command";
        }
        if (reply.equals(CLOSE)) {
          return;
        }
        if (!reply.equals(SILENCE)) {
          out.write((reply + "\n").getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      }
    } catch (IOException e) {
      // The client or close() ended the connection.
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
