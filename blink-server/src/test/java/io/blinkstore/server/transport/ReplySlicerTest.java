package io.blinkstore.server.transport;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.Result;
import io.blinkstore.server.command.ServerCounters;
import io.blinkstore.server.protocol.resp.Resp3Encoder;
import io.blinkstore.server.protocol.resp.RespEncoder;
import io.blinkstore.server.protocol.text.Reply;
import io.blinkstore.server.protocol.text.ReplyEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ReplySlicer} and {@link SlicedReply} on an {@link EmbeddedChannel}: a large value goes out in slices of at
 * most {@link SlicedReply#SLICE_BYTES}, at most {@link ReplySlicer#SLICES_IN_FLIGHT} of them waiting at a time; the
 * channel is unwritable until the last is written; what is written meanwhile follows the reply; the bytes not sent
 * count in the connection's account until they are; and the three encoders send a large value this way, the same
 * bytes as in one buffer.
 */
class ReplySlicerTest {
  private static final int VALUE_BYTES = SlicedReply.LEAST_VALUE_BYTES + 12_345;

  private final ClientMemory memory = new ClientMemory(64 << 20, new ServerCounters());
  private final List<EmbeddedChannel> channels = new ArrayList<>();
  private final byte[] value = new byte[VALUE_BYTES];

  @BeforeAll
  static void paranoid() {
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
  }

  ReplySlicerTest() {
    new Random(23).nextBytes(value);
  }

  @AfterEach
  void close() {
    channels.forEach(EmbeddedChannel::finishAndReleaseAll);
  }

  /** A channel with an account, and {@code handlers} in its pipeline. */
  private EmbeddedChannel channel(io.netty.channel.ChannelHandler... handlers) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channels.add(channel);
    memory.open(channel);
    channel.pipeline().addLast(handlers);
    return channel;
  }

  private EmbeddedChannel slicing() {
    EmbeddedChannel channel = channel();
    channel.pipeline().addLast(ReplySlicer.NAME, new ReplySlicer(ClientMemory.accountOf(channel)));
    return channel;
  }

  private SlicedReply reply() {
    return SlicedReply.of("$head\r\n".getBytes(ISO_8859_1), SlicedReply.bytes(ByteBuffer.wrap(value)),
        "\r\n".getBytes(ISO_8859_1));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** Takes every buffer written so far, each at most {@code most} bytes, and returns their bytes. */
  private static byte[] drain(EmbeddedChannel channel, int most) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuf buf; (buf = channel.readOutbound()) != null; ) {
      assertTrue(buf.readableBytes() <= most, buf.readableBytes() + " bytes in one buffer");
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      buf.release();
      out.writeBytes(bytes);
    }
    return out.toByteArray();
  }

  private static long pending(EmbeddedChannel channel) {
    ChannelOutboundBuffer outbound = Objects.requireNonNull(channel.unsafe().outboundBuffer());
    return outbound.totalPendingWriteBytes();
  }

  @Test
  void aLargeValueGoesOutInSlicesAndWholeInOrder() {
    EmbeddedChannel channel = slicing();
    channel.writeAndFlush(reply());
    byte[] sent = drain(channel, SlicedReply.SLICE_BYTES + 16);
    assertArrayEquals(concat("$head\r\n".getBytes(ISO_8859_1), value, "\r\n".getBytes(ISO_8859_1)), sent);
    assertTrue(channel.isWritable());
  }

  @Test
  void atMostTwoSlicesWaitAndTheChannelIsUnwritableUntilTheLastIsWritten() {
    EmbeddedChannel channel = slicing();
    ClientMemory.Account account = ClientMemory.accountOf(channel);
    channel.write(reply());
    assertFalse(channel.isWritable(), "requests after it wait");
    long slice = SlicedReply.SLICE_BYTES;
    assertTrue(pending(channel) <= ReplySlicer.SLICES_IN_FLIGHT * (slice + 128), pending(channel) + " bytes waiting");
    assertEquals(VALUE_BYTES - ReplySlicer.SLICES_IN_FLIGHT * slice, account.held(), "the bytes not sliced yet");
    channel.flush();
    drain(channel, SlicedReply.SLICE_BYTES + 16);
    assertTrue(channel.isWritable());
    assertEquals(0, account.held());
  }

  @Test
  void whatIsWrittenDuringASlicedReplyFollowsItAndCountsMeanwhile() {
    EmbeddedChannel channel = slicing();
    ClientMemory.Account account = ClientMemory.accountOf(channel);
    channel.write(reply());
    long before = account.held();
    channel.write(Unpooled.copiedBuffer(">push\r\n", ISO_8859_1));
    assertEquals(before + 7, account.held());
    channel.writeAndFlush(Unpooled.copiedBuffer("+PONG\r\n", ISO_8859_1));
    byte[] sent = drain(channel, SlicedReply.SLICE_BYTES + 16);
    assertArrayEquals(concat("$head\r\n".getBytes(ISO_8859_1), value, "\r\n>push\r\n+PONG\r\n".getBytes(ISO_8859_1)),
        sent);
    assertEquals(0, account.held());
  }

  @Test
  void twoSlicedRepliesInARowGoOutOneAfterTheOther() {
    EmbeddedChannel channel = slicing();
    channel.write(reply());
    channel.writeAndFlush(reply());
    byte[] one = concat("$head\r\n".getBytes(ISO_8859_1), value, "\r\n".getBytes(ISO_8859_1));
    assertArrayEquals(concat(one, one), drain(channel, SlicedReply.SLICE_BYTES + 16));
    assertTrue(channel.isWritable());
  }

  @Test
  void aCloseMidReplyReleasesWhatItHeldAndItsCount() {
    EmbeddedChannel channel = slicing();
    ClientMemory.Account account = ClientMemory.accountOf(channel);
    channel.write(reply());
    ByteBuf held = Unpooled.copiedBuffer("+OK\r\n", ISO_8859_1);
    channel.write(held);
    channel.close();
    assertEquals(0, held.refCnt(), "released");
    assertEquals(0, memory.held());
  }

  @Test
  void base64SlicesJoinIntoTheValuesBase64() {
    EmbeddedChannel channel = slicing();
    channel.writeAndFlush(SlicedReply.base64("VALUE ".getBytes(ISO_8859_1),
        SlicedReply.bytes(ByteBuffer.wrap(value)), "\n".getBytes(ISO_8859_1)));
    byte[] sent = drain(channel, SlicedReply.SLICE_BYTES + 16);
    assertEquals("VALUE " + Base64.getEncoder().encodeToString(value) + "\n", new String(sent, ISO_8859_1));
  }

  /** A stored value of the in-process store, as GET answers it. */
  private BlinkStore.StoredValue stored(BlinkStore store) {
    store.set("big", value);
    return Objects.requireNonNull(store.getStored("big"));
  }

  @Test
  void theEncodersSendALargeValueInSlicesAndASmallOneInOneBuffer() {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(16 << 20).build()) {
      byte[] bulk = concat(("$" + VALUE_BYTES + "\r\n").getBytes(ISO_8859_1), value, "\r\n".getBytes(ISO_8859_1));
      for (io.netty.channel.ChannelHandler encoder : List.of(RespEncoder.INSTANCE, Resp3Encoder.INSTANCE)) {
        EmbeddedChannel resp = channel(encoder);
        resp.writeAndFlush(new Result.Stored(stored(store)));
        assertArrayEquals(bulk, drain(resp, SlicedReply.SLICE_BYTES + 16), encoder + ", stored");
        resp.writeAndFlush(new Result.Bulk(value));
        assertArrayEquals(bulk, drain(resp, SlicedReply.SLICE_BYTES + 16), encoder + ", a bulk string");
        resp.writeAndFlush(new Result.Bulk(new byte[SlicedReply.LEAST_VALUE_BYTES - 1]));
        ByteBuf whole = resp.readOutbound();
        assertEquals(SlicedReply.LEAST_VALUE_BYTES - 1 + 12, whole.readableBytes(), "one buffer below the least");
        whole.release();
      }
      EmbeddedChannel text = channel(ReplyEncoder.INSTANCE);
      text.writeAndFlush(new Reply.Value(stored(store)));
      assertEquals("VALUE " + Base64.getEncoder().encodeToString(value) + "\n",
          new String(drain(text, SlicedReply.SLICE_BYTES + 16), ISO_8859_1));
    }
  }
}
