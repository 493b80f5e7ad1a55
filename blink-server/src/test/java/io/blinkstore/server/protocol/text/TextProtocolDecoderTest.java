package io.blinkstore.server.protocol.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blinkstore.server.command.Authenticator;
import io.blinkstore.server.transport.ClientMemory;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TextProtocolDecoderTest {
  private static final int MAX = 16;

  private final EmbeddedChannel channel = new EmbeddedChannel(new TextProtocolDecoder(MAX));
  private final List<ByteBuf> written = new ArrayList<>();

  @AfterEach
  void releasesEveryInputBuffer() {
    channel.finishAndReleaseAll();
    for (ByteBuf buf : written) {
      assertEquals(0, buf.refCnt(), "an input buffer was not released");
    }
  }

  private void send(String text) {
    send(text.getBytes(StandardCharsets.UTF_8));
  }

  private void send(byte[] bytes) {
    ByteBuf buf = Unpooled.buffer(bytes.length).writeBytes(bytes);
    written.add(buf);
    channel.writeInbound(buf);
  }

  private List<Command> decoded() {
    List<Command> commands = new ArrayList<>();
    for (Object msg; (msg = channel.readInbound()) != null; ) {
      commands.add((Command) msg);
    }
    return commands;
  }

  private static Command set(String key, String value) {
    return new Command.Set(key, value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void decodesOneLine() {
    send("GET k\n");
    assertEquals(List.of(new Command.Get("k")), decoded());
  }

  @Test
  void decodesManyLinesOfOneBufferInOrder() {
    send("SET a 1\nGET a\nUSAGE\n\nQUIT\n");
    assertEquals(List.of(set("a", "1"), new Command.Get("a"), Command.USAGE, CommandParser.UNKNOWN_COMMAND,
        Command.QUIT), decoded());
  }

  @Test
  void decodesALineArrivingOneByteAtATime() {
    byte[] line = "SET k v\n".getBytes(StandardCharsets.US_ASCII);
    for (int i = 0; i < line.length - 1; i++) {
      send(new byte[] {line[i]});
      assertNull(channel.readInbound(), "decoded before the newline");
    }
    send(new byte[] {'\n'});
    assertEquals(List.of(set("k", "v")), decoded());
  }

  @Test
  void acceptsCrLfLineEnds() {
    send("SET k v\r\nGET k\r\n");
    assertEquals(List.of(set("k", "v"), new Command.Get("k")), decoded());
  }

  @Test
  void aLoneCarriageReturnDoesNotEndALine() {
    send("GET a\rGET b\n");
    assertEquals(List.of(new Command.Get("a\rGET b")), decoded());
    send("SET k a\rb\n");
    assertEquals(List.of(set("k", "a\rb")), decoded());
  }

  @Test
  void decodesMultiByteUtf8EvenWhenSplitAcrossReads() {
    byte[] line = "GET ключ\n".getBytes(StandardCharsets.UTF_8);
    send(Arrays.copyOfRange(line, 0, 5)); // "GET " and the first byte of 'к'
    send(Arrays.copyOfRange(line, 5, line.length));
    assertEquals(List.of(new Command.Get("ключ")), decoded());
  }

  @Test
  void invalidUtf8IsReportedAndTheNextLineStillDecodes() {
    send(new byte[] {'G', 'E', 'T', ' ', (byte) 0xFF, '\n', 'G', 'E', 'T', ' ', 'k', '\n'});
    assertEquals(List.of(TextProtocolDecoder.INVALID_UTF8, new Command.Get("k")), decoded());
  }

  @Test
  void overlongEncodingsSurrogatesAndTruncatedSequencesAreInvalid() {
    byte[][] lines = {
        {'G', ' ', (byte) 0xC0, (byte) 0xAF, '\n'}, // overlong '/'
        {'G', ' ', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '\n'}, // encoded surrogate U+D800
        {'G', ' ', (byte) 0xE2, (byte) 0x82, '\n'}, // truncated '€'
        {'G', ' ', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '\n'}, // above U+10FFFF
    };
    for (byte[] line : lines) {
      send(line);
      assertEquals(List.of(TextProtocolDecoder.INVALID_UTF8), decoded());
    }
  }

  @Test
  void aLineOfExactlyMaxLineBytesIsAccepted() {
    send("GET 123456789012\n"); // 16 bytes before the \n
    assertEquals(List.of(new Command.Get("123456789012")), decoded());
  }

  @Test
  void theCarriageReturnOfCrLfDoesNotCountTowardsTheLimit() {
    send("GET 123456789012\r\n");
    assertEquals(List.of(new Command.Get("123456789012")), decoded());
  }

  @Test
  void aLineOneByteOverTheLimitIsRejected() {
    send("GET 1234567890123\n");
    assertEquals(List.of(Command.LINE_TOO_LONG), decoded());
  }

  @Test
  void aCrLfLineOneByteOverTheLimitIsRejected() {
    send("GET 1234567890123\r\n");
    assertEquals(List.of(Command.LINE_TOO_LONG), decoded());
  }

  @Test
  void anOverLongLineIsRejectedAsSoonAsItPassesTheLimitWithoutANewline() {
    send("GET 123456789012");
    assertEquals(List.of(), decoded(), "at the limit, an unfinished line may still end");
    send("5");
    assertEquals(List.of(Command.LINE_TOO_LONG), decoded());
  }

  @Test
  void anUnfinishedLineEndingInCarriageReturnWaitsForItsNewline() {
    send("GET 123456789012\r");
    assertEquals(List.of(), decoded());
    send("\n");
    assertEquals(List.of(new Command.Get("123456789012")), decoded());
    send("GET 123456789012\r");
    send("x");
    assertEquals(List.of(Command.LINE_TOO_LONG), decoded());
  }

  @Test
  void everythingAfterAnOverLongLineIsDiscarded() {
    send("GET 1\nGET 123456789 and more\nGET 2\n");
    assertEquals(List.of(new Command.Get("1"), Command.LINE_TOO_LONG), decoded());
    send("GET 3\n");
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertEquals(List.of(), decoded());
  }

  @Test
  void aLastLineWithoutNewlineIsDecodedWhenTheInputIsShutDown() {
    send("SET a 1\nGET a");
    assertEquals(List.of(set("a", "1")), decoded());
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertEquals(List.of(new Command.Get("a")), decoded());
  }

  /**
   * Issue 16: a closed connection's unfinished line was decoded, though never executed (no one is left to answer):
   * a megabyte of work for each client that reset, or was closed for holding one.
   */
  @Test
  void aLastLineWithoutNewlineIsDroppedWhenTheChannelCloses() {
    send("GET a\nGET b");
    channel.finish();
    assertEquals(List.of(new Command.Get("a")), decoded());
  }

  @Test
  void aLastLineAtTheLimitEndingInCarriageReturnIsDecodedAtTheEnd() {
    send("GET 123456789012\r");
    channel.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    assertEquals(List.of(new Command.Get("123456789012")), decoded());
  }

  @Test
  void nothingIsDecodedAtTheEndWhenNoBytesAreLeft() {
    send("GET a\n");
    channel.finish();
    assertEquals(List.of(new Command.Get("a")), decoded());
  }

  /**
   * Issue 16: on a server with a token, a connection that has not signed in may send lines of at most 16 KiB (a
   * signed-in one up to the server's limit), so clients without the token cannot make the server hold much.
   */
  @Test
  void beforeSigningInALineHoldsAtMostSixteenKib() {
    Authenticator authenticator = new Authenticator("s3cret");
    EmbeddedChannel guarded =
        new EmbeddedChannel(new TextProtocolDecoder(1 << 20, authenticator, ClientMemory.Account.DETACHED));
    try {
      String longest = "x".repeat(TextProtocolDecoder.UNAUTHENTICATED_MAX_LINE_BYTES - 4);
      guarded.writeInbound(Unpooled.copiedBuffer("GET " + longest + "\r\n", StandardCharsets.UTF_8));
      assertEquals(new Command.Get(longest), guarded.readInbound());
      authenticator.authenticate(guarded, "s3cret".getBytes(StandardCharsets.UTF_8));
      String signedIn = "x".repeat(100_000);
      guarded.writeInbound(Unpooled.copiedBuffer("GET " + signedIn + "\n", StandardCharsets.UTF_8));
      assertEquals(new Command.Get(signedIn), guarded.readInbound(), "the limit lifts once signed in");
      authenticator.authenticate(guarded, "wrong".getBytes(StandardCharsets.UTF_8));
      guarded.writeInbound(Unpooled.copiedBuffer("GET " + longest + "x", StandardCharsets.UTF_8));
      assertEquals(Command.LINE_TOO_LONG, guarded.readInbound(), "refused before its newline, once signed out");
    } finally {
      guarded.finishAndReleaseAll();
    }
  }

  @Test
  void rejectsANonPositiveLimit() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new TextProtocolDecoder(0));
    assertEquals("maxLineBytes must be positive, but was 0", e.getMessage());
  }
}
