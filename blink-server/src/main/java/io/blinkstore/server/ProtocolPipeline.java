package io.blinkstore.server;

import io.blinkstore.BlinkStore;
import io.netty.channel.ChannelPipeline;
import java.util.Objects;

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
  private final AuthGate authGate;

  /** As {@link #ProtocolPipeline(CommandExecutor, int)}, executing against {@code store}. */
  ProtocolPipeline(BlinkStore store, int maxLineBytes) {
    this(new CommandExecutor(store), maxLineBytes, null);
  }

  /**
   * Creates the installer for connections executing commands with {@code executor}, accepting request lines of up to
   * {@code maxLineBytes} bytes (not counting the line end).
   *
   * @throws IllegalArgumentException if {@code maxLineBytes} is not positive
   * With an {@code authenticator}, a connection must {@code AUTH} before anything else is executed.
   *
   * @throws NullPointerException if {@code executor} is null
   */
  ProtocolPipeline(CommandExecutor executor, int maxLineBytes, Authenticator authenticator) {
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be positive, but was " + maxLineBytes);
    }
    this.executor = Objects.requireNonNull(executor, "executor");
    this.maxLineBytes = maxLineBytes;
    this.authGate = authenticator == null ? null : new AuthGate(authenticator);
  }

  /** Adds the protocol's handlers, in order, at the end of {@code pipeline}. */
  void install(ChannelPipeline pipeline) {
    pipeline.addLast(DECODER, new TextProtocolDecoder(maxLineBytes));
    if (authGate != null) {
      pipeline.addLast(AuthGate.NAME, authGate);
    }
    pipeline.addLast(ENCODER, ReplyEncoder.INSTANCE);
    pipeline.addLast(HANDLER, new CommandHandler(executor));
  }
}
