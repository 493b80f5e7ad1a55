package io.blinkstore.server.protocol.resp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.transport.ClientMemory;
import io.blinkstore.server.transport.RequestProgress;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

public class RespDecoderTest {
  /** Bulk strings of one request, headers and CRLFs included. */
  private static final int MAX_REQUEST = 64;
  private static final int MAX_ARRAY = 8;

  private final EmbeddedChannel channel = new EmbeddedChannel(new RespDecoder(MAX_REQUEST, MAX_ARRAY));

  @AfterEach
  void close() {
    channel.finishAndReleaseAll();
  }

  private void send(String text) {
    channel.writeInbound(Unpooled.copiedBuffer(text, ISO_8859_1));
  }

  private List<Object> decoded() {
    List<Object> all = new ArrayList<>();
    for (Object message; (message = channel.readInbound()) != null; ) {
      all.add(message);
    }
    return all;
  }

  private static RespRequest command(String... args) {
    byte[][] bytes = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      bytes[i] = args[i].getBytes(ISO_8859_1);
    }
    return new RespRequest.Command(bytes);
  }

  /** Encodes {@code args} as a RESP array of bulk strings. */
  public static String resp(String... args) {
    StringBuilder text = new StringBuilder("*").append(args.length).append("\r\n");
    for (String arg : args) {
      text.append('$').append(arg.length()).append("\r\n").append(arg).append("\r\n");
    }
    return text.toString();
  }

  private static RespRequest error(String message) {
    return new RespRequest.ProtocolError(message);
  }

  /** What the request timeout asks: which request is partly received, whatever bytes the last read ended with. */
  @Test
  void unfinishedRequestNumbersTheRequestPartlyReceivedAndIsNoneBetweenRequests() {
    RespDecoder decoder = channel.pipeline().get(RespDecoder.class);
    assertEquals(RequestProgress.NONE, decoder.unfinishedRequest());
    send("*1\r\n$4\r\n");
    assertEquals(0, decoder.unfinishedRequest(), "a header ending in CRLF is not a finished request");
    send("PING\r\n*2\r\n$3\r\nGET\r\n$3\r\nk\n");
    assertEquals(1, decoder.unfinishedRequest(), "bulk data ending in LF is not a finished request");
    send("x\r\n");
    assertEquals(RequestProgress.NONE, decoder.unfinishedRequest());
    send("*1\r\n$1\r\nx\r\n*1");
    assertEquals(3, decoder.unfinishedRequest());
    assertEquals(List.of(command("PING"), command("GET", "k\nx"), command("x")), decoded());
  }

  @Test
  void decodesAnArrayOfBulkStrings() {
    send(resp("SET", "key", "value"));
    assertEquals(List.of(command("SET", "key", "value")), decoded());
  }

  @Test
  void bulkStringsAreBinarySafe() {
    String binary = "a\r\nb\0\u00ff*$";
    send(resp("SET", "k", binary));
    RespRequest.Command decoded = (RespRequest.Command) channel.readInbound();
    assertArrayEquals(binary.getBytes(ISO_8859_1), decoded.args()[2]);
  }

  @Test
  void decodesInputFragmentedByteByByte() {
    String input = resp("SET", "key", "") + resp("GET", "key");
    for (byte b : input.getBytes(ISO_8859_1)) {
      channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
    }
    assertEquals(List.of(command("SET", "key", ""), command("GET", "key")), decoded());
  }

  @Test
  void decodesPipelinedCommandsInOrder() {
    send(resp("PING") + resp("ECHO", "a") + resp("ECHO", "b"));
    assertEquals(List.of(command("PING"), command("ECHO", "a"), command("ECHO", "b")), decoded());
  }

  @Test
  void emptyAndNegativeArraysAreSkippedAsInRedis() {
    send("*0\r\n*-1\r\n" + resp("PING"));
    assertEquals(List.of(command("PING")), decoded());
  }

  @Test
  void emptyLinesBetweenRequestsAreSkippedAsInRedis() {
    send(resp("PING") + "\r\n\n\r" + resp("PING"));
    assertEquals(List.of(command("PING"), command("PING")), decoded());
  }

  @Test
  void aRequestAtTheSizeLimitIsDecoded() {
    // "$1\r\nA\r\n" is 7 bytes; the last bulk string fills the request to exactly MAX_REQUEST.
    String last = "x".repeat(MAX_REQUEST - 7 - "$00\r\n\r\n".length());
    send(resp("A", last));
    assertEquals(List.of(command("A", last)), decoded());
  }

  @Test
  void aRequestOnePastTheSizeLimitIsRefusedBeforeItsBytesArrive() {
    String last = "x".repeat(MAX_REQUEST - 7 - "$00\r\n\r\n".length() + 1);
    send("*2\r\n$1\r\nA\r\n$" + last.length() + "\r\n"); // only the header of the over-size bulk string
    assertEquals(List.of(error("invalid bulk length")), decoded());
  }

  @Test
  void aHugeDeclaredBulkLengthIsRefusedAtOnce() {
    send("*1\r\n$2147483647\r\n");
    assertEquals(List.of(error("invalid bulk length")), decoded());
  }

  /**
   * {@code serve} under G1 before Java 21 holds a bulk string to one G1 region (that G1 never moves a longer
   * array, and a 3-5 MB SET ended a fragmented 92 MiB heap): one at the bound is decoded, one past it refused as
   * soon as its header arrives.
   */
  @Test
  void aBulkStringPastTheServersBulkBoundIsRefusedAtItsHeader() {
    EmbeddedChannel bounded = new EmbeddedChannel(new RespDecoder(1 << 20, MAX_ARRAY, () -> false,
        io.blinkstore.server.transport.ClientMemory.Account.DETACHED, 10));
    try {
      bounded.writeInbound(Unpooled.copiedBuffer(resp("SET", "k", "x".repeat(10)), ISO_8859_1));
      assertEquals(command("SET", "k", "x".repeat(10)), bounded.readInbound());
      bounded.writeInbound(Unpooled.copiedBuffer("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$11\r\n", ISO_8859_1));
      assertEquals(error("invalid bulk length (a bulk string may hold at most 10 bytes here: --max-value-bytes)"),
          bounded.readInbound());
    } finally {
      bounded.finishAndReleaseAll();
    }
  }

  @Test
  void anArrayAtTheLengthLimitIsDecoded() {
    String[] args = new String[MAX_ARRAY];
    Arrays.fill(args, "");
    send(resp(args));
    assertEquals(List.of(command(args)), decoded());
  }

  @Test
  void anArrayOnePastTheLengthLimitIsRefused() {
    send("*" + (MAX_ARRAY + 1) + "\r\n");
    assertEquals(List.of(error("invalid multibulk length")), decoded());
  }

  @Test
  void aHeaderAtTheLengthLimitIsReadAndItsNumberJudged() {
    send("*" + "1".repeat(RespDecoder.MAX_HEADER_BYTES - 1) + "\r\n");
    assertEquals(List.of(error("invalid multibulk length")), decoded());
  }

  @Test
  void aHeaderPastTheLengthLimitIsRefusedWithoutWaitingForItsEnd() {
    send("*" + "1".repeat(RespDecoder.MAX_HEADER_BYTES));
    assertEquals(List.of(error("too big mbulk count string")), decoded());
  }

  @Test
  void aBulkHeaderPastTheLengthLimitIsRefused() {
    send("*1\r\n$" + "1".repeat(RespDecoder.MAX_HEADER_BYTES));
    assertEquals(List.of(error("too big bulk count string")), decoded());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "*x\\r\\n|invalid multibulk length",
      "*\\r\\n|invalid multibulk length",
      "*1\\rx|invalid multibulk length",
      "*+1\\r\\n|invalid multibulk length",
      "*01\\r\\n|invalid multibulk length",
      "*1\\r\\n$-0\\r\\n|invalid bulk length",
      "*1\\r\\n:1\\r\\n|expected '$', got ':'",
      "*1\\r\\n$x\\r\\n|invalid bulk length",
      "*1\\r\\n$-1\\r\\n|invalid bulk length",
      "*1\\r\\n$1\\r\\nab\\r\\n|bulk string not followed by CRLF",
      "SET k \"v\\r\\n|unbalanced quotes in request",
      "SET k \"v\"x\\r\\n|unbalanced quotes in request",
  })
  void malformedInputIsAProtocolError(String input, String message) {
    send(input.replace("\\r", "\r").replace("\\n", "\n"));
    assertEquals(List.of(error(message)), decoded());
  }

  @Test
  void inlineCommandsAndArraysMixOnOneConnectionAsInRedis() {
    send("PING\r\n" + resp("GET", "k") + "SET k \"a b\" 'c\\'d'\n\r\n   \t \r\nECHO x");
    assertEquals(List.of(command("PING"), command("GET", "k"), command("SET", "k", "a b", "c'd")), decoded());
    send("y\r");
    assertEquals(List.of(), decoded(), "a line is whole at its \\n");
    send("\n" + resp("PING"));
    assertEquals(List.of(command("ECHO", "xy"), command("PING")), decoded());
  }

  @Test
  void anInlineLineIsBoundedAt64KibBeforeItsNewline() {
    EmbeddedChannel large = new EmbeddedChannel(new RespDecoder(1 << 20, MAX_ARRAY));
    try {
      String longest = "ECHO " + "x".repeat(RespDecoder.MAX_INLINE_BYTES - 5);
      large.writeInbound(Unpooled.copiedBuffer(longest + "\n", ISO_8859_1));
      assertEquals(RespDecoder.MAX_INLINE_BYTES - 5, ((RespRequest.Command) large.readInbound()).args()[1].length);
      large.writeInbound(Unpooled.copiedBuffer(longest, ISO_8859_1));
      assertNull(large.readInbound(), "64 KiB without a newline: it may still come");
      large.writeInbound(Unpooled.copiedBuffer("x", ISO_8859_1));
      assertEquals(error("too big inline request"), large.readInbound());
    } finally {
      large.finishAndReleaseAll();
    }
    send("ECHO " + "x".repeat(RespDecoder.MAX_INLINE_BYTES - 4) + "\n");
    assertEquals(List.of(error("too big inline request")), decoded(), "one byte longer, newline and all at once");
  }

  @Test
  void afterAnErrorEverythingIsDiscarded() {
    send(resp("PING") + "*1\r\n:1\r\n" + resp("PING"));
    assertEquals(List.of(command("PING"), error("expected '$', got ':'")), decoded());
    send(resp("PING"));
    assertEquals(List.of(), decoded());
  }

  @Test
  void anIncompleteRequestWaitsForMoreAndEmitsNothing() {
    send("*2\r\n$3\r\nGET\r\n$3\r\nke");
    assertNull(channel.readInbound());
    send("y\r\n");
    assertEquals(List.of(command("GET", "key")), decoded());
  }

  /**
   * Issue 16: a connection that had not signed in could send requests as large as a signed-in one. Before
   * signing in, as in Redis 7, arrays hold at most 10 elements and bulk strings at most 16 KiB; the limits lift
   * as soon as the connection has signed in.
   */
  @Test
  void beforeSigningInArraysHoldTenElementsAndBulkStringsSixteenKib() {
    boolean[] signedOut = {true};
    EmbeddedChannel guarded = new EmbeddedChannel(guarded(() -> signedOut[0]));
    try {
      String tenArgs = resp("ECHO", "1", "2", "3", "4", "5", "6", "7", "8", "9");
      String fullBulk = resp("ECHO", "b".repeat(RespDecoder.UNAUTHENTICATED_MAX_BULK_BYTES));
      guarded.writeInbound(Unpooled.copiedBuffer(tenArgs + fullBulk, ISO_8859_1));
      assertEquals(10, ((RespRequest.Command) guarded.readInbound()).args().length);
      assertEquals(16384, ((RespRequest.Command) guarded.readInbound()).args()[1].length);
      guarded.writeInbound(Unpooled.copiedBuffer("*11\r\n", ISO_8859_1));
      assertEquals(error("unauthenticated multibulk length"), guarded.readInbound());
    } finally {
      guarded.finishAndReleaseAll();
    }
    assertRefusedWhileSignedOut("*2\r\n$4\r\nECHO\r\n$16385\r\n", "unauthenticated bulk length");
    assertRefusedWhileSignedOut("*2000000\r\n", "unauthenticated multibulk length"); // past our own limit too
    assertRefusedWhileSignedOut("*1\r\n$2000000\r\n", "unauthenticated bulk length");
    // What Redis finds invalid whether signed in or not is invalid first, as there.
    assertRefusedWhileSignedOut("*3000000000\r\n", "invalid multibulk length");
    assertRefusedWhileSignedOut("*1\r\n$600000000\r\n", "invalid bulk length");
    assertRefusedWhileSignedOut("*1\r\n$-5\r\n", "invalid bulk length");
    signedOut[0] = false;
    EmbeddedChannel signedIn = new EmbeddedChannel(guarded(() -> signedOut[0]));
    try {
      signedIn.writeInbound(Unpooled.copiedBuffer(resp("ECHO", "b".repeat(100_000))
          + resp("ECHO", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"), ISO_8859_1));
      assertEquals(100_000, ((RespRequest.Command) signedIn.readInbound()).args()[1].length);
      assertEquals(12, ((RespRequest.Command) signedIn.readInbound()).args().length);
    } finally {
      signedIn.finishAndReleaseAll();
    }
  }

  /** A decoder of requests up to 1 MiB, in arrays of up to 1 Mi elements, held to less while {@code signedOut}. */
  private static RespDecoder guarded(BooleanSupplier signedOut) {
    return new RespDecoder(1 << 20, 1 << 20, signedOut, ClientMemory.Account.DETACHED);
  }

  private static void assertRefusedWhileSignedOut(String input, String message) {
    EmbeddedChannel guarded = new EmbeddedChannel(guarded(() -> true));
    try {
      guarded.writeInbound(Unpooled.copiedBuffer(input, ISO_8859_1));
      assertEquals(error(message), guarded.readInbound(), input);
    } finally {
      guarded.finishAndReleaseAll();
    }
  }

  /**
   * Whatever the request limit, a bulk string may be as long as Redis's ({@code proto-max-bulk-len}, 512 MiB) and
   * no longer: the server's RESP requests are bounded by 1 GiB, not by the line limit (issue 23).
   */
  @Test
  void aBulkStringOfRedissLongestLengthIsAwaitedAndOneBytePastItRefused() {
    EmbeddedChannel large = new EmbeddedChannel(new RespDecoder(RespDecoder.MAX_REQUEST_BYTES, MAX_ARRAY));
    EmbeddedChannel tooLarge = new EmbeddedChannel(new RespDecoder(RespDecoder.MAX_REQUEST_BYTES, MAX_ARRAY));
    try {
      large.writeInbound(Unpooled.copiedBuffer("*1\r\n$" + (512 << 20) + "\r\n", ISO_8859_1));
      assertNull(large.readInbound());
      tooLarge.writeInbound(Unpooled.copiedBuffer("*1\r\n$" + ((512 << 20) + 1) + "\r\n", ISO_8859_1));
      assertEquals(error("invalid bulk length"), tooLarge.readInbound());
    } finally {
      large.finishAndReleaseAll();
      tooLarge.finishAndReleaseAll();
    }
  }

  @Test
  void allocatesOnlyForTheBytesReallySentWhenALargeLengthIsDeclared() {
    LargestAllocation allocator = new LargestAllocation();
    EmbeddedChannel large = new EmbeddedChannel(new RespDecoder(1 << 30, MAX_ARRAY));
    large.config().setAllocator(allocator);
    try {
      for (int i = 0; i < 100; i++) { // fragments, so the decoder must accumulate them
        large.writeInbound(Unpooled.copiedBuffer(i == 0 ? "*1\r\n$500000000\r\n" : "0123456789", ISO_8859_1));
      }
      assertNull(large.readInbound());
      assertTrue(allocator.largest < 1 << 16, () -> "allocated " + allocator.largest + " bytes");
    } finally {
      large.finishAndReleaseAll();
    }
  }

  /** Records the largest buffer asked for. */
  private static final class LargestAllocation extends AbstractByteBufAllocator {
    int largest;

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
      largest = Math.max(largest, initialCapacity);
      return UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
      largest = Math.max(largest, initialCapacity);
      return UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
      return false;
    }
  }
}
