package io.blinkstore.server.protocol.text;

import io.blinkstore.server.command.Authenticator;
import io.blinkstore.server.transport.AccountedDecoder;
import io.blinkstore.server.transport.ClientMemory;
import io.blinkstore.server.transport.RequestProgress;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AsciiString;
import io.netty.util.ByteProcessor;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Splits the byte stream into lines and parses each into a {@link Command}. One instance per channel.
 *
 * <p>Lines end with {@code \n} only; a lone {@code \r} is an ordinary byte (and, at the end of a line, trimmed
 * by the parser as whitespace). A last line without {@code \n} is decoded when the input ends.
 *
 * <p><b>Line limit.</b> A line may hold at most {@code maxLineBytes} bytes, not counting its {@code \n} nor a
 * {@code \r} right before it (so {@code \r\n} clients get the same limit). The check fails fast: as soon as the
 * buffered part of an unfinished line is certainly over the limit, {@link Command.LineTooLong} is emitted, with no
 * need for a newline to arrive, and from then on all input is discarded (the handler closes the connection).
 * On a server with a token, a line sent before the connection has signed in may hold at most
 * {@link #UNAUTHENTICATED_MAX_LINE_BYTES} (the counterpart of Redis's 16 KiB for a bulk string before
 * {@code AUTH}), so that clients without the token cannot make the server hold large requests.
 *
 * <p><b>Encoding.</b> Lines are decoded as strict UTF-8; a malformed line becomes
 * {@code Invalid("invalid UTF-8")} and the next line is decoded normally.
 */
public final class TextProtocolDecoder extends AccountedDecoder implements RequestProgress {
  static final Command.Invalid INVALID_UTF8 = new Command.Invalid("invalid UTF-8");

  private static final ByteProcessor ASCII = b -> b >= 0;

  /** The longest line of a connection that has not signed in yet (on a server with a token): 16 KiB. */
  static final int UNAUTHENTICATED_MAX_LINE_BYTES = 16 * 1024;

  private final int maxLineBytes;
  private final @Nullable Authenticator authenticator;
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);

  /** Bytes of the unfinished line, from the reader index, already searched for {@code \n}. */
  private int scanned;
  private boolean tooLong;
  /** Lines decoded so far. */
  private long decoded;

  /**
   * Creates a decoder accepting lines of up to {@code maxLineBytes} bytes.
   *
   * @throws IllegalArgumentException if {@code maxLineBytes} is not positive
   */
  public TextProtocolDecoder(int maxLineBytes) {
    this(maxLineBytes, null, ClientMemory.Account.DETACHED);
  }

  /**
   * Creates a decoder accepting lines of up to {@code maxLineBytes} bytes from a connection that has signed in
   * with {@code authenticator} (when not null; until then {@link #UNAUTHENTICATED_MAX_LINE_BYTES}), whose
   * unfinished lines count in {@code account}.
   *
   * @throws IllegalArgumentException if {@code maxLineBytes} is not positive
   */
  public TextProtocolDecoder(int maxLineBytes, @Nullable Authenticator authenticator,
      ClientMemory.Account account) {
    super(account);
    if (maxLineBytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be positive, but was " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
    this.authenticator = authenticator;
  }

  /**
   * Decodes at most one line; {@link io.netty.handler.codec.ByteToMessageDecoder} calls again while bytes are
   * consumed.
   */
  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (tooLong) {
      in.skipBytes(in.readableBytes());
      return;
    }
    int limit = lineLimit(ctx);
    int start = in.readerIndex();
    int newline = in.indexOf(start + scanned, in.writerIndex(), (byte) '\n');
    if (newline < 0) {
      scanned = in.readableBytes();
      if (unfinishedLineTooLong(in, limit)) {
        reject(in, out);
      }
      return;
    }
    scanned = 0;
    int length = newline - start;
    if (contentLength(in, start, length) > limit) {
      reject(in, out);
      return;
    }
    out.add(parse(in, start, length));
    decoded++;
    decoded(length + 1L);
    in.readerIndex(newline + 1);
  }

  /** The longest line the connection may send now: less until it has signed in, on a server with a token. */
  private int lineLimit(ChannelHandlerContext ctx) {
    return authenticator == null || authenticator.isAuthenticated(ctx.channel())
        ? maxLineBytes : Math.min(maxLineBytes, UNAUTHENTICATED_MAX_LINE_BYTES);
  }

  /** The unfinished line is whatever is left buffered: every complete line has been decoded. */
  @Override
  public long unfinishedRequest() {
    return actualReadableBytes() > 0 ? decoded : NONE;
  }

  /**
   * At end of input (the client shut its output down), a last line without {@code \n} (already known to be within
   * the limit) is a request too. A closed connection's is dropped instead: its requests are never executed, with
   * no one left to answer, and decoding a megabyte for each client reset, or closed for holding one, only cost
   * the event loop (52 such clients held it for about 190 ms).
   */
  @Override
  protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    super.decodeLast(ctx, in, out);
    if (in.isReadable() && !tooLong && ctx.channel().isActive()) {
      out.add(parse(in, in.readerIndex(), in.readableBytes()));
      decoded(in.readableBytes());
      in.skipBytes(in.readableBytes());
      scanned = 0;
    }
  }

  /**
   * An unfinished line of {@code limit + 1} bytes ending in {@code \r} may still be a line at the limit followed
   * by {@code \r\n}; anything longer cannot.
   */
  private static boolean unfinishedLineTooLong(ByteBuf in, int limit) {
    long buffered = in.readableBytes();
    if (buffered <= limit) {
      return false;
    }
    return buffered > limit + 1L || in.getByte(in.writerIndex() - 1) != '\r';
  }

  private static int contentLength(ByteBuf in, int start, int length) {
    return length > 0 && in.getByte(start + length - 1) == '\r' ? length - 1 : length;
  }

  private void reject(ByteBuf in, List<Object> out) {
    tooLong = true;
    in.skipBytes(in.readableBytes());
    out.add(Command.LINE_TOO_LONG);
  }

  private Command parse(ByteBuf in, int start, int length) {
    if (in.forEachByte(start, length, ASCII) < 0) {
      // All ASCII: every byte is one char, so the parser reads the line's bytes as they are, with no String of
      // the line: its key becomes a String and its value an array, each copied once from these bytes.
      byte[] bytes = new byte[length];
      in.getBytes(start, bytes);
      return CommandParser.parse(new AsciiString(bytes, false));
    }
    try {
      return CommandParser.parse(utf8.decode(in.nioBuffer(start, length)).toString());
    } catch (CharacterCodingException e) {
      return INVALID_UTF8;
    }
  }
}
