package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@link GlobPattern} gives the results of the recursive matcher it replaced ({@link RedisGlobModel}, whose results
 * were compared with redis-server's, {@code RedisParityIT.globPatternsMatchRedissKeyByKey}) for any pattern and
 * string over the bytes that mean something in a pattern, a byte above 0x7f (signed in Redis's ranges) and a control
 * byte.
 */
class GlobPatternProperties {
  @Provide
  Arbitrary<String> patterns() {
    return Arbitraries.strings().withChars("ab*?[]^-\\\u00e9\u0001").ofMaxLength(12);
  }

  @Provide
  Arbitrary<String> strings() {
    return Arbitraries.strings().withChars("ab-]^\\*\u00e9\u0001").ofMaxLength(10);
  }

  @Property(tries = 20_000)
  void matchesAsTheRecursiveMatcher(@ForAll("patterns") String pattern, @ForAll("strings") String string) {
    byte[] p = pattern.getBytes(ISO_8859_1);
    byte[] s = string.getBytes(ISO_8859_1);
    assertEquals(RedisGlobModel.matches(p, s), GlobPattern.matches(p, s), () -> pattern + " ~ " + string);
  }
}
