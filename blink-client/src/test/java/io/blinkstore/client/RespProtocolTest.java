package io.blinkstore.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;
import io.blinkstore.NotAnIntegerException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RESP requests as Redis expects them, and Redis's replies read as the contract's results, without sockets. */
class RespProtocolTest {
  private final RespProtocol protocol = new RespProtocol(100);

  private static String bytes(RespRequest<?> request) {
    return new String(request.bytes(), UTF_8);
  }

  private static <T> T reply(RespRequest<T> request, RespReply reply) throws Exception {
    assertTrue(request.complete(reply, 1000), "accepted: " + reply);
    return request.future().get();
  }

  private static Throwable failure(RespRequest<?> request, String error) {
    assertTrue(request.complete(new RespReply.Error(error), 1000));
    return assertThrows(ExecutionException.class, () -> request.future().get()).getCause();
  }

  private static RespReply.Bulk bulk(String text) {
    return new RespReply.Bulk(text.getBytes(UTF_8));
  }

  @Test
  void requestsAreArraysOfBulkStrings() {
    assertEquals("*2\r\n$3\r\nGET\r\n$8\r\nключ\r\n", bytes(protocol.get("ключ")));
    assertEquals("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n\u0000\r\n\r\n",
        bytes(protocol.set("k", new byte[] {0, '\r', '\n'})));
    assertEquals("*5\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n$2\r\nPX\r\n$4\r\n1500\r\n",
        bytes(protocol.set("k", new byte[0], Duration.ofMillis(1500))));
    assertEquals("*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n", bytes(protocol.delete("k")));
    assertEquals("*3\r\n$7\r\nPEXPIRE\r\n$1\r\nk\r\n$1\r\n1\r\n", bytes(protocol.expire("k", Duration.ofNanos(1))));
    assertEquals("*2\r\n$7\r\nPERSIST\r\n$1\r\nk\r\n", bytes(protocol.persist("k")));
    assertEquals("*2\r\n$4\r\nPTTL\r\n$1\r\nk\r\n", bytes(protocol.ttl("k")));
    assertEquals("*3\r\n$6\r\nINCRBY\r\n$1\r\nk\r\n$2\r\n-5\r\n", bytes(protocol.incrementBy("k", -5)));
    assertEquals("*1\r\n$6\r\nDBSIZE\r\n", bytes(protocol.size()));
    assertEquals("*2\r\n$4\r\nINFO\r\n$6\r\nmemory\r\n", bytes(protocol.usage()));
    assertEquals("*1\r\n$4\r\nINFO\r\n", bytes(protocol.stats()));
    assertEquals("*1\r\n$8\r\nFLUSHALL\r\n", bytes(protocol.flush()));
    assertEquals("*1\r\n$4\r\nPING\r\n", bytes(protocol.ping()));
  }

  @Test
  void aRequestOfExactlyTheLimitIsMadeAndOneByteMoreIsRefused() {
    // "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n" is 20 bytes; "$73\r\n", 73 bytes and CRLF are 80 more: 100.
    assertEquals(100, protocol.set("k", new byte[73]).bytes().length);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> protocol.set("k", new byte[74]));
    assertTrue(e.getMessage().contains("the request would be 101 bytes, more than the limit of 100"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "a\nb", "\uD83D"})
  void invalidKeysAndTtlsAreRefusedBeforeAnythingIsMade(String key) {
    assertThrows(IllegalArgumentException.class, () -> protocol.get(key));
    assertThrows(IllegalArgumentException.class, () -> protocol.incrementBy(key, 1));
    assertThrows(IllegalArgumentException.class, () -> protocol.expire("k", Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> protocol.set("k", new byte[0], BlinkStore.NO_EXPIRY));
  }

  @Test
  void repliesAreReadAsTheContractsResults() throws Exception {
    assertArrayEquals("v".getBytes(UTF_8), reply(protocol.get("k"), bulk("v")));
    assertNull(reply(protocol.get("k"), new RespReply.Bulk(null)));
    assertNull(reply(protocol.set("k", new byte[1]), new RespReply.Simple("OK")));
    assertTrue(reply(protocol.delete("k"), new RespReply.Int(1)));
    assertFalse(reply(protocol.delete("k"), new RespReply.Int(0)));
    assertTrue(reply(protocol.expire("k", Duration.ofSeconds(1)), new RespReply.Int(1)));
    assertFalse(reply(protocol.persist("k"), new RespReply.Int(0)));
    assertNull(reply(protocol.ttl("k"), new RespReply.Int(-2)));
    assertEquals(BlinkStore.NO_EXPIRY, reply(protocol.ttl("k"), new RespReply.Int(-1)));
    assertEquals(Duration.ofMillis(1), reply(protocol.ttl("k"), new RespReply.Int(0))); // Redis's last millisecond
    assertEquals(Duration.ofMillis(1234), reply(protocol.ttl("k"), new RespReply.Int(1234)));
    assertEquals(41L, reply(protocol.incrementBy("k", 1), new RespReply.Int(41)));
    assertEquals(3L, reply(protocol.size(), new RespReply.Int(3)));
    assertNull(reply(protocol.flush(), new RespReply.Simple("OK")));
  }

  @Test
  void infoIsReadForUsageLimitAndCounters() throws Exception {
    RespReply memory = bulk("# Memory\r\nused_memory:19\r\nused_memory_human:19B\r\nmaxmemory:4096\r\n");
    assertEquals(19L, reply(protocol.usage(), memory));
    assertEquals(4096L, reply(protocol.memoryLimit(), memory));
    assertEquals(Long.MAX_VALUE, reply(protocol.memoryLimit(), bulk("maxmemory:0\r\n"))); // Redis: no limit
    RespReply stats = bulk("# Stats\r\nexpired_keys:4\r\nevicted_keys:3\r\nkeyspace_hits:1\r\nkeyspace_misses:2\r\n"
        + "\r\n# Keyspace\r\ndb0:keys=9,expires=5,avg_ttl=1234\r\ndb1:keys=1,expires=1,avg_ttl=0\r\n");
    assertEquals(new BlinkStats(1, 2, 3, 4, 5), reply(protocol.stats(), stats));
    assertEquals(new BlinkStats(1, 2, 3, 0),
        reply(protocol.stats(), bulk("evicted_keys:3\r\nkeyspace_hits:1\r\nkeyspace_misses:2\r\n")));
  }

  @Test
  void repliesOfTheWrongShapeAreNoAnswer() {
    assertFalse(protocol.get("k").complete(new RespReply.Int(1), 1000));
    assertFalse(protocol.set("k", new byte[0]).complete(new RespReply.Simple("QUEUED"), 1000));
    assertFalse(protocol.ttl("k").complete(new RespReply.Int(-3), 1000));
    assertFalse(protocol.delete("k").complete(bulk("1"), 1000));
    assertFalse(protocol.stats().complete(bulk("keyspace_hits:1\r\n"), 1000));
    assertFalse(protocol.ping().complete(new RespReply.Simple("OK"), 1000));
    assertFalse(protocol.size().complete(new RespReply.Array(List.of()), 1000));
  }

  /** A server whose INFO memory has no maxmemory line: no answer (the handshake then names the reply), no NPE. */
  @Test
  void infoMemoryWithoutMaxmemoryIsNoAnswer() {
    assertFalse(protocol.memoryLimit().complete(bulk("# Memory\r\nused_memory:19\r\n"), 1000));
  }

  @Test
  void errorsAreTheContractsExceptions() {
    assertInstanceOf(NotAnIntegerException.class,
        failure(protocol.incrementBy("k", 1), "ERR value is not an integer or out of range"));
    assertInstanceOf(ArithmeticException.class,
        failure(protocol.incrementBy("k", 1), "ERR increment or decrement would overflow"));
    String oom = "OOM command not allowed when used memory > 'maxmemory'.";
    EntryTooLargeException set = assertInstanceOf(EntryTooLargeException.class,
        failure(protocol.set("ключ", new byte[10], Duration.ofSeconds(1)), oom));
    assertEquals(18, set.entryBytes());
    assertEquals(1000, set.memoryLimit());
    assertEquals(8 + 20, assertInstanceOf(EntryTooLargeException.class,
        failure(protocol.incrementBy("ключ", 1), oom)).entryBytes());
    assertInstanceOf(io.blinkstore.WrongTypeException.class,
        failure(protocol.get("k"), "WRONGTYPE Operation against a key holding the wrong kind of value"));
    assertInstanceOf(io.blinkstore.WrongTypeException.class,
        failure(protocol.incrementBy("k", 1), "WRONGTYPE Operation against a key holding the wrong kind of value"));
    BlinkServerException other = assertInstanceOf(BlinkServerException.class,
        failure(protocol.get("k"), "ERR some other error"));
    assertEquals("GET k", other.command());
  }

  @Test
  void theLeaseWordsAreMadeAsBlinkStoreReadsThem() {
    assertEquals("*3\r\n$4\r\nGETL\r\n$1\r\nk\r\n$4\r\n1501\r\n",
        bytes(protocol.getOrLease("k", Duration.ofNanos(1_500_000_001))));
    assertEquals("*5\r\n$4\r\nFILL\r\n$1\r\nk\r\n$2\r\n42\r\n$1\r\n0\r\n$2\r\n\u0000\n\r\n",
        bytes(protocol.fill("k", 42, 0, new byte[] {0, '\n'})));
    assertEquals("*3\r\n$7\r\nRELEASE\r\n$1\r\nk\r\n$2\r\n42\r\n", bytes(protocol.release("k", 42)));
  }

  @Test
  void leaseRepliesAreReadAsAnswersAndTheirErrorsAsResults() throws Exception {
    Duration lease = Duration.ofSeconds(1);
    LeasedLoad.Value value = assertInstanceOf(LeasedLoad.Value.class, reply(protocol.getOrLease("k", lease),
        new RespReply.Array(List.of(bulk("VALUE"), bulk("v")))));
    assertArrayEquals("v".getBytes(UTF_8), value.value());
    assertEquals(new LeasedLoad.Lease(7), reply(protocol.getOrLease("k", lease),
        new RespReply.Array(List.of(bulk("LEASE"), new RespReply.Int(7)))));
    assertEquals(new LeasedLoad.Wait(10), reply(protocol.getOrLease("k", lease),
        new RespReply.Array(List.of(bulk("WAIT"), new RespReply.Int(10)))));
    assertEquals(new LeasedLoad.TableFull(),
        reply(protocol.getOrLease("k", lease), new RespReply.Error("ERR lease table full")));
    assertTrue(reply(protocol.fill("k", 7, 0, new byte[1]), new RespReply.Simple("OK")));
    assertFalse(reply(protocol.fill("k", 7, 0, new byte[1]), new RespReply.Error("ERR lease expired")));
    assertTrue(reply(protocol.release("k", 7), new RespReply.Int(1)));
    assertFalse(reply(protocol.release("k", 7), new RespReply.Int(0)));
  }

  @Test
  void aServerWithoutLeaseWordsIsToldApartFromOtherErrors() {
    Duration lease = Duration.ofSeconds(1);
    assertInstanceOf(LeasedLoad.Unsupported.class, failure(protocol.getOrLease("k", lease),
        "ERR unknown command 'GETL', with args beginning with: 'k' '1000' "));
    Throwable other = failure(protocol.getOrLease("k", lease), "NOAUTH Authentication required.");
    assertEquals(BlinkServerException.class, other.getClass());
    assertInstanceOf(EntryTooLargeException.class, failure(protocol.fill("k", 7, 0, new byte[10]),
        "OOM command not allowed when used memory > 'maxmemory'."));
    assertFalse(protocol.getOrLease("k", lease).complete(new RespReply.Array(List.of(bulk("LEASE"))), 1000));
    assertFalse(protocol.getOrLease("k", lease).complete(
        new RespReply.Array(List.of(bulk("NOPE"), new RespReply.Int(1))), 1000));
    assertFalse(protocol.fill("k", 7, 0, new byte[1]).complete(new RespReply.Int(1), 1000));
  }

  @Test
  void theServerClosesAfterAProtocolErrorOnly() {
    assertEquals("-ERR Protocol error: invalid bulk length",
        protocol.closesAfter(new RespReply.Error("ERR Protocol error: invalid bulk length")));
    assertNull(protocol.closesAfter(new RespReply.Error("ERR unknown command 'x'")));
    assertNull(protocol.closesAfter(new RespReply.Simple("OK")));
  }
}
