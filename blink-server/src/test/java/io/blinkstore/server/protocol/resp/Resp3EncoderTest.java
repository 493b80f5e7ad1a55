package io.blinkstore.server.protocol.resp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.Result;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** RESP3's shapes, byte for byte as Redis 7.0's {@code networking.c} writes them to a client after HELLO 3. */
class Resp3EncoderTest {
  private final EmbeddedChannel channel = new EmbeddedChannel(Resp3Encoder.INSTANCE);

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  /** Encodes {@code reply} through the channel, checking that the buffer was sized exactly. */
  private String encode(Result reply) {
    channel.writeOutbound(reply);
    ByteBuf bytes = channel.readOutbound();
    try {
      assertEquals(Resp3Encoder.encodedLength(reply), bytes.readableBytes(), "encodedLength");
      assertEquals(bytes.readableBytes(), bytes.capacity(), "allocated at the exact size");
      return bytes.toString(ISO_8859_1);
    } finally {
      bytes.release();
    }
  }

  @Test
  void encodesRespThreesShapes() {
    assertEquals("_\r\n", encode(Result.NULL), "an absent value is RESP3's null, not $-1");
    assertEquals("_\r\n", encode(new Result.Nil()));
    assertEquals("%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n_\r\n",
        encode(new Result.Map(List.of(Result.bulk("a"), new Result.Int(1), Result.bulk("b"), Result.NULL))));
    assertEquals("%0\r\n", encode(new Result.Map(List.of())));
    assertEquals("~2\r\n+x\r\n+y\r\n", encode(new Result.Set(List.of(new Result.Simple("x"), new Result.Simple("y")))));
    assertEquals(">1\r\n$3\r\nmsg\r\n", encode(new Result.Push(List.of(Result.bulk("msg")))));
    assertEquals(",1.5\r\n", encode(new Result.Double(1.5)));
    assertEquals(",inf\r\n", encode(new Result.Double(Double.POSITIVE_INFINITY)));
    assertEquals(",-inf\r\n", encode(new Result.Double(Double.NEGATIVE_INFINITY)));
    assertEquals("#t\r\n", encode(new Result.Bool(true)));
    assertEquals("#f\r\n", encode(new Result.Bool(false)));
    assertEquals("=15\r\ntxt:Some string\r\n", encode(new Result.Verbatim("txt", "Some string")));
  }

  @Test
  void nestedAbsentValuesAreNullsToo() {
    assertEquals("*3\r\n$1\r\nv\r\n_\r\n*1\r\n_\r\n",
        encode(new Result.Array(List.of(Result.bulk("v"), Result.NULL, new Result.Array(List.of(Result.NULL))))));
  }

  @Test
  void theShapesBothProtocolsShareAreRespTwosBytes() {
    assertEquals("+OK\r\n", encode(Result.OK));
    assertEquals("-ERR bad\r\n", encode(Result.error("bad")));
    assertEquals(":-42\r\n", encode(new Result.Int(-42)));
    assertEquals("$0\r\n\r\n", encode(new Result.Bulk(new byte[0])));
    try (BlinkStore store = BlinkStore.builder().build()) {
      store.set("k", "value".getBytes(ISO_8859_1));
      assertEquals("$5\r\nvalue\r\n", encode(new Result.Stored(store.getStored("k"))));
    }
  }
}
