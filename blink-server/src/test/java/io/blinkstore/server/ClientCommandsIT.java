package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code CLIENT LIST}, {@code INFO}, {@code KILL} and {@code NO-EVICT} over real connections: each RESP connection
 * is listed with its address, name, last command and protocol, and {@code KILL} closes the ones it names (by id,
 * address, or the old {@code addr:port} form, which may close the caller itself).
 */
@Timeout(60)
class ClientCommandsIT {
  @TempDir Path dir;

  /** Sends {@code args} and reads a reply of one line. */
  static String line(LineClient client, String... args) throws Exception {
    client.send(RespIT.resp(args));
    return client.readLine().strip();
  }

  /** Sends {@code args} and reads a bulk (RESP2) reply whose text may hold line breaks. */
  static String text(LineClient client, String... args) throws Exception {
    client.send(RespIT.resp(args));
    String header = client.readLine().strip();
    assertTrue(header.startsWith("$"), header);
    int length = Integer.parseInt(header.substring(1));
    StringBuilder text = new StringBuilder();
    while (text.length() < length + 2) {
      text.append(client.readLine()).append('\n');
    }
    return text.substring(0, length);
  }

  private static String field(String line, String name) {
    Matcher matcher = Pattern.compile("(?:^| )" + Pattern.quote(name) + "=(\\S*)").matcher(line);
    assertTrue(matcher.find(), name + " in " + line);
    return matcher.group(1);
  }

  /**
   * The fields Redis's own introspection tests read are reported as Redis reports them: the caller's own request
   * in {@code qbuf} ({@code CLIENT LIST}: 26 bytes, as Redis's test expects) and its arguments' bytes in
   * {@code argv-mem}, 0 for a connection between requests; the database; the commands queued in {@code MULTI}.
   */
  @Test
  void listReportsTheRequestTheDatabaseAndTheTransactionAsRedis() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient caller = LineClient.tcp(server.tcpAddress());
        LineClient other = LineClient.tcp(server.tcpAddress())) {
      String id = line(caller, "CLIENT", "ID").substring(1);
      String self = text(caller, "CLIENT", "LIST", "ID", id);
      // *4, then $6 CLIENT, $4 LIST, $2 ID and the id, each with its header and CRLF
      String request = "*4\r\n$6\r\nCLIENT\r\n$4\r\nLIST\r\n$2\r\nID\r\n$" + id.length() + "\r\n" + id + "\r\n";
      assertEquals(List.of(request.length(), 12 + id.length()), List.of(Integer.parseInt(field(self, "qbuf")),
          Integer.parseInt(field(self, "argv-mem"))));
      assertEquals(List.of("0", "-1", "0"), List.of(field(self, "db"), field(self, "multi"), field(self, "multi-mem")));
      String info = text(caller, "CLIENT", "INFO");
      assertEquals(List.of("26", "10"), List.of(field(info, "qbuf"), field(info, "argv-mem")));
      String otherId = line(other, "CLIENT", "ID").substring(1);
      assertEquals("+OK", line(other, "SELECT", "3"));
      assertEquals("+OK", line(other, "MULTI"));
      assertEquals("+QUEUED", line(other, "SET", "k", "v"));
      assertEquals("+QUEUED", line(other, "GET", "k"));
      String listed = text(caller, "CLIENT", "LIST", "ID", otherId);
      assertEquals(List.of("0", "0", "3", "2"), List.of(field(listed, "qbuf"), field(listed, "argv-mem"),
          field(listed, "db"), field(listed, "multi")));
      assertTrue(Long.parseLong(field(listed, "multi-mem")) > 0, listed);
    }
  }

  @Test
  void listShowsEveryConnectionAndKillClosesThoseNamed() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 1 << 20);
        LineClient first = LineClient.tcp(server.tcpAddress());
        LineClient second = LineClient.tcp(server.tcpAddress());
        LineClient unix = LineClient.unix(server.unixPath())) {
      assertEquals("+OK", line(first, "CLIENT", "SETNAME", "first"));
      String firstId = line(first, "CLIENT", "ID").substring(1);
      assertEquals("+PONG", line(unix, "PING"));
      List<String> lines = Arrays.asList(text(second, "CLIENT", "LIST").split("\n"));
      assertEquals(3, lines.size(), lines.toString());
      String firstLine = lines.stream().filter(l -> field(l, "id").equals(firstId)).findFirst().orElseThrow();
      assertEquals("first", field(firstLine, "name"));
      assertEquals("client|id", field(firstLine, "cmd"));
      assertEquals("N", field(firstLine, "flags"));
      String self = text(second, "CLIENT", "INFO").strip();
      assertEquals("client|info", field(self, "cmd"));
      assertEquals("127.0.0.1:" + ((InetSocketAddress) second.localAddress()).getPort(), field(self, "addr"));
      assertEquals("127.0.0.1:" + server.tcpAddress().getPort(), field(self, "laddr"));
      String unixLine = lines.stream().filter(l -> field(l, "flags").equals("U")).findFirst().orElseThrow();
      assertEquals("/unixsocket:0", field(unixLine, "addr"));
      assertEquals(1, text(second, "CLIENT", "LIST", "ID", firstId, "999999").split("\n").length);
      assertEquals(3, text(second, "CLIENT", "LIST", "TYPE", "normal").split("\n").length);
      assertEquals("", text(second, "CLIENT", "LIST", "TYPE", "pubsub"));

      assertEquals("+OK", line(second, "CLIENT", "NO-EVICT", "on"));
      assertEquals("e", field(text(second, "CLIENT", "INFO"), "flags"));

      assertEquals(":1", line(second, "CLIENT", "KILL", "ID", firstId));
      first.assertEndOfStream();
      assertEquals(":0", line(second, "CLIENT", "KILL", "ADDR", field(self, "addr")), "SKIPME yes by default");
      assertEquals(":1", line(second, "CLIENT", "KILL", "LADDR", "/unixsocket:0", "SKIPME", "no"));
      unix.assertEndOfStream();
      assertEquals("+OK", line(second, "CLIENT", "KILL", field(self, "addr")), "the old form closes itself too");
      second.assertEndOfStream();
    }
  }
}
