package io.blinkstore.examples;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Blink Store as a sidecar: starts a server on a free loopback port and talks to it in the text protocol,
 * exactly as a Python, Node or bash worker would.
 */
public final class SidecarExample {
  private SidecarExample() {}

  public static void main(String[] args) throws IOException {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(64L << 20).build();
        BlinkServer server = BlinkServer.builder()
            .store(store)
            .tcp(new InetSocketAddress("127.0.0.1", 0))
            .build()
            .start()) {
      InetSocketAddress address = server.tcpAddress();
      System.out.println("server on " + address + " (" + server.transport() + ")");
      try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
        OutputStream out = socket.getOutputStream();
        BufferedReader in =
            new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        // Pipelined: all requests go out in one write, replies come back in order.
        String[] requests = {"SET mykey hello", "GET mykey", "SET counter 42", "USAGE", "DELETE mykey", "GET mykey"};
        out.write((String.join("\n", requests) + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        for (String request : requests) {
          System.out.println("> " + request + "\n< " + in.readLine());
        }
      }
      System.out.println("the same store, in-process: counter = " + store.getString("counter"));
    }
  }
}
