package io.blinkstore.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.ForwardingBlinkStore;
import io.blinkstore.server.protocol.text.Reply;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CommandHandlerTest {
  private static final int MAX_LINE_BYTES = 64;

  private BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private EmbeddedChannel channel = connect(store);

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
    store.close();
  }

  private static EmbeddedChannel connect(BlinkStore store) {
    return install(new EmbeddedChannel(), store);
  }

  private static <C extends EmbeddedChannel> C install(C channel, BlinkStore store) {
    new ProtocolPipeline(store, MAX_LINE_BYTES).install(channel.pipeline());
    return channel;
  }

  /** Replaces the connection with one that, like a socket, can shut its output down alone. */
  private HalfClosableChannel connectHalfClosable() {
    channel.finishAndReleaseAll();
    HalfClosableChannel halfClosable = install(new HalfClosableChannel(), store);
    channel = halfClosable;
    return halfClosable;
  }

  private void send(String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
  }

  /** Everything written to the client so far, as text. */
  private String replies() {
    StringBuilder text = new StringBuilder();
    for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
      text.append(buf.toString(StandardCharsets.UTF_8));
      buf.release();
    }
    return text.toString();
  }

  private String ask(String line) {
    send(line + "\n");
    return replies();
  }

  /**
   * redis-benchmark's PING_INLINE sends Redis's inline {@code PING\r\n}, a plain line, so it reaches the text
   * protocol; it gets Redis's answer, and the connection stays a text-protocol one.
   */
  @Test
  void anInlinePingEndedByCrlfGetsRedisesPongAndOtherLinesStayText() {
    send("PING\r\nPING\nGET k\r\nPING\r\n");
    assertEquals("+PONG\r\nPONG\nNOT_FOUND\n+PONG\r\n", replies());
  }

  @Test
  void answersTheProtocolsExampleSessionVerbatim() {
    assertEquals("NOT_FOUND\n", ask("GET mykey"));
    assertEquals("OK\n", ask("SET mykey hello"));
    assertEquals("VALUE aGVsbG8=\n", ask("GET mykey"));
    assertEquals("OK\n", ask("SET counter 42"));
    assertEquals("USAGE 19\n", ask("USAGE"));
    assertEquals("OK\n", ask("DELETE mykey"));
    assertEquals("NOT_FOUND\n", ask("GET mykey"));
    assertTrue(channel.isOpen());
    assertEquals("", ask("QUIT"));
    assertFalse(channel.isOpen());
  }

  @Test
  void answersEveryReplyFormat() {
    assertEquals("OK\n", ask("SET k \u00e9t\u00e9 \ud83c\udf89"));
    String base64 = Base64.getEncoder().encodeToString("\u00e9t\u00e9 \ud83c\udf89".getBytes(StandardCharsets.UTF_8));
    assertEquals("VALUE " + base64 + "\n", ask("GET k"));
    assertEquals("OK\n", ask("SET empty"));
    assertEquals("VALUE \n", ask("GET empty"));
    assertEquals("USAGE 16\n", ask("usage"));
    assertEquals("OK\n", ask("DEL k"));
    assertEquals("NOT_FOUND\n", ask("DELETE k"));
    assertEquals("ERROR unknown command\n", ask("FLUSHALL"));
    assertEquals("ERROR unknown command\n", ask(""));
    assertEquals("ERROR GET requires key\n", ask("GET"));
    assertEquals("ERROR SET requires key\n", ask("SET"));
    assertEquals("ERROR DELETE requires key\n", ask("DELETE"));
    assertEquals("ERROR DEL requires key\n", ask("DEL"));
  }

  @Test
  void statsReportsKeysUsageLimitAndCounters() {
    ask("SET a 1");
    ask("SET bb 22");
    ask("GET a");
    ask("GET nope");
    ask("GET nope");
    String stats = ask("STATS");
    assertTrue(stats.matches("STATS keys=2 usage=6 limit=1048576 hits=1 misses=2 evictions=0 expirations=0"
        + " uptime_seconds=\\d+ connections=0 total_connections=0 commands=6 hit_ratio=0\\.3333 expiring=0"
        + " evicted_clients=0\n"), stats);
  }

  @Test
  void invalidUtf8IsAnsweredAndTheConnectionStaysUsable() {
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'G', 'E', 'T', ' ', (byte) 0xC3, '\n'}));
    assertEquals("ERROR invalid UTF-8\n", replies());
    assertEquals("NOT_FOUND\n", ask("GET k"));
    assertTrue(channel.isOpen());
  }

  @Test
  void keysThatSetCannotCreateAreNotFoundWithoutAskingTheStore() {
    assertEquals("NOT_FOUND\n", ask("GET a b"));
    assertEquals("NOT_FOUND\n", ask("DELETE a b"));
    assertEquals(new BlinkStats(0, 0, 0), store.stats(), "the store was asked");
  }

  @Test
  void anEntryLargerThanTheMemoryLimitIsRefusedWithTheCapacityError() {
    store.close();
    store = BlinkStore.builder().memoryLimit(10).build();
    channel.finishAndReleaseAll();
    channel = connect(store);
    assertEquals("OK\n", ask("SET k 123456789"));
    assertEquals("ERROR storage is at capacity and eviction failed\n", ask("SET k 1234567890"));
    assertEquals("VALUE MTIzNDU2Nzg5\n", ask("GET k"), "the refused SET changed the store");
    assertTrue(channel.isOpen());
  }

  @Test
  void quitClosesTheConnectionAndDiscardsLaterPipelinedData() {
    send("SET a 1\nquit now\nSET b 2\nGET a\n");
    assertEquals("OK\n", replies());
    assertFalse(channel.isOpen());
    assertNull(store.get("b"));
  }

  @Test
  void anOverLongLineIsAnsweredThenTheConnectionIsClosed() {
    send("SET a 1\nSET b " + "x".repeat(MAX_LINE_BYTES) + "\nGET a\n");
    assertEquals("OK\nERROR line too long\n", replies());
    assertFalse(channel.isOpen());
    assertNull(store.get("b"));
  }

  @Test
  void anOverLongLineWithoutNewlineIsAnsweredAtOnce() {
    send("SET b " + "x".repeat(MAX_LINE_BYTES));
    assertEquals("ERROR line too long\n", replies());
    assertFalse(channel.isOpen());
  }

  @Test
  void pipelinedLinesAreAllAnsweredInOrderWithOneFlushPerReadBatch() {
    FlushCounter flushes = new FlushCounter();
    channel.pipeline().addFirst(flushes);
    send("SET a 1\nSET b 2\nGET a\nGET b\nGET c\nDELETE a\nUSAGE\n");
    assertEquals("OK\nOK\nVALUE MQ==\nVALUE Mg==\nNOT_FOUND\nOK\nUSAGE 2\n", replies());
    assertEquals(1, flushes.count);
    send("GET b\nGET a\n");
    assertEquals("VALUE Mg==\nNOT_FOUND\n", replies());
    assertEquals(2, flushes.count);
  }

  @Test
  void anUnwritableConnectionQueuesCommandsStopsReadingAndResumesInOrder() {
    String[] values = new String[10];
    for (int i = 0; i < values.length; i++) {
      values[i] = String.valueOf((char) ('a' + i)).repeat(1000);
      store.set("k" + i, values[i]);
    }
    // One VALUE reply (~1.4 KB) fits under the high-water mark, two do not.
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 2048));
    FlushGate client = new FlushGate();
    channel.pipeline().addFirst(client);
    StringBuilder request = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      request.append("GET k").append(i).append('\n');
      expected.append("VALUE ").append(base64(values[i])).append('\n');
    }
    request.append("SET k0 new\nGET k0\n");
    expected.append("OK\nVALUE ").append(base64("new")).append('\n');

    send(request.toString());
    assertEquals(2, store.stats().hits(), "executed while unwritable");
    assertFalse(channel.isWritable());
    assertFalse(channel.config().isAutoRead(), "kept reading while unwritable");

    for (int read = 1; read <= 4; read++) {
      client.takeOneFlush();
      assertEquals(2 + 2 * read, store.stats().hits(), "after the client read " + read + " times");
    }
    assertFalse(channel.config().isAutoRead(), "resumed reading with commands still queued");
    client.takeOneFlush(); // the SET and the last GET run now, and the queue is empty
    assertEquals(11, store.stats().hits());
    assertTrue(channel.config().isAutoRead(), "did not resume reading once the queue was empty");
    client.open();
    assertEquals(expected.toString(), replies());
  }

  @Test
  void endOfInputWhileCommandsAreQueuedAnswersThemAllBeforeClosing() {
    store.set("big", "x".repeat(3000));
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 2048));
    FlushGate client = new FlushGate();
    channel.pipeline().addFirst(client);
    send("GET big\nGET big\nUSAGE");
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertTrue(channel.isOpen(), "closed with replies still to send");
    client.open();
    String value = "VALUE " + base64("x".repeat(3000)) + "\n";
    assertEquals(value + value + "USAGE 3003\n", replies());
    assertFalse(channel.isOpen());
  }

  /**
   * The server's close while a slow client holds requests back: nothing more is executed, and what it was sent
   * before ends on a reply boundary. (Asking the channel to close after an empty write, as the server did, let the
   * client's next read run the held requests and write their replies behind the close, where a gathering write
   * could send one in part before the close cut it.)
   */
  @Test
  void theServersCloseExecutesNothingMoreAndEndsTheStreamOnAReplyBoundary() {
    store.set("big", "x".repeat(3000));
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1024, 2048));
    FlushGate client = new FlushGate();
    channel.pipeline().addFirst(client);
    send("GET big\nGET big\nGET big\nGET big\nUSAGE\n");
    long executed = store.stats().hits();
    assertFalse(channel.isWritable(), "requests held back");
    ProtocolPipeline.closeAfterReplies(channel);
    channel.runPendingTasks();
    assertTrue(channel.isOpen(), "closed with replies still to send");
    client.open();
    String value = "VALUE " + base64("x".repeat(3000)) + "\n";
    assertEquals(value.repeat((int) executed), replies(), "the replies to what was executed, whole");
    assertEquals(executed, store.stats().hits(), "nothing executed after the close was asked for");
    assertFalse(channel.isOpen());
  }

  @Test
  void anUnexpectedStoreFailureIsAnsweredAndTheConnectionKeepsServing() {
    channel.finishAndReleaseAll();
    channel = connect(new FailingStore(store));
    assertEquals("ERROR internal error\n", ask("GET boom"));
    assertEquals("OK\n", ask("SET a 1"));
    assertEquals("VALUE MQ==\n", ask("GET a"));
    assertTrue(channel.isOpen());
  }

  @Test
  void endOfInputAnswersEveryLineIncludingALastOneWithoutNewlineThenCloses() {
    send("SET a 1\nGET a");
    assertEquals("OK\n", replies());
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertEquals("VALUE MQ==\n", replies());
    assertFalse(channel.isOpen());
  }

  @Test
  void aPlainCloseWithAnUnfinishedLineThrowsNothing() {
    send("SET a 1\nSET b");
    assertEquals("OK\n", replies());
    channel.close().syncUninterruptibly();
    channel.checkException();
    assertEquals("", replies());
  }

  @Test
  void quitOnASocketShutsOutputDownAndDiscardsInputUntilTheClientCloses() {
    HalfClosableChannel socket = connectHalfClosable();
    send("SET a 1\nQUIT\nSET b 2\n");
    assertEquals("OK\n", replies());
    assertTrue(socket.isOutputShutdown(), "the client was not told the connection ends");
    assertTrue(socket.isOpen(), "closed while the client may still be sending: a reset could lose replies");
    send("GET a\n" + "x".repeat(10 * MAX_LINE_BYTES));
    assertEquals("", replies());
    assertNull(store.get("b"));
    socket.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertFalse(socket.isOpen(), "not closed once the client closed its side");
  }

  @Test
  void anOverLongLineOnASocketIsAnsweredThenOutputIsShutDown() {
    HalfClosableChannel socket = connectHalfClosable();
    socket.config().setAutoRead(false);
    send("GET " + "x".repeat(MAX_LINE_BYTES) + "\nGET a\n");
    assertEquals("ERROR line too long\n", replies());
    assertTrue(socket.isOutputShutdown());
    assertTrue(socket.config().isAutoRead(), "must keep reading to drain the client's input");
  }

  @Test
  void aLingeringConnectionIsClosedWhenTheClientNeverClosesItsSide() {
    HalfClosableChannel socket = connectHalfClosable();
    socket.freezeTime();
    send("QUIT\n");
    socket.advanceTimeBy(CommandHandler.LINGER_MILLIS - 1, TimeUnit.MILLISECONDS);
    socket.runScheduledPendingTasks();
    assertTrue(socket.isOpen());
    socket.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    socket.runScheduledPendingTasks();
    assertFalse(socket.isOpen());
  }

  @Test
  void endOfInputOnASocketClosesWithoutLingering() {
    HalfClosableChannel socket = connectHalfClosable();
    send("SET a 1\nGET a");
    socket.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertEquals("OK\nVALUE MQ==\n", replies());
    assertFalse(socket.isOpen());
  }

  @Test
  void lineBreaksInErrorMessagesBecomeSpaces() {
    assertEquals("a b c", new Reply.Error("a\nb\rc").message());
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Counts flushes that reach the socket. */
  private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
    int count;

    @Override
    public void flush(ChannelHandlerContext ctx) {
      count++;
      ctx.flush();
    }
  }

  /** An embedded channel that can shut its output down alone, as TCP and Unix sockets can. */
  private static final class HalfClosableChannel extends EmbeddedChannel implements DuplexChannel {
    private boolean outputShutdown;

    @Override
    public boolean isInputShutdown() {
      return false;
    }

    @Override
    public ChannelFuture shutdownInput() {
      return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
      return promise.setFailure(new UnsupportedOperationException("not used by the server"));
    }

    @Override
    public boolean isOutputShutdown() {
      return outputShutdown;
    }

    @Override
    public ChannelFuture shutdownOutput() {
      return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
      outputShutdown = true;
      return promise.setSuccess();
    }

    @Override
    public boolean isShutdown() {
      return outputShutdown;
    }

    @Override
    public ChannelFuture shutdown() {
      return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
      return shutdownOutput(promise);
    }
  }

  /** A store whose GET of "boom" fails as no store should. */
  private static final class FailingStore extends ForwardingBlinkStore {
    FailingStore(BlinkStore delegate) {
      super(delegate);
    }

    @Override
    public byte[] get(String key) {
      if (key.equals("boom")) {
        throw new IllegalStateException("simulated store bug");
      }
      return super.get(key);
    }

    @Override
    public ByteBuffer getBuffer(String key) {
      if (key.equals("boom")) {
        throw new IllegalStateException("simulated store bug");
      }
      return super.getBuffer(key);
    }

    @Override
    public StoredValue getStored(String key) {
      if (key.equals("boom")) {
        throw new IllegalStateException("simulated store bug");
      }
      return super.getStored(key);
    }
  }
}
