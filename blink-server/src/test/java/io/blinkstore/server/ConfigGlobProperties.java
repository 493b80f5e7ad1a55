package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.server.command.RespServerCommands;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;

/**
 * {@code CONFIG GET}'s glob ({@link RespServerCommands#globMatches}) against a model: the regular expression it
 * replaced ({@code *} is {@code .*}, {@code ?} is {@code .}, anything else quoted), on patterns short enough for
 * the regular expression to finish.
 */
class ConfigGlobProperties {
  @Property(tries = 2000)
  void matchesAsTheRegularExpressionOfThePattern(
      @ForAll @StringLength(max = 8) @Chars({'*', '?', '.', '['}) @CharRange(from = 'a', to = 'b') String pattern,
      @ForAll @StringLength(max = 8) @Chars({'*', '?', '.'}) @CharRange(from = 'a', to = 'b') String name) {
    assertEquals(model(pattern).matcher(name).matches(), RespServerCommands.globMatches(pattern, name),
        () -> "pattern '" + pattern + "', name '" + name + "'");
  }

  private static Pattern model(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(regex.toString());
  }
}
