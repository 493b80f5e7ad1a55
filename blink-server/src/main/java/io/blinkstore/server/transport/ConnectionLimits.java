package io.blinkstore.server.transport;

import com.sun.management.UnixOperatingSystemMXBean;
import io.blinkstore.server.command.Dispatcher;
import io.blinkstore.server.command.LiveSetting;
import io.blinkstore.server.command.ServerCounters;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection-level limits, installed at the head of every connection's pipeline, before any protocol
 * handler, so they hold whatever protocol the connection speaks: the number of connections (and the file
 * descriptors they need), the idle timeout, the request timeout (a request that never completes) and the cap on a
 * connection's pending output. One instance serves a whole server.
 */
public final class ConnectionLimits {
  static final String MAX_CONNECTIONS = "blink-max-connections";
  static final String OUTPUT_CAP = "blink-output-cap";
  static final String IDLE_TIMEOUT = "blink-idle-timeout";
  static final String REQUEST_TIMEOUT = "blink-request-timeout";

  /**
   * The file descriptors kept for what is not a client connection: the listeners, the event loops' own (three
   * each), the JVM's (about 20 here: its jar, its modules, its random sources, the log), a snapshot file, the
   * {@link SpareDescriptor}, the metrics endpoint's {@link MetricsEndpoint#MAX_CONNECTIONS}, and connections
   * being refused ({@link ConnectionRefusals#MAX_WAITING}); Redis keeps 32 of its own and sizes its event loop for
   * 96 more.
   */
  static final int RESERVED_DESCRIPTORS = 128;

  /**
   * At most one warning line per this many nanoseconds for connections closed by the output cap (one minute): a
   * flood of slow clients must not flood the log; every one is counted ({@code INFO}'s {@code blink_output_limit_disconnections}).
   */
  static final long OUTPUT_CAP_WARNING_NANOS = TimeUnit.MINUTES.toNanos(1);

  private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);

  private final ServerCounters counters;
  /** Changed by {@code CONFIG SET maxclients} ({@link #maxConnections(int)}); read as each connection opens. */
  private volatile int maxConnections;
  /** Changed by {@code CONFIG SET timeout} ({@link #idleTimeout(long, Iterable)}); read at each idle check. */
  private volatile long idleTimeoutMillis;
  private final long requestTimeoutMillis;
  private final MaxConnections maxConnectionsHandler = new MaxConnections();
  private final OutputCap outputCap;
  private final @Nullable SpareDescriptor spare;
  /** Connections waiting to sign in, on a server with a token; null without one. */
  private final @Nullable SignInDeadline signIn;
  /** Created with the limits, so that its class is loaded before descriptors can run short. */
  private final ConnectionRefusals refusals = new ConnectionRefusals();

  /**
   * @param maxConnections the most connections open at once
   * @param idleTimeoutMillis close a connection that sends nothing and takes none of its replies for this long; 0: never
   * @param requestTimeoutMillis close a connection whose request stays unfinished this long; 0: never
   * @param maxOutputBytes close a connection whose replies not yet sent pass this many bytes
   */
  public ConnectionLimits(ServerCounters counters, int maxConnections, long idleTimeoutMillis,
      long requestTimeoutMillis, long maxOutputBytes) {
    this(counters, maxConnections, idleTimeoutMillis, requestTimeoutMillis, maxOutputBytes, null, null);
  }

  /**
   * As {@link #ConnectionLimits(ServerCounters, int, long, long, long)}, with the server's {@code spare}
   * descriptor (while it is out, every new connection is refused) and, on a server with a token, its
   * {@code signIn} deadline (a connection that has not signed in is closed at it, and the one waiting longest to
   * sign in makes room for a new connection at the bound); either may be null.
   */
  public ConnectionLimits(ServerCounters counters, int maxConnections, long idleTimeoutMillis,
      long requestTimeoutMillis, long maxOutputBytes, @Nullable SpareDescriptor spare,
      @Nullable SignInDeadline signIn) {
    this.counters = counters;
    this.spare = spare;
    this.signIn = signIn;
    this.maxConnections = maxConnections;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.requestTimeoutMillis = requestTimeoutMillis;
    this.outputCap = new OutputCap(maxOutputBytes);
  }

  /**
   * The most client connections the descriptor limit allows ({@code ulimit -n}, as the JVM has raised it), less
   * {@link #RESERVED_DESCRIPTORS}, and at most {@code cap}; {@code cap} where the limit is not known.
   */
  public static int maxConnectionsFor(long descriptorLimit, int cap) {
    if (descriptorLimit <= 0) {
      return cap;
    }
    return (int) Math.max(1, Math.min(cap, descriptorLimit - RESERVED_DESCRIPTORS));
  }

  /**
   * Warns when {@code maxConnections} is more than the descriptor limit allows: clients past it are still told the
   * server is full and closed (through the {@link SpareDescriptor}), but the server may also run short of
   * descriptors for anything else it opens.
   */
  public static void warnIfDescriptorsShort(int maxConnections) {
    long limit = descriptorLimit();
    int allowed = maxConnectionsFor(limit, Integer.MAX_VALUE);
    if (limit > 0 && maxConnections > allowed) {
      log.warn("--max-connections {} is more than the descriptor limit allows ({} with ulimit -n {}): clients past"
          + " that are told the server is full; lower --max-connections or raise the limit", maxConnections,
          allowed, limit);
    }
  }

  /** This process's descriptor limit, or -1 where the platform does not tell it. */
  public static long descriptorLimit() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
        ? unix.getMaxFileDescriptorCount() : -1;
  }

  /**
   * Why the server cannot take {@code count} connections (Redis's {@code maxclients} error with the most the
   * descriptor limit allows), or null if it can.
   */
  public static @Nullable String maxConnectionsRefusal(long count) {
    int allowed = maxConnectionsFor(descriptorLimit(), Integer.MAX_VALUE);
    return count <= allowed ? null
        : "The operating system is not able to handle the specified number of clients, try with " + allowed;
  }

  /** Makes {@code count} the most connections open at once; connections open already stay open, as in Redis. */
  public void maxConnections(int count) {
    maxConnections = count;
  }

  /** The most connections open at once, now. */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * Reports {@code maxclients} and {@code timeout} (in whole seconds) to {@code dispatcher}'s {@code CONFIG GET},
   * and lets its {@code CONFIG SET} change them: the timeout for the connections in {@code open} too.
   */
  public void configure(Dispatcher dispatcher, Iterable<Channel> open) {
    dispatcher.reportSettings(Map.of("maxclients", Integer.toString(maxConnections),
        "timeout", Long.toString(idleTimeoutMillis / 1000)));
    dispatcher.liveSetting("maxclients", new LiveSetting() {
      @Override
      public @Nullable String refusal(long count) {
        return maxConnectionsRefusal(count);
      }

      @Override
      public void apply(long count) {
        maxConnections((int) count);
      }
    });
    dispatcher.liveSetting("timeout", new LiveSetting() {
      @Override
      public @Nullable String refusal(long seconds) {
        return null;
      }

      @Override
      public void apply(long seconds) {
        idleTimeout(TimeUnit.SECONDS.toMillis(seconds), open);
      }
    });
  }

  /**
   * Makes {@code millis} the idle timeout (0: none) of every connection, the {@code open} ones included: each
   * rechecks on its own event loop, from the last time it was active, so one idle longer than the new timeout
   * closes at once.
   */
  public void idleTimeout(long millis, Iterable<Channel> open) {
    idleTimeoutMillis = millis;
    for (Channel channel : open) {
      if (channel.pipeline().get(IDLE_TIMEOUT) instanceof IdleTimeout idle) {
        channel.eventLoop().execute(idle::restart);
      }
    }
  }

  /** Adds the limits' handlers at the end of {@code pipeline}; call before installing the protocol. */
  public void install(ChannelPipeline pipeline) {
    pipeline.addLast(MAX_CONNECTIONS, maxConnectionsHandler);
    pipeline.addLast(OUTPUT_CAP, outputCap);
    // Always: the timeout may be set later (CONFIG SET timeout); without one it schedules nothing.
    pipeline.addLast(IDLE_TIMEOUT, new IdleTimeout());
    if (requestTimeoutMillis > 0) {
      pipeline.addLast(REQUEST_TIMEOUT, new RequestTimeout(requestTimeoutMillis));
    }
  }

  /**
   * Counts connections; one over the limit, or accepted while descriptors are short, is told so in its protocol
   * and closed ({@link ConnectionRefusals}), as Redis's {@code maxclients}; unless, on a server with a token, a
   * connection that has not signed in yet can make room for it ({@link SignInDeadline}).
   */
  @Sharable
  private final class MaxConnections extends ChannelInboundHandlerAdapter {
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      boolean descriptorsShort = spare != null && spare.isShort();
      boolean full = counters.connectionOpened() > maxConnections;
      if (descriptorsShort || full && (signIn == null || !signIn.makeRoom())) {
        log.debug("refusing {}: {} connections are open, descriptors {}", ctx.channel(), maxConnections,
            descriptorsShort ? "short" : "enough");
        if (spare != null) {
          ctx.channel().closeFuture().addListener(closed -> spare.takeBack());
        }
        refusals.refuse(ctx,
            descriptorsShort ? ConnectionRefusals.SHORT_GRACE_MILLIS : ConnectionRefusals.GRACE_MILLIS);
        return;
      }
      if (signIn != null) {
        signIn.watch(ctx.channel());
      }
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      counters.connectionClosed();
      ctx.fireChannelInactive();
    }
  }

  /**
   * Closes a connection whose pending output (written, not yet taken by the client) passes a hard cap. The
   * protocol handlers already stop executing requests while a connection is not writable, so this is the last
   * line of defence: Netty's outbound buffer is unbounded, and its water marks only flip
   * {@code isWritable()}. Each connection it closes is counted ({@link ServerCounters#outputLimitReached}) and
   * logged at WARN with its address, at most once a minute ({@link WarningRate}), as Redis logs each client closed
   * for its output buffer limits. After each flush, and when the connection turns writable again, it tells the
   * connection's {@link ClientMemory.Account} how many reply bytes are still waiting.
   */
  @Sharable
  private final class OutputCap extends ChannelDuplexHandler {
    private final long maxOutputBytes;
    private final WarningRate warnings = new WarningRate(OUTPUT_CAP_WARNING_NANOS, System.nanoTime());

    OutputCap(long maxOutputBytes) {
      this.maxOutputBytes = maxOutputBytes;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      ctx.write(msg, promise);
      ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
      if (buffer != null && buffer.totalPendingWriteBytes() > maxOutputBytes && ctx.channel().isActive()) {
        counters.outputLimitReached();
        long heldBack = warnings.admit(System.nanoTime());
        if (heldBack >= 0) {
          log.warn("closing client {}: over {} bytes of replies are waiting for it (--max-output-bytes){}",
              ClientMemory.describe(ctx.channel().remoteAddress()), maxOutputBytes,
              heldBack == 0 ? "" : "; " + heldBack + " more closed for it since the last such line");
        }
        ctx.close();
      }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
      ctx.flush();
      countReplies(ctx);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      countReplies(ctx);
      ctx.fireChannelWritabilityChanged();
    }

    private static void countReplies(ChannelHandlerContext ctx) {
      ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
      ClientMemory.accountOf(ctx.channel()).replies(buffer == null ? 0 : buffer.totalPendingWriteBytes());
    }
  }

  /**
   * Closes a connection idle for a while (no error: the client may be gone). Idle means that it sent nothing
   * and that none of its replies went out: a client working slowly through a long pipeline's replies is not read
   * from meanwhile (backpressure), yet it is busy, as in Redis, where writing a reply counts as interaction.
   * Output is observed at each check, from the outbound buffer (what is pending, and how far the reply being
   * written has got), so the write path pays nothing; a read costs one clock read per batch. The timeout is read
   * at each check, so a change applies to every connection. One instance per connection.
   */
  private final class IdleTimeout extends ChannelInboundHandlerAdapter {
    private long lastActive = System.nanoTime();
    private @Nullable ChannelHandlerContext context;
    private @Nullable ScheduledFuture<?> check;
    private long pendingBytes;
    private long progress;
    /** The identity of the message being written; not the message, which must not be kept alive. */
    private int current;

    private long nanos() {
      return TimeUnit.MILLISECONDS.toNanos(idleTimeoutMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      context = ctx;
      if (ctx.channel().isActive()) {
        start(ctx);
      }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      start(ctx);
      ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      lastActive = System.nanoTime();
      ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (check != null) {
        check.cancel(false);
        check = null;
      }
      ctx.fireChannelInactive();
    }

    private void start(ChannelHandlerContext ctx) {
      if (check == null) {
        lastActive = System.nanoTime();
        if (nanos() > 0) {
          schedule(ctx, nanos());
        }
      }
    }

    /** After a change of the timeout, on the connection's event loop: checks again, at once. */
    void restart() {
      ChannelHandlerContext ctx = context;
      if (check != null) {
        check.cancel(false);
        check = null;
      }
      if (ctx != null && ctx.channel().isActive()) {
        check(ctx);
      }
    }

    private void schedule(ChannelHandlerContext ctx, long delayNanos) {
      check = ctx.executor().schedule(() -> check(ctx), delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
      long nanos = nanos();
      if (!ctx.channel().isActive() || nanos == 0) {
        check = null;
        return;
      }
      long now = System.nanoTime();
      if (outputMoved(ctx)) {
        lastActive = now;
      }
      long idle = now - lastActive;
      if (idle >= nanos) {
        log.debug("closing idle connection {}", ctx.channel());
        ctx.close();
      } else {
        schedule(ctx, nanos - idle);
      }
    }

    /** Whether replies went out since the last check (compared by what is pending and the write's progress). */
    private boolean outputMoved(ChannelHandlerContext ctx) {
      ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
      if (buffer == null) {
        return false;
      }
      long nowPending = buffer.totalPendingWriteBytes();
      long nowProgress = buffer.currentProgress();
      int nowCurrent = System.identityHashCode(buffer.current());
      boolean moved = nowPending != pendingBytes || nowProgress != progress || nowCurrent != current;
      pendingBytes = nowPending;
      progress = nowProgress;
      current = nowCurrent;
      return moved;
    }
  }

  /**
   * Closes a connection whose request stays unfinished too long (slowloris: a request sent a byte at a time, or
   * never ended). The handler that assembles requests ({@link RequestProgress}: the protocol's decoder, or the
   * HTTP check before it) says after each read which request is partly received; that request is timed from the
   * read that began it until it is complete, and the bytes in between do not reset the clock. A client whose
   * reads all end inside some request (a long pipeline) is timed per request, so it is not cut off while its
   * requests keep completing. One instance per connection.
   */
  private static final class RequestTimeout extends ChannelInboundHandlerAdapter {
    private final long millis;
    private @Nullable ScheduledFuture<?> timeout;
    /** The number of the request being timed, or {@link RequestProgress#NONE}. */
    private long timedRequest = RequestProgress.NONE;
    /**
     * The handler that tells request progress, found again only once it has left the pipeline (searching the
     * pipeline on every read cost a loaded server about 1.5% of its CPU).
     */
    private @Nullable ChannelHandlerContext progress;

    RequestTimeout(long millis) {
      this.millis = millis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ctx.fireChannelRead(msg); // decoded, and handed on, before the decoder is asked about it
      if (progress == null || progress.isRemoved()) {
        progress = ctx.pipeline().context(RequestProgress.class);
      }
      long unfinished = progress == null
          ? RequestProgress.NONE : ((RequestProgress) progress.handler()).unfinishedRequest();
      if (unfinished != timedRequest) {
        cancel();
        timedRequest = unfinished;
        if (unfinished != RequestProgress.NONE) {
          timeout = ctx.executor().schedule(() -> timedOut(ctx), millis, TimeUnit.MILLISECONDS);
        }
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      cancel();
      ctx.fireChannelInactive();
    }

    private void timedOut(ChannelHandlerContext ctx) {
      log.debug("closing {}: a request stayed unfinished for {} ms", ctx.channel(), millis);
      ctx.close();
    }

    private void cancel() {
      if (timeout != null) {
        timeout.cancel(false);
        timeout = null;
      }
    }
  }
}
