package io.blinkstore.server.transport;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections' buffer allocator: Netty's, except that a direct buffer the JVM could not reserve at once is
 * refused, with a {@link DirectMemoryShortError}, instead of asked for. On Java 17 Netty's default allocator takes
 * direct memory from {@code ByteBuffer.allocateDirect} (Netty's own counter and its buffers without a cleaner need
 * JVM options the server cannot count on), and past {@code -XX:MaxDirectMemorySize} that calls {@code System.gc()}
 * and sleeps, up to about half a second, before it gives up: on an event loop, for every read of every
 * connection. (On Java 25 Netty allocates outside that count, through its own counter, which fails at once; the
 * count read here then stays at zero and this guard never refuses.) Here the JVM's own count of reserved direct memory (its {@code direct} buffer pool) is read first,
 * and a buffer that would bring it within {@link #headroom} of the maximum is refused, so the JVM's reservation,
 * when it happens, succeeds at its first try. The headroom covers what Netty may reserve for one request beyond
 * its size (a pooled chunk of up to 8 MiB) on each event loop at once.
 *
 * <p>A refused read closes its connection (Netty closes a connection whose read fails for want of memory), a
 * refused reply too ({@link CommandHandler} closes on an exception): the others go on. {@link ClientMemory} keeps
 * what connections hold far below the maximum, so this is the last line of defence. Refusals are logged at WARN,
 * at most once every {@link #LOG_INTERVAL_NANOS}. Heap buffers are Netty's, unchecked. Thread-safe.
 */
public final class DirectMemoryGuard extends AbstractByteBufAllocator {
  private static final Logger log = LoggerFactory.getLogger(DirectMemoryGuard.class);

  /** Netty's largest pooled chunk: the most it reserves for a request smaller than that. */
  static final long CHUNK_BYTES = 8 << 20;

  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final ByteBufAllocator delegate;
  private final LongSupplier reserved;
  private final long max;
  private final long headroom;
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

  /**
   * Guards {@code delegate} against reserving more than {@code max} bytes of direct memory, as told by
   * {@code reserved} (the bytes the JVM has reserved now).
   */
  DirectMemoryGuard(ByteBufAllocator delegate, LongSupplier reserved, long max) {
    super(true);
    this.delegate = delegate;
    this.reserved = reserved;
    this.max = max;
    this.headroom = Math.min(4 * CHUNK_BYTES, max / 4);
  }

  /** Netty's default allocator, guarded against this JVM's {@code -XX:MaxDirectMemorySize}. */
  public static DirectMemoryGuard forThisJvm() {
    BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(pool -> pool.getName().equals("direct"))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("this JVM reports no direct buffer pool"));
    return new DirectMemoryGuard(ByteBufAllocator.DEFAULT, direct::getTotalCapacity,
        PlatformDependent.maxDirectMemory());
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    long now = reserved.getAsLong();
    if (now + initialCapacity > max - headroom) {
      refuse(initialCapacity, now);
    }
    return delegate.directBuffer(initialCapacity, maxCapacity);
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return delegate.heapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return delegate.isDirectBufferPooled();
  }

  /** The direct buffers refused so far. */
  long refusals() {
    return refused.get();
  }

  private void refuse(int bytes, long reservedNow) {
    long count = refused.incrementAndGet();
    long last = lastLog.get();
    if (System.nanoTime() - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(last, System.nanoTime())) {
      log.warn("direct memory is short: {} of {} bytes reserved, so a buffer of {} bytes was refused and the"
          + " connection that needed it closed ({} refused so far)", reservedNow, max, bytes, count);
    }
    throw new DirectMemoryShortError(bytes, reservedNow, max);
  }

  /** A direct buffer refused because the JVM's direct memory is nearly all reserved. */
  static final class DirectMemoryShortError extends OutOfMemoryError {
    private static final long serialVersionUID = 1L;

    DirectMemoryShortError(int bytes, long reserved, long max) {
      super("refused a direct buffer of " + bytes + " bytes: " + reserved + " of " + max + " bytes reserved");
    }
  }
}
