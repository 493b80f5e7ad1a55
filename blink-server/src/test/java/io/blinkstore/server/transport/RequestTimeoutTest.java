package io.blinkstore.server.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.ServerCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ConnectionLimits}' request timeout on the server's whole pipeline (limits, HTTP check, protocol), on a
 * channel whose clock only the test moves: whether a connection is closed depends on what it sent, never on how
 * fast the machine runs.
 */
class RequestTimeoutTest {
  private static final long TIMEOUT_MILLIS = 1_000;

  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final EmbeddedChannel channel = new EmbeddedChannel();

  RequestTimeoutTest() {
    channel.freezeTime();
    new ConnectionLimits(new ServerCounters(), 10, 0, TIMEOUT_MILLIS, 1 << 20).install(channel.pipeline());
    channel.pipeline().addLast(HttpRejector.NAME, new HttpRejector(1024));
    new ProtocolPipeline(store, 1024).install(channel.pipeline());
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
    store.close();
  }

  private void send(String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, ISO_8859_1));
  }

  /** Moves the clock on by {@code millis} and runs the timers due; returns whether the connection is open. */
  private boolean openAfter(long millis) {
    channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    return channel.isOpen();
  }

  @Test
  void anUnfinishedTextLineIsClosedAtTheTimeoutAndNotBefore() {
    send("SET slow ");
    assertTrue(openAfter(TIMEOUT_MILLIS - 1));
    send("more of the value, still no newline");
    assertFalse(openAfter(1), "the bytes in between do not reset the clock");
  }

  @Test
  void aTextLineCompletedBeforeTheTimeoutKeepsTheConnection() {
    send("SET k ");
    send("v\n");
    assertTrue(openAfter(2 * TIMEOUT_MILLIS));
  }

  /** The audit's case: every read ended in '\n', which the timeout took for a finished request. */
  @Test
  void anUnfinishedRespRequestWhoseBulkDataEndsInNewlineIsClosedAtTheTimeout() {
    send("*3\r\n$3\r\nSET\r\n$4\r\nslow\r\n$100\r\n");
    send("a line of the value\n");
    assertTrue(openAfter(TIMEOUT_MILLIS - 1));
    send("another line\n");
    assertFalse(openAfter(1));
  }

  @Test
  void aRespRequestCompletedBeforeTheTimeoutKeepsTheConnection() {
    send("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r");
    send("\nv\r\n");
    assertTrue(openAfter(2 * TIMEOUT_MILLIS));
  }

  @Test
  void aPipelineWhoseReadsAllEndMidRequestIsTimedPerRequest() {
    assertTimedPerRequest("*1\r\n$4\r\nPI", "NG\r\n*1\r\n$4\r\nPI");
  }

  @Test
  void aTextPipelineWhoseReadsAllEndMidLineIsTimedPerLine() {
    assertTimedPerRequest("PI", "NG\nPI");
  }

  /**
   * A long pipeline: sends {@code begin}, then reads that each complete the request before and begin the next,
   * each within the timeout. The connection stays open; the last request, never completed, is timed out.
   */
  private void assertTimedPerRequest(String begin, String completeAndBegin) {
    send(begin);
    for (int i = 0; i < 5; i++) {
      assertTrue(openAfter(TIMEOUT_MILLIS - 1), "request " + i + " completes in time");
      send(completeAndBegin);
    }
    assertFalse(openAfter(TIMEOUT_MILLIS), "the last request, never completed, is timed like any other");
  }

  /** Before the protocol is chosen, the HTTP check holds what may be an HTTP request line. */
  @Test
  void aFirstLineHeldByTheHttpCheckIsTimedToo() {
    send("GET / HT");
    assertFalse(openAfter(TIMEOUT_MILLIS));
  }

  @Test
  void aFirstLineTheHttpCheckHandsOnIsTimedAsOneRequest() {
    send("GET ");
    assertTrue(openAfter(TIMEOUT_MILLIS - 1));
    send("k\n");
    ByteBuf reply = channel.readOutbound();
    assertEquals("NOT_FOUND\n", reply.toString(ISO_8859_1));
    reply.release();
    assertTrue(openAfter(2 * TIMEOUT_MILLIS));
  }
}
