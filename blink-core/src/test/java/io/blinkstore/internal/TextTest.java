package io.blinkstore.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** The shared text rules: UTF-8 length without encoding, whitespace, canonical decimals. */
class TextTest {

  @Property
  void theUtf8LengthOfWellFormedTextIsItsEncodedLength(@ForAll String text) {
    if (isWellFormed(text)) {
      assertEquals(text.getBytes(StandardCharsets.UTF_8).length, Text.utf8Length(text), text);
    }
  }

  @Test
  void charsOfEachWidthAndAnUnpairedSurrogateAreCounted() {
    assertEquals(0, Text.utf8Length(""));
    assertEquals(1 + 2 + 3 + 4, Text.utf8Length("a\u00e9\u20ac\uD83D\uDE00"));
    assertEquals(3, Text.utf8Length("\uD83D"), "an unpaired surrogate counts as the widest BMP char");
    assertEquals(3, Text.utf8Length("\uDE00"));
  }

  @Test
  void whitespaceIsUnicodeWhiteSpaceOnly() {
    for (char c : " \t\n\u000B\f\r\u0085\u00A0\u1680\u2000\u200A\u2028\u2029\u202F\u205F\u3000".toCharArray()) {
      assertTrue(Text.isWhitespace(c), Integer.toHexString(c));
    }
    for (char c : "a\u001C\u001F\u200B\uFEFF\u0000".toCharArray()) {
      assertFalse(Text.isWhitespace(c), Integer.toHexString(c));
    }
  }

  @Test
  void decimalsAreCanonicalAsRedisReadsThem() {
    assertEquals(0, Decimal.parse(ascii("0")));
    assertEquals(-42, Decimal.parse(ascii("-42")));
    assertEquals(Long.MIN_VALUE, Decimal.parse(ascii("-9223372036854775808")));
    assertEquals(Long.MAX_VALUE, Decimal.parse(ascii("9223372036854775807")));
    for (String bad : new String[] {"", "-", "-0", "007", "+1", "1 ", "9223372036854775808", "1e3"}) {
      assertThrows(NumberFormatException.class, () -> Decimal.parse(ascii(bad)), bad);
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static boolean isWellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
