package io.blinkstore.client;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Splits the bytes read from the server into reply lines (each ending with {@code \n}), however the reads cut
 * them, and refuses a line longer than any legitimate reply, so a broken or hostile peer cannot make the client
 * buffer without bound. Used by one reader thread.
 */
final class ReplyLines implements ReplyReader<byte[]> {
  /** The longest reply line accepted before the server's memory limit is known: 64 KiB. */
  static final long MIN_LONGEST_LINE = 64 * 1024;

  private static final int SHOWN_BYTES = 80;

  private final LongSupplier longestLine;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

  ReplyLines(LongSupplier longestLine) {
    this.longestLine = longestLine;
  }

  /**
   * Passes every complete line in {@code buffer} (a heap buffer, flipped for reading) to {@code onLine}, without
   * its {@code \n}, and keeps the incomplete rest for the next call.
   *
   * @throws LineTooLongException if a line grows longer than the supplier allows
   */
  @Override
  public void split(ByteBuffer buffer, Consumer<byte[]> onLine) {
    byte[] bytes = buffer.array();
    int start = buffer.arrayOffset() + buffer.position();
    int end = buffer.arrayOffset() + buffer.limit();
    for (int i = start; i < end; i++) {
      if (bytes[i] == '\n') {
        onLine.accept(take(bytes, start, i));
        start = i + 1;
      }
    }
    if (start < end) {
      append(bytes, start, end);
    }
  }

  private byte[] take(byte[] bytes, int from, int to) {
    if (partial.size() == 0) {
      return Arrays.copyOfRange(bytes, from, to);
    }
    append(bytes, from, to);
    byte[] line = partial.toByteArray();
    partial.reset();
    return line;
  }

  private void append(byte[] bytes, int from, int to) {
    long longest = longestLine.getAsLong();
    if (partial.size() + (long) (to - from) > longest) {
      throw new LineTooLongException(longest);
    }
    partial.write(bytes, from, to - from);
  }

  /** A reply line for messages: at most {@value #SHOWN_BYTES} bytes of it, as UTF-8. */
  static String show(byte[] line) {
    String text = new String(line, 0, Math.min(line.length, SHOWN_BYTES), StandardCharsets.UTF_8);
    return '"' + text + (line.length > SHOWN_BYTES ? "...\" (" + line.length + " bytes)" : "\"");
  }

  /** A reply line passed the longest a legitimate reply can be. */
  static final class LineTooLongException extends MalformedReplyException {
    private static final long serialVersionUID = 1L;

    LineTooLongException(long longest) {
      super("received a reply line longer than " + longest + " bytes, which no legitimate reply is");
    }
  }
}
