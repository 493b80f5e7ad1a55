package io.blinkstore.client;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * One text-protocol command on its way: the request line to write and how to read its reply line. Made by
 * {@link TextProtocol}; written and matched to its reply by a {@link Connection}.
 *
 * @param <T> what the reply is decoded to
 */
final class Request<T> extends Exchange<byte[], T> {
  /** The server's reply to an entry larger than its whole memory limit. */
  static final String AT_CAPACITY = "storage is at capacity and eviction failed";

  private static final byte[] ERROR = "ERROR ".getBytes(StandardCharsets.US_ASCII);

  /** Decodes a reply line (given without its {@code \n}); returns null for a line that is no reply to it. */
  @FunctionalInterface
  interface ReplyDecoder<T> {
    @Nullable Result<T> decode(byte[] line);
  }

  private final ReplyDecoder<T> decoder;

  /**
   * A command whose {@code ERROR} replies fail it with {@link BlinkServerException}.
   *
   * @param command the protocol word and key, for messages
   * @param line the request line, {@code \n} included
   */
  Request(String command, byte[] line, ReplyDecoder<T> decoder) {
    this(command, line, decoder, (message, memoryLimit) -> new BlinkServerException(command, message));
  }

  /** A command whose {@code ERROR} replies are turned into exceptions by {@code errors}. */
  Request(String command, byte[] line, ReplyDecoder<T> decoder, ErrorDecoder errors) {
    super(command, line, errors);
    this.decoder = decoder;
  }

  @Override
  @Nullable Result<T> decode(byte[] line) {
    return decoder.decode(line);
  }

  /** The text after {@code ERROR }. */
  @Override
  @Nullable String errorText(byte[] line) {
    return startsWith(line, ERROR)
        ? new String(line, ERROR.length, line.length - ERROR.length, StandardCharsets.UTF_8)
        : null;
  }

  static boolean startsWith(byte[] line, byte[] prefix) {
    if (line.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (line[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
