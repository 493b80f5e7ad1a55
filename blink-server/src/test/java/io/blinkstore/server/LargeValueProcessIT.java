package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The largest value over RESP (issue 23: bounded by the aggregate client-memory bound, not by a line limit or the
 * direct memory), on a server process sized as the launcher sizes one for {@code --memory-limit 64MB}: a 92 MiB
 * heap and 16 MiB of direct memory, where the default {@code --max-client-memory} is 8 MiB. Before the fix a
 * request was buffered in direct memory, and one of 4.5 MiB reset the connection without a reply. Now the largest
 * request {@code --max-client-memory} allows arrives and reads back; one byte more gets an error reply and a
 * counted close; and many connections each sending a large value, slowly, are held to the bound together.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class LargeValueProcessIT {
  /** The launcher's options for a 64 MB memory limit (bin/blink-store: G1 above a 64 MiB heap). */
  private static final List<String> JVM_FOR_64MB = List.of("-Xmx92m", "-XX:MaxDirectMemorySize=16m",
      "-XX:+UseG1GC", "-XX:G1HeapRegionSize=2m", "-XX:+ExitOnOutOfMemoryError");

  /** {@code ClientMemory.REPLY_ROOM}: what the largest request leaves of the bound for its reply. */
  private static final long REPLY_ROOM = 1024;

  @TempDir Path dir;

  /** A RESP connection reading replies as bytes. */
  private static final class Connection implements AutoCloseable {
    private final Socket socket = new Socket();
    private final DataInputStream in;
    private final OutputStream out;

    Connection(InetSocketAddress address) throws IOException {
      socket.connect(address);
      socket.setSoTimeout(60_000);
      in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      out = socket.getOutputStream();
    }

    void send(byte[] bytes) throws IOException {
      out.write(bytes);
      out.flush();
    }

    /** {@code SET key value}'s headers, up to the value's bytes. */
    void sendSetHeaders(String key, long valueLength) throws IOException {
      send(("*3\r\n$3\r\nSET\r\n$" + key.length() + "\r\n" + key + "\r\n$" + valueLength + "\r\n")
          .getBytes(ISO_8859_1));
    }

    String line() throws IOException {
      return RespReader.line(in);
    }

    /** A bulk string's bytes; the reply line instead (as bytes) if it is not one. */
    byte[] bulk() throws IOException {
      return RespReader.bulk(in);
    }

    String command(String... args) throws IOException {
      send(RespIT.resp(args));
      return line();
    }

    /** Whether the server has closed it: waits for that as long as the socket's timeout, then says not. */
    boolean closedByServer() {
      try {
        return in.read() < 0;
      } catch (SocketTimeoutException open) {
        return false;
      } catch (IOException reset) {
        return true;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  private static long maxClientMemory(ServerProcess server) throws IOException {
    Matcher matcher = Pattern.compile("max client memory (\\d+) bytes").matcher(server.log());
    assertTrue(matcher.find(), server.log());
    return Long.parseLong(matcher.group(1));
  }

  private static String info(Connection connection, String field) throws IOException {
    connection.send(RespIT.resp("INFO", "stats"));
    String text = new String(connection.bulk(), ISO_8859_1);
    Matcher matcher = Pattern.compile(field + ":(\\d+)").matcher(text);
    assertTrue(matcher.find(), text);
    return matcher.group(1);
  }

  @Test
  void theLargestRequestTheClientBoundAllowsRoundTripsAndOneByteMoreGetsAnError() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir, JVM_FOR_64MB, 0, "serve", "--tcp", "127.0.0.1:0",
        "--memory-limit", "64MB", "--max-output-bytes", "16MB",
        "--max-value-bytes", "8MB")) { // lifts Java 17 G1's one-region value and bulk bounds
      long bound = maxClientMemory(server);
      assertEquals(8L << 20, bound, "the launcher's default for 64 MB: half the direct memory");
      long largest = bound - REPLY_ROOM;
      int value = (int) largest - 32; // *3 $3 SET $1 v $<7 digits>: 30 bytes of headers, and the CRLF after it
      byte[] bytes = new byte[value];
      new Random(23).nextBytes(bytes);
      try (Connection client = new Connection(server.address())) {
        client.sendSetHeaders("v", value);
        client.send(bytes);
        client.send("\r\n".getBytes(ISO_8859_1));
        assertEquals("+OK", client.line());
        client.send(RespIT.resp("GET", "v"));
        assertArrayEquals(bytes, client.bulk(), "read back whole");
        assertEquals("0", info(client, "evicted_clients"));
      }
      try (Connection over = new Connection(server.address());
          Connection observer = new Connection(server.address())) {
        over.sendSetHeaders("v", value + 1);
        assertEquals("-ERR Protocol error: invalid bulk length (a request may hold at most " + largest
            + " bytes: --max-client-memory)", over.line());
        assertTrue(over.closedByServer());
        assertEquals("1", info(observer, "evicted_clients"), "the close is counted");
        observer.send(RespIT.resp("STRLEN", "v"));
        assertEquals(":" + value, observer.line(), "the value stored before is intact");
      }
    }
  }

  /**
   * Twelve connections each send the headers of the largest value and 3 MiB of it, then stop: 36 MiB together,
   * over four times the 8 MiB bound, on the heap now rather than in direct memory. The biggest are closed until
   * the rest fit, the process stays up, and a client connected before is served.
   */
  @Test
  void manyConnectionsSendingLargeValuesSlowlyAreHeldToTheBoundTogether() throws Exception {
    try (ServerProcess server = ServerProcess.start(dir, JVM_FOR_64MB, 0, "serve", "--tcp", "127.0.0.1:0",
        "--memory-limit", "64MB", "--max-value-bytes", "8MB"); // lifts Java 17 G1's one-region bulk bound
        Connection victim = new Connection(server.address())) {
      assertEquals("+OK", victim.command("SET", "precious", "jewels"));
      long bound = maxClientMemory(server);
      int value = (int) (bound - REPLY_ROOM) - 32;
      byte[] part = new byte[1 << 20];
      Arrays.fill(part, (byte) 'x');
      List<Connection> attackers = new ArrayList<>();
      try {
        for (int i = 0; i < 12; i++) {
          Connection attacker = new Connection(server.address());
          attackers.add(attacker);
          attacker.sendSetHeaders("a" + i, value);
        }
        for (int round = 0; round < 3; round++) {
          for (Connection attacker : attackers) {
            try {
              attacker.send(part);
            } catch (IOException closed) {
              // evicted already: its bytes count no more
            }
          }
        }
        int mustClose = 12 - (int) (bound / (3 << 20)); // at most two hold their 3 MiB within the 8 MiB
        List<Connection> open = new ArrayList<>(attackers);
        while (attackers.size() - open.size() < mustClose) { // until then, bounded by the test's timeout
          for (Connection attacker : List.copyOf(open)) {
            attacker.socket.setSoTimeout(50);
            if (attacker.closedByServer()) {
              open.remove(attacker);
            }
          }
        }
        int closed = attackers.size() - open.size();
        assertEquals("$6", victim.command("GET", "precious"));
        assertEquals("jewels", victim.line());
        assertTrue(Long.parseLong(info(victim, "evicted_clients")) >= closed);
        assertTrue(server.isAlive());
      } finally {
        for (Connection attacker : attackers) {
          attacker.close();
        }
      }
    }
  }
}
