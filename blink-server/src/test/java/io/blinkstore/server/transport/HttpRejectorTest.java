package io.blinkstore.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpRejectorTest {
  @ParameterizedTest
  @ValueSource(strings = {"GET / HTTP/1.1", "GET / HTTP/1.1\r", "POST /api HTTP/1.0", "HEAD /x HTTP/2",
      "DELETE /k HTTP/1.1", "OPTIONS * HTTP/1.1", "POST", "POST anything at all", "Host: example.com",
      "host:127.0.0.1", "HOST: x", "Host: x\r", "POST /x HTTP/1.1\r"})
  void httpShapedFirstLines(String line) {
    assertTrue(HttpRejector.isHttp(line), line);
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET /", "GET / HTTP", "GET key", "get / HTTP/1.1", "SET / HTTP/1.1", "GET  / HTTP/1.1",
      "GET / HTTP/1.1 x", "POSTAL x", "SET Host: x", "Hostname: x", "*1\r", "", " GET / HTTP/1.1"})
  void otherFirstLines(String line) {
    assertFalse(HttpRejector.isHttp(line), line);
  }

  @Test
  void anHttpFirstLineAtTheLengthLimitIsClosedAndOnePastIsPassedOn() {
    int limit = 64;
    String atLimit = "GET /" + "a".repeat(limit - "GET / HTTP/1.1".length()) + " HTTP/1.1";
    assertEquals(limit, atLimit.length());
    EmbeddedChannel closed = new EmbeddedChannel(new HttpRejector(limit));
    closed.writeInbound(bytes(atLimit + "\n"));
    assertFalse(closed.isOpen(), "an HTTP request line of exactly the limit is judged");
    assertNull(closed.readInbound());

    String pastLimit = "GET /a" + atLimit.substring("GET /".length());
    EmbeddedChannel passed = new EmbeddedChannel(new HttpRejector(limit));
    passed.writeInbound(bytes(pastLimit + "\n"));
    assertTrue(passed.isOpen(), "a longer first line is not HTTP here; the protocol's line limit judges it");
    ByteBuf forwarded = passed.readInbound();
    assertEquals(pastLimit + "\n", forwarded.toString(StandardCharsets.US_ASCII));
    forwarded.release();
    assertNull(passed.pipeline().get(HttpRejector.class), "it removed itself");
  }

  @Test
  void anOrdinaryFirstLineIsPassedOnAtOnceEvenUnfinished() {
    EmbeddedChannel channel = new EmbeddedChannel(new HttpRejector(1024));
    channel.writeInbound(bytes("SET k"));
    ByteBuf forwarded = channel.readInbound();
    assertEquals("SET k", forwarded.toString(StandardCharsets.US_ASCII));
    forwarded.release();
    assertNull(channel.pipeline().get(HttpRejector.class));
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
  }
}
