package io.blinkstore.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Encodes {@link RespReply replies} in RESP2, each element ending with {@code \r\n}. Stateless, so one instance
 * serves every channel. The buffer is allocated at the reply's exact size, so a large value is copied once.
 */
@Sharable
final class RespEncoder extends MessageToByteEncoder<RespReply> {
  static final RespEncoder INSTANCE = new RespEncoder();

  private static final short CRLF = ('\r' << 8) | '\n';

  private RespEncoder() {
    super(RespReply.class);
  }

  @Override
  protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, RespReply reply, boolean preferDirect) {
    return ctx.alloc().ioBuffer(Math.toIntExact(encodedLength(reply)));
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, RespReply reply, ByteBuf out) {
    write(reply, out);
  }

  /** Appends {@code reply}'s encoding to {@code out}. */
  static void write(RespReply reply, ByteBuf out) {
    if (reply instanceof RespReply.Simple simple) {
      line('+', simple.text(), out);
    } else if (reply instanceof RespReply.Error error) {
      line('-', error.message(), out);
    } else if (reply instanceof RespReply.Int integer) {
      line(':', Long.toString(integer.value()), out);
    } else if (reply instanceof RespReply.Bulk bulk) {
      ByteBuffer bytes = bulk.bytes();
      if (bytes == null) {
        line('$', "-1", out);
      } else {
        line('$', Integer.toString(bytes.remaining()), out);
        out.writeBytes(bytes.duplicate());
        out.writeShort(CRLF);
      }
    } else if (reply instanceof RespReply.Stored stored) {
      int length = stored.value().length();
      line('$', Integer.toString(length), out);
      out.ensureWritable(length);
      stored.value().copyTo(out.nioBuffer(out.writerIndex(), length), 0);
      out.writerIndex(out.writerIndex() + length);
      out.writeShort(CRLF);
    } else if (reply instanceof RespReply.Array array) {
      line('*', Integer.toString(array.elements().size()), out);
      for (RespReply element : array.elements()) {
        write(element, out);
      }
    }
  }

  /** Returns the exact number of bytes {@link #write} appends for {@code reply}. */
  static long encodedLength(RespReply reply) {
    if (reply instanceof RespReply.Simple simple) {
      return simple.text().length() + 3L;
    }
    if (reply instanceof RespReply.Error error) {
      return error.message().length() + 3L;
    }
    if (reply instanceof RespReply.Int integer) {
      return Long.toString(integer.value()).length() + 3L;
    }
    if (reply instanceof RespReply.Bulk bulk) {
      ByteBuffer bytes = bulk.bytes();
      return bytes == null ? 5 : Integer.toString(bytes.remaining()).length() + 3L + bytes.remaining() + 2;
    }
    if (reply instanceof RespReply.Stored stored) {
      int length = stored.value().length();
      return Integer.toString(length).length() + 3L + length + 2;
    }
    RespReply.Array array = (RespReply.Array) reply;
    long length = Integer.toString(array.elements().size()).length() + 3L;
    for (RespReply element : array.elements()) {
      length += encodedLength(element);
    }
    return length;
  }

  private static void line(char type, String text, ByteBuf out) {
    out.writeByte(type);
    out.writeCharSequence(text, StandardCharsets.ISO_8859_1);
    out.writeShort(CRLF);
  }
}
