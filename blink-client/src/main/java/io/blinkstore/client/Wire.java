package io.blinkstore.client;

import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Connection} needs to know of the protocol it speaks: how to cut replies, how to greet the
 * server, and which replies end the connection. Implemented by {@link TextProtocol} and {@link RespProtocol}.
 *
 * @param <R> the protocol's reply type
 */
interface Wire<R> {
  /** A reader whose longest reply is asked of {@code longestReply} (it grows once the memory limit is known). */
  ReplyReader<R> newReader(LongSupplier longestReply);

  /**
   * The longest reply a server with this memory limit can legitimately send (a value as large as the limit);
   * never less than {@link ReplyLines#MIN_LONGEST_LINE}, the bound before the limit is known.
   */
  long longestReply(long memoryLimit);

  /** The first command of the handshake: the server answers it at once. */
  Exchange<R, Void> ping();

  /** The second: the server's memory limit, which refused writes report. */
  Exchange<R, Long> memoryLimit();

  /** Why the server closes the connection after {@code reply}, or null if it does not. */
  @Nullable String closesAfter(R reply);

  /** {@code reply}, shortened, for messages. */
  String show(R reply);

  /** What a server that refuses the handshake with an error probably is, for the message. */
  String handshakeHint();
}
