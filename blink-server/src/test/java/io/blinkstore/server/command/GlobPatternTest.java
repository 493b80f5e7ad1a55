package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link GlobPattern}'s cost, which no pattern makes quadratic in the key: each case here took the recursive matcher
 * it replaced minutes or more (the timeout only stops a test that would not end). Its results are checked by
 * {@link GlobPatternProperties}.
 */
@Timeout(60)
class GlobPatternTest {
  private static boolean matches(String pattern, String key) {
    return GlobPattern.matches(pattern.getBytes(UTF_8), key.getBytes(UTF_8));
  }

  @Test
  void aPatternLongerThanTheKeyIsRefusedAtOnce() {
    // The review's case, ten times over: a * and 2,000,000 literal bytes against a key of 1,000,000.
    assertFalse(matches("*" + "x".repeat(2_000_000), "x".repeat(1_000_000)));
    assertTrue(matches("*" + "x".repeat(1_000_000), "x".repeat(1_000_000)));
  }

  @Test
  void aLongMiddlePartIsLookedForOnceAlongTheKey() {
    String key = "x".repeat(200_000);
    assertFalse(matches("*" + "x".repeat(20_000) + "y*", key));
    assertTrue(matches("*" + "x".repeat(20_000) + "*", key));
    assertTrue(matches("x*" + "x?[x]".repeat(10_000) + "*x", key));
  }

  @Test
  void anyNumberOfStarRunsMatchesWithoutRecursion() {
    String key = "a".repeat(200_000);
    assertFalse(matches("*a".repeat(100_000) + "b", key));
    assertTrue(matches("*a".repeat(100_000), key));
    assertFalse(matches("*a".repeat(30) + "b", "a".repeat(200)));
  }
}
