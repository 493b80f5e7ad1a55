package io.blinkstore.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a connection's {@link SlicedReply sliced replies}: at most {@link #SLICES_IN_FLIGHT} slices wait in the
 * connection's outbound buffer at a time, and each slice the socket takes makes room for the next, so a large value
 * goes out as the client reads it, whatever its size, within the output cap ({@code --max-output-bytes}) and with
 * direct memory for two slices only.
 *
 * <p><b>Order.</b> While a reply is being sliced, the connection is not writable (a user-defined writability bit
 * of Netty's, {@link #WRITABILITY_BIT}): {@link CommandHandler} executes no request meanwhile and stops reading, as
 * behind any backpressure, and executes the next once the last slice is written. What other writers send meanwhile
 * (a pub/sub message, a {@code MONITOR} line, the close after {@code QUIT}) waits here, in order, behind the reply.
 *
 * <p><b>Memory.</b> The connection's {@link ClientMemory.Account} counts what this holds ({@code sliced}): the
 * value's bytes not sliced yet, and what waits behind the reply; the slices written count as replies, as every
 * reply does. So the value a client reads slowly counts against {@code --max-client-memory} until it is sent
 * (the stored array stays reachable from here even after a write of the key replaced it): many slow readers of a
 * large value are evicted, biggest first, rather than hold the heap.
 *
 * <p>Installed by {@link #write} before the encoder of the first sliced reply a connection gets: a connection that
 * never gets one pays nothing for it. One instance per connection, on its event loop.
 */
public final class ReplySlicer extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(ReplySlicer.class);

  static final String NAME = "blink-slicer";

  /** Slices written and not yet taken by the socket, at most. */
  static final int SLICES_IN_FLIGHT = 2;

  /** The user-defined writability bit cleared while a reply is being sliced (Netty's bits are 1 to 31). */
  static final int WRITABILITY_BIT = 1;

  private final ClientMemory.Account account;
  private @Nullable ChannelHandlerContext context;
  private @Nullable SlicedReply current;
  /** The promise of the reply being sliced, completed with its last slice. */
  private @Nullable ChannelPromise promise;
  private int inFlight;
  /** What the account counts for this now. */
  private long counted;
  private boolean pumping;
  private final ArrayDeque<Held> behind = new ArrayDeque<>();

  /** A message written while a reply was being sliced, and the bytes it counts for. */
  private record Held(Object message, ChannelPromise promise, long bytes) {}

  ReplySlicer(ClientMemory.Account account) {
    this.account = account;
  }

  /**
   * Writes {@code reply} from {@code ctx} (an encoder's), through the slicer of its pipeline, which is added right
   * before {@code ctx}'s handler if the pipeline has none yet.
   */
  public static void write(ChannelHandlerContext ctx, SlicedReply reply, ChannelPromise promise) {
    ChannelPipeline pipeline = ctx.pipeline();
    if (pipeline.get(NAME) == null) {
      pipeline.addBefore(ctx.name(), NAME, new ReplySlicer(ClientMemory.accountOf(ctx.channel())));
    }
    ctx.write(reply, promise);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    abort(new ClosedChannelException());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    abort(new ClosedChannelException());
    ctx.fireChannelInactive();
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (current != null) {
      long bytes = msg instanceof ByteBuf buf ? buf.readableBytes()
          : msg instanceof SlicedReply reply ? reply.remaining() : 0;
      behind.add(new Held(msg, promise, bytes));
      count(bytes);
    } else if (msg instanceof SlicedReply reply) {
      start(reply, promise);
    } else {
      ctx.write(msg, promise);
    }
  }

  private void start(SlicedReply reply, ChannelPromise replyPromise) {
    current = reply;
    promise = replyPromise;
    count(reply.remaining());
    writable(false);
    pump();
  }

  /**
   * Writes slices while fewer than {@link #SLICES_IN_FLIGHT} wait; after the last one, what waited behind the
   * reply; then, once no reply is being sliced, makes the connection writable again, which may run the next
   * requests at once.
   */
  private void pump() {
    if (pumping) {
      return; // the loop below goes on with whatever reply is current now
    }
    pumping = true;
    try {
      while (current != null && inFlight < SLICES_IN_FLIGHT) {
        writeSlice(current);
      }
    } catch (RuntimeException | Error e) { // a direct buffer refused (DirectMemoryGuard): this connection only
      log.debug("closing {}: a sliced reply failed", channel(), e);
      abort(e);
      context().close();
    } finally {
      pumping = false;
    }
    if (current == null && context().channel().isActive()) {
      writable(true);
    }
  }

  private void writeSlice(SlicedReply reply) {
    ChannelHandlerContext ctx = context();
    long before = reply.remaining();
    ByteBuf slice = reply.next(ctx.alloc());
    count(reply.remaining() - before);
    ChannelPromise replyPromise = null;
    if (reply.done()) {
      replyPromise = promise;
      current = null;
      promise = null;
    }
    inFlight++;
    ctx.write(slice, ctx.newPromise().addListener(new SliceWritten(replyPromise)));
    while (current == null && !behind.isEmpty()) {
      Held held = behind.poll();
      count(-held.bytes());
      if (held.message() instanceof SlicedReply next) {
        start(next, held.promise());
      } else {
        ctx.write(held.message(), held.promise());
      }
    }
  }

  /** When a slice has been taken by the socket: room for the next. */
  private final class SliceWritten implements ChannelFutureListener {
    /** The reply's own promise, for its last slice. */
    private final @Nullable ChannelPromise reply;

    SliceWritten(@Nullable ChannelPromise reply) {
      this.reply = reply;
    }

    @Override
    public void operationComplete(ChannelFuture future) {
      inFlight--;
      if (reply != null) {
        if (future.isSuccess()) {
          reply.trySuccess();
        } else {
          reply.tryFailure(future.cause());
        }
      }
      if (!future.isSuccess()) {
        abort(future.cause());
      } else if (current != null) {
        pump();
        context().flush();
      }
    }
  }

  /** Drops the reply being sliced and what waits behind it: the connection is closing. */
  private void abort(Throwable cause) {
    current = null;
    if (promise != null) {
      failUnlessVoid(promise, cause);
      promise = null;
    }
    for (Held held; (held = behind.poll()) != null; ) {
      ReferenceCountUtil.release(held.message());
      failUnlessVoid(held.promise(), cause);
    }
    count(-counted);
  }

  private static void failUnlessVoid(ChannelPromise promise, Throwable cause) {
    if (!promise.isVoid()) {
      promise.tryFailure(cause);
    }
  }

  private void count(long delta) {
    counted += delta;
    account.addSliced(delta);
  }

  private void writable(boolean writable) {
    ChannelOutboundBuffer outbound = context().channel().unsafe().outboundBuffer();
    if (outbound != null) {
      outbound.setUserDefinedWritability(WRITABILITY_BIT, writable);
    }
  }

  private ChannelHandlerContext context() {
    return Objects.requireNonNull(context, "the slicer is in a pipeline whenever it writes");
  }

  private Object channel() {
    return context().channel();
  }
}
