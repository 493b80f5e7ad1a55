package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's lock idiom over the server, as clients use it: on a full 2 MiB store, a first caller takes a lock with
 * a time to live, 50 other 1 KiB writes follow, and a second caller tries the same lock. Over RESP
 * ({@code SET lock v NX PX 30000}, as redis-py's and Lettuce's lock helpers send it) and over the text protocol
 * ({@code ADD64 lock 30000 ...}), 20 trials each: the second caller never gets it (before pinning: 18 of 20).
 */
@Timeout(120)
class LockIdiomIT {
  private static final int LIMIT = 2 << 20;
  private static final String KIB = "x".repeat(1024);

  @TempDir Path dir;

  @Test
  void noSecondCallerTakesALockOverResp() throws IOException {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, LIMIT);
        Socket socket = connect(server)) {
      Client client = new Client(socket);
      int others = 0;
      for (int i = 0; i < 4 * LIMIT / KIB.length(); i++) {
        client.resp("SET", "other:" + others++, KIB);
      }
      int doubleWins = 0;
      for (int trial = 0; trial < 20; trial++) {
        assertEquals("+OK", client.resp("SET", "lock:" + trial, "first", "NX", "PX", "30000"));
        for (int i = 0; i < 50; i++) {
          client.resp("SET", "other:" + others++, KIB);
        }
        if (client.resp("SET", "lock:" + trial, "second", "NX", "PX", "30000").equals("+OK")) {
          doubleWins++;
        }
      }
      assertEquals(0, doubleWins, "trials in which a second caller also got the lock");
    }
  }

  @Test
  void noSecondCallerTakesALockOverTheTextProtocol() throws IOException {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, LIMIT);
        Socket socket = connect(server)) {
      Client client = new Client(socket);
      String value = java.util.Base64.getEncoder().encodeToString(KIB.getBytes(StandardCharsets.US_ASCII));
      int others = 0;
      for (int i = 0; i < 4 * LIMIT / KIB.length(); i++) {
        client.line("SET other:" + others++ + " " + value);
      }
      int doubleWins = 0;
      for (int trial = 0; trial < 20; trial++) {
        assertEquals("OK", client.line("ADD64 lock:" + trial + " 30000 Zmlyc3Q="));
        for (int i = 0; i < 50; i++) {
          client.line("SET other:" + others++ + " " + value);
        }
        if (client.line("ADD64 lock:" + trial + " 30000 c2Vjb25k").equals("OK")) {
          doubleWins++;
        }
      }
      assertEquals(0, doubleWins, "trials in which a second caller also got the lock");
    }
  }

  private static Socket connect(BlinkServer server) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(server.tcpAddress().getAddress(), server.tcpAddress().getPort()), 5000);
    socket.setSoTimeout(30_000);
    return socket;
  }

  /** One request at a time; replies read as lines (every reply here is one line). */
  private static final class Client {
    private final OutputStream out;
    private final BufferedReader in;

    Client(Socket socket) throws IOException {
      this.out = socket.getOutputStream();
      this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    String resp(String... args) throws IOException {
      StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
      for (String arg : args) {
        request.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
      }
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      String reply = in.readLine();
      return reply.startsWith("$-1") ? "(nil)" : reply;
    }

    String line(String request) throws IOException {
      out.write((request + "\n").getBytes(StandardCharsets.UTF_8));
      return in.readLine();
    }
  }
}
