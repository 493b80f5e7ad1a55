package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.error;
import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What Redis cannot show of {@code APPEND}, {@code SETRANGE} and {@code MSETNX}: our limits. A value they would
 * grow past the memory limit ({@code -OOM}) or the value size limit ({@code -ERR value too long}) is refused
 * whole, before the longer value is built, and the key keeps its value; {@code MSETNX} with one entry past them
 * stores none. (Their replies and Redis's own 512 MB limit are in {@code RedisParityIT}.)
 */
class RespStringCommandsTest {
  private static final Result OOM = Dispatcher.OOM;
  private static final Result VALUE_TOO_LONG = error("ERR value too long");

  @RegisterExtension final RespTester tester = new RespTester();
  private final BlinkStore store = tester.store;

  private Result run(String... args) {
    return tester.run(args);
  }

  @Test
  void appendAndSetrangePastTheMemoryLimitAreRefusedWhole() {
    assertEquals(integer(1000), run("SETRANGE", "k", "999", "x"));
    assertEquals(OOM, run("APPEND", "k", "y".repeat(100)));
    assertEquals(OOM, run("SETRANGE", "k", "1100", "z"));
    assertEquals(OOM, run("SETRANGE", "fresh", "1100", "z"));
    assertEquals(OOM, run("SETRANGE", "fresh", String.valueOf(RespStringCommands.MAX_STRING_BYTES - 1), "z"),
        "no 512 MB array is made to find out");
    assertEquals(1000, store.get("k").length);
    assertNull(store.get("fresh"));
  }

  @Test
  void appendSetrangeAndMsetnxAreHeldToTheValueSizeLimit() {
    try (BlinkStore small = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      RespSession session = new RespSession(new Dispatcher(small, new Leases(), Clock.systemUTC(),
          new ServerCounters(), HeapGuard.NONE, null, 1 << 20, new EntrySizeLimits(16, 8)));
      assertEquals(integer(8), RespTester.run(session, "APPEND", "k", "12345678"));
      assertEquals(VALUE_TOO_LONG, RespTester.run(session, "APPEND", "k", "9"));
      assertEquals(VALUE_TOO_LONG, RespTester.run(session, "SETRANGE", "k", "8", "9"));
      assertEquals(integer(8), RespTester.run(session, "SETRANGE", "k", "7", "X"));
      assertEquals(VALUE_TOO_LONG, RespTester.run(session, "MSETNX", "a", "1", "b", "123456789"));
      assertEquals(bulk("1234567X"), RespTester.run(session, "GET", "k"));
      assertNull(small.get("a"), "MSETNX stored none of its pairs");
    }
  }

  @Test
  void msetnxSetsEveryPairOrNone() {
    assertEquals(integer(1), run("MSETNX", "a", "1", "b", "2"));
    assertEquals(integer(0), run("MSETNX", "c", "3", "b", "x"));
    assertNull(store.get("c"));
    assertEquals("2", store.getString("b"));
    assertEquals(OOM, run("MSETNX", "c", "3", "d", "y".repeat(2000)));
    assertNull(store.get("c"));
  }

  /** As in Redis: the reads of GETDEL, GETEX, GETSET and SET ... GET count as hits or misses, APPEND's do not. */
  @Test
  void readsThatRedisCountsAreCountedAsHitsOrMisses() {
    store.set("k", "v");
    BlinkStats before = store.stats();
    run("GETDEL", "k");
    run("GETEX", "k");
    run("GETSET", "k", "w");
    run("SET", "k", "x", "GET");
    run("SET", "k", "y", "XX");
    run("APPEND", "k", "z");
    BlinkStats after = store.stats();
    assertEquals(2, after.hits() - before.hits(), "GETDEL and SET ... GET found a value");
    assertEquals(2, after.misses() - before.misses(), "GETEX and GETSET found none");
  }

  /**
   * A server on a store that is not the in-process one (no compare-and-set) still answers the read-then-write
   * commands, each read and write a step of that store's own.
   */
  @Test
  void storesWithoutCompareAndSetStillAnswer() {
    try (BlinkStore inner = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      BlinkStore plain = new ForwardingBlinkStore(inner) { };
      RespSession session = new RespSession(new Dispatcher(plain));
      assertEquals(integer(2), RespTester.run(session, "APPEND", "k", "ab"));
      assertEquals(Result.OK, RespTester.run(session, "SET", "k", "abc", "PX", "100000", "XX"));
      assertEquals(integer(4), RespTester.run(session, "SETRANGE", "k", "3", "d"));
      assertEquals(integer(100), RespTester.run(session, "TTL", "k"), "SETRANGE kept the time to live");
      assertEquals(bulk("abcd"), RespTester.run(session, "GETSET", "k", "e"));
      assertEquals(bulk("e"), RespTester.run(session, "GETDEL", "k"));
      assertNull(inner.get("k"));
    }
  }
}
