package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.epoll.Epoll;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** One server with both TCP and a Unix socket serves one store: what one socket writes, the other reads. */
@Timeout(30)
class CrossTransportIT {
  @TempDir Path dir;

  static List<BlinkServer.Transport> transports() {
    return TestServers.transports();
  }

  @Test
  void autoChoosesEpollWhereAvailableElseNio() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.AUTO, dir, 1 << 20);
        LineClient client = LineClient.unix(server.unixPath())) {
      assertEquals(Epoll.isAvailable() ? BlinkServer.Transport.EPOLL : BlinkServer.Transport.NIO, server.transport());
      assertEquals("USAGE 0", client.request("USAGE"));
    }
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void aValueSetOverTcpIsReadOverTheUnixSocketAndBack(BlinkServer.Transport transport) throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, 1 << 20);
        LineClient tcp = LineClient.tcp(server.tcpAddress());
        LineClient unix = LineClient.unix(server.unixPath())) {
      assertEquals(transport, server.transport());
      assertEquals("OK", tcp.request("SET shared h\u00e9llo"));
      assertEquals("VALUE aMOpbGxv", unix.request("GET shared"));
      assertEquals("OK", unix.request("SET shared again"));
      assertEquals("VALUE YWdhaW4=", tcp.request("GET shared"));
      assertEquals("OK", unix.request("DELETE shared"));
      assertEquals("NOT_FOUND", tcp.request("GET shared"));
      assertEquals("OK", tcp.request("SET other 1"));
      assertEquals("USAGE 6", unix.request("USAGE"));
    }
  }
}
