package io.blinkstore.client;

import io.blinkstore.EntryTooLargeException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * One text-protocol command on its way: the request line to write, how to read its reply line, and the future
 * the reply completes. Made by {@link TextProtocol}; written and matched to its reply by a {@link Connection}.
 *
 * @param <T> what the reply is decoded to
 */
final class Request<T> implements Exchange<byte[], T> {
  /** The server's reply to an entry larger than its whole memory limit. */
  static final String AT_CAPACITY = "storage is at capacity and eviction failed";

  private static final byte[] ERROR = "ERROR ".getBytes(StandardCharsets.US_ASCII);

  /** Decodes a reply line (given without its {@code \n}); returns null for a line that is no reply to it. */
  @FunctionalInterface
  interface ReplyDecoder<T> {
    Result<T> decode(byte[] line);
  }

  /** A decoded reply; {@code value} may be null (as for {@code NOT_FOUND}). */
  record Result<T>(T value) {}

  /**
   * Turns the message of an {@code ERROR} reply that the command's decoder did not take as a regular answer into
   * the exception the command fails with, given the server's memory limit.
   */
  @FunctionalInterface
  interface ErrorDecoder {
    RuntimeException decode(String message, long memoryLimit);
  }

  private final String command;
  private final byte[] line;
  private final ReplyDecoder<T> decoder;
  private final ErrorDecoder errors;
  private final CompletableFuture<T> future = new CompletableFuture<>();

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
    this.command = command;
    this.line = line;
    this.decoder = decoder;
    this.errors = errors;
  }

  @Override
  public String command() {
    return command;
  }

  /** The request line, {@code \n} included. */
  @Override
  public byte[] bytes() {
    return line;
  }

  @Override
  public CompletableFuture<T> future() {
    return future;
  }

  /**
   * Completes the future from the reply line. The decoder sees it first, so a command may take an {@code ERROR}
   * reply as a regular answer (as {@code FILL} takes {@code ERROR lease expired}); other {@code ERROR} replies
   * fail it with what the error decoder makes of them (such as {@link EntryTooLargeException}, with
   * {@code memoryLimit}).
   *
   * @return false if {@code reply} cannot be an answer to this command: the stream is out of step
   */
  @Override
  public boolean complete(byte[] reply, long memoryLimit) {
    Result<T> result = decoder.decode(reply);
    if (result != null) {
      future.complete(result.value());
      return true;
    }
    if (startsWith(reply, ERROR)) {
      String message = new String(reply, ERROR.length, reply.length - ERROR.length, StandardCharsets.UTF_8);
      future.completeExceptionally(errors.decode(message, memoryLimit));
      return true;
    }
    return false;
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

  @Override
  public String toString() {
    return command;
  }
}
