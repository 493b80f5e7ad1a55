package io.blinkstore.server.protocol.text;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class CommandParserProperties {
  /** Unicode White_Space, spelled out independently of the parser. */
  private static final char[] WHITE_SPACE = {'\t', '\n', '\u000B', '\f', '\r', ' ', '\u0085', '\u00A0', '\u1680',
      '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200A',
      '\u2028', '\u2029', '\u202F', '\u205F', '\u3000'};

  @Property(tries = 2000)
  void setSplitsAnyKeyTokenFromAnyValueText(
      @ForAll("keys") String key, @ForAll("texts") String value,
      @ForAll("gaps") String before, @ForAll("gaps") String afterWord, @ForAll("separators") String afterKey,
      @ForAll("gaps") String after) {
    Command.Set set = (Command.Set) CommandParser.parse(before + "SET" + afterWord + " " + key + afterKey + value
        + after);
    assertEquals(key, set.key());
    assertArrayEquals(value.getBytes(StandardCharsets.UTF_8), set.value());
  }

  @Property(tries = 1000)
  void getTakesAnyTrimmedTextAsItsKey(@ForAll("texts") String key, @ForAll("gaps") String before,
      @ForAll("separators") String afterWord, @ForAll("gaps") String after) {
    Command expected = key.isEmpty() ? CommandParser.GET_REQUIRES_KEY : new Command.Get(key);
    assertEquals(expected, CommandParser.parse(before + "get" + afterWord + key + after));
  }

  /**
   * The decoder hands an ASCII line to the parser as its bytes ({@link AsciiString}), with no {@code String} of the
   * line: every line must parse as its {@code String} does, keys and values copied from the right bytes.
   */
  @Property(tries = 3000)
  void anAsciiLinesBytesParseAsItsText(@ForAll("asciiLines") String line) {
    assertEquals(CommandParser.parse(line), CommandParser.parse(new AsciiString(line.getBytes(US_ASCII), false)));
  }

  /** Request words (any case) with ASCII whitespace and tokens, as the original's clients send them. */
  @Provide
  Arbitrary<String> asciiLines() {
    Arbitrary<String> word = Arbitraries.of("SET", "get", "Del", "DELETE", "set64", "PING", "auth", "usage", "STATS",
        "quit", "flush", "SETEX", "psetex", "add", "incr", "decrby", "ttl", "PTTL", "expire", "persist", "getl",
        "fill", "release", "nope", "");
    Arbitrary<String> token = Arbitraries.strings().withCharRange('!', '~').ofMaxLength(8);
    Arbitrary<String> gap = Arbitraries.strings().withChars(' ', '\t', '\u000B', '\f', '\r').ofMinLength(1)
        .ofMaxLength(2);
    return Combinators.combine(gap.injectNull(0.5), word, token.list().ofMaxSize(4), gap.list().ofSize(4),
        gap.injectNull(0.5)).as((before, w, tokens, gaps, after) -> {
          StringBuilder line = new StringBuilder(before == null ? "" : before).append(w);
          for (int i = 0; i < tokens.size(); i++) {
            line.append(gaps.get(i)).append(tokens.get(i));
          }
          return line.append(after == null ? "" : after).toString();
        });
  }

  @Provide
  Arbitrary<String> keys() {
    return Arbitraries.strings().all().excludeChars(WHITE_SPACE).ofMinLength(1).ofMaxLength(12)
        .filter(CommandParserProperties::noSurrogates);
  }

  /** Text that neither starts nor ends with whitespace (so trimming leaves it whole); may be empty. */
  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> inner = Arbitraries.strings()
        .withChars(WHITE_SPACE).withCharRange('!', '~').withCharRange('\u00A0', '\u00FF').withCharRange('\u2000',
            '\u2030').withCharRange('\u0400', '\u04FF').ofMaxLength(20);
    return inner.filter(s -> s.isEmpty() || (!isWhite(s.charAt(0)) && !isWhite(s.charAt(s.length() - 1))));
  }

  @Provide
  Arbitrary<String> gaps() {
    return Arbitraries.strings().withChars(WHITE_SPACE).ofMaxLength(3);
  }

  @Provide
  Arbitrary<String> separators() {
    return Arbitraries.strings().withChars(WHITE_SPACE).ofMinLength(1).ofMaxLength(3);
  }

  private static boolean isWhite(char c) {
    for (char w : WHITE_SPACE) {
      if (c == w) {
        return true;
      }
    }
    return false;
  }

  private static boolean noSurrogates(String s) {
    return s.chars().noneMatch(c -> Character.isSurrogate((char) c));
  }
}
