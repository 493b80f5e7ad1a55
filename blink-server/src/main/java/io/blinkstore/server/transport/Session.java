package io.blinkstore.server.transport;

import org.jspecify.annotations.Nullable;

/**
 * One connection's protocol, as {@link CommandHandler} sees it: what to answer to each decoded request, and
 * whether the request ends the connection. Called only on the connection's event loop, in request order.
 *
 * @param <Q> the type of the requests the protocol's decoder emits
 */
public interface Session<Q> {

  /**
   * Executes {@code request} and returns its reply, an object the protocol's encoder accepts, or {@code null}
   * when the request has no reply. Never throws for bad input or a store failure: those are replies.
   */
  @Nullable Object execute(Q request);

  /** Tells whether the connection ends once the reply to {@code request} is written. */
  boolean endsConnection(Q request);
}
