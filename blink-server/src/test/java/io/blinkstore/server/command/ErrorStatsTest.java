package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code INFO errorstats}: the word an error is counted under, what is not counted twice, the table's bound. */
class ErrorStatsTest {
  private final ErrorStats stats = new ErrorStats();

  @Test
  void anErrorIsCountedUnderTheFirstWordOfItsLine() {
    stats.count(Result.error("syntax error"));
    stats.count(new Result.Error(ErrorKind.WRONGTYPE, "Operation against a key holding the wrong kind of value"));
    stats.count(new Result.Error(ErrorKind.OTHER, "MY_CODE custom msg"));
    stats.count(new Result.Error(ErrorKind.OTHER, "MY_CODE again"));
    assertEquals(List.of("errorstat_ERR:count=1", "errorstat_MY_CODE:count=2", "errorstat_WRONGTYPE:count=1"),
        stats.lines());
    assertEquals(4, stats.total());
  }

  @Test
  void aWordRedisWouldNotFindIsCountedAsErr() {
    // Redis looks for the space in the first 32 bytes of "-WORD ...": a word of 30 characters is the longest
    String thirty = "A".repeat(30);
    assertEquals(thirty, ErrorStats.kind(thirty + " message"));
    assertEquals("ERR", ErrorStats.kind(thirty + "A message"));
    assertEquals("ERR", ErrorStats.kind("NOSPACE"));
    assertEquals("", ErrorStats.kind(" leading space"));
  }

  @Test
  void anErrorCountedAlreadyIsNotCountedAgain() {
    Result.Error error = Result.error("DB index is out of range");
    stats.count(error);
    stats.count(error.asCounted()); // the script raising the error its redis.call got
    stats.count(Result.OK);
    stats.count(new Result.Int(1));
    assertEquals(List.of("errorstat_ERR:count=1"), stats.lines());
    assertEquals(1, stats.total());
  }

  @Test
  void errorsInsideAReplyAreCountedByCountNested() {
    Result reply = new Result.Array(List.of(new Result.Int(1), new Result.Error(ErrorKind.OTHER, "A x"),
        new Result.Array(List.of(new Result.Error(ErrorKind.OTHER, "B y"))),
        new Result.Map(List.of(new Result.Bulk(new byte[] {'k'}), Result.error("z")))));
    stats.countNested(reply);
    assertEquals(List.of("errorstat_A:count=1", "errorstat_B:count=1", "errorstat_ERR:count=1"), stats.lines());
    stats.countNested(Result.error("top level is not nested"));
    assertEquals(3, stats.total());
  }

  @Test
  void pastTheBoundTheTableHoldsOnlyDisabledUntilReset() {
    for (int i = 0; i < ErrorStats.MAX_KINDS; i++) {
      stats.countLine("CODE" + i + " message");
    }
    assertEquals(ErrorStats.MAX_KINDS, stats.lines().size());
    stats.countLine("CODE0 an old word still counts");
    assertEquals(ErrorStats.MAX_KINDS, stats.lines().size());
    stats.countLine("ONE_MORE message");
    assertEquals(List.of("errorstat_ERRORSTATS_DISABLED:count=1"), stats.lines());
    stats.countLine("CODE1 message");
    stats.countLine("ANOTHER message");
    assertEquals(List.of("errorstat_ERRORSTATS_DISABLED:count=1"), stats.lines());
    assertEquals(ErrorStats.MAX_KINDS + 4, stats.total(), "every error reply is counted in the total still");
    stats.reset();
    assertEquals(List.of(), stats.lines());
    assertEquals(0, stats.total());
    stats.countLine("AFTER reset");
    assertEquals(List.of("errorstat_AFTER:count=1"), stats.lines());
  }

  @Test
  void wordsAreListedInByteOrder() {
    stats.countLine("b x");
    stats.countLine("B x");
    stats.countLine("A x");
    stats.countLine("_ x");
    assertEquals(List.of("errorstat_A:count=1", "errorstat_B:count=1", "errorstat__:count=1", "errorstat_b:count=1"),
        stats.lines());
  }
}
