package io.blinkstore.server.command;

/**
 * What a {@link Result} costs on the wire in a connection's protocol, as its codec writes it: the command layer
 * asks it before building a reply that could pass the output cap ({@code MGET}), without knowing any protocol's
 * bytes. The codec of the connection sets it on its {@link ClientState}.
 */
@FunctionalInterface
public interface ReplySize {
  /** A protocol that sends no reply the cap could refuse: every result costs nothing. */
  ReplySize NOT_MEASURED = reply -> 0;

  /** The bytes {@code reply} takes once encoded. */
  long bytes(Result reply);
}
