package io.blinkstore.server.transport;

import io.blinkstore.internal.RegionWaste;
import io.blinkstore.server.command.HeapGuard;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * A decoder whose buffer of unfinished requests counts against {@code --max-client-memory}: after each read,
 * the capacity of the bytes it holds is reported to the connection's {@link ClientMemory.Account}, and once more
 * (as nothing) when it leaves the pipeline. It also counts the bytes of the requests it has decoded
 * ({@link #decodedBytes}), so that {@link CommandHandler} can count those it holds back.
 *
 * <p>Its buffer grows only by a new allocation, never in place: Netty's own cumulator grows a buffer in place when it
 * can, inside the pooled allocator, where no guard sees it. Growing by a copy costs what Netty's does when it cannot
 * grow in place: at most one copy of what is buffered per doubling (then per 4 MiB). Up to {@link #HEAP_ABOVE_BYTES}
 * the buffer is the channel's allocator's (direct memory, through the {@link DirectMemoryGuard}); a larger one is
 * on the heap, unpooled: a request of megabytes (a large value) is bounded by {@code --max-client-memory}, which
 * counts it, not by the direct memory left for reads and replies (the launcher's is an eighth of the memory limit,
 * at least 16 MiB: less than the largest value the store takes). A decoder that knows where the request being received ends
 * ({@link #expect}) has its buffer grown to that size and no further, rather than to the next doubling.
 */
public abstract class AccountedDecoder extends ByteToMessageDecoder {
  /** The largest buffer taken from the channel's allocator (direct memory); a larger one is on the heap. */
  static final int HEAP_ABOVE_BYTES = 1 << 20;

  private final ClientMemory.Account account;
  /** The capacity last reported. */
  private long reported;
  private long decodedBytes;
  /** Where the request being received ends, in bytes from the reader index; 0 when not known. */
  private long expected;

  protected AccountedDecoder(ClientMemory.Account account) {
    this.account = account;
    setCumulator(this::cumulate);
  }

  /** The connection's client-memory account. */
  protected final ClientMemory.Account account() {
    return account;
  }

  /**
   * Tells where the request being received ends: {@code bytes} from the buffer's reader index (0: not known). The
   * buffer grows to no more than that while the request is short of it.
   */
  protected final void expect(long bytes) {
    expected = bytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    try {
      super.channelRead(ctx, msg);
    } finally {
      report(heapCost(internalBuffer()));
    }
  }

  /**
   * What {@code buffer} holds of memory: its capacity, and for one on the heap what its array wastes of G1's
   * regions beside it (REV8: six connections each holding an unfinished request of 1 MiB + 1 byte, counted 1 MiB
   * each, took a 2 MiB region each, and a full store's 92 MiB heap ran out).
   */
  static long heapCost(ByteBuf buffer) {
    int capacity = buffer.capacity();
    return buffer.hasArray() ? capacity + RegionWaste.of(capacity, HeapGuard.jvmRegionBytes()) : capacity;
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
   * Netty's merge cumulator, except that a buffer without room for {@code in} is replaced by a larger one
   * ({@link #replace}) rather than grown in place.
   */
  private ByteBuf cumulate(ByteBufAllocator alloc, ByteBuf cumulation, ByteBuf in) {
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

  /**
   * A buffer holding {@code old}'s bytes and then {@code in}'s: Netty's growth policy (doubling, then 4 MiB steps),
   * but no larger than the end of the request {@link #expect expected} if that is further than the bytes at hand;
   * from {@code alloc} up to {@link #HEAP_ABOVE_BYTES}, on the heap above.
   */
  private ByteBuf replace(ByteBufAllocator alloc, ByteBuf old, ByteBuf in) {
    int oldBytes = old.readableBytes();
    int newBytes = in.readableBytes();
    int required = oldBytes + newBytes;
    int capacity = alloc.calculateNewCapacity(required, Integer.MAX_VALUE);
    if (expected >= required && expected < capacity) {
      capacity = (int) expected;
    }
    ByteBuf larger = capacity > HEAP_ABOVE_BYTES ? Unpooled.buffer(capacity) : alloc.buffer(capacity);
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
