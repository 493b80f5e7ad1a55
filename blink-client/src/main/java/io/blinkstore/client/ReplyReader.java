package io.blinkstore.client;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Cuts the bytes read from the server into replies, however the reads cut them, and refuses a reply larger than
 * any legitimate one, so a broken or hostile peer cannot make the client buffer without bound. Used by one
 * reader thread.
 *
 * @param <R> the protocol's reply type
 */
interface ReplyReader<R> {
  /**
   * Passes every complete reply in {@code buffer} (a heap buffer, flipped for reading) to {@code onReply}, and
   * keeps the incomplete rest for the next call.
   *
   * @throws MalformedReplyException if the bytes cannot be a reply, or one grows past the longest allowed
   */
  void split(ByteBuffer buffer, Consumer<R> onReply);

  /** The server sent bytes that are no reply: the stream cannot be trusted any more. */
  class MalformedReplyException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MalformedReplyException(String message) {
      super(message, null, false, false);
    }
  }
}
