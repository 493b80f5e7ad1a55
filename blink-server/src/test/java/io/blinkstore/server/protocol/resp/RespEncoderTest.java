package io.blinkstore.server.protocol.resp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.ErrorKind;
import io.blinkstore.server.command.Result;
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
  private String encode(Result reply) {
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
    assertEquals("+OK\r\n", encode(Result.OK));
    assertEquals("-ERR bad  thing\r\n", encode(Result.error("bad\r\nthing")));
    assertEquals(":-42\r\n", encode(new Result.Int(-42)));
    assertEquals("$-1\r\n", encode(Result.NULL));
    assertEquals("$0\r\n\r\n", encode(new Result.Bulk(new byte[0])));
    assertEquals("$4\r\na\r\n\u00ff\r\n", encode(new Result.Bulk(new byte[] {'a', '\r', '\n', (byte) 0xff})));
    assertEquals("*0\r\n", encode(Result.EMPTY_ARRAY));
  }

  /** A bulk string over a read-only buffer: every encoding leaves the buffer as it was. */
  @Test
  void aBulkOverAReadOnlyViewIsEncodedWithoutConsumingTheView() {
    Result view = new Result.Bulk(ByteBuffer.wrap("value".getBytes(ISO_8859_1)).asReadOnlyBuffer());
    assertEquals("$5\r\nvalue\r\n", encode(view));
    assertEquals("$5\r\nvalue\r\n", encode(view), "a second encoding of the same reply");
    assertEquals(Result.bulk("value"), view);
  }

  /** A stored value is copied once, from the store straight into the reply's buffer, which is sized exactly. */
  @Test
  void aStoredValueIsCopiedFromTheStoreIntoTheReply() {
    try (BlinkStore store = BlinkStore.builder().build()) {
      store.set("k", new byte[] {'a', '\r', '\n', (byte) 0xff});
      store.set("empty", new byte[0]);
      assertEquals("$4\r\na\r\n\u00ff\r\n", encode(new Result.Stored(store.getStored("k"))));
      assertEquals("$0\r\n\r\n", encode(new Result.Stored(store.getStored("empty"))));
      Result values = new Result.Array(List.of(new Result.Stored(store.getStored("k")), Result.NULL));
      assertEquals("*2\r\n$4\r\na\r\n\u00ff\r\n$-1\r\n", encode(values));
    }
  }

  @Test
  void encodesNestedArrays() {
    Result nested = new Result.Array(List.of(
        Result.bulk("modules"), Result.EMPTY_ARRAY, new Result.Int(7), Result.NULL));
    assertEquals("*4\r\n$7\r\nmodules\r\n*0\r\n:7\r\n$-1\r\n", encode(nested));
  }

  @Test
  void encodesResp3ShapesAsRedisSendsThemToAResp2Client() {
    assertEquals("*2\r\n$1\r\nk\r\n:1\r\n",
        encode(new Result.Map(List.of(Result.bulk("k"), new Result.Int(1)))));
    assertEquals("*1\r\n$1\r\nm\r\n", encode(new Result.Set(List.of(Result.bulk("m")))));
    assertEquals("*1\r\n$7\r\nmessage\r\n", encode(new Result.Push(List.of(Result.bulk("message")))));
    assertEquals("$3\r\n1.5\r\n", encode(new Result.Double(1.5)));
    assertEquals("$1\r\n3\r\n", encode(new Result.Double(3)));
    assertEquals("$4\r\n-inf\r\n", encode(new Result.Double(Double.NEGATIVE_INFINITY)));
    assertEquals(":1\r\n", encode(new Result.Bool(true)));
    assertEquals(":0\r\n", encode(new Result.Bool(false)));
    assertEquals("$-1\r\n", encode(new Result.Nil()));
    assertEquals("$2\r\nhi\r\n", encode(new Result.Verbatim("txt", "hi")));
  }

  @Test
  void anErrorIsItsKindThenItsText() {
    assertEquals("-WRONGPASS invalid\r\n", encode(new Result.Error(ErrorKind.WRONGPASS, "invalid")));
    assertEquals(new Result.Error(ErrorKind.NOAUTH, "Authentication required."),
        new Result.Error("NOAUTH Authentication required."));
  }

  @Test
  void lengthsOfTenAndMoreAreWrittenInFull() {
    assertEquals("$10\r\n0123456789\r\n", encode(Result.bulk("0123456789")));
    assertEquals("$100\r\n" + "x".repeat(100) + "\r\n", encode(Result.bulk("x".repeat(100))));
    assertEquals(":99\r\n", encode(new Result.Int(99)));
  }
}
