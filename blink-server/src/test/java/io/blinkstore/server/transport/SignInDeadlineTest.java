package io.blinkstore.server.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.Authenticator;
import io.blinkstore.server.command.Dispatcher;
import io.blinkstore.server.command.EntrySizeLimits;
import io.blinkstore.server.command.HeapGuard;
import io.blinkstore.server.command.Leases;
import io.blinkstore.server.command.ServerCounters;
import io.blinkstore.server.protocol.resp.RespDecoderTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SignInDeadline} on a server with a token, through the real pipeline ({@link ConnectionLimits}, the HTTP
 * check, both protocols) on {@link EmbeddedChannel}s, whose clocks are moved by hand.
 */
class SignInDeadlineTest {
  private static final String TOKEN = "s3cret";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_CONNECTIONS = 3;

  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final ServerCounters counters = new ServerCounters();
  private final SignInDeadline signIn = new SignInDeadline(TIMEOUT);
  private final ConnectionLimits limits =
      new ConnectionLimits(counters, MAX_CONNECTIONS, 0, 0, 1 << 20, null, signIn);
  private final Authenticator authenticator = new Authenticator(TOKEN);
  private final ProtocolPipeline protocol = new ProtocolPipeline(
      new Dispatcher(store, new Leases(), Clock.systemUTC(), counters, HeapGuard.NONE, authenticator, 1 << 20,
          EntrySizeLimits.NONE),
      1 << 20, authenticator);
  private final List<EmbeddedChannel> channels = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (EmbeddedChannel channel : channels) {
      channel.finishAndReleaseAll();
    }
    store.close();
  }

  /** A connection accepted now, as the server sets one up. */
  private EmbeddedChannel connect() throws Exception {
    EmbeddedChannel channel = new EmbeddedChannel(false, false);
    channels.add(channel);
    limits.install(channel.pipeline());
    channel.pipeline().addLast(HttpRejector.NAME, new HttpRejector(1 << 20));
    protocol.install(channel.pipeline());
    channel.register(); // accepted: active, and watched from now
    channel.freezeTime();
    return channel;
  }

  private static String send(EmbeddedChannel channel, String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, ISO_8859_1));
    return Outbound.drain(channel);
  }


  private static void advance(EmbeddedChannel channel, Duration by) {
    channel.advanceTimeBy(by.toNanos(), TimeUnit.NANOSECONDS);
    channel.runScheduledPendingTasks();
  }

  @Test
  void aConnectionThatHasNotSignedInIsClosedAtTheDeadline() throws Exception {
    EmbeddedChannel silent = connect();
    EmbeddedChannel refused = connect();
    assertEquals("ERROR NOAUTH authentication required\n", send(refused, "GET k\n"));
    advance(silent, TIMEOUT.minusMillis(1));
    advance(refused, TIMEOUT.minusMillis(1));
    assertTrue(silent.isOpen() && refused.isOpen(), "before the deadline");
    advance(silent, Duration.ofMillis(1));
    advance(refused, Duration.ofMillis(1));
    assertFalse(silent.isOpen(), "closed at the deadline");
    assertFalse(refused.isOpen(), "commands refused for want of AUTH do not put the deadline off");
    assertEquals(0, signIn.waiting());
  }

  @Test
  void aConnectionThatSignedInInEitherProtocolIsKeptPastTheDeadline() throws Exception {
    EmbeddedChannel text = connect();
    EmbeddedChannel resp = connect();
    EmbeddedChannel hello = connect();
    assertEquals("OK\n", send(text, "AUTH " + TOKEN + "\n"));
    assertEquals("+OK\r\n", send(resp, RespDecoderTest.resp("AUTH", TOKEN)));
    assertTrue(send(hello, RespDecoderTest.resp("HELLO", "2", "AUTH", "default", TOKEN)).startsWith("*14\r\n"));
    assertEquals(0, signIn.waiting());
    for (EmbeddedChannel channel : List.of(text, resp, hello)) {
      advance(channel, TIMEOUT.multipliedBy(2));
      assertTrue(channel.isOpen());
    }
    assertEquals("ERROR WRONGPASS invalid auth token\n", send(text, "AUTH wrong\n"));
    advance(text, TIMEOUT.multipliedBy(2));
    assertTrue(text.isOpen(), "a connection that had the token is not watched again");
  }

  /**
   * Issue 16: connections that never signed in could hold every slot for ever, and a client with the token was
   * refused. At the bound, the connection waiting longest to sign in makes room for the new one.
   */
  @Test
  void atTheBoundTheConnectionWaitingLongestToSignInMakesRoom() throws Exception {
    EmbeddedChannel first = connect();
    EmbeddedChannel signedIn = connect();
    EmbeddedChannel second = connect();
    assertEquals("OK\n", send(signedIn, "AUTH " + TOKEN + "\n"));
    EmbeddedChannel newcomer = connect();
    assertFalse(first.isOpen(), "the oldest waiting to sign in was closed");
    assertTrue(signedIn.isOpen() && second.isOpen());
    assertEquals("OK\n", send(newcomer, "AUTH " + TOKEN + "\n"), "the new connection is served");
    EmbeddedChannel another = connect();
    assertFalse(second.isOpen(), "then the next oldest");
    assertEquals("+OK\r\n", send(another, RespDecoderTest.resp("AUTH", TOKEN)));
  }

  @Test
  void withEveryConnectionSignedInOneMoreIsRefusedAsBefore() throws Exception {
    for (int i = 0; i < MAX_CONNECTIONS; i++) {
      assertEquals("OK\n", send(connect(), "AUTH " + TOKEN + "\n"));
    }
    EmbeddedChannel oneMore = connect();
    advance(oneMore, Duration.ofMillis(ConnectionRefusals.GRACE_MILLIS));
    assertEquals("ERROR max number of clients reached\n", Outbound.drain(oneMore));
    assertFalse(oneMore.isOpen());
    assertTrue(channels.subList(0, MAX_CONNECTIONS).stream().allMatch(EmbeddedChannel::isOpen));
  }
}
