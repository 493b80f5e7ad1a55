package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RESP2 replies cut from a stream, whatever the reads, and every bound at its limit and one past it. */
class RespReaderTest {
  private static final long LONGEST = 100;
  private final List<RespReply> replies = new ArrayList<>();

  private void feed(RespReader reader, String chunk) {
    reader.split(ByteBuffer.wrap(chunk.getBytes(UTF_8)), replies::add);
  }

  private static String bulk(int length) {
    return "$" + length + "\r\n" + "x".repeat(length) + "\r\n";
  }

  @Test
  void everyReplyTypeIsRead() {
    feed(new RespReader(() -> LONGEST),
        "+OK\r\n-ERR no\r\n:-42\r\n$5\r\nh\r\nlo\r\n$0\r\n\r\n$-1\r\n*2\r\n$1\r\na\r\n:1\r\n*-1\r\n*0\r\n");
    assertEquals(new RespReply.Simple("OK"), replies.get(0));
    assertEquals(new RespReply.Error("ERR no"), replies.get(1));
    assertEquals(new RespReply.Int(-42), replies.get(2));
    assertArrayEquals("h\r\nlo".getBytes(UTF_8), ((RespReply.Bulk) replies.get(3)).bytes());
    assertArrayEquals(new byte[0], ((RespReply.Bulk) replies.get(4)).bytes());
    assertNull(((RespReply.Bulk) replies.get(5)).bytes());
    List<RespReply> items = ((RespReply.Array) replies.get(6)).items();
    assertArrayEquals("a".getBytes(UTF_8), ((RespReply.Bulk) items.get(0)).bytes());
    assertEquals(new RespReply.Int(1), items.get(1));
    assertNull(((RespReply.Array) replies.get(7)).items());
    assertEquals(List.of(), ((RespReply.Array) replies.get(8)).items());
    assertEquals(9, replies.size());
  }

  @Test
  void repliesCutAnywhereByReadsComeOutWhole() {
    RespReader reader = new RespReader(() -> LONGEST);
    String stream = "+PONG\r\n$3\r\nabc\r\n*2\r\n$1\r\nk\r\n$2\r\n10\r\n:7\r\n";
    for (char c : stream.toCharArray()) {
      feed(reader, String.valueOf(c));
    }
    feed(reader, stream);
    assertEquals(8, replies.size());
    assertEquals(new RespReply.Int(7), replies.get(7));
  }

  @Test
  void aBulkStringOfExactlyTheLongestIsReadAndOneByteMoreIsRefusedAtItsHeader() {
    feed(new RespReader(() -> LONGEST), bulk((int) LONGEST));
    assertEquals(LONGEST, ((RespReply.Bulk) replies.get(0)).bytes().length);
    // Refused from the header alone: the claimed bytes never arrive, and nothing is buffered for them.
    assertThrows(ReplyReader.MalformedReplyException.class,
        () -> feed(new RespReader(() -> LONGEST), "$" + (LONGEST + 64 * 1024 + 1) + "\r\n"));
  }

  @Test
  void anArrayOfTheMostElementsIsReadAndOneMoreIsRefused() {
    feed(new RespReader(() -> LONGEST), "*" + RespReader.MAX_ARRAY_LENGTH + "\r\n" + ":1\r\n".repeat(1024));
    assertEquals(RespReader.MAX_ARRAY_LENGTH, ((RespReply.Array) replies.get(0)).items().size());
    assertThrows(ReplyReader.MalformedReplyException.class,
        () -> feed(new RespReader(() -> LONGEST), "*" + (RespReader.MAX_ARRAY_LENGTH + 1) + "\r\n"));
  }

  @Test
  void arraysNestedDeeperThanTheMostAreRefused() {
    feed(new RespReader(() -> LONGEST), "*1\r\n".repeat(RespReader.MAX_DEPTH) + ":1\r\n");
    assertEquals(1, replies.size());
    assertThrows(ReplyReader.MalformedReplyException.class,
        () -> feed(new RespReader(() -> LONGEST), "*1\r\n".repeat(RespReader.MAX_DEPTH + 1) + ":1\r\n"));
  }

  @Test
  void manyLongBulkStringsInOneArrayAreRefused() {
    String array = "*1000\r\n" + bulk((int) LONGEST).repeat(1000);
    ReplyReader.MalformedReplyException e = assertThrows(ReplyReader.MalformedReplyException.class,
        () -> feed(new RespReader(() -> LONGEST), array));
    assertTrue(e.getMessage().contains("no legitimate reply is longer"), e.getMessage());
  }

  @Test
  void aSimpleLineLongerThanTheLongestIsRefusedBeforeItsEndArrives() {
    RespReader reader = new RespReader(() -> LONGEST);
    feed(reader, "+" + "x".repeat((int) LONGEST));
    assertThrows(ReplyReader.MalformedReplyException.class, () -> feed(reader, "x"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"?\r\n", "OK\r\n", ":x\r\n", "$-2\r\n", "*-5\r\n", "$3\r\nabcd\r\n",
      "$01234567890123456789012345678901234"})
  void bytesThatAreNoReplyAreRefused(String stream) {
    assertThrows(ReplyReader.MalformedReplyException.class, () -> feed(new RespReader(() -> LONGEST), stream));
  }

  /**
   * A byte that begins no RESP reply is refused at once, not after a line end that may never come: a text-protocol
   * server's "ERROR unknown command\n" ends in a bare \n, and the client's handshake used to wait out its timeout.
   */
  @ParameterizedTest
  @ValueSource(strings = {"E", "ERROR unknown command\n", "VALUE", "\n"})
  void aReplyWhoseFirstByteBeginsNoRespReplyIsRefusedBeforeItsLineEnds(String stream) {
    assertThrows(ReplyReader.MalformedReplyException.class, () -> feed(new RespReader(() -> LONGEST), stream));
  }

  @Test
  void anIncompleteReplyWaitsForTheRest() {
    RespReader reader = new RespReader(() -> LONGEST);
    feed(reader, "*2\r\n$3\r\nab");
    assertEquals(List.of(), replies);
    feed(reader, "c\r\n:5\r\n");
    RespReply.Array array = assertInstanceOf(RespReply.Array.class, replies.get(0));
    assertEquals(new RespReply.Int(5), array.items().get(1));
  }
}
