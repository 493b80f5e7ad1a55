package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What bounds pub/sub (Redis's {@code client-output-buffer-limit pubsub}, here the output cap and
 * {@code --max-client-memory}): a subscriber that never reads while 100 MB are published to it is closed once
 * what waits for it passes the bound, and its subscriptions end with it, while the publisher goes on; a connection
 * that subscribes to ever more channels is evicted once its subscriptions pass the client-memory bound.
 */
@Timeout(120)
class PubSubLimitsIT {
  /** The messages published: 1,600 of 64 KiB, 100 MiB in all. */
  private static final int MESSAGES = 1_600;
  private static final int MESSAGE_BYTES = 64 << 10;
  /**
   * What the kernel's socket buffers may take of the messages besides what the server holds (a loopback send
   * buffer grows to a few MiB; the subscriber's receive buffer is 4 KiB).
   */
  private static final long SOCKET_BUFFERS = 8L << 20;

  @TempDir Path dir;

  @Test
  void aSubscriberThatNeverReadsIsClosedOnceItsMessagesPassTheOutputCap() throws Exception {
    assertStalledSubscriberIsClosed(builder -> builder.maxOutputBytes(1 << 20).maxClientMemory(1L << 30), 1 << 20);
  }

  @Test
  void aSubscriberThatNeverReadsIsEvictedOnceItsMessagesPassTheClientMemoryBound() throws Exception {
    assertStalledSubscriberIsClosed(builder -> builder.maxOutputBytes(1L << 30).maxClientMemory(4 << 20), 4 << 20);
  }

  /**
   * Publishes 100 MiB to a subscriber that never reads: the publishes that reached it (answered 1) are at most
   * {@code bound} plus the socket buffers, then it is gone (answered 0, and {@code PUBSUB NUMSUB} counts 0).
   * Without the bound, the server held every message: 100 MiB here, without end in production.
   */
  private void assertStalledSubscriberIsClosed(UnaryOperator<BlinkServerBuilder> bounds, long bound)
      throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64L << 20, bounds);
        SocketChannel stalled = SocketChannel.open();
        LineClient publisher = LineClient.tcp(server.tcpAddress())) {
      stalled.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
      stalled.connect(server.tcpAddress());
      stalled.write(ByteBuffer.wrap(RespIT.resp("SUBSCRIBE", "c")));
      awaitSubscribers(publisher, 1);
      String message = "m".repeat(MESSAGE_BYTES);
      long delivered = 0;
      for (int i = 0; i < MESSAGES; i++) {
        String receivers = ClientCommandsIT.line(publisher, "PUBLISH", "c", message);
        if (receivers.equals(":1")) {
          delivered++;
        } else {
          assertEquals(":0", receivers);
        }
      }
      assertTrue(delivered * MESSAGE_BYTES <= bound + SOCKET_BUFFERS,
          delivered + " messages of 64 KiB reached the subscriber before it was closed");
      assertTrue(delivered < MESSAGES, "the subscriber was never closed");
      awaitSubscribers(publisher, 0);
      assertEquals("+PONG", ClientCommandsIT.line(publisher, "PING"));
    }
  }

  /** Waits until channel {@code c} has {@code count} subscribers (a close ends on the subscriber's event loop). */
  private static void awaitSubscribers(LineClient client, int count) throws Exception {
    for (int tries = 0; ; tries++) {
      client.send(RespIT.resp("PUBSUB", "NUMSUB", "c"));
      String reply = RespIT.readReply(client);
      if (reply.endsWith(":" + count + "\r\n")) {
        return;
      }
      assertTrue(tries < 1_000, "channel c never had " + count + " subscribers: " + reply);
      Thread.sleep(10);
    }
  }

  /**
   * A client subscribing to channels of 200 bytes, 1,000 a request, while the client memory is bounded at 4 MiB:
   * each subscription counts, so it is evicted after about 11,000 (Redis counts them in its client memory too),
   * long before the 200,000 it tries; and its channels end with it.
   */
  @Test
  void aClientSubscribingWithoutEndIsEvictedByTheClientMemoryBound() throws Exception {
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64L << 20,
            builder -> builder.maxClientMemory(4 << 20));
        LineClient subscriber = LineClient.tcp(server.tcpAddress());
        LineClient observer = LineClient.tcp(server.tcpAddress())) {
      String prefix = "c".repeat(190);
      int subscribed = 0;
      try {
        for (int batch = 0; batch < 200; batch++) {
          List<String> request = new ArrayList<>(List.of("SUBSCRIBE"));
          for (int i = 0; i < 1_000; i++) {
            request.add(prefix + (batch * 1_000 + i));
          }
          subscriber.send(RespIT.resp(request.toArray(String[]::new)));
          for (int i = 0; i < 1_000; i++) {
            RespIT.readReply(subscriber);
            subscribed++;
          }
        }
      } catch (IOException | AssertionError closed) {
        // evicted: the server closed the connection
      }
      assertTrue(subscribed < 30_000, "subscribed to " + subscribed + " channels before it was evicted");
      for (int tries = 0; ; tries++) {
        observer.send(RespIT.resp("PUBSUB", "CHANNELS", prefix + "*"));
        if (RespIT.readReply(observer).equals("*0\r\n")) {
          break;
        }
        assertTrue(tries < 1_000, "the evicted client's channels were never unsubscribed");
        Thread.sleep(10);
      }
    }
  }
}
