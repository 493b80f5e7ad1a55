package io.blinkstore.server;

import io.blinkstore.BlinkStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One RESP2 reply, before encoding; {@link RespEncoder} is the one place that turns it into bytes. */
sealed interface RespReply {

  /** {@code +<text>}: a status such as {@code OK}; the text is sent as ISO-8859-1, one byte per char. */
  record Simple(String text) implements RespReply {}

  /**
   * {@code -<message>}: an error, its first word the code ({@code ERR}, {@code NOPROTO}, ...). Line breaks become
   * spaces, as Redis does, so the reply stays one line; sent as ISO-8859-1.
   */
  record Error(String message) implements RespReply {
    public Error {
      message = message.replace('\r', ' ').replace('\n', ' ');
    }
  }

  /** {@code :<n>}. */
  record Int(long value) implements RespReply {}

  /**
   * {@code $<length>\r\n<bytes>\r\n}: binary-safe bytes, those between the buffer's position and limit (never
   * consumed: the encoder reads a duplicate); {@link #NULL} is the nil bulk string. A stored value is a
   * {@link Stored} instead.
   */
  record Bulk(ByteBuffer bytes) implements RespReply {
    /** The bulk string of {@code bytes}, which must not change afterwards; {@code null} is nil. */
    public Bulk(byte[] bytes) {
      this(bytes == null ? null : ByteBuffer.wrap(bytes));
    }

    @Override
    public String toString() {
      return bytes == null ? "Bulk[nil]" : "Bulk[" + StandardCharsets.ISO_8859_1.decode(bytes.duplicate()) + "]";
    }
  }

  /**
   * A bulk string of a stored value not copied yet ({@link BlinkStore#getStored}): its size is known before
   * anything is copied, and the encoder copies it once, from the store straight into the reply's buffer.
   */
  record Stored(BlinkStore.StoredValue value) implements RespReply {}

  /** {@code *<count>\r\n} and the elements. */
  record Array(List<RespReply> elements) implements RespReply {}

  Simple OK = new Simple("OK");
  Simple PONG = new Simple("PONG");
  Bulk NULL = new Bulk((ByteBuffer) null);
  Array EMPTY_ARRAY = new Array(List.of());

  /** Returns the bulk string of {@code text}'s ISO-8859-1 bytes (for replies built from ASCII text). */
  static Bulk bulk(String text) {
    return new Bulk(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Returns {@code -ERR <message>}. */
  static Error error(String message) {
    return new Error("ERR " + message);
  }
}
