package io.blinkstore.server.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.command.Result;
import io.blinkstore.server.command.ServerCounters;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ChannelConnection#push}: a pub/sub message reaches a connection until the server closes it; from the close
 * on (asked from any thread, done later on its event loop) messages are dropped and it is no longer a receiver, so
 * a subscriber evicted for client memory or past the output cap neither grows nor counts while its close is pending.
 */
class ChannelConnectionTest {
  private static final long LIMIT = ClientMemory.MIN_LIMIT;
  private static final Result MESSAGE =
      new Result.Push(List.of(new Result.Bulk(new byte[] {'m'}), new Result.Bulk(new byte[] {'c'})));

  private final ClientMemory memory = new ClientMemory(LIMIT, new ServerCounters());
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final ChannelConnection connection = new ChannelConnection(channel, memory.open(channel));

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  @Test
  void aMessageReachesAnOpenConnection() {
    assertTrue(connection.push(MESSAGE, 20, 1 << 20));
    assertEquals(MESSAGE, channel.readOutbound());
  }

  @Test
  void aConnectionTheClientMemoryBoundEvictedTakesNoMoreMessages() {
    ClientMemory.Account account = ClientMemory.accountOf(channel);
    account.addRequests(LIMIT + 1); // over the bound alone: it is the one evicted
    assertFalse(connection.push(MESSAGE, 20, 1 << 20), "an evicted subscriber is no receiver");
    assertNull(channel.readOutbound());
  }

  @Test
  void aConnectionPastItsOutputCapTakesNoMoreMessages() {
    assertFalse(connection.push(MESSAGE, 200, 100), "past the cap: closed");
    assertFalse(connection.push(MESSAGE, 20, 1 << 20), "closing: dropped, even a message that would fit");
    assertNull(channel.readOutbound());
  }
}
