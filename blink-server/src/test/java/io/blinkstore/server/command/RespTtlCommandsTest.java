package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.NOW_SECONDS;
import static io.blinkstore.server.command.RespTester.error;
import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Deadlines;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code EXPIRE}, {@code PEXPIRE}, {@code TTL}, {@code PTTL}, {@code PERSIST} and the counters, as Redis 7 answers. */
class RespTtlCommandsTest {
  private static final Result NOT_AN_INTEGER = error("ERR value is not an integer or out of range");
  private static final Result OVERFLOW = error("ERR increment or decrement would overflow");

  @RegisterExtension final RespTester tester = new RespTester();
  private final BlinkStore store = tester.store;

  private Result run(String... args) {
    return tester.run(args);
  }

  /**
   * Issue 23's B3: Redis reads a time left from whole-millisecond deadlines, so {@code SET k v PX 1500} then
   * {@code TTL k} within the millisecond is 2 (nearest second of 1,500 ms); ours saw the nanoseconds that had
   * passed (1,499.999 ms: TTL 1). {@code EXPIRE k 20 GT} twice in one millisecond: {@link AbsoluteDeadlinesTest}.
   */
  @Test
  void theTimeLeftCountsInWholeMillisecondsRoundedUpAsRedisDeadlinesDo() {
    Duration justUnder = Duration.ofMillis(1500).minusNanos(1_000);
    assertEquals(2, RespTtlCommands.timeLeft(justUnder, false));
    assertEquals(1500, RespTtlCommands.timeLeft(justUnder, true));
  }

  /** Redis's conditions given together are one: {@code XX GT} is {@code GT}, {@code XX LT} an earlier deadline. */
  @Test
  void conditionsGivenTogetherAreTheOneRedisApplies() {
    assertEquals(Deadlines.Condition.GT, RespTtlCommands.condition(Set.of("xx", "gt")));
    assertEquals(Deadlines.Condition.XX_LT, RespTtlCommands.condition(Set.of("xx", "lt")));
    assertEquals(Deadlines.Condition.ALWAYS, RespTtlCommands.condition(Set.of()));
    assertFalse(Deadlines.Condition.XX_LT.allows(Deadlines.NEVER, 5));
    assertTrue(Deadlines.Condition.LT.allows(Deadlines.NEVER, 5));
  }

  @Test
  void expireSetsATimeToLiveOnAPresentKeyOnly() {
    assertEquals(integer(0), run("EXPIRE", "k", "10"));
    store.set("k", "v");
    assertEquals(integer(1), run("EXPIRE", "k", "100"));
    assertEquals(integer(100), run("TTL", "k"));
    assertEquals(integer(1), run("pexpire", "k", "50000"));
    assertEquals(integer(50), run("TTL", "k"));
    assertEquals(integer(0), run("EXPIRE", "a b", "10"));
  }

  @Test
  void expireWithATimeNotInTheFutureDeletesTheKeyAsRedisDoes() {
    store.set("k", "v");
    assertEquals(integer(1), run("EXPIRE", "k", "0"));
    assertNull(store.get("k"));
    assertEquals(integer(0), run("EXPIRE", "k", "-1"));
    store.set("k", "v");
    assertEquals(integer(1), run("PEXPIRE", "k", Long.toString(Long.MIN_VALUE)));
    assertNull(store.get("k"));
  }

  @Test
  void expireTimesAreCheckedAsInRedisUpToOneHundredYears() {
    store.set("k", "v");
    long maxSeconds = BlinkStore.MAX_TTL.toSeconds();
    assertEquals(NOT_AN_INTEGER, run("EXPIRE", "k", "1.5"));
    Result invalid = error("ERR invalid expire time in 'expire' command");
    assertEquals(invalid, run("EXPIRE", "k", Long.toString(Long.MAX_VALUE)));
    assertEquals(invalid, run("EXPIRE", "k", Long.toString(Long.MIN_VALUE)));
    assertEquals(error("ERR invalid expire time in 'pexpire' command"),
        run("PEXPIRE", "k", Long.toString(BlinkStore.MAX_TTL.toMillis() + 1)));
    assertEquals(invalid, run("EXPIRE", "absent", Long.toString(maxSeconds + 1)));
    assertEquals(integer(-1), run("TTL", "k"));
    assertEquals(integer(1), run("EXPIRE", "k", Long.toString(maxSeconds)));
    assertEquals(integer(maxSeconds), run("TTL", "k"));
    assertEquals(error("ERR wrong number of arguments for 'expire' command"), run("EXPIRE", "k"));
  }

  @Test
  void expireatAndPexpireatTakeUnixTimesAndOnesPassedDeleteTheKey() {
    store.set("k", "v");
    assertEquals(integer(1), run("EXPIREAT", "k", Long.toString(NOW_SECONDS + 100)));
    assertEquals(integer(100), run("TTL", "k"));
    assertEquals(integer(1), run("PEXPIREAT", "k", Long.toString((NOW_SECONDS + 50) * 1000)));
    assertEquals(integer(50), run("TTL", "k"));
    assertEquals(integer(0), run("EXPIREAT", "k", "1", "NX"));
    assertEquals(integer(1), run("EXPIREAT", "k", Long.toString(NOW_SECONDS)));
    assertNull(store.get("k"));
    assertEquals(integer(0), run("EXPIREAT", "k", "1"));
    store.set("k", "v");
    assertEquals(integer(1), run("PEXPIREAT", "k", Long.toString(Long.MIN_VALUE)));
    assertNull(store.get("k"));
  }

  @Test
  void expireatRefusesTimesMoreThanOneHundredYearsAhead() {
    store.set("k", "v");
    long limit = NOW_SECONDS + BlinkStore.MAX_TTL.toSeconds();
    assertEquals(error("ERR invalid expire time in 'expireat' command"),
        run("EXPIREAT", "k", Long.toString(limit + 1)));
    assertEquals(error("ERR invalid expire time in 'expireat' command"),
        run("EXPIREAT", "k", Long.toString(Long.MAX_VALUE)));
    assertEquals(integer(1), run("EXPIREAT", "k", Long.toString(limit)));
    assertEquals(integer(BlinkStore.MAX_TTL.toSeconds()), run("TTL", "k"));
  }

  @Test
  void expiretimeAndPexpiretimeAnswerTheUnixTimeOfExpiry() {
    assertEquals(integer(-2), run("EXPIRETIME", "k"));
    store.set("k", "v");
    assertEquals(integer(-1), run("EXPIRETIME", "k"));
    assertEquals(integer(-1), run("PEXPIRETIME", "k"));
    run("EXPIREAT", "k", Long.toString(NOW_SECONDS + 100));
    assertEquals(integer(NOW_SECONDS + 100), run("EXPIRETIME", "k"));
    long millis = ((Result.Int) run("PEXPIRETIME", "k")).value();
    assertTrue(millis > NOW_SECONDS * 1000 && millis <= (NOW_SECONDS + 100) * 1000, "PEXPIRETIME " + millis);
  }

  @Test
  void expireConditionsCompareWithTheCurrentTimeToLive() {
    store.set("k", "v");
    assertEquals(integer(0), run("EXPIRE", "k", "100", "XX"));
    assertEquals(integer(0), run("EXPIRE", "k", "100", "GT"));
    assertEquals(integer(1), run("EXPIRE", "k", "100", "NX"));
    assertEquals(integer(0), run("EXPIRE", "k", "200", "nx"));
    assertEquals(integer(0), run("EXPIRE", "k", "50", "GT"));
    assertEquals(integer(1), run("EXPIRE", "k", "200", "GT", "XX"));
    assertEquals(integer(200), run("TTL", "k"));
    assertEquals(integer(0), run("EXPIRE", "k", "300", "LT"));
    assertEquals(integer(1), run("EXPIRE", "k", "150", "LT"));
    assertEquals(integer(150), run("TTL", "k"));
    store.set("p", "v");
    assertEquals(integer(1), run("EXPIRE", "p", "10", "LT"));
    assertEquals(integer(0), run("EXPIRE", "absent", "10", "LT"));
  }

  @Test
  void expireConditionsThatConflictOrAreUnknownUseRedisTexts() {
    assertEquals(error("ERR Unsupported option Bogus"), run("EXPIRE", "k", "10", "Bogus"));
    assertEquals(error("ERR NX and XX, GT or LT options at the same time are not compatible"),
        run("EXPIRE", "k", "10", "NX", "XX"));
    assertEquals(error("ERR NX and XX, GT or LT options at the same time are not compatible"),
        run("EXPIRE", "k", "10", "NX", "GT"));
    assertEquals(error("ERR GT and LT options at the same time are not compatible"),
        run("PEXPIRE", "k", "10", "GT", "LT"));
    assertEquals(error("ERR Unsupported option x"), run("EXPIRE", "k", "y", "x")); // options are read first
  }

  @Test
  void ttlAndPttlAnswerMinusTwoForAbsentAndMinusOneForNoExpiry() {
    assertEquals(integer(-2), run("TTL", "k"));
    assertEquals(integer(-2), run("PTTL", "k"));
    assertEquals(integer(-2), run("TTL", "a b"));
    store.set("k", "v");
    assertEquals(integer(-1), run("TTL", "k"));
    assertEquals(integer(-1), run("PTTL", "k"));
    run("PSETEX", "k", "100000", "v");
    long millis = ((Result.Int) run("PTTL", "k")).value();
    assertTrue(millis > 0 && millis <= 100_000, "PTTL " + millis);
    assertEquals(error("ERR wrong number of arguments for 'pttl' command"), run("PTTL", "k", "v"));
  }

  @Test
  void persistAnswersOneOnlyWhenItRemovedATimeToLive() {
    assertEquals(integer(0), run("PERSIST", "k"));
    store.set("k", "v");
    assertEquals(integer(0), run("PERSIST", "k"));
    run("EXPIRE", "k", "100");
    assertEquals(integer(1), run("PERSIST", "k"));
    assertEquals(integer(-1), run("TTL", "k"));
  }

  @Test
  void countersAddAndSubtract() {
    assertEquals(integer(1), run("INCR", "n"));
    assertEquals(integer(11), run("INCRBY", "n", "10"));
    assertEquals(integer(10), run("decr", "n"));
    assertEquals(integer(7), run("DECRBY", "n", "3"));
    assertEquals(integer(-3), run("DECRBY", "n", "10"));
    assertEquals("-3", store.getString("n"));
    assertEquals(integer(-3), run("INCRBY", "n", "0"));
  }

  @Test
  void aCounterKeepsItsTimeToLive() {
    run("SET", "n", "5", "EX", "100");
    assertEquals(integer(6), run("INCR", "n"));
    assertEquals(integer(100), run("TTL", "n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "007", "-0", " 1", "1.5", "+1", "", "9223372036854775808"})
  void aValueThatIsNotAnIntegerIsRefused(String value) {
    store.set("n", value);
    assertEquals(NOT_AN_INTEGER, run("INCR", "n"));
    assertEquals(value, store.getString("n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"x", "1.5", "+1", "01", "-0", "9223372036854775808", ""})
  void aDeltaThatIsNotAnIntegerIsRefused(String delta) {
    assertEquals(NOT_AN_INTEGER, run("INCRBY", "n", delta));
    assertEquals(NOT_AN_INTEGER, run("DECRBY", "n", delta));
    assertNull(store.get("n"));
  }

  @Test
  void countersStopAtTheLimitsOfALong() {
    store.set("n", Long.toString(Long.MAX_VALUE - 1));
    assertEquals(integer(Long.MAX_VALUE), run("INCR", "n"));
    assertEquals(OVERFLOW, run("INCR", "n"));
    store.set("n", Long.toString(Long.MIN_VALUE + 1));
    assertEquals(integer(Long.MIN_VALUE), run("DECR", "n"));
    assertEquals(OVERFLOW, run("DECRBY", "n", "1"));
    assertEquals(Long.toString(Long.MIN_VALUE), store.getString("n"));
    assertEquals(error("ERR decrement would overflow"), run("DECRBY", "m", Long.toString(Long.MIN_VALUE)));
    assertEquals(integer(Long.MIN_VALUE), run("INCRBY", "m", Long.toString(Long.MIN_VALUE)));
  }

  @Test
  void countersRefuseWrongArity() {
    assertEquals(error("ERR wrong number of arguments for 'incr' command"), run("INCR", "n", "1"));
    assertEquals(error("ERR wrong number of arguments for 'incrby' command"), run("INCRBY", "n"));
    assertEquals(0, store.size());
  }
}
