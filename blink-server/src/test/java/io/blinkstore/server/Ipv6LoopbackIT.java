package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;

import io.blinkstore.BlinkStore;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** A server bound to the IPv6 loopback answers, where this machine has one. */
@Timeout(30)
class Ipv6LoopbackIT {

  static List<BlinkServer.Transport> transports() {
    return TestServers.transports();
  }

  @ParameterizedTest(name = "[{0}]")
  @MethodSource("transports")
  void aServerOnIpv6LoopbackWithPortZeroAnswers(BlinkServer.Transport transport) throws Exception {
    TestServers.assumeAvailable(transport);
    InetAddress loopback = InetAddress.getByName("::1");
    assumeBindable(loopback);
    try (BlinkServer server = BlinkServer.builder()
            .store(BlinkStore.builder().memoryLimit(1 << 20).build())
            .tcp(new InetSocketAddress(loopback, 0))
            .transport(transport)
            .build()
            .start();
        LineClient client = LineClient.tcp(server.tcpAddress())) {
      InetSocketAddress bound = server.tcpAddress();
      assertTrue(bound.getAddress() instanceof Inet6Address, "bound to " + bound);
      assertTrue(bound.getPort() > 0, "a real port was picked: " + bound);
      assertEquals("OK", client.request("SET six v6"));
      assertEquals("VALUE djY=", client.request("GET six"));
    }
  }

  private static void assumeBindable(InetAddress address) {
    try (ServerSocket probe = new ServerSocket(0, 1, address)) {
      probe.getLocalPort();
    } catch (IOException e) {
      abort("the IPv6 loopback ::1 is not available here: " + e.getMessage());
    }
  }
}
