package io.blinkstore.server.protocol.resp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link InlineRequest}: Redis's {@code sdssplitargs}, case by case as its code reads. */
class InlineRequestTest {
  private static List<String> split(String line) {
    byte[][] args = InlineRequest.split(line.getBytes(ISO_8859_1));
    return args == null ? null : Arrays.stream(args).map(arg -> new String(arg, ISO_8859_1)).toList();
  }

  @Test
  void blanksSeparateArgumentsAndABlankLineHasNone() {
    assertEquals(List.of("SET", "k", "v"), split("  SET\tk \u000bv\r"));
    assertEquals(List.of(), split(""));
    assertEquals(List.of(), split(" \t\u000c "));
  }

  @Test
  void doubleQuotesTakeCEscapesAndHexBytes() {
    assertEquals(List.of("a b", "\n\r\t\b\u0007q\"\\"), split("\"a b\" \"\\n\\r\\t\\b\\a\\q\\\"\\\\\""));
    assertEquals(List.of("\u00ff\u0001", "xg1"), split("\"\\xff\\x01\" \"\\xg1\""));
    assertEquals(List.of(""), split("\"\""));
  }

  @Test
  void singleQuotesTakeOnlyAnEscapedQuote() {
    assertEquals(List.of("it's \\n"), split("'it\\'s \\n'"));
  }

  @Test
  void aQuoteMayOpenInsideAnArgument() {
    assertEquals(List.of("ab c", "d"), split("a\"b c\" d"));
  }

  @Test
  void unbalancedOrUnseparatedQuotesAreNull() {
    assertNull(split("SET k \"v"));
    assertNull(split("SET k 'v"));
    assertNull(split("SET k \"v\"x"));
    assertNull(split("SET k 'v'x"));
    assertNull(split("\"ends with a backslash\\"));
  }

  @Test
  void theLineEndsAtItsFirstNulAsACString() {
    assertEquals(List.of("GET", "k"), split("GET k\0 ignored"));
    assertEquals(List.of("GET", "ab"), split("GET ab\0c"));
    assertNull(split("GET \"a\0b\""));
  }
}
