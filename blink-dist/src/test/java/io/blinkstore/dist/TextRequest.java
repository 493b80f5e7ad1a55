package io.blinkstore.dist;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** One line of the text protocol to a server that may still be starting, over loopback TCP. */
final class TextRequest {
  private TextRequest() {}

  /**
   * Sends {@code line} once the server on {@code port} listens and returns its reply line, trying for up to a
   * minute while {@code starting} holds.
   *
   * @throws IOException the last failure, once the minute has passed or {@code starting} no longer holds
   */
  static String send(int port, String line, BooleanSupplier starting) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write((line + "\n").getBytes(UTF_8));
        out.flush();
        String reply = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8)).readLine();
        if (reply != null) {
          return reply;
        }
      } catch (IOException e) {
        if (!starting.getAsBoolean() || System.nanoTime() > deadline) {
          throw e;
        }
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }
}
