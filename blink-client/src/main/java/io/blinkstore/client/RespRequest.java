package io.blinkstore.client;

import org.jspecify.annotations.Nullable;

/**
 * One RESP command on its way: the encoded array to write and how to read its reply. Made by
 * {@link RespProtocol}; written and matched to its reply by a {@link Connection}. Error replies ({@code -ERR},
 * {@code -OOM}, ...) are not regular answers, but for the few commands made with {@link #answeredByErrors}.
 *
 * @param <T> what the reply is decoded to
 */
final class RespRequest<T> extends Exchange<RespReply, T> {
  /** Decodes a reply that is not an error; returns null for one that is no reply to this command. */
  @FunctionalInterface
  interface ReplyDecoder<T> {
    @Nullable Result<T> decode(RespReply reply);
  }

  private final ReplyDecoder<T> decoder;
  private final boolean errorsMayAnswer;

  /**
   * @param command the command's name and key, for messages
   * @param bytes the encoded request
   * @param errors turns an error reply's text (such as {@code ERR ...}) into the exception the command fails with
   */
  RespRequest(String command, byte[] bytes, ReplyDecoder<T> decoder, ErrorDecoder errors) {
    this(command, bytes, decoder, errors, false);
  }

  private RespRequest(
      String command, byte[] bytes, ReplyDecoder<T> decoder, ErrorDecoder errors, boolean errorsMayAnswer) {
    super(command, bytes, errors);
    this.decoder = decoder;
    this.errorsMayAnswer = errorsMayAnswer;
  }

  /**
   * A command some of whose error replies are regular answers (Blink Store's lease words answer
   * {@code -ERR lease expired} and {@code -ERR lease table full}): {@code decoder} sees error replies too, and
   * those it does not decode fail the command through {@code errors}.
   */
  static <T> RespRequest<T> answeredByErrors(
      String command, byte[] bytes, ReplyDecoder<T> decoder, ErrorDecoder errors) {
    return new RespRequest<>(command, bytes, decoder, errors, true);
  }

  @Override
  @Nullable Result<T> decode(RespReply reply) {
    return reply instanceof RespReply.Error && !errorsMayAnswer ? null : decoder.decode(reply);
  }

  @Override
  @Nullable String errorText(RespReply reply) {
    return reply instanceof RespReply.Error error ? error.message() : null;
  }
}
