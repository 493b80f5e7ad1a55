package io.blinkstore.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
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
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The optional Prometheus endpoint: {@code GET /metrics} answers the {@code STATS} figures in the Prometheus
 * text exposition format (version 0.0.4), one connection per scrape. Any other path is 404, any other method
 * 405. It shares the server's event loops; a scrape reads counters only.
 */
final class MetricsEndpoint extends ChannelInitializer<Channel> {
  static final String PATH = "/metrics";
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** The largest request taken (a scrape is a few hundred bytes of headers). */
  private static final int MAX_REQUEST_BYTES = 16 * 1024;
  /** A scrape connection that sends nothing for this long is closed. */
  private static final int IDLE_SECONDS = 30;

  private final Supplier<Reply.Stats> stats;

  MetricsEndpoint(Supplier<Reply.Stats> stats) {
    this.stats = stats;
  }

  @Override
  protected void initChannel(Channel channel) {
    channel.pipeline()
        .addLast(new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS))
        .addLast(new HttpServerCodec())
        .addLast(new HttpObjectAggregator(MAX_REQUEST_BYTES))
        .addLast(new Scrape());
  }

  /** Renders {@code stats} in the Prometheus text format. */
  static String render(Reply.Stats stats) {
    Reply.ServerFigures server = stats.server();
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
    out.append("# HELP blink_hit_ratio Hits / (hits + misses), 0 before any lookup.\n")
        .append("# TYPE blink_hit_ratio gauge\n")
        .append("blink_hit_ratio ").append(server.hitRatioText()).append('\n');
    return out.toString();
  }

  private static void metric(StringBuilder out, String name, String type, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n')
        .append("# TYPE ").append(name).append(' ').append(type).append('\n')
        .append(name).append(' ').append(value).append('\n');
  }

  /** Answers one request and closes the connection. */
  private final class Scrape extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      String path = request.uri().split("\\?", 2)[0];
      FullHttpResponse response;
      if (!path.equals(PATH)) {
        response = text(HttpResponseStatus.NOT_FOUND, "not found; try " + PATH + "\n");
      } else if (!request.method().equals(HttpMethod.GET) && !request.method().equals(HttpMethod.HEAD)) {
        response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use GET\n");
        response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      } else {
        response = text(HttpResponseStatus.OK, render(stats.get()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, CONTENT_TYPE);
      }
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close(); // a malformed or over-long request, or a reset: nothing to answer
    }

    private FullHttpResponse text(HttpResponseStatus status, String body) {
      ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
      response.headers()
          .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
          .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
          .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
      return response;
    }
  }
}
