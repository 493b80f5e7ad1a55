package io.blinkstore.server.protocol.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

class ReplyEncoderProperties {

  @Property(tries = 2000)
  void valueRepliesAreStandardPaddedBase64OfTheExactSizeComputed(@ForAll @Size(max = 300) byte[] value) {
    Reply reply = new Reply.Value(value);
    ByteBuf out = Unpooled.buffer(0);
    try {
      ReplyEncoder.write(reply, out);
      assertEquals("VALUE " + Base64.getEncoder().encodeToString(value) + "\n",
          out.toString(StandardCharsets.US_ASCII));
      assertEquals(ReplyEncoder.encodedLength(reply), out.readableBytes());
    } finally {
      out.release();
    }
  }

  @Property(tries = 500)
  void errorRepliesAreOneLineOfTheExactSizeComputed(@ForAll String message) {
    Reply reply = new Reply.Error(message);
    ByteBuf out = Unpooled.buffer(0);
    try {
      ReplyEncoder.write(reply, out);
      String line = out.toString(StandardCharsets.UTF_8);
      assertEquals(line.length() - 1, line.indexOf('\n'), "not exactly one line");
      assertEquals(ReplyEncoder.encodedLength(reply), out.readableBytes());
    } finally {
      out.release();
    }
  }
}
