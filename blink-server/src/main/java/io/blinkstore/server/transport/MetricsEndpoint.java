package io.blinkstore.server.transport;

import io.blinkstore.server.command.ServerFigures;
import io.blinkstore.server.command.ServerStats;
import io.blinkstore.server.command.SnapshotFigures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The optional Prometheus endpoint: {@code GET /metrics} answers the {@code STATS} figures in the Prometheus
 * text exposition format (version 0.0.4), one connection per scrape. Any other path is 404, any other method
 * 405. It shares the server's event loops; a scrape reads counters only.
 *
 * <p>Scrapers are few and their requests small, so the endpoint is bounded tightly, whoever connects: at most
 * {@link #MAX_CONNECTIONS} connections at once (one more is answered 503 and closed), each closed
 * {@link #DEFAULT_DEADLINE} after it was accepted whether or not its request has arrived (a request trickled a
 * byte at a time holds nothing for long), and a request line of at most {@link #MAX_REQUEST_LINE_BYTES}, headers
 * of at most {@link #MAX_HEADER_BYTES} and a body of at most {@link #MAX_BODY_BYTES} (past them: 414, 431, 413).
 * One instance serves one server's endpoint.
 */
public final class MetricsEndpoint extends ChannelInitializer<Channel> {
  public static final String PATH = "/metrics";
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** The most metrics connections open at once: a handful of scrapers, with room to spare. */
  public static final int MAX_CONNECTIONS = 16;

  /** How long a metrics connection may stay open from its accept, request and response included. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

  /** The longest request line ({@code GET /metrics HTTP/1.1}, with any query). */
  public static final int MAX_REQUEST_LINE_BYTES = 1024;

  /** The most header bytes of one request (a scrape sends a few hundred). */
  public static final int MAX_HEADER_BYTES = 4096;

  /** The largest request body (a scrape sends none). */
  public static final int MAX_BODY_BYTES = 1024;

  private final Supplier<ServerStats> stats;
  private final Supplier<@Nullable SnapshotFigures> snapshots;
  private final long deadlineNanos;
  private final AtomicInteger open = new AtomicInteger();

  public MetricsEndpoint(Supplier<ServerStats> stats) {
    this(stats, DEFAULT_DEADLINE);
  }

  /** An endpoint whose connections are closed {@code deadline} after their accept (shorter ones for tests). */
  public MetricsEndpoint(Supplier<ServerStats> stats, Duration deadline) {
    this(stats, deadline, () -> null);
  }

  /** As {@link #MetricsEndpoint(Supplier, Duration)}, with the server's snapshot figures too. */
  public MetricsEndpoint(Supplier<ServerStats> stats, Duration deadline,
      Supplier<@Nullable SnapshotFigures> snapshots) {
    this.stats = stats;
    this.snapshots = snapshots;
    this.deadlineNanos = deadline.toNanos();
  }

  @Override
  protected void initChannel(Channel channel) {
    channel.pipeline()
        .addLast(new Limits())
        .addLast(new HttpServerCodec(MAX_REQUEST_LINE_BYTES, MAX_HEADER_BYTES, MAX_BODY_BYTES))
        .addLast(new HttpObjectAggregator(MAX_BODY_BYTES))
        .addLast(new Scrape());
  }

  /** The connections open now, those being refused included. */
  int openConnections() {
    return open.get();
  }

  /** Renders {@code stats} in the Prometheus text format. */
  static String render(ServerStats stats) {
    ServerFigures server = stats.server();
    StringBuilder out = new StringBuilder(1024);
    metric(out, "blink_keys", "gauge", "Entries stored now.", stats.keys());
    metric(out, "blink_usage_bytes", "gauge", "Key and value bytes stored now.", stats.usage());
    metric(out, "blink_limit_bytes", "gauge", "The memory limit.", stats.limit());
    metric(out, "blink_hits_total", "counter", "GETs that found a value.", stats.hits());
    metric(out, "blink_misses_total", "counter", "GETs that found nothing.", stats.misses());
    metric(out, "blink_evictions_total", "counter", "Entries evicted to stay within the limit.", stats.evictions());
    metric(out, "blink_expirations_total", "counter", "Entries removed when their time to live passed.",
        stats.expirations());
    metric(out, "blink_expiring_keys", "gauge", "Entries stored now that have a time to live.", stats.expiring());
    metric(out, "blink_uptime_seconds", "gauge", "Seconds since the server started.", server.uptimeSeconds());
    metric(out, "blink_connections", "gauge", "Client connections open now.", server.connections());
    metric(out, "blink_connections_total", "counter", "Client connections accepted.", server.totalConnections());
    metric(out, "blink_commands_total", "counter", "Request lines answered.", server.commands());
    metric(out, "blink_client_memory_bytes", "gauge",
        "Bytes client connections hold: unfinished and waiting requests, names, replies not yet read.",
        server.clientBytes());
    metric(out, "blink_evicted_clients_total", "counter",
        "Connections closed because all together held more than --max-client-memory.", server.evictedClients());
    metric(out, "blink_output_limit_disconnections_total", "counter",
        "Connections closed because their replies not yet sent passed --max-output-bytes.",
        server.outputLimitDisconnections());
    out.append("# HELP blink_hit_ratio Hits / (hits + misses), 0 before any lookup.\n")
        .append("# TYPE blink_hit_ratio gauge\n")
        .append("blink_hit_ratio ").append(server.hitRatioText()).append('\n');
    return out.toString();
  }

  /** Renders {@code stats} and, if not null, {@code snapshot} in the Prometheus text format. */
  static String render(ServerStats stats, @Nullable SnapshotFigures snapshot) {
    String figures = render(stats);
    if (snapshot == null) {
      return figures;
    }
    StringBuilder out = new StringBuilder(figures);
    metric(out, "blink_snapshot_enabled", "gauge", "1 if the server saves snapshots (--snapshot).",
        snapshot.enabled() ? 1 : 0);
    metric(out, "blink_snapshot_in_progress", "gauge", "1 while a snapshot is being saved.",
        snapshot.inProgress() ? 1 : 0);
    metric(out, "blink_snapshot_changes", "gauge", "Writes since the last successful save began.",
        snapshot.changes());
    metric(out, "blink_snapshot_last_success_timestamp_seconds", "gauge",
        "Unix time of the last successful save (of the start before any).", snapshot.lastSaveTime());
    metric(out, "blink_snapshot_last_ok", "gauge", "1 if the last save succeeded (or none was tried), else 0.",
        snapshot.lastOk() ? 1 : 0);
    out.append("# HELP blink_snapshot_last_duration_seconds How long the last save took; -1 before any.\n")
        .append("# TYPE blink_snapshot_last_duration_seconds gauge\n")
        .append("blink_snapshot_last_duration_seconds ").append(snapshot.lastDurationText()).append('\n');
    metric(out, "blink_snapshot_last_entries", "gauge", "Entries the last successful save wrote.",
        snapshot.lastEntries());
    metric(out, "blink_snapshot_last_bytes", "gauge", "Size of the file the last successful save wrote.",
        snapshot.lastBytes());
    metric(out, "blink_snapshot_last_extra_heap_bytes", "gauge",
        "Most heap the last successful save held beyond the store's own.", snapshot.lastExtraHeapBytes());
    metric(out, "blink_snapshot_saves_total", "counter", "Saves begun.", snapshot.saves());
    metric(out, "blink_snapshot_failures_total", "counter", "Saves that failed (the previous file was kept).",
        snapshot.failures());
    return out.toString();
  }

  private static void metric(StringBuilder out, String name, String type, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(' ').append(type).append('\n')
        .append(name).append(' ').append(value).append('\n');
  }

  /**
   * Counts the connection against {@link #MAX_CONNECTIONS} (one more is answered 503 and closed, nothing of it
   * read), and closes it at its deadline, counted from its accept. One instance per connection.
   */
  private final class Limits extends ChannelInboundHandlerAdapter {
    private @Nullable ScheduledFuture<?> deadline;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      deadline = ctx.executor().schedule(() -> ctx.close(), deadlineNanos, TimeUnit.NANOSECONDS);
      if (open.incrementAndGet() > MAX_CONNECTIONS) {
        ctx.channel().config().setAutoRead(false);
        // Through the whole pipeline, so that the HTTP codec after this handler encodes it.
        ctx.channel().writeAndFlush(text(HttpResponseStatus.SERVICE_UNAVAILABLE,
                "at most " + MAX_CONNECTIONS + " metrics connections are served at once\n"))
            .addListener(ChannelFutureListener.CLOSE);
        return;
      }
      ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      open.decrementAndGet();
      if (deadline != null) { // null only if the channel never became active here
        deadline.cancel(false);
      }
      ctx.fireChannelInactive();
    }
  }

  /** Answers one request and closes the connection. */
  private final class Scrape extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String path = request.uri().split("\\?", 2)[0];
      FullHttpResponse response;
      if (request.decoderResult().isFailure()) {
        response = refusal(request.decoderResult().cause());
      } else if (!path.equals(PATH)) {
        response = text(HttpResponseStatus.NOT_FOUND, "not found; try " + PATH + "\n");
      } else if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
        response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET\n");
        response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      } else {
        response = text(HttpResponseStatus.OK, render(stats.get(), snapshots.get()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
      }
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a reset, or a failure of our own: nothing to answer
    }
  }

  /** The answer to a request the codec could not take: 414 or 431 past a limit, else 400. */
  private static FullHttpResponse refusal(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return text(HttpResponseStatus.REQUEST_URI_TOO_LONG,
          "the request line is longer than " + MAX_REQUEST_LINE_BYTES + " bytes\n");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return text(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
          "the headers are longer than " + MAX_HEADER_BYTES + " bytes\n");
    }
    return text(HttpResponseStatus.BAD_REQUEST, "bad request\n");
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body) {
    ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
        .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
    return response;
  }
}
