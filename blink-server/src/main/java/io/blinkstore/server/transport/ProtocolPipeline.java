package io.blinkstore.server.transport;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import io.blinkstore.server.command.Authenticator;
import io.blinkstore.server.command.ClientState;
import io.blinkstore.server.command.Dispatcher;
import io.blinkstore.server.command.EntrySizeLimits;
import io.blinkstore.server.command.HeapGuard;
import io.blinkstore.server.command.Leases;
import io.blinkstore.server.command.LiveSetting;
import io.blinkstore.server.command.RespKeys;
import io.blinkstore.server.command.ServerCounters;
import io.blinkstore.server.protocol.resp.Resp3Encoder;
import io.blinkstore.server.protocol.resp.RespDecoder;
import io.blinkstore.server.protocol.resp.RespEncoder;
import io.blinkstore.server.protocol.resp.RespRequest;
import io.blinkstore.server.protocol.resp.RespSession;
import io.blinkstore.server.protocol.text.AuthGate;
import io.blinkstore.server.protocol.text.Command;
import io.blinkstore.server.protocol.text.ReplyEncoder;
import io.blinkstore.server.protocol.text.TextCommands;
import io.blinkstore.server.protocol.text.TextProtocolDecoder;
import io.blinkstore.server.protocol.text.TextSession;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import java.time.Clock;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Installs the protocols on a connection's pipeline. {@link #install} adds a {@link ProtocolDetector}, which
 * chooses from the first byte and then installs one protocol's handlers: for the text protocol
 * {@link TextProtocolDecoder} (bytes to commands), {@link ReplyEncoder} (replies to bytes) and a
 * {@link CommandHandler} running a {@link TextSession}; for RESP ({@code docs/resp.md}) {@link RespDecoder},
 * {@link RespEncoder} (swapped for {@link Resp3Encoder} while the client has asked for RESP3 with {@code HELLO 3})
 * and a {@link CommandHandler} running a {@link RespSession}. One instance serves a whole
 * server; its stateless parts are shared by every connection.
 *
 * <p>{@code maxLineBytes} bounds a text line; the bulk strings of one RESP command are bounded as in Redis (see
 * {@link RespDecoder}), and its arrays hold at most {@link RespDecoder#MAX_ARRAY_LENGTH} elements.
 *
 * <p>The connection should allow half-closure ({@code ChannelOption.ALLOW_HALF_CLOSURE}), so that a client
 * that ends its output ({@code printf 'SET a 1\nGET a' | nc -N host port}) still gets every reply before the
 * server closes. The write-buffer water marks of the channel bound the replies queued per connection.
 */
public final class ProtocolPipeline {
  public static final String DECODER = "blink-decoder";
  public static final String ENCODER = "blink-encoder";
  public static final String HANDLER = "blink-handler";
  static final String DETECTOR = "blink-protocol-detector";

  private final Dispatcher dispatcher;
  private final int maxLineBytes;
  /** The most bytes of bulk strings a RESP request may hold ({@code client-query-buffer-limit}, new connections). */
  private volatile int maxRespRequestBytes;
  /** The longest bulk string of a RESP request. */
  private final long maxBulkBytes;
  private final @Nullable Authenticator authenticator;
  private final @Nullable AuthGate authGate;

  /**
   * A pipeline for {@code store} without auth, heap guard or server counters, whose RESP requests are bounded by
   * {@code maxLineBytes} too (for the codecs' tests and the REPL).
   */
  public ProtocolPipeline(BlinkStore store, int maxLineBytes) {
    this(store, new Leases(), maxLineBytes);
  }

  /** One lease table for both protocols, so that text and RESP workers filling the same key coordinate. */
  private ProtocolPipeline(BlinkStore store, Leases leases, int maxLineBytes) {
    this(new Dispatcher(store, leases, Clock.systemUTC(), new ServerCounters(), HeapGuard.NONE, null,
            BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, EntrySizeLimits.NONE),
        maxLineBytes, maxLineBytes, null, RespDecoder.REDIS_MAX_BULK_BYTES);
  }

  /**
   * Creates the installer for connections whose commands, text or RESP, {@code dispatcher} runs, accepting text
   * lines of up to {@code maxLineBytes} bytes (not counting the line end) and RESP requests of up to
   * {@link RespDecoder#MAX_REQUEST_BYTES} (bulk strings of up to 512 MiB, as Redis): what all connections hold
   * together is bounded by {@link ClientMemory}, byte by byte as requests arrive. With an {@code authenticator},
   * a text connection must {@code AUTH} before anything else is executed (the dispatcher makes the same check for
   * RESP).
   *
   * @throws IllegalArgumentException if {@code maxLineBytes} is not positive
   * @throws NullPointerException if {@code dispatcher} is null
   */
  public ProtocolPipeline(Dispatcher dispatcher, int maxLineBytes, @Nullable Authenticator authenticator) {
    this(dispatcher, maxLineBytes, authenticator, RespDecoder.REDIS_MAX_BULK_BYTES);
  }

  /** As above, with RESP bulk strings of at most {@code maxBulkBytes} ({@link RespDecoder}). */
  public ProtocolPipeline(Dispatcher dispatcher, int maxLineBytes, @Nullable Authenticator authenticator,
      long maxBulkBytes) {
    this(dispatcher, maxLineBytes, RespDecoder.MAX_REQUEST_BYTES, authenticator, maxBulkBytes);
    dispatcher.liveSetting("client-query-buffer-limit", new LiveSetting() {
      @Override
      public @Nullable String refusal(long value) {
        if (value < MIN_QUERY_BUFFER_BYTES) {
          return "argument must be between " + MIN_QUERY_BUFFER_BYTES + " and " + Long.MAX_VALUE + " inclusive";
        }
        return value > RespDecoder.MAX_REQUEST_BYTES ? "Blink Store holds a request to at most "
            + RespDecoder.MAX_REQUEST_BYTES + " bytes of bulk strings" : null;
      }

      @Override
      public void apply(long value) {
        maxRespRequestBytes = (int) value; // connections opened from now on: their decoders read it once
      }
    });
  }

  /** Redis's least {@code client-query-buffer-limit}, 1 MiB. */
  private static final long MIN_QUERY_BUFFER_BYTES = 1 << 20;

  private ProtocolPipeline(Dispatcher dispatcher, int maxLineBytes, int maxRespRequestBytes,
      @Nullable Authenticator authenticator, long maxBulkBytes) {
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be positive, but was " + maxLineBytes);
    }
    this.dispatcher = Objects.requireNonNull(dispatcher, "dispatcher");
    this.maxLineBytes = maxLineBytes;
    this.maxRespRequestBytes = maxRespRequestBytes;
    this.maxBulkBytes = maxBulkBytes;
    this.authenticator = authenticator;
    this.authGate = authenticator == null ? null : new AuthGate(authenticator);
  }

  /** Adds the protocol detector at the end of {@code pipeline}; it installs the protocol the client speaks. */
  public void install(ChannelPipeline pipeline) {
    install(pipeline, false);
  }

  /**
   * As {@link #install(ChannelPipeline)}; with {@code respOnly} the connection speaks RESP whatever its first byte
   * (an inline command may come first, as on Redis's port), and never the text protocol.
   */
  public void install(ChannelPipeline pipeline, boolean respOnly) {
    pipeline.addLast(DETECTOR, new ProtocolDetector(this, respOnly));
  }

  /** Adds the text protocol's handlers, in order, right after the handler named {@code after}. */
  void installText(ChannelPipeline pipeline, String after) {
    ClientMemory.Account account = ClientMemory.accountOf(pipeline.channel());
    TextProtocolDecoder decoder = new TextProtocolDecoder(maxLineBytes, authenticator, account);
    pipeline.addAfter(after, DECODER, decoder);
    String beforeEncoder = DECODER;
    if (authGate != null) {
      pipeline.addAfter(DECODER, AuthGate.NAME, authGate);
      beforeEncoder = AuthGate.NAME;
    }
    TextCommands commands =
        new TextCommands(dispatcher, new ChannelConnection(pipeline.channel(), account), authGate != null);
    pipeline.addAfter(beforeEncoder, ENCODER, ReplyEncoder.INSTANCE)
        .addAfter(ENCODER, HANDLER, new CommandHandler<>(Command.class, new TextSession(commands), decoder, account));
  }

  /** Adds RESP's handlers, in order, right after the handler named {@code after}. */
  void installResp(ChannelPipeline pipeline, String after) {
    Channel channel = pipeline.channel();
    ClientMemory.Account account = ClientMemory.accountOf(channel);
    ClientState client = dispatcher.newClient(RespKeys::of, account, () -> SignInDeadline.signedIn(channel),
        new ChannelConnection(channel, account));
    channel.closeFuture().addListener(closed -> dispatcher.closed(client));
    RespSession session = new RespSession(dispatcher, client,
        version -> pipeline.replace(ENCODER, ENCODER, version == 3 ? Resp3Encoder.INSTANCE : RespEncoder.INSTANCE));
    RespDecoder decoder =
        new RespDecoder(maxRespRequestBytes, RespDecoder.MAX_ARRAY_LENGTH, session::signedOut, account, maxBulkBytes);
    pipeline.addAfter(after, DECODER, decoder)
        .addAfter(DECODER, ENCODER, RespEncoder.INSTANCE)
        .addAfter(ENCODER, HANDLER, new CommandHandler<>(RespRequest.class, session, decoder, account));
  }

  /**
   * Closes {@code connection} at the server's close, on its event loop: once the replies to the requests it has
   * executed have gone out, ending the client's stream on a reply boundary; nothing more is executed on it.
   */
  public static void closeAfterReplies(Channel connection) {
    connection.eventLoop().execute(() -> {
      ChannelHandlerContext ctx = connection.pipeline().context(HANDLER);
      if (ctx != null && ctx.handler() instanceof CommandHandler<?> handler) {
        handler.closeAfterReplies(ctx);
      } else {
        connection.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      }
    });
  }
}
