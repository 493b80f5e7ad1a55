package io.blinkstore.server.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link DirectMemoryGuard}: a direct buffer is refused at once, rather than waited for, when the JVM's direct
 * memory would come within the headroom of its maximum; and a connection whose buffer cannot grow is closed.
 */
class DirectMemoryGuardTest {
  private static final long MAX = 256L << 20;
  private static final long HEADROOM = 4 * DirectMemoryGuard.CHUNK_BYTES; // 32 MiB

  private final AtomicLong reserved = new AtomicLong();
  private final DirectMemoryGuard guard =
      new DirectMemoryGuard(UnpooledByteBufAllocator.DEFAULT, reserved::get, MAX);

  @Test
  void aDirectBufferIsRefusedOnceItWouldComeWithinTheHeadroomOfTheMaximum() {
    reserved.set(MAX - HEADROOM - 1024);
    ByteBuf fits = guard.directBuffer(1024);
    fits.release();
    ByteBuf io = guard.ioBuffer(1024);
    assertTrue(io.isDirect(), "I/O buffers are direct");
    io.release();
    assertThrows(DirectMemoryGuard.DirectMemoryShortError.class, () -> guard.directBuffer(1025));
    assertThrows(DirectMemoryGuard.DirectMemoryShortError.class, () -> guard.ioBuffer(2048));
    assertEquals(2, guard.refusals());
    ByteBuf heap = guard.heapBuffer(1 << 20);
    assertFalse(heap.isDirect(), "heap buffers are not the guard's business");
    heap.release();
  }

  @Test
  void theHeadroomIsAQuarterOfASmallMaximum() {
    DirectMemoryGuard small = new DirectMemoryGuard(UnpooledByteBufAllocator.DEFAULT, () -> 0, 16 << 20);
    small.directBuffer(12 << 20).release();
    assertThrows(DirectMemoryGuard.DirectMemoryShortError.class, () -> small.directBuffer((12 << 20) + 1));
  }

  /**
   * An unfinished line whose buffer must grow when direct memory is short: the growth is asked of the guard
   * (never made in place, where no guard sees it), refused, and the connection closed.
   */
  @Test
  void aConnectionWhoseBufferCannotGrowIsClosed() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      EmbeddedChannel channel = new EmbeddedChannel();
      channel.config().setAllocator(guard);
      new ProtocolPipeline(store, 1 << 20).install(channel.pipeline());
      try {
        channel.writeInbound(Unpooled.copiedBuffer("SET k " + "v".repeat(1000), ISO_8859_1));
        assertTrue(channel.isOpen());
        reserved.set(MAX - HEADROOM);
        channel.writeInbound(Unpooled.copiedBuffer("v".repeat(1000), ISO_8859_1));
        assertFalse(channel.isOpen(), "closed when its buffer could not grow");
        assertEquals(1, guard.refusals());
      } finally {
        channel.finishAndReleaseAll();
      }
    }
  }
}
