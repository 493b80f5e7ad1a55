package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.NOW_SECONDS;
import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.error;
import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.blinkstore.BlinkStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code SET}'s expiry options, {@code SETEX}, {@code PSETEX}, {@code GETEX}, {@code GETDEL}, as Redis 7 answers. */
class RespSetCommandsTest {
  private static final Result INVALID_SET_TIME = error("ERR invalid expire time in 'set' command");
  private static final Result NOT_AN_INTEGER = error("ERR value is not an integer or out of range");

  @RegisterExtension final RespTester tester = new RespTester();
  private final BlinkStore store = tester.store;

  private Result run(String... args) {
    return tester.run(args);
  }

  @Test
  void setWithExOrPxStoresATimeToLiveAndAPlainSetDropsIt() {
    assertEquals(Result.OK, run("SET", "k", "v", "EX", "100"));
    assertEquals(integer(100), run("TTL", "k"));
    assertEquals(Result.OK, run("SET", "k", "v", "px", "50000"));
    assertEquals(integer(50), run("TTL", "k"));
    assertEquals(Result.OK, run("SET", "k", "v", "EX", "1", "EX", "200")); // the last one wins, as in Redis
    assertEquals(integer(200), run("TTL", "k"));
    assertEquals(Result.OK, run("SET", "k", "v"));
    assertEquals(integer(-1), run("TTL", "k"));
  }

  @Test
  void setExpiryTimesAreCheckedAsInRedis() {
    assertEquals(NOT_AN_INTEGER, run("SET", "k", "v", "EX", "x"));
    assertEquals(NOT_AN_INTEGER, run("SET", "k", "v", "EX", "010"));
    assertEquals(NOT_AN_INTEGER, run("SET", "k", "v", "PX", "+5"));
    assertEquals(INVALID_SET_TIME, run("SET", "k", "v", "EX", "0"));
    assertEquals(INVALID_SET_TIME, run("SET", "k", "v", "PX", "-5"));
    assertEquals(INVALID_SET_TIME, run("SET", "k", "v", "EXAT", "0"));
    assertEquals(INVALID_SET_TIME, run("SET", "k", "v", "EX", Long.toString(Long.MAX_VALUE / 1000 + 1)));
    assertNull(store.get("k"));
  }

  @Test
  void setAcceptsTimesToLiveUpToOneHundredYears() {
    long maxMillis = BlinkStore.MAX_TTL.toMillis();
    assertEquals(Result.OK, run("SET", "k", "v", "PX", Long.toString(maxMillis)));
    assertEquals(integer(maxMillis / 1000), run("TTL", "k"));
    assertEquals(INVALID_SET_TIME, run("SET", "k", "w", "PX", Long.toString(maxMillis + 1)));
    assertEquals(INVALID_SET_TIME, run("SET", "k", "w", "EX", Long.toString(BlinkStore.MAX_TTL.toSeconds() + 1)));
    assertEquals(INVALID_SET_TIME,
        run("SET", "k", "w", "EXAT", Long.toString(NOW_SECONDS + BlinkStore.MAX_TTL.toSeconds() + 1)));
    assertEquals("v", store.getString("k"));
  }

  @Test
  void setExatAndPxatAreUnixTimesAndOnesPassedLeaveNoKey() {
    assertEquals(Result.OK, run("SET", "k", "v", "EXAT", Long.toString(NOW_SECONDS + 100)));
    assertEquals(integer(100), run("TTL", "k"));
    assertEquals(Result.OK, run("SET", "k", "v", "PXAT", Long.toString((NOW_SECONDS + 50) * 1000)));
    assertEquals(integer(50), run("TTL", "k"));
    assertEquals(bulk("v"), run("SET", "k", "w", "EXAT", Long.toString(NOW_SECONDS), "GET"));
    assertNull(store.get("k"));
    assertEquals(Result.OK, run("SET", "k", "w", "PXAT", "1"));
    assertNull(store.get("k"));
  }

  @Test
  void setNxAndSetnxStoreOnlyWhereTheKeyHasNoValue() {
    assertEquals(Result.OK, run("SET", "lock", "a", "NX", "PX", "5000"));
    assertEquals(Result.NULL, run("SET", "lock", "b", "NX"));
    assertEquals(Result.NULL, run("SET", "lock", "b", "NX", "EX", "100"));
    assertEquals(integer(5), run("TTL", "lock"));
    assertEquals(integer(0), run("SETNX", "lock", "c"));
    assertEquals(bulk("a"), run("SET", "lock", "d", "NX", "GET"));
    assertEquals("a", store.getString("lock"));
    assertEquals(integer(1), run("SETNX", "other", "c"));
    assertEquals(integer(-1), run("TTL", "other"));
    assertEquals(Result.OK, run("SET", "kept", "v", "NX", "KEEPTTL"));
    assertEquals(integer(-1), run("TTL", "kept"));
    assertEquals(Result.NULL, run("SET", "new", "v", "NX", "GET"));
    assertEquals("v", store.getString("new"));
    assertEquals(error("ERR wrong number of arguments for 'setnx' command"), run("SETNX", "k"));
  }

  @Test
  void setKeepTtlKeepsTheTimeLeft() {
    assertEquals(Result.OK, run("SET", "k", "v", "EX", "100"));
    assertEquals(Result.OK, run("SET", "k", "w", "KEEPTTL", "keepttl"));
    assertEquals(integer(100), run("TTL", "k"));
    assertEquals("w", store.getString("k"));
    assertEquals(bulk("w"), run("SET", "k", "x", "GET", "KEEPTTL"));
    assertEquals(integer(100), run("TTL", "k"));
    assertEquals(Result.OK, run("SET", "fresh", "v", "KEEPTTL"));
    assertEquals(integer(-1), run("TTL", "fresh"));
  }

  @Test
  void setexAndPsetexSetWithATimeToLive() {
    assertEquals(Result.OK, run("SETEX", "k", "100", "v"));
    assertEquals(integer(100), run("TTL", "k"));
    assertEquals(Result.OK, run("PSETEX", "k", "50000", "w"));
    assertEquals(integer(50), run("TTL", "k"));
    assertEquals(error("ERR invalid expire time in 'setex' command"), run("SETEX", "k", "0", "v"));
    assertEquals(error("ERR invalid expire time in 'psetex' command"), run("psetex", "k", "-1", "v"));
    assertEquals(NOT_AN_INTEGER, run("SETEX", "k", "x", "v"));
    assertEquals(error("ERR wrong number of arguments for 'setex' command"), run("SETEX", "k", "10"));
    assertEquals("w", store.getString("k"));
  }

  @Test
  void getexReturnsTheValueAndChangesItsTimeToLive() {
    assertEquals(Result.NULL, run("GETEX", "k", "EX", "10"));
    assertNull(store.get("k"));
    store.set("k", "v");
    assertEquals(bulk("v"), run("GETEX", "k"));
    assertEquals(integer(-1), run("TTL", "k"));
    assertEquals(bulk("v"), run("GETEX", "k", "EX", "100"));
    assertEquals(integer(100), run("TTL", "k"));
    assertEquals(bulk("v"), run("GETEX", "k", "PERSIST"));
    assertEquals(integer(-1), run("TTL", "k"));
    assertEquals(bulk("v"), run("GETEX", "k", "EXAT", Long.toString(NOW_SECONDS - 1)));
    assertNull(store.get("k"));
  }

  @Test
  void getexRefusesSetsOptionsAndBadTimes() {
    store.set("k", "v");
    for (String option : List.of("KEEPTTL", "NX", "XX", "GET")) {
      assertEquals(error("ERR syntax error"), run("GETEX", "k", option), option);
    }
    assertEquals(error("ERR syntax error"), run("GETEX", "k", "EX", "5", "PERSIST"));
    assertEquals(error("ERR invalid expire time in 'getex' command"), run("GETEX", "k", "EX", "0"));
    assertEquals(integer(-1), run("TTL", "k"));
  }

  @Test
  void getdelReturnsTheValueAndDeletesTheKey() {
    store.set("k", "v");
    assertEquals(bulk("v"), run("GETDEL", "k"));
    assertNull(store.get("k"));
    assertEquals(Result.NULL, run("GETDEL", "k"));
    assertEquals(Result.NULL, run("GETDEL", "a b"));
  }
}
