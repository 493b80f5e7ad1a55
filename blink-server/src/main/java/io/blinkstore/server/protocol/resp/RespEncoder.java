package io.blinkstore.server.protocol.resp;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.Result;
import io.blinkstore.server.transport.ReplySlicer;
import io.blinkstore.server.transport.SlicedReply;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Encodes {@link Result results} in RESP2, each element ending with {@code \r\n}; RESP3's shapes as Redis sends
 * them to a RESP2 client (a map or set as an array, a double as a bulk string, a boolean as {@code :1}/{@code :0},
 * null as the nil bulk string, verbatim text as a bulk string, a push as an array). Stateless, so one instance
 * serves every channel. The buffer is allocated at the reply's exact size, so a value is copied once; a reply
 * that is one value of {@link SlicedReply#LEAST_VALUE_BYTES} or more goes in slices instead, as the client reads.
 */
@Sharable
public final class RespEncoder extends MessageToByteEncoder<Result> {
  public static final RespEncoder INSTANCE = new RespEncoder();

  private static final short CRLF = ('\r' << 8) | '\n';
  private static final byte[] NIL = "$-1\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CRLF_BYTES = {'\r', '\n'};
  private static final byte[] NULL_ARRAY = "*-1\r\n".getBytes(StandardCharsets.US_ASCII);

  private RespEncoder() {
    super(Result.class);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    SlicedReply sliced = sliced(msg);
    if (sliced != null) {
      ReplySlicer.write(ctx, sliced, promise);
    } else {
      super.write(ctx, msg, promise);
    }
  }

  /**
   * {@code msg} as a {@link SlicedReply} if it is a value (a bulk string, present) of at least
   * {@link SlicedReply#LEAST_VALUE_BYTES}, which RESP2 and RESP3 write alike; else null.
   */
  static @Nullable SlicedReply sliced(Object msg) {
    BlinkStore.StoredValue value;
    if (msg instanceof Result.Stored stored) {
      value = stored.value();
    } else if (msg instanceof Result.Bulk bulk) {
      ByteBuffer bytes = bulk.bytes();
      if (bytes == null || bytes.remaining() < SlicedReply.LEAST_VALUE_BYTES) {
        return null;
      }
      value = SlicedReply.bytes(bytes);
    } else {
      return null;
    }
    if (value.length() < SlicedReply.LEAST_VALUE_BYTES) {
      return null;
    }
    byte[] head = ("$" + value.length() + "\r\n").getBytes(StandardCharsets.US_ASCII);
    return SlicedReply.of(head, value, CRLF_BYTES);
  }

  @Override
  protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Result reply, boolean preferDirect) {
    return ctx.alloc().ioBuffer(Math.toIntExact(encodedLength(reply)));
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Result reply, ByteBuf out) {
    write(reply, out);
  }

  /** Appends {@code reply}'s encoding to {@code out}. */
  static void write(Result reply, ByteBuf out) {
    if (reply instanceof Result.Bulk bulk) {
      writeBulk(bulk.bytes(), out);
    } else if (reply instanceof Result.Stored stored) {
      writeStored(stored.value(), out);
    } else if (reply instanceof Result.Simple simple) {
      line('+', simple.text(), out);
    } else if (reply instanceof Result.Int integer) {
      writeInt(integer.value(), out);
    } else if (reply instanceof Result.Error error) {
      line('-', error.line(), out);
    } else if (reply instanceof Result.Array array) {
      writeArray(array.elements(), out);
    } else if (reply instanceof Result.Map map) {
      writeArray(map.keysAndValues(), out);
    } else if (reply instanceof Result.Set set) {
      writeArray(set.elements(), out);
    } else if (reply instanceof Result.Push push) {
      writeArray(push.elements(), out);
    } else if (reply instanceof Result.Double number) {
      writeBulk(ascii(number.resp2Text()), out);
    } else if (reply instanceof Result.Bool bool) {
      writeInt(bool.value() ? 1 : 0, out);
    } else if (reply instanceof Result.Nil) {
      out.writeBytes(NIL);
    } else if (reply instanceof Result.BigNumber number) {
      writeBulk(ascii(number.digits()), out);
    } else if (reply instanceof Result.Attributed attributed) {
      write(attributed.reply(), out);
    } else if (reply instanceof Result.NullArray) {
      out.writeBytes(NULL_ARRAY);
    } else if (reply instanceof Result.Several several) {
      several.replies().forEach(one -> write(one, out));
    } else {
      writeBulk(ascii(((Result.Verbatim) reply).text()), out);
    }
  }

  static void writeBulk(@Nullable ByteBuffer bytes, ByteBuf out) {
    if (bytes == null) {
      out.writeBytes(NIL);
      return;
    }
    out.writeByte('$');
    writeDecimal(bytes.remaining(), out);
    out.writeBytes(bytes.duplicate());
    out.writeShort(CRLF);
  }

  private static void writeStored(BlinkStore.StoredValue value, ByteBuf out) {
    int length = value.length();
    out.writeByte('$');
    writeDecimal(length, out);
    out.ensureWritable(length);
    value.copyTo(out.nioBuffer(out.writerIndex(), length), 0);
    out.writerIndex(out.writerIndex() + length);
    out.writeShort(CRLF);
  }

  private static void writeInt(long value, ByteBuf out) {
    out.writeByte(':');
    writeDecimal(value, out);
  }

  private static void writeArray(List<Result> elements, ByteBuf out) {
    out.writeByte('*');
    writeDecimal(elements.size(), out);
    for (Result element : elements) {
      write(element, out);
    }
  }

  /** Writes {@code value} in decimal and CRLF, without a {@code String} for the common small lengths. */
  static void writeDecimal(long value, ByteBuf out) {
    if (value >= 0 && value < 10) {
      out.writeByte('0' + (int) value);
    } else if (value >= 10 && value < 100) {
      out.writeByte('0' + (int) (value / 10));
      out.writeByte('0' + (int) (value % 10));
    } else {
      out.writeCharSequence(Long.toString(value), StandardCharsets.US_ASCII);
    }
    out.writeShort(CRLF);
  }

  /** Returns the exact number of bytes {@link #write} appends for {@code reply}. */
  public static long encodedLength(Result reply) {
    if (reply instanceof Result.Bulk bulk) {
      return bulkLength(bulk.bytes());
    }
    if (reply instanceof Result.Stored stored) {
      int length = stored.value().length();
      return Integer.toString(length).length() + 3L + length + 2;
    }
    if (reply instanceof Result.Simple simple) {
      return simple.text().length() + 3L;
    }
    if (reply instanceof Result.Int integer) {
      return Long.toString(integer.value()).length() + 3L;
    }
    if (reply instanceof Result.Error error) {
      return error.line().length() + 3L;
    }
    if (reply instanceof Result.Array array) {
      return arrayLength(array.elements());
    }
    if (reply instanceof Result.Map map) {
      return arrayLength(map.keysAndValues());
    }
    if (reply instanceof Result.Set set) {
      return arrayLength(set.elements());
    }
    if (reply instanceof Result.Push push) {
      return arrayLength(push.elements());
    }
    if (reply instanceof Result.Double number) {
      return bulkLength(ascii(number.resp2Text()));
    }
    if (reply instanceof Result.Bool) {
      return 4;
    }
    if (reply instanceof Result.Nil) {
      return NIL.length;
    }
    if (reply instanceof Result.BigNumber number) {
      return bulkLength(ascii(number.digits()));
    }
    if (reply instanceof Result.Attributed attributed) {
      return encodedLength(attributed.reply());
    }
    if (reply instanceof Result.NullArray) {
      return NULL_ARRAY.length;
    }
    if (reply instanceof Result.Several several) {
      return several.replies().stream().mapToLong(RespEncoder::encodedLength).sum();
    }
    return bulkLength(ascii(((Result.Verbatim) reply).text()));
  }

  static long bulkLength(@Nullable ByteBuffer bytes) {
    return bytes == null ? NIL.length : Integer.toString(bytes.remaining()).length() + 3L + bytes.remaining() + 2;
  }

  private static long arrayLength(List<Result> elements) {
    long length = Integer.toString(elements.size()).length() + 3L;
    for (Result element : elements) {
      length += encodedLength(element);
    }
    return length;
  }

  static ByteBuffer ascii(String text) {
    return ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void line(char type, String text, ByteBuf out) {
    out.writeByte(type);
    out.writeCharSequence(text, StandardCharsets.ISO_8859_1);
    out.writeShort(CRLF);
  }
}
