package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Sorted-set replies held to the connection's output cap (here 300 bytes): a range, a pop, a random draw with a
 * huge negative count, the algebra's reply and a reply per member named (GEOPOS, GEOHASH, ZMSCORE) that would pass
 * it are refused with the cap's error before they are built, and a refused pop removes nothing; a reply within it
 * is answered. A write past the memory limit is Redis's {@code -OOM} and changes nothing.
 */
class SortedSetRepliesTest {
  @RegisterExtension final RespTester resp = new RespTester(1 << 20, 300);

  private void tenMembers() {
    assertEquals(integer(10), resp.run("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "6", "f", "7",
        "g", "8", "h", "9", "i", "10", "j"));
  }

  private static void assertRefused(Result reply) {
    assertTrue(reply instanceof Result.Error error && error.message().contains("exceeds the output limit of 300"),
        reply::toString);
  }

  @Test
  void repliesPastTheOutputCapAreRefusedBeforeTheyAreBuilt() {
    tenMembers();
    assertRefused(resp.run("ZRANGE", "z", "0", "-1", "WITHSCORES"));
    assertRefused(resp.run("ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES"));
    assertRefused(resp.run("ZRANDMEMBER", "z", "-1000000000000000"));
    assertRefused(resp.run("ZUNION", "1", "z", "WITHSCORES"));
    Result one = resp.run("ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "0", "1", "WITHSCORES");
    assertEquals(new Result.Array(java.util.List.of(RespTester.bulk("a"), new Result.Double(1))), one);
  }

  /**
   * Regression: GEOPOS, GEOHASH and ZMSCORE built a reply for every member named (a 3.5 MB GEOPOS naming one member
   * 500,000 times ran a 92 MiB heap out of memory before the connection's output bound could close it).
   */
  @Test
  void membersRepliesPastTheOutputCapAreRefusedBeforeTheyAreBuilt() {
    assertEquals(integer(1), resp.run("GEOADD", "g", "13.361389", "38.115556", "a"));
    String[] geopos = new String[2 + 20];
    java.util.Arrays.fill(geopos, "a");
    geopos[0] = "GEOPOS";
    geopos[1] = "g";
    assertRefused(resp.run(geopos));
    geopos[0] = "GEOHASH";
    assertRefused(resp.run(geopos));
    geopos[0] = "ZMSCORE";
    assertRefused(resp.run(geopos));
    assertEquals(new Result.Array(java.util.List.of(RespTester.bulk("sqc8b49rny0"), Result.NULL)),
        resp.run("GEOHASH", "g", "a", "b"));
    assertEquals(2, ((Result.Array) resp.run("GEOPOS", "g", "a", "a", "a")).elements().size() - 1);
  }

  @Test
  void aPopPastTheOutputCapRemovesNothing() {
    tenMembers();
    assertRefused(resp.run("ZPOPMIN", "z", "10"));
    assertRefused(resp.run("ZMPOP", "1", "z", "MAX", "COUNT", "10"));
    assertRefused(resp.run("BZMPOP", "0", "1", "z", "MAX", "COUNT", "10"));
    assertEquals(integer(10), resp.run("ZCARD", "z"));
    assertEquals(integer(4), resp.run("ZREMRANGEBYRANK", "z", "0", "3"));
    assertEquals(integer(6), resp.run("ZCARD", "z"));
  }

  @Test
  void aWritePastTheMemoryLimitIsOomAndChangesNothing() {
    tenMembers();
    Result reply = resp.run("ZADD", "z", "1", "x".repeat((int) RespTester.MEMORY_LIMIT));
    assertTrue(reply instanceof Result.Error error && error.line().startsWith("OOM "), reply::toString);
    assertEquals(integer(10), resp.run("ZCARD", "z"));
    assertEquals(new Result.Double(10), resp.run("ZSCORE", "z", "j"));
  }
}
