package io.blinkstore.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The server addresses {@link BlinkClient#connect(URI, BlinkClientOptions)} reads. */
class EndpointTest {
  @Test
  void eachSchemeNamesItsProtocolAndTransport() {
    Endpoint blink = Endpoint.of(URI.create("blink://127.0.0.1:9000"));
    assertEquals(new InetSocketAddress("127.0.0.1", 9000), blink.address());
    assertFalse(blink.resp());
    Endpoint redis = Endpoint.of(URI.create("redis://127.0.0.1:7000/0"));
    assertEquals(new InetSocketAddress("127.0.0.1", 7000), redis.address());
    assertTrue(redis.resp());
    assertEquals(UnixDomainSocketAddress.of(Path.of("/tmp/blink.sock")),
        Endpoint.of(URI.create("blink-socket:///tmp/blink.sock")).address());
    Endpoint socket = Endpoint.of(URI.create("REDIS-SOCKET:///tmp/blink.sock"));
    assertTrue(socket.resp());
  }

  @Test
  void theDefaultPortsAreBlinkStoresAndRedissOwn() {
    assertEquals(8765, ((InetSocketAddress) Endpoint.of(URI.create("blink://127.0.0.1")).address()).getPort());
    assertEquals(6379, ((InetSocketAddress) Endpoint.of(URI.create("redis://127.0.0.1/")).address()).getPort());
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:80", "localhost:8765", "redis://user:secret@127.0.0.1:6379",
      "redis://127.0.0.1:6379/1", "redis://127.0.0.1:6379?timeout=1", "blink://127.0.0.1/0", "redis:///tmp/x",
      "redis-socket://host/tmp/x", "blink-socket:relative", "rediss://127.0.0.1:6379"})
  void anythingElseIsRefusedSayingWhy(String uri) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.of(URI.create(uri)));
    assertTrue(e.getMessage().startsWith("unsupported server address " + Endpoint.shown(URI.create(uri)) + ": "),
        e.getMessage());
  }

  /** A refused address with credentials never puts the password in the message (it ends up in logs). */
  @Test
  void aRefusedAddressNeverShowsItsPassword() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Endpoint.of(URI.create("redis://user:s3cret@127.0.0.1:6379")));
    assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    assertTrue(e.getMessage().startsWith("unsupported server address redis://***@127.0.0.1:6379: "), e.getMessage());
  }

  /** A Redis address this client cannot reach points to the module that can. */
  @ParameterizedTest
  @ValueSource(strings = {"redis-cluster://127.0.0.1:7000,127.0.0.1:7001", "rediss://127.0.0.1:6379",
      "redis-sentinel://127.0.0.1:26379#primary", "redis://user:secret@127.0.0.1:6379"})
  void aRedisAddressForBlinkRedisSaysSo(String uri) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Endpoint.of(URI.create(uri)));
    assertTrue(e.getMessage().endsWith("BlinkRedis.connect, in blink-redis; docs/scale-out.md)"), e.getMessage());
  }
}
