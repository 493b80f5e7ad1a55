package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;
import io.blinkstore.NotAnIntegerException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Request lines and reply decoding, without sockets. */
class TextProtocolTest {
  private final TextProtocol protocol = new TextProtocol(100);

  private static String line(Request<?> request) {
    return new String(request.bytes(), UTF_8);
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
    assertEquals(101, protocol.get("k".repeat(96)).bytes().length);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> protocol.get("k".repeat(97)));
    assertTrue(e.getMessage().contains("the request would be 101 bytes, more than the limit of 100"), e.getMessage());
    // "SET64 k " + base64: 8 + 92 = 100 bytes for a value of 69 bytes; 70 bytes need 96 characters of base64.
    assertEquals(101, protocol.set("k", new byte[69]).bytes().length);
    IllegalArgumentException set = assertThrows(IllegalArgumentException.class, () -> protocol.set("k", new byte[70]));
    assertTrue(set.getMessage().contains("a value of at most 69 bytes fits"), set.getMessage());
  }

  @Test
  void keysAreSizedInUtf8AgainstTheLimit() {
    assertEquals(101, protocol.get("й".repeat(48)).bytes().length); // 4 + 96 bytes
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
        "STATS keys=2 usage=19 limit=100 hits=3 misses=4 evictions=5 uptime_seconds=9 hit_ratio=0.43 expirations=1"
            + " expiring=6");
    assertEquals(new ServerStats(2, 19, 100, 3, 4, 5, 1, 6), stats);
    ServerStats reordered =
        reply(protocol.stats(), "STATS expiring=6 expirations=1 evictions=5 misses=4 hits=3 limit=100 usage=19 keys=2");
    assertEquals(stats, reordered);
    ServerStats older = reply(protocol.stats(), "STATS keys=2 usage=19 limit=100 hits=3 misses=4 evictions=5");
    assertEquals(new ServerStats(2, 19, 100, 3, 4, 5, 0, 0), older);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "STATS keys=2 usage=19 limit=100 hits=3 misses=4", // evictions missing
      "STATS keys=x usage=19 limit=100 hits=3 misses=4 evictions=5",
      "STATS keys=-1 usage=19 limit=100 hits=3 misses=4 evictions=5",
      "STATS keys=99999999999999999999 usage=19 limit=100 hits=3 misses=4 evictions=5",
      "STATS keys=2 usage=19 limit=100 hits=3 misses=4 evictions=5 expirations=x", // the later fields too
      "STATS keys=2 usage=19 limit=100 hits=3 misses=4 evictions=5 expiring=-1",
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
  void theTtlAndCounterWordsAreTheProtocolsWords() {
    assertEquals("PSETEX64 k 1500 AP8KIA==\n",
        line(protocol.set("k", new byte[] {0, (byte) 0xFF, '\n', ' '}, Duration.ofMillis(1500))));
    assertEquals("PSETEX64 k 1500\n", line(protocol.set("k", new byte[0], Duration.ofMillis(1500))));
    assertEquals("PEXPIRE k 2000\n", line(protocol.expire("k", Duration.ofSeconds(2))));
    assertEquals("PERSIST k\n", line(protocol.persist("k")));
    assertEquals("PTTL k\n", line(protocol.ttl("k")));
    assertEquals("INCRBY k -9223372036854775808\n", line(protocol.incrementBy("k", Long.MIN_VALUE)));
    assertEquals("GETL k 250\n", line(protocol.getOrLease("k", Duration.ofMillis(250))));
    assertEquals("FILL k 7 0 aGk=\n", line(protocol.fill("k", 7, 0, "hi".getBytes(UTF_8))));
    assertEquals("FILL k 7 1500\n", line(protocol.fill("k", 7, 1500, new byte[0])));
    assertEquals("RELEASE k 7\n", line(protocol.release("k", 7)));
  }

  @Test
  void aPartialMillisecondIsRoundedUpSoTheTtlStaysPositive() {
    assertEquals("PEXPIRE k 1\n", line(protocol.expire("k", Duration.ofNanos(1))));
    assertEquals("PEXPIRE k 1001\n", line(protocol.expire("k", Duration.ofMillis(1000).plusNanos(1))));
    assertEquals(BlinkStore.MAX_TTL.toMillis(), TextProtocol.ttlMillis(BlinkStore.MAX_TTL));
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, Long.MIN_VALUE})
  void aTtlThatIsNotPositiveIsRefusedBeforeAnythingIsMade(long nanos) {
    assertThrows(IllegalArgumentException.class, () -> protocol.expire("k", Duration.ofNanos(nanos)));
    assertThrows(IllegalArgumentException.class, () -> protocol.set("k", new byte[0], Duration.ofNanos(nanos)));
  }

  @Test
  void aTtlPastTheMaximumIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> TextProtocol.ttlMillis(BlinkStore.MAX_TTL.plusNanos(1)));
    assertThrows(IllegalArgumentException.class, () -> TextProtocol.ttlMillis(BlinkStore.NO_EXPIRY));
    assertThrows(NullPointerException.class, () -> TextProtocol.ttlMillis(null));
  }

  @Test
  void theTtlAndCounterRepliesAreDecoded() throws Exception {
    assertNull(reply(protocol.ttl("k"), "NOT_FOUND"));
    assertEquals(BlinkStore.NO_EXPIRY, reply(protocol.ttl("k"), "PTTL -1"));
    assertEquals(Duration.ofMillis(1234), reply(protocol.ttl("k"), "PTTL 1234"));
    assertTrue(reply(protocol.expire("k", Duration.ofSeconds(1)), "OK"));
    assertFalse(reply(protocol.persist("k"), "NOT_FOUND"));
    assertEquals(-42L, reply(protocol.incrementBy("k", 1), "INTEGER -42"));
    assertEquals(Long.MIN_VALUE, reply(protocol.incrementBy("k", 1), "INTEGER -9223372036854775808"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PTTL 0", "PTTL -2", "PTTL", "TTL 5", "OK", "VALUE dg=="})
  void aLineThatCannotAnswerPttlIsRejected(String line) {
    assertFalse(protocol.ttl("k").complete(line.getBytes(UTF_8), 1000));
  }

  @ParameterizedTest
  @ValueSource(strings = {"INTEGER", "INTEGER x", "INTEGER 9223372036854775808", "OK", "VALUE MQ=="})
  void aLineThatCannotAnswerIncrbyIsRejected(String line) {
    assertFalse(protocol.incrementBy("k", 1).complete(line.getBytes(UTF_8), 1000));
  }

  /** Counts of 19 digits above {@code Long.MAX_VALUE} once threw {@code NumberFormatException} out of decoders. */
  @Test
  void aCountAboveLongMaxValueCannotAnswerItsCommand() {
    String tooLarge = "9223372036854775808";
    assertFalse(protocol.usage().complete(("USAGE " + tooLarge).getBytes(UTF_8), 1000));
    assertFalse(protocol.ttl("k").complete(("PTTL " + tooLarge).getBytes(UTF_8), 1000));
    assertFalse(protocol.getOrLease("k", Duration.ofSeconds(1)).complete(("WAIT " + tooLarge).getBytes(UTF_8), 1000));
    assertFalse(protocol.stats().complete(("STATS keys=" + tooLarge + " usage=0 limit=1 hits=0 misses=0 evictions=0")
        .getBytes(UTF_8), 1000));
  }

  @Test
  void theLeaseRepliesAreDecoded() throws Exception {
    Duration lease = Duration.ofSeconds(1);
    LeasedLoad.Value value =
        assertInstanceOf(LeasedLoad.Value.class, reply(protocol.getOrLease("k", lease), "VALUE aGk="));
    assertArrayEquals("hi".getBytes(UTF_8), value.value());
    assertEquals(new LeasedLoad.Lease(81234), reply(protocol.getOrLease("k", lease), "LEASE 81234"));
    assertEquals(new LeasedLoad.Wait(10), reply(protocol.getOrLease("k", lease), "WAIT 10"));
    assertEquals(new LeasedLoad.TableFull(), reply(protocol.getOrLease("k", lease), "ERROR lease table full"));
    assertTrue(reply(protocol.fill("k", 1, 0, new byte[1]), "OK"));
    assertFalse(reply(protocol.fill("k", 1, 0, new byte[1]), "ERROR lease expired"));
    assertTrue(reply(protocol.release("k", 1), "OK"));
    assertFalse(reply(protocol.release("k", 1), "NOT_FOUND"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"NOT_FOUND", "LEASE", "LEASE x", "WAIT -1", "OK", "VALUE AP8"})
  void aLineThatCannotAnswerGetlIsRejected(String line) {
    assertFalse(protocol.getOrLease("k", Duration.ofSeconds(1)).complete(line.getBytes(UTF_8), 1000));
  }

  @Test
  void theCounterErrorsAreTheContractsExceptions() {
    assertInstanceOf(NotAnIntegerException.class,
        failure(protocol.incrementBy("k", 1), "ERROR value is not an integer or out of range"));
    ArithmeticException overflow = assertInstanceOf(ArithmeticException.class,
        failure(protocol.incrementBy("k", 1), "ERROR increment or decrement would overflow"));
    assertTrue(overflow.getMessage().contains("INCRBY k"), overflow.getMessage());
    EntryTooLargeException tooLarge = assertInstanceOf(EntryTooLargeException.class,
        failure(protocol.incrementBy("ключ", 1), "ERROR " + Request.AT_CAPACITY));
    assertEquals(8 + 20, tooLarge.entryBytes());
    assertInstanceOf(BlinkServerException.class, failure(protocol.incrementBy("k", 1), "ERROR something else"));
  }

  @Test
  void theCapacityErrorToAWriteWithATtlOrAFillIsEntryTooLarge() {
    EntryTooLargeException set = assertInstanceOf(EntryTooLargeException.class,
        failure(protocol.set("k", new byte[30], Duration.ofSeconds(1)), "ERROR " + Request.AT_CAPACITY));
    assertEquals(31, set.entryBytes());
    EntryTooLargeException fill = assertInstanceOf(EntryTooLargeException.class,
        failure(protocol.fill("k", 1, 0, new byte[30]), "ERROR " + Request.AT_CAPACITY));
    assertEquals(31, fill.entryBytes());
  }

  /** Completes {@code request} with the error line and returns what it failed with. */
  private static Throwable failure(Request<?> request, String errorLine) {
    assertTrue(request.complete(errorLine.getBytes(UTF_8), 1000), "accepted: " + errorLine);
    return assertThrows(ExecutionException.class, () -> request.future().get()).getCause();
  }

  @Test
  void longKeysAreShortenedInCommandNames() {
    String key = "k".repeat(1000);
    assertEquals("GET " + "k".repeat(64) + "...", new TextProtocol(2000).get(key).command());
  }
}
