package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.command.HeapGuard;
import io.blinkstore.server.transport.Addresses;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlinkServerTest {
  @Test
  void onlyANonLoopbackAddressWithoutATokenIsExposed() throws Exception {
    InetSocketAddress any = new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 8765);
    InetSocketAddress lan = new InetSocketAddress(InetAddress.getByName("192.168.1.10"), 8765);
    assertTrue(Exposure.isExposed(any, false));
    assertTrue(Exposure.isExposed(lan, false));
    assertFalse(Exposure.isExposed(lan, true), "a token protects it");
    assertFalse(Exposure.isExposed(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 8765), false));
    assertFalse(Exposure.isExposed(new InetSocketAddress(InetAddress.getByName("::1"), 8765), false));
    assertFalse(Exposure.isExposed(null, false), "no TCP at all");
  }

  /** The text protocol trims AUTH's argument and ends a request at a line break: such a token could never match. */
  @ParameterizedTest
  @ValueSource(strings = {"", " s3cret", "s3cret ", "s3cret\r", "\ts3cret", "s3cret\u00a0", "first\nsecond"})
  void anAuthTokenNoClientCouldPresentIsRefusedByTheBuilder(String token) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> BlinkServer.builder().authToken(token));
    assertTrue(e.getMessage().startsWith("the auth token must not"), e.getMessage());
  }

  @Test
  void anAuthTokenWithWhitespaceInsideIsAccepted() {
    BlinkServer.builder().authToken("s3cret token");
  }

  @Test
  void addressesAreShownAsIpLiteralsNeverHostNames() throws Exception {
    InetAddress localhost = InetAddress.getLoopbackAddress(); // named "localhost"
    assertEquals("127.0.0.1:8765", Addresses.describe(new InetSocketAddress(localhost, 8765)));
    assertEquals("0.0.0.0:0", Addresses.describe(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0)));
    InetAddress six = InetAddress.getByName("::1");
    assertEquals("[0:0:0:0:0:0:0:1]:8765", Addresses.describe(new InetSocketAddress(six, 8765)));
  }

  /** A setting given twice is a caller's mistake: the builder says so instead of keeping the last silently. */
  @Test
  void everySettingMayBeGivenOnce() {
    List<Consumer<BlinkServerBuilder>> settings = List.of(
        b -> b.maxLineBytes(1024),
        b -> b.maxConnections(10),
        b -> b.idleTimeout(Duration.ofSeconds(1)),
        b -> b.requestTimeout(Duration.ofSeconds(1)),
        b -> b.authTimeout(Duration.ofSeconds(1)),
        b -> b.maxOutputBytes(1 << 20),
        b -> b.maxClientMemory(1 << 20),
        b -> b.maxKeyBytes(100),
        b -> b.maxValueBytes(100),
        b -> b.unixMode(BlinkServer.DEFAULT_UNIX_MODE),
        b -> b.heapThreshold(0.5),
        b -> b.metricsDeadline(Duration.ofSeconds(1)),
        b -> b.heapGuard(HeapGuard.NONE),
        b -> b.authToken("token"),
        b -> b.transport(BlinkServer.Transport.NIO));
    for (Consumer<BlinkServerBuilder> setting : settings) {
      BlinkServerBuilder builder = BlinkServer.builder();
      setting.accept(builder);
      IllegalStateException twice = assertThrows(IllegalStateException.class, () -> setting.accept(builder));
      assertTrue(twice.getMessage().contains("already set"), twice.getMessage());
    }
  }
}
