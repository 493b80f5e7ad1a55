package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link GlobPattern}'s bounds; its matching itself is compared with redis-server's, pattern by pattern
 * ({@code RedisParityIT.globPatternsMatchRedissKeyByKey}).
 */
@Timeout(60) // without its bounds, matching would not end (or would overflow the stack)
class GlobPatternTest {
  private static boolean matches(String pattern, String key) {
    return GlobPattern.matches(pattern.getBytes(UTF_8), key.getBytes(UTF_8));
  }

  @Test
  void aPatternOfManyStarRunsCannotExhaustTheStack() {
    String key = "a".repeat(200_000);
    // 100,000 runs of * would nest 100,000 calls: past the bound the pattern matches nothing.
    assertFalse(matches("*a".repeat(100_000) + "b", key));
    assertFalse(matches("*a".repeat(GlobPattern.MAX_STARS + 1), key));
    assertTrue(matches("*a".repeat(GlobPattern.MAX_STARS), key));
  }

  @Test
  void aFailedTailStopsEarlierStarsFromTryingLongerRuns() {
    // Without giving up, each of the 30 stars would try every position: 200^30 steps.
    assertFalse(matches("*a".repeat(30) + "b", "a".repeat(200)));
  }
}
