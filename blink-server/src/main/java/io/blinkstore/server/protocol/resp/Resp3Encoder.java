package io.blinkstore.server.protocol.resp;

import io.blinkstore.server.command.Result;
import io.blinkstore.server.transport.ReplySlicer;
import io.blinkstore.server.transport.SlicedReply;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.MessageToByteEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Encodes {@link Result results} in RESP3, for a connection that asked for it with {@code HELLO 3}, as Redis 7.0
 * writes each shape to such a client: a map {@code %<pairs>}, a set {@code ~<n>}, a push {@code ><n>}, a double
 * {@code ,<text>}, a boolean {@code #t}/{@code #f}, verbatim text {@code =<n>\r\ntxt:...}, and every absent value
 * (an absent bulk string or {@link Result.Nil}) the null {@code _}. Statuses, errors, integers and present bulk
 * strings are the same bytes as in RESP2, written by {@link RespEncoder}. Stateless, so one instance serves every
 * channel; the connection's pipeline swaps it for {@link RespEncoder#INSTANCE} and back as {@code HELLO} asks.
 */
@Sharable
public final class Resp3Encoder extends MessageToByteEncoder<Result> {
  public static final Resp3Encoder INSTANCE = new Resp3Encoder();

  private static final byte[] NULL = "_\r\n".getBytes(StandardCharsets.US_ASCII);

  private Resp3Encoder() {
    super(Result.class);
  }

  /** As {@link RespEncoder#write}: a large value goes in slices. */
  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    SlicedReply sliced = RespEncoder.sliced(msg);
    if (sliced != null) {
      ReplySlicer.write(ctx, sliced, promise);
    } else {
      super.write(ctx, msg, promise);
    }
  }

  @Override
  protected ByteBuf allocateBuffer(ChannelHandlerContext ctx, Result reply, boolean preferDirect) {
    return ctx.alloc().ioBuffer(Math.toIntExact(encodedLength(reply)));
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Result reply, ByteBuf out) {
    write(reply, out);
  }

  /** Appends {@code reply}'s RESP3 encoding to {@code out}. */
  static void write(Result reply, ByteBuf out) {
    if (isNull(reply)) {
      out.writeBytes(NULL);
    } else if (reply instanceof Result.Array array) {
      writeAggregate('*', array.elements().size(), array.elements(), out);
    } else if (reply instanceof Result.Map map) {
      writeAggregate('%', map.keysAndValues().size() / 2, map.keysAndValues(), out);
    } else if (reply instanceof Result.Set set) {
      writeAggregate('~', set.elements().size(), set.elements(), out);
    } else if (reply instanceof Result.Push push) {
      writeAggregate('>', push.elements().size(), push.elements(), out);
    } else if (reply instanceof Result.Double number) {
      out.writeByte(',');
      out.writeCharSequence(number.resp2Text(), StandardCharsets.US_ASCII);
      out.writeByte('\r').writeByte('\n');
    } else if (reply instanceof Result.Bool bool) {
      out.writeByte('#').writeByte(bool.value() ? 't' : 'f').writeByte('\r').writeByte('\n');
    } else if (reply instanceof Result.Verbatim verbatim) {
      out.writeByte('=');
      RespEncoder.writeDecimal(verbatimBytes(verbatim), out);
      out.writeCharSequence(verbatim.format(), StandardCharsets.US_ASCII);
      out.writeByte(':');
      out.writeCharSequence(verbatim.text(), StandardCharsets.ISO_8859_1);
      out.writeByte('\r').writeByte('\n');
    } else if (reply instanceof Result.BigNumber number) {
      out.writeByte('(');
      out.writeCharSequence(number.digits(), StandardCharsets.US_ASCII);
      out.writeByte('\r').writeByte('\n');
    } else if (reply instanceof Result.Attributed attributed) {
      writeAggregate('|', attributed.attributes().size() / 2, attributed.attributes(), out);
      write(attributed.reply(), out);
    } else if (reply instanceof Result.Several several) {
      several.replies().forEach(one -> write(one, out));
    } else {
      RespEncoder.write(reply, out); // the shapes RESP2 and RESP3 share, none of them an aggregate
    }
  }

  private static void writeAggregate(char type, int count, List<Result> elements, ByteBuf out) {
    out.writeByte(type);
    RespEncoder.writeDecimal(count, out);
    for (Result element : elements) {
      write(element, out);
    }
  }

  /** Returns the exact number of bytes {@link #write} appends for {@code reply}. */
  public static long encodedLength(Result reply) {
    if (isNull(reply)) {
      return NULL.length;
    }
    if (reply instanceof Result.Array array) {
      return aggregateLength(array.elements().size(), array.elements());
    }
    if (reply instanceof Result.Map map) {
      return aggregateLength(map.keysAndValues().size() / 2, map.keysAndValues());
    }
    if (reply instanceof Result.Set set) {
      return aggregateLength(set.elements().size(), set.elements());
    }
    if (reply instanceof Result.Push push) {
      return aggregateLength(push.elements().size(), push.elements());
    }
    if (reply instanceof Result.Double number) {
      return number.resp2Text().length() + 3L;
    }
    if (reply instanceof Result.Bool) {
      return 4;
    }
    if (reply instanceof Result.Verbatim verbatim) {
      int length = verbatimBytes(verbatim);
      return Integer.toString(length).length() + 3L + length + 2;
    }
    if (reply instanceof Result.BigNumber number) {
      return number.digits().length() + 3L;
    }
    if (reply instanceof Result.Attributed attributed) {
      return aggregateLength(attributed.attributes().size() / 2, attributed.attributes())
          + encodedLength(attributed.reply());
    }
    if (reply instanceof Result.Several several) {
      return several.replies().stream().mapToLong(Resp3Encoder::encodedLength).sum();
    }
    return RespEncoder.encodedLength(reply);
  }

  private static boolean isNull(Result reply) {
    return reply instanceof Result.Nil || reply instanceof Result.NullArray || reply instanceof Result.Bulk bulk && bulk.bytes() == null;
  }

  /** The verbatim string's length as sent: its three-letter format, a colon and its text. */
  private static int verbatimBytes(Result.Verbatim verbatim) {
    return verbatim.format().length() + 1 + verbatim.text().length();
  }

  private static long aggregateLength(int count, List<Result> elements) {
    long length = Integer.toString(count).length() + 3L;
    for (Result element : elements) {
      length += encodedLength(element);
    }
    return length;
  }
}
