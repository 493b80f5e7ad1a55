package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RespEncoderTest {
  private final EmbeddedChannel channel = new EmbeddedChannel(RespEncoder.INSTANCE);

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  /** Encodes {@code reply} through the channel, checking that the buffer was sized exactly. */
  private String encode(RespReply reply) {
    channel.writeOutbound(reply);
    ByteBuf bytes = channel.readOutbound();
    try {
      assertEquals(RespEncoder.encodedLength(reply), bytes.readableBytes(), "encodedLength");
      assertEquals(bytes.readableBytes(), bytes.capacity(), "allocated at the exact size");
      return bytes.toString(ISO_8859_1);
    } finally {
      bytes.release();
    }
  }

  @Test
  void encodesEachReplyType() {
    assertEquals("+OK\r\n", encode(RespReply.OK));
    assertEquals("-ERR bad  thing\r\n", encode(RespReply.error("bad\r\nthing")));
    assertEquals(":-42\r\n", encode(new RespReply.Int(-42)));
    assertEquals("$-1\r\n", encode(RespReply.NULL));
    assertEquals("$0\r\n\r\n", encode(new RespReply.Bulk(new byte[0])));
    assertEquals("$4\r\na\r\n\u00ff\r\n", encode(new RespReply.Bulk(new byte[] {'a', '\r', '\n', (byte) 0xff})));
    assertEquals("*0\r\n", encode(RespReply.EMPTY_ARRAY));
  }

  /** A bulk string over a read-only buffer: every encoding leaves the buffer as it was. */
  @Test
  void aBulkOverAReadOnlyViewIsEncodedWithoutConsumingTheView() {
    RespReply view = new RespReply.Bulk(ByteBuffer.wrap("value".getBytes(ISO_8859_1)).asReadOnlyBuffer());
    assertEquals("$5\r\nvalue\r\n", encode(view));
    assertEquals("$5\r\nvalue\r\n", encode(view), "a second encoding of the same reply");
    assertEquals(RespReply.bulk("value"), view);
  }

  /** A stored value is copied once, from the store straight into the reply's buffer, which is sized exactly. */
  @Test
  void aStoredValueIsCopiedFromTheStoreIntoTheReply() {
    try (BlinkStore store = BlinkStore.builder().build()) {
      store.set("k", new byte[] {'a', '\r', '\n', (byte) 0xff});
      store.set("empty", new byte[0]);
      assertEquals("$4\r\na\r\n\u00ff\r\n", encode(new RespReply.Stored(store.getStored("k"))));
      assertEquals("$0\r\n\r\n", encode(new RespReply.Stored(store.getStored("empty"))));
      RespReply values = new RespReply.Array(List.of(new RespReply.Stored(store.getStored("k")), RespReply.NULL));
      assertEquals("*2\r\n$4\r\na\r\n\u00ff\r\n$-1\r\n", encode(values));
    }
  }

  @Test
  void encodesNestedArrays() {
    RespReply nested = new RespReply.Array(List.of(
        RespReply.bulk("modules"), RespReply.EMPTY_ARRAY, new RespReply.Int(7), RespReply.NULL));
    assertEquals("*4\r\n$7\r\nmodules\r\n*0\r\n:7\r\n$-1\r\n", encode(nested));
  }
}
