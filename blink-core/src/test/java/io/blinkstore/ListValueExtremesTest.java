package io.blinkstore;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code LREM} and {@code LPOS} with {@link Long#MIN_VALUE}, as redis-server 7.0.15 answers them (compared by
 * hand): its {@code -count} and {@code -rank} stay negative in C, so {@code LREM key LONG_MIN e} removes every
 * {@code e} and {@code LPOS key e RANK LONG_MIN} finds the first from the tail, and with any {@code COUNT} every one
 * from the tail (its {@code matches-rank+1 >= count} wraps, so the count never stops it; {@code MAXLEN} does). {@code Math.abs} of it is negative in Java too, which removed and found nothing.
 */
class ListValueExtremesTest {
  private static ListValue list(String... elements) {
    ListValue list = new ListValue(Key.pack("l", 1, new byte[0]));
    for (String element : elements) {
      list.pushLast(element.getBytes(US_ASCII));
    }
    return list;
  }

  @Test
  void lremWithTheSmallestCountRemovesEveryMatch() {
    ListValue list = list("a", "b", "c", "a", "b", "c");
    assertEquals(2, list.remove(Long.MIN_VALUE, "a".getBytes(US_ASCII)));
    assertEquals(4, list.size());
  }

  @Test
  void lposWithTheSmallestRankFindsFromTheTail() {
    ListValue list = list("a", "b", "c", "a", "b", "c");
    byte[] a = "a".getBytes(US_ASCII);
    assertEquals(List.of(3L, 0L), list.positions(a, Long.MIN_VALUE, 1, 0)); // the command answers the first
    assertEquals(List.of(3L, 0L), list.positions(a, Long.MIN_VALUE, 0, 0));
    assertEquals(List.of(3L), list.positions(a, Long.MIN_VALUE, 1, 3));
  }
}
