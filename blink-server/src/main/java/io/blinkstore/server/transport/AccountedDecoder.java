package io.blinkstore.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * A decoder whose buffer of unfinished requests counts against {@code --max-client-memory}: after each read,
 * the capacity of the bytes it holds is reported to the connection's {@link ClientMemory.Account}, and once more
 * (as nothing) when it leaves the pipeline. It also counts the bytes of the requests it has decoded
 * ({@link #decodedBytes}), so that {@link CommandHandler} can count those it holds back.
 *
 * <p>Its buffer grows only by a new allocation from the channel's allocator (the {@link DirectMemoryGuard}),
 * never in place: Netty's own cumulator grows a buffer in place when it can, inside the pooled allocator, where
 * no guard sees it. Growing by a copy costs what Netty's does when it cannot grow in place: at most one copy of
 * what is buffered per doubling (then per 4 MiB).
 */
public abstract class AccountedDecoder extends ByteToMessageDecoder {
  private static final Cumulator GROW_BY_ALLOCATION = AccountedDecoder::cumulate;

  private final ClientMemory.Account account;
  /** The capacity last reported. */
  private long reported;
  private long decodedBytes;

  protected AccountedDecoder(ClientMemory.Account account) {
    this.account = account;
    setCumulator(GROW_BY_ALLOCATION);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    try {
      super.channelRead(ctx, msg);
    } finally {
      report(internalBuffer().capacity());
    }
  }

  @Override
  protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
    report(0); // what was buffered has been handed on, or released
    super.handlerRemoved0(ctx);
  }

  /** The bytes of every request decoded so far, as received. */
  final long decodedBytes() {
    return decodedBytes;
  }

  /** Called by the decoder for each request it emits, with the bytes it was received as. */
  protected final void decoded(long bytes) {
    decodedBytes += bytes;
  }

  private void report(long capacity) {
    if (capacity != reported) {
      account.addRequests(capacity - reported);
      reported = capacity;
    }
  }

  /**
   * Netty's merge cumulator, except that a buffer without room for {@code in} is replaced by a larger one from
   * {@code alloc} (Netty's growth policy: doubling, then 4 MiB steps) rather than grown in place.
   */
  private static ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
    if (cumulation == in) {
      in.release(); // the same buffer twice: retained once more than it is used
      return cumulation;
    }
    if (!cumulation.isReadable() && in.isContiguous()) {
      cumulation.release();
      return in;
    }
    try {
      int required = in.readableBytes();
      if (required > cumulation.writableBytes() || cumulation.refCnt() > 1 || cumulation.isReadOnly()) {
        return replace(alloc, cumulation, in);
      }
      cumulation.writeBytes(in, in.readerIndex(), required);
      in.readerIndex(in.writerIndex());
      return cumulation;
    } finally {
      in.release();
    }
  }

  private static ByteBuf replace(ByteBufAllocator alloc, ByteBuf old, ByteBuf in) {
    int oldBytes = old.readableBytes();
    int newBytes = in.readableBytes();
    ByteBuf larger = alloc.buffer(alloc.calculateNewCapacity(oldBytes + newBytes, Integer.MAX_VALUE));
    ByteBuf toRelease = larger;
    try {
      larger.setBytes(0, old, old.readerIndex(), oldBytes)
          .setBytes(oldBytes, in, in.readerIndex(), newBytes)
          .writerIndex(oldBytes + newBytes);
      in.readerIndex(in.writerIndex());
      toRelease = old;
      return larger;
    } finally {
      toRelease.release();
    }
  }
}
