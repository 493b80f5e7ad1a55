package io.blinkstore.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses a connection's protocol from its first byte, then replaces itself with that protocol's handlers: a
 * RESP array ({@code *}) selects RESP; anything else, and a connection whose input ends before its first byte,
 * selects the text protocol. One instance per channel. On a server that speaks only RESP ({@code respOnly}) it
 * selects RESP whatever the first byte, so that a first request may be an inline command, as on Redis's port.
 *
 * <p>The first byte is in the first non-empty buffer read, so nothing needs accumulating: that buffer is passed
 * on, whole, to the chosen decoder, and the read batch goes on as if the protocol had been installed from the
 * start (one read-complete, so still one flush per batch).
 *
 * <p>Until then it is the last handler, so errors of a connection that has not sent a byte (a client reset
 * right after connecting, as port scanners and killed processes do) end here: logged at debug level, and only
 * that connection is closed, as {@link CommandHandler} does once a protocol is installed.
 */
public final class ProtocolDetector extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(ProtocolDetector.class);

  private final ProtocolPipeline protocols;
  private final boolean respOnly;

  ProtocolDetector(ProtocolPipeline protocols, boolean respOnly) {
    this.protocols = protocols;
    this.respOnly = respOnly;
  }

  /** Whether the connection will speak RESP whatever it sends first. */
  boolean respOnly() {
    return respOnly;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
      choose(ctx, respOnly || bytes.getByte(bytes.readerIndex()) == '*');
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      // The client half-closed without sending: the text handler answers end of input as it always has.
      choose(ctx, respOnly);
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing connection {} before its first byte after an error", ctx.channel(), cause);
    ctx.close();
  }

  private void choose(ChannelHandlerContext ctx, boolean resp) {
    // In this handler's place, so handlers others add after it (before the first byte) stay after the protocol.
    if (resp) {
      protocols.installResp(ctx.pipeline(), ctx.name());
    } else {
      protocols.installText(ctx.pipeline(), ctx.name());
    }
    ctx.pipeline().remove(this);
  }
}
