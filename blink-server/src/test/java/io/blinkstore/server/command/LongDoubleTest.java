package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code INCRBYFLOAT}'s arithmetic and text without a redis-server at hand: sums whose replies were taken from
 * redis-server 7.0.15 (x86-64, {@code redis-cli INCRBYFLOAT}), and what {@code string2ld} refuses. RedisParityIT
 * compares hundreds more with a running redis-server.
 */
class LongDoubleTest {
  /** What redis-server answers {@code SET f 0} then {@code INCRBYFLOAT f 1e308}. */
  private static final String TEN_TO_THE_308 =
      "999999999999999999966858796558456456605600998474155672077970479949217348688380618721001269"
      + "218885393204467472250540132231521347495939605835974208144301964187679591000196031907786631"
      + "096045071066679391533957889389145605435630612683649016186302170865892534448816237913008557"
      + "57318142424510452728255046343928578048";

  private static String sum(String value, String increment) {
    return LongDouble.parse(value.getBytes(US_ASCII)).plus(LongDouble.parse(increment.getBytes(US_ASCII))).text();
  }

  @Test
  void sumsAreRedissLongDoubleText() {
    assertEquals("10.6", sum("10.5", "0.1"));
    assertEquals("0.3", sum("0.1", "0.2"));
    assertEquals("3.3", sum("1.1", "2.2"));
    assertEquals("3001.5", sum("3.0e3", "1.5"));
    assertEquals("0", sum("0", "5e-18"));
    assertEquals("0", sum("0", "-5e-18"), "never -0");
    assertEquals("0.00000000000000002", sum("0", "1.5e-17"));
    assertEquals("0.00000000000000001", sum("0", "1e-17"));
    assertEquals("0", sum("0", "0x1p-16445"));
    assertEquals(TEN_TO_THE_308, sum("0", "1e308"));
  }

  @Test
  void whatStrtoldLeavesUnreadOrOutOfRangeIsNoFloat() {
    for (String text : new String[] {"", " 1", "1 ", "nan", "1e", "0x", ".", "--5", "1e5000", "1e-5000",
        "0x1p16384", "0x1p-16446", "infinite", "x".repeat(LongDouble.MAX_CHARS)}) {
      assertNull(LongDouble.parse(text.getBytes(US_ASCII)), text);
    }
    assertTrue(LongDouble.parse("-inf".getBytes(US_ASCII)).infinite());
    assertTrue(LongDouble.parse("0x1p16383".getBytes(US_ASCII)).plus(LongDouble.parse("0x1p16383".getBytes(US_ASCII)))
        .infinite(), "a finite sum past the range overflows");
  }
}
