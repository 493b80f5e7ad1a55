package io.blinkstore.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Closes, without a reply, a connection whose first line looks like HTTP: a request line such as
 * {@code GET / HTTP/1.1}, or one starting {@code POST } or {@code Host:}. A browser or a server-side request
 * forgery aimed at the store then cannot make it execute the lines that follow (the headers and body), as
 * Redis and memcached refuse the same. Only the first line of a connection is looked at; as soon as it is
 * complete, or cannot be HTTP (its first bytes start no HTTP method nor {@code Host:}, or it is longer than
 * {@link #MAX_FIRST_LINE_BYTES} or the request-line limit), this handler removes itself and hands everything it
 * holds, unchanged, to the protocol handlers after it: an ordinary client's first line passes at once, and an
 * over-long one still meets the decoder's fail-fast limit.
 *
 * <p>{@code GET / HTTP/1.1} is a legal text request for the key {@code / HTTP/1.1}, which no {@code SET} can
 * create (it holds whitespace): the original answers {@code NOT_FOUND}; closing instead is a documented
 * deviation.
 */
public final class HttpRejector extends AccountedDecoder implements RequestProgress {
  public static final String NAME = "blink-http-rejector";

  /** A first line longer than this is not treated as HTTP; it is passed on as it is. */
  static final int MAX_FIRST_LINE_BYTES = 8 * 1024;

  private static final Pattern HTTP_SHAPED = Pattern.compile(
      "(?:(?:GET|HEAD|POST|PUT|DELETE|OPTIONS|PATCH|CONNECT|TRACE) \\S+ HTTP/\\d(?:\\.\\d)?\\r?"
          + "|POST(?: .*)?|(?i:host:).*)", Pattern.DOTALL);

  /** The words an HTTP-shaped first line starts with (HTTP methods are case-sensitive). */
  private static final String[] STARTS = {
    "GET ", "HEAD ", "POST", "PUT ", "DELETE ", "OPTIONS ", "PATCH ", "CONNECT ", "TRACE ", "HOST:"
  };

  private final int maxFirstLineBytes;

  /** Judges first lines of up to {@code maxLineBytes} (at most {@link #MAX_FIRST_LINE_BYTES}) bytes. */
  public HttpRejector(int maxLineBytes) {
    this(maxLineBytes, ClientMemory.Account.DETACHED);
  }

  /** As {@link #HttpRejector(int)}, counting the first line it holds in {@code account}. */
  public HttpRejector(int maxLineBytes, ClientMemory.Account account) {
    super(account);
    this.maxFirstLineBytes = Math.min(maxLineBytes, MAX_FIRST_LINE_BYTES);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    int scan = Math.min(in.readableBytes(), maxFirstLineBytes + 1);
    int newline = in.indexOf(in.readerIndex(), in.readerIndex() + scan, (byte) '\n');
    if (newline >= 0) {
      judge(ctx, in, newline - in.readerIndex());
    } else if (scan > maxFirstLineBytes || !mayStartHttp(in)) {
      passOn(ctx);
    }
    // else: wait for the rest of the first line
  }

  /** Whether the bytes so far begin (or are the beginning of) one of {@link #STARTS}. */
  private static boolean mayStartHttp(ByteBuf in) {
    for (String start : STARTS) {
      if (startsWith(in, start, start.equals("HOST:"))) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsWith(ByteBuf in, String start, boolean ignoreCase) {
    int length = Math.min(start.length(), in.readableBytes());
    for (int i = 0; i < length; i++) {
      int b = in.getByte(in.readerIndex() + i);
      if (ignoreCase && b >= 'a' && b <= 'z') {
        b -= 'a' - 'A';
      }
      if (b != start.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** A first line held here is the connection's first request, unfinished: the request timeout runs meanwhile. */
  @Override
  public long unfinishedRequest() {
    return actualReadableBytes() > 0 ? 0 : NONE;
  }

  /** At end of input, a first line without {@code \n} is judged as it is. */
  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() > maxFirstLineBytes) {
      passOn(ctx);
    } else if (in.isReadable()) {
      judge(ctx, in, in.readableBytes());
    }
  }

  private void judge(ChannelHandlerContext ctx, ByteBuf in, int lineLength) {
    if (isHttp(in.toString(in.readerIndex(), lineLength, StandardCharsets.ISO_8859_1))) {
      in.skipBytes(in.readableBytes());
      ctx.close();
    } else {
      passOn(ctx);
    }
  }

  /** Removes this handler, which hands what it holds to the next one. */
  private void passOn(ChannelHandlerContext ctx) {
    ctx.pipeline().remove(this);
  }

  /** Whether {@code firstLine} (without its {@code \n}) looks like the start of an HTTP request. */
  static boolean isHttp(String firstLine) {
    return HTTP_SHAPED.matcher(firstLine).matches();
  }
}
