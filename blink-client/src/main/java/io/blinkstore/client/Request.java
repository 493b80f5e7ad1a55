package io.blinkstore.client;

import io.blinkstore.EntryTooLargeException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * One command on its way: the request line to write, how to read its reply, and the future the reply completes.
 * Made by {@link TextProtocol}; written and matched to its reply by a {@link Connection}.
 *
 * @param <T> what the reply is decoded to
 */
final class Request<T> {
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

  private final String command;
  private final byte[] line;
  private final ReplyDecoder<T> decoder;
  private final long entryBytes;
  private final CompletableFuture<T> future = new CompletableFuture<>();

  /**
   * @param command the protocol word and key, for messages
   * @param line the request line, {@code \n} included
   * @param entryBytes for a write, the key plus value bytes it stores (reported if the server refuses it as too
   *     large); -1 for other commands
   */
  Request(String command, byte[] line, ReplyDecoder<T> decoder, long entryBytes) {
    this.command = command;
    this.line = line;
    this.decoder = decoder;
    this.entryBytes = entryBytes;
  }

  String command() {
    return command;
  }

  byte[] line() {
    return line;
  }

  CompletableFuture<T> future() {
    return future;
  }

  /**
   * Completes the future from the reply line. {@code ERROR} replies fail it with {@link BlinkServerException}
   * (or {@link EntryTooLargeException} for a refused write, against {@code memoryLimit}).
   *
   * @return false if {@code reply} cannot be an answer to this command: the stream is out of step
   */
  boolean complete(byte[] reply, long memoryLimit) {
    if (startsWith(reply, ERROR)) {
      String message = new String(reply, ERROR.length, reply.length - ERROR.length, StandardCharsets.UTF_8);
      future.completeExceptionally(entryBytes >= 0 && message.equals(AT_CAPACITY)
          ? new EntryTooLargeException(entryBytes, memoryLimit)
          : new BlinkServerException(command, message));
      return true;
    }
    Result<T> result = decoder.decode(reply);
    if (result == null) {
      return false;
    }
    future.complete(result.value());
    return true;
  }

  /** Fails the future, unless it is already complete. */
  boolean fail(RuntimeException cause) {
    return future.completeExceptionally(cause);
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
