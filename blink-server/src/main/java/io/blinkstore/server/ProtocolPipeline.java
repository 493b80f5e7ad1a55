package io.blinkstore.server;

import io.blinkstore.BlinkStore;
import io.netty.channel.ChannelPipeline;

/**
 * Installs the text protocol on a connection's pipeline: {@link TextProtocolDecoder} (bytes to commands),
 * {@link ReplyEncoder} (replies to bytes) and {@link CommandHandler} (executes commands in order). One instance
 * serves a whole server; its stateless parts are shared by every connection.
 *
 * <p>The connection should allow half-closure ({@code ChannelOption.ALLOW_HALF_CLOSURE}), so that a client
 * that ends its output ({@code printf 'SET a 1\nGET a' | nc -N host port}) still gets every reply before the
 * server closes. The write-buffer water marks of the channel bound the replies queued per connection.
 */
final class ProtocolPipeline {
  static final String DECODER = "blink-decoder";
  static final String ENCODER = "blink-encoder";
  static final String HANDLER = "blink-handler";

  private final CommandExecutor executor;
  private final int maxLineBytes;

  /**
   * Creates the installer for connections to {@code store}, accepting request lines of up to
   * {@code maxLineBytes} bytes (not counting the line end).
   *
   * @throws IllegalArgumentException if {@code maxLineBytes} is not positive
   * @throws NullPointerException if {@code store} is null
   */
  ProtocolPipeline(BlinkStore store, int maxLineBytes) {
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be positive, but was " + maxLineBytes);
    }
    this.executor = new CommandExecutor(store);
    this.maxLineBytes = maxLineBytes;
  }

  /** Adds the protocol's handlers, in order, at the end of {@code pipeline}. */
  void install(ChannelPipeline pipeline) {
    pipeline.addLast(DECODER, new TextProtocolDecoder(maxLineBytes));
    pipeline.addLast(ENCODER, ReplyEncoder.INSTANCE);
    pipeline.addLast(HANDLER, new CommandHandler(executor));
  }
}
