package io.blinkstore.server.transport;

import io.netty.channel.ChannelHandler;

/**
 * A handler that assembles requests from a connection's bytes (the protocol's decoder, or {@link HttpRejector}
 * while it holds a first line) and tells {@link ConnectionLimits}' request timeout which request, if any, is
 * partly received. Only the protocol knows where a request ends: a read ending in {@code \n} ends a text line,
 * but not a RESP request, whose headers end in {@code \r\n} and whose bulk data may hold {@code \n} anywhere.
 */
public interface RequestProgress extends ChannelHandler {
  /** {@link #unfinishedRequest}'s answer when every byte received belongs to a complete request. */
  long NONE = -1;

  /**
   * Returns the number of the request partly received, that is how many requests this connection completed
   * before it, or {@link #NONE}. Asked on the event loop after each read has been decoded, so a new number means
   * the request timed so far is complete and another one has begun.
   */
  long unfinishedRequest();
}
