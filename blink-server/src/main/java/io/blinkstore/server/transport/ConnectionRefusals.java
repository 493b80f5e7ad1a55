package io.blinkstore.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tells connections the server is full, each in its own protocol, and closes them: Redis's
 * {@code max number of clients reached}, as {@code ERROR ...} to a text client and as {@code -ERR ...} to a RESP
 * one. The protocol is known from the client's first byte ({@code *}: RESP), so a refused connection is held, read
 * by nothing else, until that byte comes, for at most a grace period: {@link #GRACE_MILLIS}, or
 * {@link #SHORT_GRACE_MILLIS} when descriptors are short (a client that sent its request while it waited to be
 * accepted has it read at once). One that has sent nothing by then gets the text line; on a server that speaks
 * only RESP every refused connection is answered at once, in RESP. Each connection held costs
 * a descriptor, so at most {@link #MAX_WAITING} are held at once: a new refusal answers the oldest at once, so a
 * client that speaks at once is still told in its own protocol while idle ones flood in.
 *
 * <p>One instance serves a whole server, created with it, so that its class is loaded then: a server out of
 * descriptors may not be able to open a class file (a class path of folders). Per-connection state lives on the
 * channel.
 */
@Sharable
final class ConnectionRefusals extends ChannelInboundHandlerAdapter {
  static final String NAME = "blink-refusal";

  /** The reply to a text-protocol client (the text of Redis's error). */
  static final String TEXT_REPLY = "ERROR max number of clients reached\n";

  /** The reply to a RESP client: Redis's, byte for byte. */
  static final String RESP_REPLY = "-ERR max number of clients reached\r\n";

  /** How long a refused connection is held for its first byte, which tells its protocol. */
  static final long GRACE_MILLIS = 1_000;

  /**
   * The same while descriptors are short: the held connection has the only one to spare, and no other client is
   * accepted meanwhile. Long enough for a request that arrived while the client waited to be accepted (it is read
   * at the next turn of the event loop), short enough that clients which send nothing pass quickly.
   */
  static final long SHORT_GRACE_MILLIS = 5;

  /** The most refused connections held for their first byte at once. */
  static final int MAX_WAITING = 32;

  /** A refused connection's grace timer, until it is answered. */
  private static final AttributeKey<ScheduledFuture<?>> GRACE = AttributeKey.valueOf("blink-refusal-grace");

  private final Deque<ChannelHandlerContext> waiting = new ConcurrentLinkedDeque<>();

  /**
   * Refuses the connection whose handler {@code ctx} is: holds it, after that handler, for its first byte for at
   * most {@code graceMillis}, then answers and closes it.
   */
  void refuse(ChannelHandlerContext ctx, long graceMillis) {
    ctx.pipeline().addAfter(ctx.name(), NAME, this);
    ChannelHandlerContext held = ctx.pipeline().context(NAME);
    if (ctx.pipeline().get(ProtocolPipeline.DETECTOR) instanceof ProtocolDetector detector && detector.respOnly()) {
      held.channel().config().setAutoRead(false); // answered at once, in the one protocol it can speak
      held.writeAndFlush(Unpooled.copiedBuffer(RESP_REPLY, StandardCharsets.US_ASCII))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    held.channel().attr(GRACE).set(
        held.executor().schedule(() -> answer(held, false), graceMillis, TimeUnit.MILLISECONDS));
    waiting.add(held);
    if (waiting.size() > MAX_WAITING) {
      ChannelHandlerContext oldest = waiting.poll();
      if (oldest != null) {
        oldest.executor().execute(() -> answer(oldest, false));
      }
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
        answer(ctx, bytes.getByte(bytes.readerIndex()) == '*');
      }
    } finally {
      ReferenceCountUtil.release(msg); // nothing a refused client sends is read by anyone
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    forget(ctx);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close(); // a reset while refused: nothing more to tell
  }

  /** Answers once, in the protocol {@code resp} says, and closes. */
  private void answer(ChannelHandlerContext ctx, boolean resp) {
    if (forget(ctx)) {
      ctx.channel().config().setAutoRead(false);
      ctx.writeAndFlush(Unpooled.copiedBuffer(resp ? RESP_REPLY : TEXT_REPLY, StandardCharsets.US_ASCII))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Stops holding the connection; returns whether it was still unanswered. */
  private boolean forget(ChannelHandlerContext ctx) {
    waiting.remove(ctx);
    ScheduledFuture<?> grace = ctx.channel().attr(GRACE).getAndSet(null);
    if (grace == null) {
      return false;
    }
    grace.cancel(false);
    return true;
  }
}
