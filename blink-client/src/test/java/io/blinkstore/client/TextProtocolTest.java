package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.EntryTooLargeException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request lines and reply decoding, without sockets. */
class TextProtocolTest {
  private final TextProtocol protocol = new TextProtocol(100);

  private static String line(Request<?> request) {
    return new String(request.line(), UTF_8);
  }

  private static <T> T reply(Request<T> request, String line) throws Exception {
    assertTrue(request.complete(line.getBytes(UTF_8), 1000), "accepted: " + line);
    return request.future().get();
  }

  @Test
  void requestLinesAreTheProtocolsWords() {
    assertEquals("GET ключ\n", line(protocol.get("ключ")));
    assertEquals("SET64 k AP8KIA==\n", line(protocol.set("k", new byte[] {0, (byte) 0xFF, '\n', ' '})));
    assertEquals("SET64 k\n", line(protocol.set("k", new byte[0])));
    assertEquals("DELETE k\n", line(protocol.delete("k")));
    assertEquals("USAGE\n", line(protocol.usage()));
    assertEquals("STATS\n", line(protocol.stats()));
    assertEquals("FLUSH\n", line(protocol.flush()));
    assertEquals("PING\n", line(protocol.ping()));
  }

  @Test
  void aRequestOfExactlyTheLimitIsMadeAndOneByteMoreIsRefused() {
    // "GET " + key: 4 + 96 = 100 bytes, the limit; the key is 96 ASCII characters.
    assertEquals(101, protocol.get("k".repeat(96)).line().length);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> protocol.get("k".repeat(97)));
    assertTrue(e.getMessage().contains("the request would be 101 bytes, more than the limit of 100"), e.getMessage());
    // "SET64 k " + base64: 8 + 92 = 100 bytes for a value of 69 bytes; 70 bytes need 96 characters of base64.
    assertEquals(101, protocol.set("k", new byte[69]).line().length);
    IllegalArgumentException set = assertThrows(IllegalArgumentException.class, () -> protocol.set("k", new byte[70]));
    assertTrue(set.getMessage().contains("a value of at most 69 bytes fits"), set.getMessage());
  }

  @Test
  void keysAreSizedInUtf8AgainstTheLimit() {
    assertEquals(101, protocol.get("й".repeat(48)).line().length); // 4 + 96 bytes
    assertThrows(IllegalArgumentException.class, () -> protocol.get("й".repeat(49)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a\nb", "a\u00A0b", "\uD83D"})
  void invalidKeysAreRefusedBeforeAnythingIsMade(String key) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> protocol.get(key));
    assertTrue(e.getMessage().startsWith("invalid key"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> protocol.set(key, new byte[0]));
    assertThrows(IllegalArgumentException.class, () -> protocol.delete(key));
  }

  @Test
  void nullsAreRefused() {
    assertThrows(NullPointerException.class, () -> protocol.get(null));
    assertThrows(NullPointerException.class, () -> protocol.set("k", null));
    assertThrows(NullPointerException.class, () -> protocol.set(null, new byte[0]));
  }

  @Test
  void repliesAreDecoded() throws Exception {
    assertArrayEquals(new byte[] {0, (byte) 0xFF, '\n', ' '}, reply(protocol.get("k"), "VALUE AP8KIA=="));
    assertArrayEquals(new byte[0], reply(protocol.get("k"), "VALUE "));
    assertNull(reply(protocol.get("k"), "NOT_FOUND"));
    assertTrue(reply(protocol.delete("k"), "OK"));
    assertFalse(reply(protocol.delete("k"), "NOT_FOUND"));
    assertEquals(19L, reply(protocol.usage(), "USAGE 19"));
    assertNull(reply(protocol.ping(), "PONG"));
    assertNull(reply(protocol.flush(), "OK"));
  }

  @Test
  void statsAreReadAsNameValuePairsIgnoringUnknownFields() throws Exception {
    ServerStats stats = reply(protocol.stats(),
        "STATS keys=2 usage=19 limit=100 hits=3 misses=4 evictions=5 uptime_seconds=9 hit_ratio=0.43 expirations=1");
    assertEquals(new ServerStats(2, 19, 100, 3, 4, 5), stats);
    ServerStats reordered =
        reply(protocol.stats(), "STATS evictions=5 misses=4 hits=3 limit=100 usage=19 keys=2");
    assertEquals(stats, reordered);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "STATS keys=2 usage=19 limit=100 hits=3 misses=4", // evictions missing
      "STATS keys=x usage=19 limit=100 hits=3 misses=4 evictions=5",
      "STATS keys=-1 usage=19 limit=100 hits=3 misses=4 evictions=5",
      "STATS keys=99999999999999999999 usage=19 limit=100 hits=3 misses=4 evictions=5",
      "USAGE 3",
  })
  void aStatsReplyWithoutEveryNeededCountIsNoAnswer(String line) {
    assertFalse(protocol.stats().complete(line.getBytes(UTF_8), 1000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"OK", "VALUE", "VALUE AP8", "VALUE !!!!", "value dg==", "NOT_FOUND ", "PONG", ""})
  void aLineThatCannotAnswerGetIsRejected(String line) {
    assertFalse(protocol.get("k").complete(line.getBytes(UTF_8), 1000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"USAGE", "USAGE x", "USAGE -1", "USAGE 1 2", "OK"})
  void aLineThatCannotAnswerUsageIsRejected(String line) {
    assertFalse(protocol.usage().complete(line.getBytes(UTF_8), 1000));
  }

  @Test
  void anErrorReplyFailsTheCommandWithTheServersText() {
    Request<byte[]> get = protocol.get("k");
    assertTrue(get.complete("ERROR something broke".getBytes(UTF_8), 1000));
    BlinkServerException e = assertInstanceOf(BlinkServerException.class,
        assertThrows(ExecutionException.class, () -> get.future().get()).getCause());
    assertEquals("something broke", e.serverMessage());
    assertEquals("GET k", e.command());
  }

  @Test
  void theCapacityErrorToASetIsEntryTooLargeWithTheEntrysSizeAndTheServersLimit() {
    Request<Void> set = protocol.set("ключ", new byte[20]);
    assertTrue(set.complete(("ERROR " + Request.AT_CAPACITY).getBytes(UTF_8), 25));
    EntryTooLargeException e = assertInstanceOf(EntryTooLargeException.class,
        assertThrows(ExecutionException.class, () -> set.future().get()).getCause());
    assertEquals(28, e.entryBytes());
    assertEquals(25, e.memoryLimit());
  }

  @Test
  void longKeysAreShortenedInCommandNames() {
    String key = "k".repeat(1000);
    assertEquals("GET " + "k".repeat(64) + "...", new TextProtocol(2000).get(key).command());
  }
}
