package io.blinkstore.server.protocol.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Text;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CommandParserTest {

  /**
   * The parser splits on the same whitespace that keys may not hold (blink-core keeps its own copy of the set,
   * package-private): were they to differ, SET could store a key that GET cannot name, or refuse one it parsed.
   */
  @Test
  void parserWhitespaceIsExactlyTheWhitespaceKeysMayNotHold() {
    for (int code = 0; code <= Character.MAX_VALUE; code++) {
      char c = (char) code;
      if (!Character.isSurrogate(c)) {
        assertEquals(Text.isWhitespace(c), !BlinkStore.isValidKey("a" + c + "b"),
            () -> String.format("U+%04X", (int) c));
      }
    }
  }


  private static Command set(String key, String value) {
    return new Command.Set(key, value.getBytes(StandardCharsets.UTF_8));
  }

  static Stream<Arguments> commandTable() {
    return Stream.of(
        Arguments.of("SET mykey hello", set("mykey", "hello")),
        Arguments.of("GET mykey", new Command.Get("mykey")),
        Arguments.of("DELETE mykey", new Command.Delete("mykey")),
        Arguments.of("USAGE", Command.USAGE),
        Arguments.of("QUIT", Command.QUIT),
        Arguments.of("DEL mykey", new Command.Delete("mykey")),
        Arguments.of("STATS", Command.STATS));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commandTable")
  void parsesEveryRowOfTheCommandTable(String line, Command expected) {
    assertEquals(expected, CommandParser.parse(line));
  }

  static Stream<Arguments> errorTable() {
    return Stream.of(
        Arguments.of("", "unknown command"),
        Arguments.of(" \t\r", "unknown command"),
        Arguments.of("FLUSHALL", "unknown command"),
        Arguments.of("SETkey value", "unknown command"),
        Arguments.of("GET", "GET requires key"),
        Arguments.of("GET \t ", "GET requires key"),
        Arguments.of("SET", "SET requires key"),
        Arguments.of("SET   ", "SET requires key"),
        Arguments.of("DELETE", "DELETE requires key"),
        Arguments.of("DELETE\u3000", "DELETE requires key"),
        Arguments.of("DEL", "DEL requires key"));
  }

  @ParameterizedTest(name = "[{0}] -> ERROR {1}")
  @MethodSource("errorTable")
  void answersEveryRowOfTheErrorTable(String line, String error) {
    assertEquals(new Command.Invalid(error), CommandParser.parse(line));
  }

  @ParameterizedTest
  @ValueSource(strings = {"get k", "Get k", "gEt k", "GET k"})
  void commandWordsAreAsciiCaseInsensitive(String line) {
    assertEquals(new Command.Get("k"), CommandParser.parse(line));
  }

  @Test
  void everyCommandWordMatchesInLowerCase() {
    assertEquals(set("k", "v"), CommandParser.parse("set k v"));
    assertEquals(new Command.Delete("k"), CommandParser.parse("delete k"));
    assertEquals(new Command.Delete("k"), CommandParser.parse("del k"));
    assertEquals(Command.USAGE, CommandParser.parse("usage"));
    assertEquals(Command.STATS, CommandParser.parse("stats"));
    assertEquals(Command.QUIT, CommandParser.parse("quit"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "\u017Fet k v", // long s: equalsIgnoreCase would take it for SET
      "\u017FTATS", // long s in STATS
      "U\u017FAGE",
      "QU\u0131T", // dotless i: equalsIgnoreCase would take it for QUIT
      "DEL\u0130", // dotted capital I
      "\u212A", // Kelvin sign: toLowerCase gives 'k', which starts no command word
      "\uFF33ET k v", // fullwidth S
  })
  void nonAsciiLookalikesOfCommandWordsAreUnknown(String line) {
    assertEquals(CommandParser.UNKNOWN_COMMAND, CommandParser.parse(line));
  }

  @Test
  void equalsIgnoreCaseWouldHaveAcceptedTheLookalikes() {
    // Guards the test above: these are exactly the cases a naive implementation gets wrong.
    assertTrue("\u017Fet".equalsIgnoreCase("SET"));
    assertTrue("QU\u0131T".equalsIgnoreCase("quit"));
  }

  @ParameterizedTest
  @ValueSource(chars = {'\t', '\n', '\u000B', '\f', '\r', ' ', '\u0085', '\u00A0', '\u1680', '\u2000', '\u2007',
      '\u200A', '\u2028', '\u2029', '\u202F', '\u205F', '\u3000'})
  void everyUnicodeWhiteSpaceCharacterSeparatesAndIsTrimmed(char ws) {
    assertTrue(Text.isWhitespace(ws));
    assertEquals(set("k", "a" + ws + "b"), CommandParser.parse(ws + "SET" + ws + "k" + ws + "a" + ws + "b" + ws));
    assertEquals(new Command.Get("k"), CommandParser.parse(ws + "GET" + ws + "k" + ws));
  }

  @ParameterizedTest
  @ValueSource(chars = {'\u0000', '\u0008', '\u000E', '\u001C', '\u001D', '\u001E', '\u001F', '\u180E', '\u200B',
      '\u2060', '\uFEFF', 'x'})
  void charactersOutsideWhiteSpaceAreNotTrimmedNorSeparators(char c) {
    assertFalse(Text.isWhitespace(c));
    assertEquals(CommandParser.UNKNOWN_COMMAND, CommandParser.parse("GET" + c + "k"));
    assertEquals(new Command.Get("k" + c), CommandParser.parse("GET k" + c));
    assertEquals(set(c + "k", ""), CommandParser.parse("SET " + c + "k"));
  }

  @Test
  void javaWhitespaceNotionsDifferFromTheProtocol() {
    // U+001C is trimmed by String.trim and is Character.isWhitespace, but is not White_Space.
    assertTrue(Character.isWhitespace('\u001C'));
    assertEquals("", "\u001C".trim());
    assertEquals(new Command.Get("\u001C"), CommandParser.parse("GET \u001C"));
    // U+00A0 is White_Space, but Character.isWhitespace says no and String.trim keeps it.
    assertFalse(Character.isWhitespace('\u00A0'));
    assertEquals(new Command.Get("k"), CommandParser.parse("GET k\u00A0"));
  }

  @Test
  void setWithOnlyAKeyStoresAnEmptyValue() {
    assertEquals(set("k", ""), CommandParser.parse("SET k"));
    assertEquals(set("k", ""), CommandParser.parse("SET k   \t"));
  }

  @Test
  void setKeepsInnerWhitespaceOfTheValueAndDropsTheRest() {
    assertEquals(set("k", "a  b\tc"), CommandParser.parse("SET   k   a  b\tc  "));
  }

  @Test
  void setValueIsTheUtf8BytesOfTheText() {
    Command.Set set = (Command.Set) CommandParser.parse("SET ключ значение 🎉");
    assertEquals("ключ", set.key());
    assertArrayEquals("значение 🎉".getBytes(StandardCharsets.UTF_8), set.value());
  }

  @Test
  void getAndDeleteTakeTheWholeTrimmedRestAsTheKey() {
    assertEquals(new Command.Get("a b"), CommandParser.parse("GET a b"));
    assertEquals(new Command.Get("a \t b"), CommandParser.parse("GET   a \t b  "));
    assertEquals(new Command.Delete("a b"), CommandParser.parse("DELETE a b"));
    assertEquals(new Command.Delete("a b"), CommandParser.parse("DEL a b"));
  }

  @Test
  void usageStatsAndQuitIgnoreTrailingWords() {
    assertEquals(Command.USAGE, CommandParser.parse("USAGE please"));
    assertEquals(Command.STATS, CommandParser.parse("stats all of them"));
    assertEquals(Command.QUIT, CommandParser.parse("QUIT now"));
  }

  @Test
  void carriageReturnBeforeTheLineEndIsTrimmed() {
    assertEquals(new Command.Get("k"), CommandParser.parse("GET k\r"));
    assertEquals(set("k", "v"), CommandParser.parse("SET k v\r"));
    assertEquals(Command.QUIT, CommandParser.parse("QUIT\r"));
  }

  // ---- extensions of the client SDK: SET64, FLUSH, PING ----

  @Test
  void set64StoresTheDecodedBytes() {
    assertEquals(new Command.Set("k", new byte[] {0, (byte) 0xFF, '\n', ' '}), CommandParser.parse("SET64 k AP8KIA=="));
    assertEquals(set("k", "hello"), CommandParser.parse("set64 k aGVsbG8="));
  }

  @Test
  void set64WithoutAValueStoresTheEmptyValueWhoseBase64IsEmpty() {
    assertEquals(set("k", ""), CommandParser.parse("SET64 k"));
    assertEquals(set("k", ""), CommandParser.parse("SET64 k \t "));
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET64", "SET64 ", "set64 \u3000"})
  void set64WithoutAKeyIsAnError(String line) {
    assertEquals(new Command.Invalid("SET64 requires key"), CommandParser.parse(line));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SET64 k aGVsbG8", // padding missing
      "SET64 k aGVsbG8==", // too much padding
      "SET64 k aGV sbG8=", // whitespace inside
      "SET64 k aGVs!G8=", // outside the alphabet
      "SET64 k aGVs_G8=", // the URL-safe alphabet
      "SET64 k ====",
  })
  void set64WithAValueThatIsNotStandardPaddedBase64IsAnError(String line) {
    assertEquals(new Command.Invalid("SET64 value is not valid base64"), CommandParser.parse(line));
  }

  @ParameterizedTest
  @ValueSource(strings = {"FLUSH", "flush", "Flush now"})
  void flushIgnoresCaseAndTrailingWords(String line) {
    assertEquals(Command.FLUSH, CommandParser.parse(line));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PING", "ping", "PING hello"})
  void pingIgnoresCaseAndTrailingWords(String line) {
    assertEquals(Command.PING, CommandParser.parse(line));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ping\r", "PING \r", " PING\r", "PING x\r", "PING\r\r", "PING\t\r"})
  void onlyAnExactPingEndedByCrlfIsRedisesInlinePing(String line) {
    assertEquals(Command.INLINE_PING, CommandParser.parse("PING\r"));
    assertEquals(Command.PING, CommandParser.parse(line));
  }

  @ParameterizedTest
  @ValueSource(strings = {"FLUSHALL", "SET6 k v", "SET64k dg==", "PINGS", "\u017fET64 k dg==", "FLU\u017fH"})
  void wordsCloseToTheExtensionsAreUnknown(String line) {
    assertEquals(CommandParser.UNKNOWN_COMMAND, CommandParser.parse(line));
  }
}
