package io.blinkstore.server.protocol.resp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

class RespDecoderProperties {

  /** Any commands of any bytes, split into reads at any points, decode to exactly those commands. */
  @Property(tries = 500)
  void commandsSurviveAnySplitIntoReads(
      @ForAll @Size(min = 1, max = 5) List<@Size(min = 1, max = 4) List<@Size(max = 40) byte[]>> commands,
      @ForAll @Size(max = 10) List<@IntRange(min = 0, max = 1000) Integer> cuts) {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    List<RespRequest> expected = new ArrayList<>();
    for (List<byte[]> args : commands) {
      wire.writeBytes(ascii("*" + args.size() + "\r\n"));
      for (byte[] arg : args) {
        wire.writeBytes(ascii("$" + arg.length + "\r\n"));
        wire.writeBytes(arg);
        wire.writeBytes(ascii("\r\n"));
      }
      expected.add(new RespRequest.Command(args.toArray(new byte[0][])));
    }
    byte[] bytes = wire.toByteArray();
    EmbeddedChannel channel = new EmbeddedChannel(new RespDecoder(1 << 16, 16));
    try {
      int from = 0;
      for (int cut : cuts.stream().map(c -> c % (bytes.length + 1)).sorted().toList()) {
        channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, cut - from));
        from = cut;
      }
      channel.writeInbound(Unpooled.wrappedBuffer(bytes, from, bytes.length - from));
      List<Object> decoded = new ArrayList<>();
      for (Object message; (message = channel.readInbound()) != null; ) {
        decoded.add(message);
      }
      assertEquals(expected, decoded);
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
