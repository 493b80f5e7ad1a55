package io.blinkstore.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes RESP2 requests, arrays of bulk strings ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}), into
 * {@link RespRequest.Command}s. One instance per channel. Inline commands are not accepted: on a RESP connection
 * every request must start with {@code *}.
 *
 * <p><b>Limits.</b> Every length is checked against its limit when its header has arrived, before anything is
 * allocated for it; only bytes the client has really sent are ever buffered.
 * <ul>
 *   <li>An array may declare at most {@code maxArrayLength} elements, else {@code invalid multibulk length}.
 *   <li>The bulk strings of one request, as sent ({@code $<length>\r\n}, the bytes and {@code \r\n}), total at
 *       most {@code maxRequestBytes}; a bulk string whose declared length would pass that (or is negative) is
 *       {@code invalid bulk length}. So no argument, and no request, holds more than {@code maxRequestBytes}.
 *   <li>A header line ({@code *<n>} or {@code $<n>}) longer than {@link #MAX_HEADER_BYTES} before its
 *       {@code \r} is {@code too big mbulk count string} / {@code too big bulk count string}.
 * </ul>
 * An array of zero or negative length, and an empty line ({@code \r} and {@code \n} bytes) between requests, are
 * skipped without a reply, as Redis does.
 *
 * <p><b>Errors.</b> Over a limit or malformed, the decoder emits one {@link RespRequest.ProtocolError} carrying
 * Redis's message, and then discards all further input (the handler answers it and closes the connection).
 */
final class RespDecoder extends ByteToMessageDecoder {
  /**
   * The longest header line, {@code *} or {@code $} and its number, before its {@code \r}: a sign and 19
   * digits hold any 64-bit length, so 32 bytes is ample for every well-formed header.
   */
  static final int MAX_HEADER_BYTES = 32;

  /** The most elements an array may declare by default: Redis's bound for unauthenticated clients, 1 Mi. */
  static final int MAX_ARRAY_LENGTH = 1024 * 1024;

  /** {@link #readHeader}'s answer while the header line is incomplete. */
  private static final long NEED_MORE = Long.MIN_VALUE;
  /** {@link #readHeader}'s answer for a header whose number is malformed. */
  private static final long INVALID = Long.MIN_VALUE + 1;

  private final int maxRequestBytes;
  private final int maxArrayLength;

  /** Arguments still expected by the array being read; 0 between requests. */
  private int pendingArgs;
  private List<byte[]> args;
  /** The declared length of the bulk string whose bytes are awaited, or -1 while a header is awaited. */
  private int bulkLength = -1;
  /** Bytes of the current request's bulk strings so far, headers included. */
  private long requestBytes;
  private boolean failed;

  /**
   * Creates a decoder whose requests hold at most {@code maxRequestBytes} of bulk strings, in arrays of at most
   * {@code maxArrayLength} elements.
   *
   * @throws IllegalArgumentException if a limit is not positive
   */
  RespDecoder(int maxRequestBytes, int maxArrayLength) {
    if (maxRequestBytes <= 0 || maxArrayLength <= 0) {
      throw new IllegalArgumentException(
          "limits must be positive, but were " + maxRequestBytes + " and " + maxArrayLength);
    }
    this.maxRequestBytes = maxRequestBytes;
    this.maxArrayLength = maxArrayLength;
  }

  /** Decodes as far as the buffered bytes go, emitting at most one request per call. */
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!failed && in.isReadable()) {
      boolean progressed = pendingArgs == 0 ? readArrayHeader(in, out) : readArgument(in, out);
      if (!progressed || !out.isEmpty()) {
        break;
      }
    }
    if (failed) {
      in.skipBytes(in.readableBytes());
    }
  }

  private boolean readArrayHeader(ByteBuf in, List<Object> out) {
    byte first = in.getByte(in.readerIndex());
    if (first == '\r' || first == '\n') {
      in.skipBytes(1); // an empty line between requests, as redis-cli --pipe sends; Redis ignores it too
      return true;
    }
    if (first != '*') {
      return fail(out, "expected '*', got '" + (char) (first & 0xff) + "'");
    }
    long count = readHeader(in, "mbulk", out);
    if (count == NEED_MORE || failed) {
      return false;
    }
    if (count == INVALID || count > maxArrayLength) {
      return fail(out, "invalid multibulk length");
    }
    if (count > 0) {
      pendingArgs = (int) count;
      // Grows with the arguments that really arrive, never to the declared count up front.
      args = new ArrayList<>(Math.min(pendingArgs, 16));
      requestBytes = 0;
    }
    return true;
  }

  private boolean readArgument(ByteBuf in, List<Object> out) {
    if (bulkLength < 0) {
      return readBulkHeader(in, out);
    }
    if (in.readableBytes() < bulkLength + 2L) {
      return false;
    }
    int end = in.readerIndex() + bulkLength;
    if (in.getByte(end) != '\r' || in.getByte(end + 1) != '\n') {
      return fail(out, "bulk string not followed by CRLF");
    }
    byte[] arg = new byte[bulkLength];
    in.readBytes(arg);
    in.skipBytes(2);
    args.add(arg);
    bulkLength = -1;
    if (--pendingArgs == 0) {
      out.add(new RespRequest.Command(args.toArray(new byte[0][])));
      args = null;
    }
    return true;
  }

  private boolean readBulkHeader(ByteBuf in, List<Object> out) {
    byte first = in.getByte(in.readerIndex());
    if (first != '$') {
      return fail(out, "expected '$', got '" + (char) (first & 0xff) + "'");
    }
    int start = in.readerIndex();
    long length = readHeader(in, "bulk", out);
    if (length == NEED_MORE || failed) {
      return false;
    }
    requestBytes += in.readerIndex() - start;
    if (length == INVALID || length < 0 || requestBytes + length + 2 > maxRequestBytes) {
      return fail(out, "invalid bulk length");
    }
    requestBytes += length + 2;
    bulkLength = (int) length;
    return true;
  }

  /**
   * Reads a header line ({@code *} or {@code $}, a decimal, {@code \r\n}) and returns its number;
   * {@link #NEED_MORE} (nothing consumed) until the line is complete, {@link #INVALID} for a malformed number.
   */
  private long readHeader(ByteBuf in, String kind, List<Object> out) {
    int start = in.readerIndex();
    int searchable = Math.min(in.readableBytes(), MAX_HEADER_BYTES + 1);
    int cr = in.indexOf(start, start + searchable, (byte) '\r');
    if (cr < 0) {
      if (searchable > MAX_HEADER_BYTES) {
        fail(out, "too big " + kind + " count string");
      }
      return NEED_MORE;
    }
    if (cr + 1 >= in.writerIndex()) {
      return NEED_MORE;
    }
    long value = in.getByte(cr + 1) == '\n' ? parseLong(in, start + 1, cr) : INVALID;
    in.readerIndex(cr + 2);
    return value;
  }

  /**
   * Parses an optionally negative decimal of at most 18 digits (more than any limit here) without leading zeros,
   * as Redis's {@code string2ll} does; {@code -0} is invalid too.
   */
  private static long parseLong(ByteBuf in, int from, int to) {
    boolean negative = from < to && in.getByte(from) == '-';
    int digitsFrom = negative ? from + 1 : from;
    int digits = to - digitsFrom;
    if (digits == 0 || digits > 18 || in.getByte(digitsFrom) == '0' && (digits > 1 || negative)) {
      return INVALID;
    }
    long value = 0;
    for (int i = digitsFrom; i < to; i++) {
      byte digit = in.getByte(i);
      if (digit < '0' || digit > '9') {
        return INVALID;
      }
      value = value * 10 + (digit - '0');
    }
    return negative ? -value : value;
  }

  private boolean fail(List<Object> out, String message) {
    failed = true;
    args = null;
    out.add(new RespRequest.ProtocolError(message));
    return false;
  }
}
