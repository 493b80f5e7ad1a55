package io.blinkstore.server.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;

/** What an {@link EmbeddedChannel} has written so far, for tests of the limits that answer and close. */
final class Outbound {
  private Outbound() {}

  /** Takes every buffer written to {@code channel} so far, releasing each, and returns their bytes as text. */
  static String drain(EmbeddedChannel channel) {
    StringBuilder text = new StringBuilder();
    for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
      text.append(buf.toString(ISO_8859_1));
      buf.release();
    }
    return text.toString();
  }
}
