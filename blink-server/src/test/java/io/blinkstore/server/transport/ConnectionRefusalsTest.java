package io.blinkstore.server.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.BlinkServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A connection refused because the server is full is told so in its own protocol, known from its first byte,
 * or in the text protocol when it sends nothing in time; the spare descriptor lets the server accept such a
 * connection when it has no descriptor left. On {@link EmbeddedChannel}s, with a frozen clock.
 */
class ConnectionRefusalsTest {
  private final ConnectionRefusals refusals = new ConnectionRefusals();
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void close() {
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
  }

  /** A connection refused by the handler that counts connections, as ConnectionLimits does. */
  private EmbeddedChannel refused(long graceMillis) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.freezeTime();
    channels.add(channel);
    channel.pipeline().addLast("counter", new ChannelInboundHandlerAdapter() {
      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        refusals.refuse(ctx, graceMillis);
      }
    });
    channel.pipeline().fireChannelActive();
    return channel;
  }


  @Test
  void aRespClientIsToldInRespAndClosed() {
    EmbeddedChannel client = refused(ConnectionRefusals.GRACE_MILLIS);
    client.writeInbound(Unpooled.copiedBuffer("*1\r\n$4\r\nPING\r\n", ISO_8859_1));
    assertEquals("-ERR max number of clients reached\r\n", Outbound.drain(client));
    assertFalse(client.isOpen());
    assertNull(client.readInbound(), "nothing it sent reaches the protocol");
  }

  @Test
  void aTextClientIsToldInTextAndClosed() {
    EmbeddedChannel client = refused(ConnectionRefusals.GRACE_MILLIS);
    client.writeInbound(Unpooled.copiedBuffer("GET k\n", ISO_8859_1));
    assertEquals("ERROR max number of clients reached\n", Outbound.drain(client));
    assertFalse(client.isOpen());
  }

  @Test
  void aClientThatSendsNothingIsToldInTextWhenTheGraceEnds() {
    EmbeddedChannel client = refused(ConnectionRefusals.GRACE_MILLIS);
    client.advanceTimeBy(ConnectionRefusals.GRACE_MILLIS - 1, TimeUnit.MILLISECONDS);
    client.runScheduledPendingTasks();
    assertTrue(client.isOpen(), "still waiting for its first byte");
    client.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    client.runScheduledPendingTasks();
    assertEquals("ERROR max number of clients reached\n", Outbound.drain(client));
    assertFalse(client.isOpen());
  }

  /** Idle connections flooding in do not keep a client that speaks at once from being told in its protocol. */
  @Test
  void pastMaxWaitingTheOldestIsAnsweredAtOnce() {
    List<EmbeddedChannel> idle = new ArrayList<>();
    for (int i = 0; i < ConnectionRefusals.MAX_WAITING; i++) {
      idle.add(refused(ConnectionRefusals.GRACE_MILLIS));
    }
    EmbeddedChannel speaker = refused(ConnectionRefusals.GRACE_MILLIS);
    idle.get(0).runPendingTasks();
    assertEquals("ERROR max number of clients reached\n", Outbound.drain(idle.get(0)), "the oldest made room");
    assertFalse(idle.get(0).isOpen());
    assertTrue(idle.get(1).isOpen(), "the others still wait");
    speaker.writeInbound(Unpooled.copiedBuffer("*1\r\n$4\r\nPING\r\n", ISO_8859_1));
    assertEquals("-ERR max number of clients reached\r\n", Outbound.drain(speaker));
  }

  @Test
  void theSpareIsGivenUpWhenAnAcceptFailsForWantOfDescriptorsAndTakenBackLater() throws Exception {
    try (SpareDescriptor spare = new SpareDescriptor(Path.of("/dev/null"))) {
      spare.reserve();
      EmbeddedChannel listener = new EmbeddedChannel(spare);
      channels.add(listener);
      assertFalse(spare.isShort());
      listener.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
      assertTrue(spare.isShort(), "given up: the next accept gets its descriptor, and is refused");
      assertTrue(listener.config().isAutoRead(), "the listener accepts at once again");
      listener.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
      assertFalse(listener.config().isAutoRead(), "with no spare left, it waits before it tries again");
      spare.takeBack(); // a refused connection closed
      assertFalse(spare.isShort());
      assertTrue(listener.config().isAutoRead(), "accepting again");
      listener.checkException();
    }
  }

  @Test
  void otherListenerErrorsPassThrough() {
    SpareDescriptor spare = new SpareDescriptor(Path.of("/dev/null"));
    EmbeddedChannel listener = new EmbeddedChannel(spare);
    channels.add(listener);
    listener.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
    assertFalse(spare.isShort());
    try {
      listener.checkException();
    } catch (Exception passedOn) {
      assertEquals("Connection reset by peer", passedOn.getMessage());
      return;
    }
    throw new AssertionError("the error was swallowed");
  }

  @Test
  void theDefaultMaxConnectionsIsWhatTheDescriptorsAllowLessTheReserve() {
    assertEquals(896, ConnectionLimits.maxConnectionsFor(1024, BlinkServer.DEFAULT_MAX_CONNECTIONS));
    assertEquals(10_000, ConnectionLimits.maxConnectionsFor(1_048_576, BlinkServer.DEFAULT_MAX_CONNECTIONS));
    assertEquals(10_000, ConnectionLimits.maxConnectionsFor(-1, BlinkServer.DEFAULT_MAX_CONNECTIONS), "unknown");
    assertEquals(1, ConnectionLimits.maxConnectionsFor(100, BlinkServer.DEFAULT_MAX_CONNECTIONS));
  }
}
