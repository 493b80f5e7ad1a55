package io.blinkstore.server.protocol.resp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.text.TextProtocolDecoder;
import io.blinkstore.server.transport.ProtocolDetector;
import io.blinkstore.server.transport.ProtocolPipeline;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.SocketException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The protocol detector and the RESP handlers on one channel, without sockets. */
class RespPipelineTest {
  private static final int MAX_REQUEST_BYTES = 64;

  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final EmbeddedChannel channel = new EmbeddedChannel();

  RespPipelineTest() {
    new ProtocolPipeline(store, MAX_REQUEST_BYTES).install(channel.pipeline());
  }

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
    store.close();
  }

  private void send(String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, ISO_8859_1));
  }

  private String replies() {
    StringBuilder all = new StringBuilder();
    for (ByteBuf bytes; (bytes = channel.readOutbound()) != null; ) {
      all.append(bytes.toString(ISO_8859_1));
      bytes.release();
    }
    return all.toString();
  }

  private static String resp(String... args) {
    return RespDecoderTest.resp(args);
  }

  @Test
  void aFirstByteStarSelectsRespAndTheDetectorLeaves() {
    send(resp("SET", "k", "v") + resp("GET", "k"));
    assertEquals("+OK\r\n$1\r\nv\r\n", replies());
    assertNull(channel.pipeline().get(ProtocolDetector.class));
    assertTrue(channel.pipeline().get(ProtocolPipeline.DECODER) instanceof RespDecoder);
  }

  @Test
  void theProtocolHandlersTakeTheDetectorsPlace() {
    channel.pipeline().addLast("after", new ChannelOutboundHandlerAdapter());
    send(resp("PING"));
    assertEquals(List.of(ProtocolPipeline.DECODER, ProtocolPipeline.ENCODER, ProtocolPipeline.HANDLER, "after"),
        channel.pipeline().names().subList(0, 4));
  }

  @Test
  void anyOtherFirstByteSelectsTheTextProtocol() {
    send("SET k v\nGET k\n");
    assertEquals("OK\nVALUE dg==\n", replies());
    assertTrue(channel.pipeline().get(ProtocolPipeline.DECODER) instanceof TextProtocolDecoder);
  }

  @Test
  void aTextConnectionNeverSwitchesToResp() {
    // ECHO, unlike PING, is no word of the text protocol: as text, its RESP lines are all unknown commands.
    send("GET k\n" + resp("ECHO", "hello"));
    String replies = replies();
    assertTrue(replies.startsWith("NOT_FOUND\nERROR "), replies);
    assertFalse(replies.contains("hello"), replies);
  }

  @Test
  void theProtocolIsChosenFromAFirstReadOfOneByte() {
    send("*");
    send("1\r\n$4\r\nPING\r\n");
    assertEquals("+PONG\r\n", replies());
  }

  @Test
  void anErrorBeforeTheFirstByteClosesTheConnectionAndGoesNoFurther() {
    // A client reset right after connecting: the error must not reach the pipeline's tail (logged as a warning
    // with a stack trace per connection, 257 of them in one connection storm), which EmbeddedChannel rethrows.
    channel.pipeline().fireExceptionCaught(new SocketException("Connection reset"));
    channel.checkException();
    assertFalse(channel.isOpen());
  }

  @Test
  void emptyReadsDoNotChooseAProtocol() {
    channel.writeInbound(Unpooled.EMPTY_BUFFER);
    assertTrue(channel.pipeline().get(ProtocolDetector.class) != null);
    send(resp("PING"));
    assertEquals("+PONG\r\n", replies());
  }

  @Test
  void pipelinedCommandsAreAnsweredInOrderWithOneFlushPerReadBatch() {
    int[] flushes = {0};
    channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
      @Override
      public void flush(ChannelHandlerContext ctx) {
        flushes[0]++;
        ctx.flush();
      }
    });
    send(resp("SET", "a", "1") + resp("GET", "a") + resp("DEL", "a") + resp("GET", "a"));
    assertEquals("+OK\r\n$1\r\n1\r\n:1\r\n$-1\r\n", replies());
    assertEquals(1, flushes[0]);
  }

  @Test
  void quitAnswersOkThenClosesAndIgnoresWhatFollows() {
    send(resp("QUIT") + resp("SET", "a", "1"));
    assertEquals("+OK\r\n", replies());
    assertFalse(channel.isOpen());
    assertNull(store.get("a"));
  }

  @Test
  void aProtocolErrorIsAnsweredThenTheConnectionCloses() {
    send(resp("SET", "a", "1") + "*1\r\n$" + (MAX_REQUEST_BYTES + 1) + "\r\n");
    assertEquals("+OK\r\n-ERR Protocol error: invalid bulk length\r\n", replies());
    assertFalse(channel.isOpen());
  }

  @Test
  void anUnwritableConnectionHoldsRespCommandsAndAnswersThemInOrderLater() {
    channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(1, 2));
    send(resp("SET", "a", "x".repeat(40)));
    replies();
    // Replies stay in the outbound buffer (no flush reaches the embedded socket while unwritable).
    channel.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
      @Override
      public void flush(ChannelHandlerContext ctx) {
        // swallow: the client is not reading
      }
    });
    send(resp("GET", "a") + resp("ECHO", "1") + resp("ECHO", "2"));
    assertFalse(channel.isWritable());
    assertFalse(channel.config().isAutoRead(), "reading stops while commands wait");
    channel.pipeline().removeFirst();
    channel.flush();
    channel.runPendingTasks();
    assertEquals("$40\r\n" + "x".repeat(40) + "\r\n$1\r\n1\r\n$1\r\n2\r\n", replies());
    assertTrue(channel.config().isAutoRead());
  }
}
