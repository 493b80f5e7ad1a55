package io.blinkstore.client;

import java.util.concurrent.CompletableFuture;

/**
 * One command on its way, as a {@link Connection} sees it, whatever the protocol: the bytes to write, and how a
 * reply completes its future. Made by {@link TextProtocol} ({@link Request}) or {@link RespProtocol}
 * ({@link RespRequest}).
 *
 * @param <R> the protocol's reply type: a text line, or a RESP value
 * @param <T> what the reply is decoded to
 */
interface Exchange<R, T> {
  /** The protocol word and key, for messages. */
  String command();

  /** The request, ready to write. */
  byte[] bytes();

  /** Completes with the decoded reply, or fails. */
  CompletableFuture<T> future();

  /**
   * Completes the future from {@code reply}; an error reply fails it, with {@code memoryLimit} for an entry too
   * large.
   *
   * @return false if {@code reply} cannot be an answer to this command: the stream is out of step
   */
  boolean complete(R reply, long memoryLimit);

  /** Fails the future, unless it is already complete. */
  default boolean fail(RuntimeException cause) {
    return future().completeExceptionally(cause);
  }
}
