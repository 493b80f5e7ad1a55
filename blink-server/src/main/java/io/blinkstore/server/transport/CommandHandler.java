package io.blinkstore.server.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one connection's requests in order, on its event loop, and writes their replies. One instance per
 * channel: it keeps the connection's state (not {@code @Sharable}). The protocol is a {@link Session}: the text
 * protocol's ({@link io.blinkstore.server.protocol.text.TextSession}) and RESP's
 * ({@link io.blinkstore.server.protocol.resp.RespSession}) share this ordering, backpressure, flushing
 * and ending logic; requests of any other type are passed on.
 *
 * <p><b>Flushing.</b> Replies are written without flushing and flushed once per read batch, in
 * {@link #channelReadComplete}: a pipelining client costs one write syscall per batch, not one per reply.
 *
 * <p><b>Backpressure.</b> Netty's outbound buffer is unbounded, so a client that pipelines many {@code GET}s of a
 * large value and never reads would otherwise make the server queue replies until it runs out of memory. While
 * the channel is not writable (its outbound bytes are over the write-buffer high-water mark), commands are not
 * executed but queued, and reading stops ({@code autoRead} off). When the channel becomes writable again, the
 * queue is executed until it is empty or the channel is unwritable again; reading resumes once it is empty.
 * Replies therefore never queue much past the high-water mark (plus one reply), and their order always equals
 * the order of the requests.
 *
 * <p>The command queue itself is bounded by what one read can decode. The first command queued turns
 * {@code autoRead} off, which ends the channel's read loop after the current socket read; the decoder still emits
 * every complete line of that read (a {@code ByteToMessageDecoder} decodes all it holds), and those are queued.
 * So the queue holds at most the lines of one read (at most 64 KiB with Netty's default receive-buffer
 * allocator: about 32 Ki lines of two bytes, plus one line begun in an earlier read) and the last line decoded
 * at end of input. It grows again only after it has been emptied and reading has resumed. The same holds for RESP
 * commands, of at least 10 bytes each ({@code *1\r\n$0\r\n\r\n}). What the queue holds counts against
 * {@code --max-client-memory}, each request at the bytes it was received as (its decoder counts them).
 *
 * <p><b>Ending.</b> A request the session says {@linkplain Session#endsConnection ends the connection} (text
 * {@code QUIT}, which writes nothing, or a line over the limit, answered {@code ERROR line too long}; RESP
 * {@code QUIT} or a protocol error) has its reply written, flushed with what is pending, and the connection is
 * ended; anything decoded after it is ignored.
 * When the client shuts its output down (half-closure, {@link io.netty.channel.ChannelOption#ALLOW_HALF_CLOSURE}),
 * every request already received is answered, then the connection is closed. Ending a connection whose client
 * may still be sending closes it gracefully (see {@link #end}). An exception reaching this handler is logged at
 * debug level and closes only this connection.
 */
final class CommandHandler<Q> extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);

  /**
   * How long a connection being ended keeps reading (and discarding) what the client still sends, waiting for
   * it to close its side, before it is closed anyway.
   */
  static final long LINGER_MILLIS = 2_000;

  private final Class<Q> requestType;
  private final Session<Q> session;
  private final @Nullable AccountedDecoder decoder;
  private final ClientMemory.Account account;
  private final ArrayDeque<Queued<Q>> queued = new ArrayDeque<>();
  /** The decoder's {@link AccountedDecoder#decodedBytes} when the last request arrived. */
  private long decodedBefore;
  private long queuedBytes;
  /** Set once the connection is ending (QUIT, an over-long line, end of input): nothing more is executed. */
  private boolean ending;
  /** Set when the client shut its output down: close once every queued command is answered. */
  private boolean inputShutdown;
  private boolean draining;
  private @Nullable Future<?> lingerTimeout;
  /** While a request waits for a {@code CLIENT PAUSE} to end: its retry at the pause's end, else null. */
  private @Nullable Future<?> pauseRetry;
  /** The wake-up an {@code UNPAUSE} runs while a request waits; one per connection. */
  private @Nullable Runnable wake;
  /** The reply a blocked request ({@code BLPOP}) waits for; the requests after it are held meanwhile. */
  private Session.@Nullable Pending pending;
  /** Its timeout on this event loop, if it has one. */
  private @Nullable Future<?> pendingTimeout;

  /** A request held back by backpressure, and the bytes it was received as. */
  private record Queued<Q>(Q request, long bytes) {}

  /** Creates the handler of one connection whose decoder emits requests of {@code requestType}, uncounted. */
  CommandHandler(Class<Q> requestType, Session<Q> session) {
    this(requestType, session, null, ClientMemory.Account.DETACHED);
  }

  /**
   * Creates the handler of one connection whose {@code decoder} emits requests of {@code requestType}; the
   * requests it holds back count in {@code account}.
   */
  CommandHandler(Class<Q> requestType, Session<Q> session, @Nullable AccountedDecoder decoder,
      ClientMemory.Account account) {
    this.requestType = requestType;
    this.session = session;
    this.decoder = decoder;
    this.account = account;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!requestType.isInstance(msg)) {
      ctx.fireChannelRead(msg);
      return;
    }
    Q command = requestType.cast(msg);
    long bytes = receivedBytes();
    if (ending) {
      return;
    }
    Channel channel = ctx.channel();
    if (!queued.isEmpty() || !channel.isWritable() || pending != null) {
      hold(ctx, new Queued<>(command, bytes), false);
      return;
    }
    execute(ctx, new Queued<>(command, bytes));
  }

  /** Holds a request back (first in line if {@code first}) and stops reading until the queue is drained. */
  private void hold(ChannelHandlerContext ctx, Queued<Q> request, boolean first) {
    if (first) {
      queued.addFirst(request);
    } else {
      queued.add(request);
    }
    queuedBytes += request.bytes();
    account.addRequests(request.bytes());
    ctx.channel().config().setAutoRead(false);
  }

  /**
   * Holds {@code request}, which a {@code CLIENT PAUSE} delays by {@code nanos}, first in line: it is retried on
   * this event loop at the pause's end, or earlier if an {@code UNPAUSE} wakes it. No thread waits.
   */
  private void waitForPause(ChannelHandlerContext ctx, Queued<Q> request, long nanos) {
    hold(ctx, request, true);
    Runnable retry = () -> retryAfterPause(ctx);
    pauseRetry = ctx.executor().schedule(retry, nanos, TimeUnit.NANOSECONDS);
    Runnable early = () -> ctx.executor().execute(retry);
    wake = early;
    session.wakeEarly(early);
    if (session.waitNanos(request.request()) == 0) {
      early.run(); // lifted between the first look and the wake-up's registration
    }
  }

  private void retryAfterPause(ChannelHandlerContext ctx) {
    endPauseWait();
    if (ctx.channel().isActive()) {
      drain(ctx);
    }
  }

  private void endPauseWait() {
    if (pauseRetry != null) {
      pauseRetry.cancel(false);
      pauseRetry = null;
    }
    if (wake != null) {
      session.forget(wake);
      wake = null;
    }
  }

  /** The bytes the request just decoded was received as. */
  private long receivedBytes() {
    if (decoder == null) {
      return 0;
    }
    long now = decoder.decodedBytes();
    long bytes = now - decodedBefore;
    decodedBefore = now;
    return bytes;
  }

  /** Takes the next request held back off the queue. */
  private Queued<Q> dequeue() {
    Queued<Q> next = queued.poll();
    queuedBytes -= next.bytes();
    account.addRequests(-next.bytes());
    return next;
  }

  /** Forgets every request held back. */
  private void clearQueue() {
    queued.clear();
    account.addRequests(-queuedBytes);
    queuedBytes = 0;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      drain(ctx);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      // The decoder has already passed on (and the read-complete has flushed) every line of the input.
      inputShutdown = true;
      if (ending) {
        ctx.close(); // the client has stopped sending while we lingered: nothing is left to discard
      } else if (queued.isEmpty() && pending == null) {
        end(ctx);
      }
    }
    ctx.fireUserEventTriggered(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    clearQueue();
    endPauseWait();
    if (pending != null) {
      pending.cancel();
      endWait();
    }
    if (lingerTimeout != null) {
      lingerTimeout.cancel(false);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("closing connection {} after an error", ctx.channel(), cause);
    ctx.close();
  }

  /** Executes queued commands while the channel stays writable, re-flushing as the client takes replies. */
  private void drain(ChannelHandlerContext ctx) {
    if (draining) {
      return; // a flush below made the channel writable again; the loop below carries on by itself
    }
    draining = true;
    try {
      Channel channel = ctx.channel();
      while (!ending && pauseRetry == null && pending == null && !queued.isEmpty() && channel.isWritable()) {
        execute(ctx, dequeue());
        if (!channel.isWritable()) {
          ctx.flush();
        }
      }
      ctx.flush();
    } finally {
      draining = false;
    }
    if (queued.isEmpty() && !ending && pending == null) {
      if (inputShutdown) {
        end(ctx);
      } else {
        ctx.channel().config().setAutoRead(true);
      }
    }
  }

  private void execute(ChannelHandlerContext ctx, Queued<Q> request) {
    Q command = request.request();
    long wait = session.waitNanos(command);
    if (wait > 0) {
      waitForPause(ctx, request, wait);
      return;
    }
    Object reply = session.execute(command);
    Session.Pending later = reply == null ? session.takePending() : null;
    if (later != null) {
      await(ctx, later);
      return;
    }
    if (reply != null) {
      if (!ctx.channel().isActive()) {
        return; // closed without half-closure: the last lines are executed, but nobody is left to answer
      }
      ctx.write(reply, ctx.voidPromise());
    }
    if (session.endsConnection(command)) {
      end(ctx);
    }
  }

  /**
   * Waits, on no thread, for the reply of a request that blocked ({@code BLPOP}): the requests after it are held
   * (as behind backpressure) until it comes, from another connection's write, {@code CLIENT UNBLOCK} or its
   * timeout, armed here on this event loop. A close cancels it ({@link #channelInactive}).
   */
  private void await(ChannelHandlerContext ctx, Session.Pending later) {
    pending = later;
    if (later.timeoutNanos() > 0) {
      pendingTimeout = ctx.executor().schedule(later::timeOut, later.timeoutNanos(), TimeUnit.NANOSECONDS);
    }
    later.whenDone(reply -> ctx.executor().execute(() -> resume(ctx, later, reply)));
  }

  /** The reply {@code later} waited for has come: it is written, and the requests held behind it run. */
  private void resume(ChannelHandlerContext ctx, Session.Pending later, @Nullable Object reply) {
    if (pending != later) {
      return; // the connection closed meanwhile
    }
    endWait();
    if (!ctx.channel().isActive()) {
      return;
    }
    if (reply != null) {
      ctx.write(reply, ctx.voidPromise());
    }
    drain(ctx); // flushes the reply, with those of the requests held behind it
  }

  private void endWait() {
    pending = null;
    if (pendingTimeout != null) {
      pendingTimeout.cancel(false);
      pendingTimeout = null;
    }
  }

  /**
   * Ends the connection at the server's close: nothing more is executed (the requests held back and a blocked
   * one are dropped) and it closes once every reply written so far has gone out. Nothing is written after the
   * close is asked for, so the client's stream ends on a reply boundary: a reply written behind it could otherwise
   * go out in part in the same gathering write that completes it, and be cut by the close.
   */
  void closeAfterReplies(ChannelHandlerContext ctx) {
    ending = true;
    clearQueue();
    endPauseWait();
    if (pending != null) {
      pending.cancel();
      endWait();
    }
    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Ends the connection once every reply written so far has gone out; nothing more is executed. When the client
   * may still be sending (after QUIT or an over-long line), only our side is shut down at first, and its input is
   * read and discarded until it closes its side, or for at most {@link #LINGER_MILLIS}: closing a socket that
   * has unread input makes the kernel send a reset, which destroys replies the client has not read yet (measured
   * here: a client that had sent 3 KB past a 1 KiB line limit lost {@code ERROR line too long} 5 times out of 5).
   */
  private void end(ChannelHandlerContext ctx) {
    ending = true;
    clearQueue();
    Channel channel = ctx.channel();
    ChannelFuture written = ctx.writeAndFlush(Unpooled.EMPTY_BUFFER);
    if (inputShutdown || !(channel instanceof DuplexChannel duplex)) {
      written.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    channel.config().setAutoRead(true);
    written.addListener(future -> {
      if (!future.isSuccess()) {
        channel.close();
        return;
      }
      duplex.shutdownOutput().addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
      lingerTimeout = ctx.executor().schedule(() -> channel.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    });
  }
}
