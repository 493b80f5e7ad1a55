package io.blinkstore.server.protocol.resp;

import io.blinkstore.server.transport.AccountedDecoder;
import io.blinkstore.server.transport.ClientMemory;
import io.blinkstore.server.transport.RequestProgress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Decodes RESP2 requests, arrays of bulk strings ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}), into
 * {@link RespRequest.Command}s. One instance per channel. As in Redis, a request that does not start with
 * {@code *} is an inline command, one line split into arguments as Redis splits it ({@link InlineRequest}): the
 * connection chose RESP by its first byte (a {@code *}), and may then send either form.
 *
 * <p><b>Limits.</b> Every length is checked against its limit when its header has arrived, before anything is
 * allocated for it; only bytes the client has really sent are ever buffered.
 * <ul>
 *   <li>An array may declare at most {@code maxArrayLength} elements, else {@code invalid multibulk length}.
 *   <li>The bulk strings of one request, as sent ({@code $<length>\r\n}, the bytes and {@code \r\n}), total at
 *       most {@code maxRequestBytes}; a bulk string whose declared length would pass that (or is negative) is
 *       {@code invalid bulk length}, as is one longer than Redis's {@link #REDIS_MAX_BULK_BYTES}. So no
 *       argument, and no request, holds more than {@code maxRequestBytes}. A request whose bytes, headers
 *       included, would pass what all connections together may hold ({@code --max-client-memory}, which would
 *       only evict it without a reply; less room for its reply) is {@code invalid bulk length (a request may
 *       hold at most <n> bytes: --max-client-memory)}, counted and logged as an eviction.
 *   <li>A header line ({@code *<n>} or {@code $<n>}) longer than {@link #MAX_HEADER_BYTES} before its
 *       {@code \r} is {@code too big mbulk count string} / {@code too big bulk count string}.
 *   <li>An inline command longer than {@link #MAX_INLINE_BYTES} before its {@code \n} is {@code too big inline
 *       request}; one with unbalanced quotes {@code unbalanced quotes in request}.
 *   <li>Before the connection has signed in (on a server with a token), as in Redis 7: an array may declare at
 *       most {@link #UNAUTHENTICATED_MAX_ARRAY_LENGTH} elements, else {@code unauthenticated multibulk length},
 *       and a bulk string at most {@link #UNAUTHENTICATED_MAX_BULK_BYTES} bytes, else
 *       {@code unauthenticated bulk length}. A length Redis itself finds invalid (a malformed number, an array
 *       longer than 2^31-1, a bulk string longer than {@link #REDIS_MAX_BULK_BYTES}) is
 *       {@code invalid ... length} first, as there.
 * </ul>
 * An array of zero or negative length, an empty line ({@code \r} and {@code \n} bytes) between requests and a blank
 * inline command are skipped without a reply, as Redis does.
 *
 * <p><b>Buffering.</b> A request stays in the channel's cumulation buffer, as the text protocol's unfinished
 * lines do, until all of it has arrived: its headers are validated as they come (remembering how far), and only
 * the complete request is copied into argument arrays. Once a bulk string's header has come, the buffer grows no
 * further than its end ({@link AccountedDecoder}), and past 1 MiB it is on the heap. So an unfinished request costs the same memory as an
 * unfinished text line of that size, and counts the same against {@code --max-client-memory}
 * ({@link AccountedDecoder}).
 *
 * <p><b>Errors.</b> Over a limit or malformed, the decoder emits one {@link RespRequest.ProtocolError} carrying
 * Redis's message, and then discards all further input (the handler answers it and closes the connection).
 */
public final class RespDecoder extends AccountedDecoder implements RequestProgress {
  /**
   * The longest header line, {@code *} or {@code $} and its number, before its {@code \r}: a sign and 19
   * digits hold any 64-bit length, so 32 bytes is ample for every well-formed header.
   */
  static final int MAX_HEADER_BYTES = 32;

  /**
   * The most elements an array may declare by default, 1 Mi: Redis 6.2's bound for every client (Redis 7 allows
   * 2^31-1).
   */
  public static final int MAX_ARRAY_LENGTH = 1024 * 1024;

  /**
   * The most bytes of bulk strings one request may hold whatever the server's limits: Redis's default
   * {@code client-query-buffer-limit}, 1 GiB, well inside a buffer's 2 GiB.
   */
  public static final int MAX_REQUEST_BYTES = 1 << 30;

  /** The longest inline command, before its {@code \n}: Redis's {@code PROTO_INLINE_MAX_SIZE}, 64 KiB. */
  static final int MAX_INLINE_BYTES = 64 * 1024;

  /** The most elements an array may declare before the connection has signed in: Redis 7's 10. */
  static final int UNAUTHENTICATED_MAX_ARRAY_LENGTH = 10;

  /** The longest bulk string before the connection has signed in: Redis 7's 16 KiB. */
  static final int UNAUTHENTICATED_MAX_BULK_BYTES = 16 * 1024;

  /**
   * The longest bulk string Redis accepts ({@code proto-max-bulk-len}, 512 MiB), and this decoder: a longer one is
   * {@code invalid bulk length}, before signing in too (not {@code unauthenticated bulk length}), there and here.
   */
  public static final long REDIS_MAX_BULK_BYTES = 512L << 20;

  /** {@link #readHeader}'s answer while the header line is incomplete. */
  private static final long NEED_MORE = Long.MIN_VALUE;
  /** {@link #readHeader}'s answer for a header whose number is malformed. */
  private static final long INVALID = Long.MIN_VALUE + 1;

  private final int maxRequestBytes;
  private final int maxArrayLength;
  /** The longest bulk string: {@link #REDIS_MAX_BULK_BYTES}, or less where the server holds it ({@code serve}). */
  private final long maxBulkBytes;
  private final BooleanSupplier signedOut;

  /** Elements of the array being received; 0 between requests. */
  private int arrayLength;
  /** Elements of that array not yet fully received. */
  private int pendingArgs;
  /** Bytes of the request, from the reader index, already validated. */
  private int scanned;
  /** Bytes of the request's bulk strings so far, headers included. */
  private long requestBytes;
  /** The line length of the header {@link #readHeader} read last, {@code \r\n} included. */
  private int headerLength;
  private boolean failed;
  /** Requests decoded so far. */
  private long decoded;

  /**
   * Creates a decoder whose requests hold at most {@code maxRequestBytes} of bulk strings, in arrays of at most
   * {@code maxArrayLength} elements, for a connection that needs no sign-in.
   *
   * @throws IllegalArgumentException if a limit is not positive
   */
  public RespDecoder(int maxRequestBytes, int maxArrayLength) {
    this(maxRequestBytes, maxArrayLength, () -> false, ClientMemory.Account.DETACHED);
  }

  /**
   * As {@link #RespDecoder(int, int)}, for a connection that is held to the smaller limits of one not signed in
   * while {@code signedOut} says so (asked as each header arrives), and whose unfinished requests count in
   * {@code account}.
   *
   * @throws IllegalArgumentException if a limit is not positive
   */
  public RespDecoder(int maxRequestBytes, int maxArrayLength, BooleanSupplier signedOut, ClientMemory.Account account) {
    this(maxRequestBytes, maxArrayLength, signedOut, account, REDIS_MAX_BULK_BYTES);
  }

  /**
   * As above, with bulk strings of at most {@code maxBulkBytes} (at most {@link #REDIS_MAX_BULK_BYTES}): a longer
   * one is {@code invalid bulk length (a bulk string may hold at most <n> bytes here: --max-value-bytes)}, before
   * any of it is buffered, and the connection is closed.
   *
   * @throws IllegalArgumentException if a limit is not positive
   */
  public RespDecoder(int maxRequestBytes, int maxArrayLength, BooleanSupplier signedOut, ClientMemory.Account account,
      long maxBulkBytes) {
    super(account);
    if (maxRequestBytes <= 0 || maxArrayLength <= 0 || maxBulkBytes <= 0) {
      throw new IllegalArgumentException("limits must be positive, but were " + maxRequestBytes + ", "
          + maxArrayLength + " and " + maxBulkBytes);
    }
    this.maxRequestBytes = maxRequestBytes;
    this.maxArrayLength = maxArrayLength;
    this.signedOut = signedOut;
    this.maxBulkBytes = Math.min(REDIS_MAX_BULK_BYTES, maxBulkBytes);
  }

  /**
   * Decodes at most one request; {@link io.netty.handler.codec.ByteToMessageDecoder} calls again while bytes are
   * consumed.
   */
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (!failed && (arrayLength > 0 || readArrayHeader(in, out))) {
      while (!failed && pendingArgs > 0 && scanArgument(in, out)) {
        pendingArgs--;
      }
      if (!failed && pendingArgs == 0) {
        expect(0);
        out.add(new RespRequest.Command(readArguments(in)));
        decoded++;
        arrayLength = 0;
      }
    }
    if (failed) {
      in.skipBytes(in.readableBytes());
    }
  }

  /**
   * An unfinished request is whatever is left buffered: complete requests are decoded, and the bytes between
   * them and of a failed connection discarded, as soon as they arrive.
   */
  @Override
  public long unfinishedRequest() {
    return actualReadableBytes() > 0 ? decoded : NONE;
  }

  /** Reads the header of the next request; returns whether an array of elements has begun. */
  private boolean readArrayHeader(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    byte first = in.getByte(start);
    if (first == '\r' || first == '\n') {
      in.skipBytes(1); // an empty line between requests, as redis-cli --pipe sends; Redis ignores it too
      return false;
    }
    if (first != '*') {
      readInline(in, out);
      return false;
    }
    long count = readHeader(in, start, "mbulk", out);
    if (count == NEED_MORE) {
      return false;
    }
    if (count > UNAUTHENTICATED_MAX_ARRAY_LENGTH && count <= Integer.MAX_VALUE && signedOut.getAsBoolean()) {
      return fail(out, "unauthenticated multibulk length");
    }
    if (count == INVALID || count > maxArrayLength) {
      return fail(out, "invalid multibulk length");
    }
    if (count <= 0) {
      in.skipBytes(headerLength);
      return false;
    }
    arrayLength = (int) count;
    pendingArgs = arrayLength;
    scanned = headerLength;
    requestBytes = 0;
    return true;
  }

  /**
   * Reads an inline command once its whole line has arrived, emitting it unless it is blank; a line without its
   * {@code \n} after {@link #MAX_INLINE_BYTES} bytes fails. The line is copied out only when it is whole.
   */
  private void readInline(ByteBuf in, List<Object> out) {
    int start = in.readerIndex();
    int searchable = Math.min(in.readableBytes(), MAX_INLINE_BYTES + 1);
    int newline = in.indexOf(start, start + searchable, (byte) '\n');
    if (newline < 0) {
      if (in.readableBytes() > MAX_INLINE_BYTES) {
        fail(out, "too big inline request");
      }
      return;
    }
    int end = newline > start && in.getByte(newline - 1) == '\r' ? newline - 1 : newline;
    byte[] line = new byte[end - start];
    in.getBytes(start, line);
    decoded(newline + 1 - start);
    in.readerIndex(newline + 1);
    byte[][] args = InlineRequest.split(line);
    if (args == null) {
      fail(out, "unbalanced quotes in request");
    } else if (args.length > 0) {
      out.add(new RespRequest.Command(args));
      decoded++;
    }
  }

  /** Validates the next bulk string in place; returns whether all of it has arrived. */
  private boolean scanArgument(ByteBuf in, List<Object> out) {
    int start = in.readerIndex() + scanned;
    if (start >= in.writerIndex()) {
      return false;
    }
    byte first = in.getByte(start);
    if (first != '$') {
      return fail(out, "expected '$', got '" + (char) (first & 0xff) + "'");
    }
    long length = readHeader(in, start, "bulk", out);
    if (length == NEED_MORE) {
      return false;
    }
    if (length > UNAUTHENTICATED_MAX_BULK_BYTES && length <= REDIS_MAX_BULK_BYTES && signedOut.getAsBoolean()) {
      return fail(out, "unauthenticated bulk length");
    }
    if (length == INVALID || length < 0 || length > REDIS_MAX_BULK_BYTES
        || requestBytes + headerLength + length + 2 > maxRequestBytes) {
      return fail(out, "invalid bulk length");
    }
    if (length > maxBulkBytes) {
      return fail(out, "invalid bulk length (a bulk string may hold at most " + maxBulkBytes
          + " bytes here: --max-value-bytes)");
    }
    long requestEnd = (long) scanned + headerLength + length + 2; // from the request's first byte, the reader index
    if (requestEnd > account().largestRequest()) {
      account().refusedRequest(requestEnd);
      return fail(out, "invalid bulk length (a request may hold at most " + account().largestRequest()
          + " bytes: --max-client-memory)");
    }
    long end = (long) start + headerLength + length;
    if (end + 2 > in.writerIndex()) {
      expect(requestEnd); // its buffer grows to hold this bulk string and no more
      return false; // the header is read again when more bytes arrive: it is at most MAX_HEADER_BYTES
    }
    if (in.getByte((int) end) != '\r' || in.getByte((int) end + 1) != '\n') {
      return fail(out, "bulk string not followed by CRLF");
    }
    requestBytes += headerLength + length + 2;
    scanned = (int) end + 2 - in.readerIndex();
    return true;
  }

  /**
   * Copies the complete request out of the buffer and consumes it. Its headers were all validated by
   * {@link #readArrayHeader} and {@link #scanArgument}, so reading them again cannot fail (hence no output list).
   */
  private byte[][] readArguments(ByteBuf in) {
    byte[][] args = new byte[arrayLength][];
    int position = in.readerIndex();
    readHeader(in, position, "mbulk", null);
    position += headerLength;
    for (int i = 0; i < args.length; i++) {
      int length = (int) readHeader(in, position, "bulk", null);
      position += headerLength;
      args[i] = new byte[length];
      in.getBytes(position, args[i]);
      position += length + 2;
    }
    decoded(position - in.readerIndex());
    in.readerIndex(position);
    return args;
  }

  /**
   * Reads the header line at {@code start} ({@code *} or {@code $}, a decimal, {@code \r\n}) without consuming it,
   * and returns its number, setting {@link #headerLength}; {@link #NEED_MORE} until the line is complete,
   * {@link #INVALID} for a malformed number. A header read again ({@link #readArguments}) was validated: its
   * {@code out} is null, where nothing can fail.
   */
  private long readHeader(ByteBuf in, int start, String kind, @Nullable List<Object> out) {
    int searchable = Math.min(in.writerIndex() - start, MAX_HEADER_BYTES + 1);
    int cr = in.indexOf(start, start + searchable, (byte) '\r');
    if (cr < 0) {
      if (searchable > MAX_HEADER_BYTES) {
        fail(Objects.requireNonNull(out, "a header read again was validated"), "too big " + kind + " count string");
      }
      return NEED_MORE;
    }
    if (cr + 1 >= in.writerIndex()) {
      return NEED_MORE;
    }
    headerLength = cr + 2 - start;
    return in.getByte(cr + 1) == '\n' ? parseLong(in, start + 1, cr) : INVALID;
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

  /** Emits the protocol error; returns false, so callers can {@code return fail(...)} to stop. */
  private boolean fail(List<Object> out, String message) {
    failed = true;
    expect(0);
    arrayLength = 0;
    out.add(new RespRequest.ProtocolError(message));
    return false;
  }
}
