package io.blinkstore.client;

import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One command on its way, as a {@link Connection} sees it, whatever the protocol: the bytes to write, and how a
 * reply completes its future. The protocol's subclass ({@link Request} for text lines, {@link RespRequest} for
 * RESP values) says how to decode a reply and how to recognise an error reply.
 *
 * @param <R> the protocol's reply type
 * @param <T> what the reply is decoded to
 */
abstract class Exchange<R, T> {
  /** A decoded reply; {@code value} may be null (as for {@code NOT_FOUND}). */
  record Result<T>(@Nullable T value) {}

  /**
   * Turns the text of an error reply that the command's decoder did not take as a regular answer into the
   * exception the command fails with, given the server's memory limit.
   */
  @FunctionalInterface
  interface ErrorDecoder {
    RuntimeException decode(String message, long memoryLimit);
  }

  private final String command;
  private final byte[] bytes;
  private final ErrorDecoder errors;
  private final CompletableFuture<T> future = new CompletableFuture<>();

  /**
   * @param command the protocol word and key, for messages
   * @param bytes the request, ready to write
   */
  Exchange(String command, byte[] bytes, ErrorDecoder errors) {
    this.command = command;
    this.bytes = bytes;
    this.errors = errors;
  }

  /** Decodes a reply that answers this command; returns null for one that does not (an error reply, say). */
  abstract @Nullable Result<T> decode(R reply);

  /** Returns the text of {@code reply} if it is an error reply, else null. */
  abstract @Nullable String errorText(R reply);

  /** The protocol word and key, for messages. */
  final String command() {
    return command;
  }

  /** The request, ready to write. */
  final byte[] bytes() {
    return bytes;
  }

  /**
   * Completes with the decoded reply, or fails; only the {@link Connection} carrying the command completes it.
   * Callers get a copy ({@link Connection#submit}), so that what they do to theirs cannot end the command early.
   */
  final CompletableFuture<T> future() {
    return future;
  }

  /**
   * Completes the future from {@code reply}. The decoder sees it first, so a command may take an error reply as
   * a regular answer (as {@code FILL} takes {@code ERROR lease expired}); other error replies fail it with what
   * the error decoder makes of them (such as {@link io.blinkstore.EntryTooLargeException}, with
   * {@code memoryLimit}).
   *
   * @return false if {@code reply} cannot be an answer to this command: the stream is out of step
   */
  final boolean complete(R reply, long memoryLimit) {
    Result<T> result = decode(reply);
    if (result != null) {
      future.complete(result.value());
      return true;
    }
    String error = errorText(reply);
    if (error != null) {
      future.completeExceptionally(errors.decode(error, memoryLimit));
      return true;
    }
    return false;
  }

  /** Fails the future, unless it is already complete. */
  final boolean fail(RuntimeException cause) {
    return future.completeExceptionally(cause);
  }

  @Override
  public String toString() {
    return command;
  }
}
