package io.blinkstore.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * A slow client: flushes reach the socket only when it "reads". Until then replies stay in the channel's
 * outbound buffer, counting towards its write-buffer water marks as they would on a real socket. Added first in
 * an {@link EmbeddedChannel}'s pipeline.
 */
final class FlushGate extends ChannelOutboundHandlerAdapter {
  private ChannelHandlerContext ctx;
  private boolean open;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (open) {
      ctx.flush();
    }
  }

  /** The client reads every reply flushed so far, once. */
  void takeOneFlush() {
    ctx.flush();
    ((EmbeddedChannel) ctx.channel()).runPendingTasks();
  }

  /** From now on the client reads every reply as soon as it is flushed. */
  void open() {
    open = true;
    takeOneFlush();
  }
}
