package io.blinkstore.client;

import java.util.concurrent.CompletableFuture;

/**
 * One RESP command on its way: the encoded array to write, how to read its reply, and the future the reply
 * completes. Made by {@link RespProtocol}; written and matched to its reply by a {@link Connection}.
 *
 * @param <T> what the reply is decoded to
 */
final class RespRequest<T> implements Exchange<RespReply, T> {
  /** Decodes a reply that is not an error; returns null for one that is no reply to this command. */
  @FunctionalInterface
  interface ReplyDecoder<T> {
    Request.Result<T> decode(RespReply reply);
  }

  private final String command;
  private final byte[] bytes;
  private final ReplyDecoder<T> decoder;
  private final Request.ErrorDecoder errors;
  private final CompletableFuture<T> future = new CompletableFuture<>();

  /**
   * @param command the command's name and key, for messages
   * @param bytes the encoded request
   * @param errors turns an error reply's text (such as {@code ERR ...}) into the exception the command fails with
   */
  RespRequest(String command, byte[] bytes, ReplyDecoder<T> decoder, Request.ErrorDecoder errors) {
    this.command = command;
    this.bytes = bytes;
    this.decoder = decoder;
    this.errors = errors;
  }

  @Override
  public String command() {
    return command;
  }

  @Override
  public byte[] bytes() {
    return bytes;
  }

  @Override
  public CompletableFuture<T> future() {
    return future;
  }

  @Override
  public boolean complete(RespReply reply, long memoryLimit) {
    if (reply instanceof RespReply.Error error) {
      future.completeExceptionally(errors.decode(error.message(), memoryLimit));
      return true;
    }
    Request.Result<T> result = decoder.decode(reply);
    if (result == null) {
      return false;
    }
    future.complete(result.value());
    return true;
  }

  @Override
  public String toString() {
    return command;
  }
}
