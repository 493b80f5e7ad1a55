package io.blinkstore.server.protocol.text;

import static io.blinkstore.internal.Text.isWhitespace;

import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * Parses one request line exactly as the original Blink Store server does (see {@code docs/protocol.md}):
 * the line is trimmed of Unicode White_Space, the command word runs up to the first whitespace and is matched
 * ASCII case-insensitively, and the rest is split per command.
 */
public final class CommandParser {
  static final Command.Invalid UNKNOWN_COMMAND = new Command.Invalid("unknown command");
  static final Command.Invalid SET_REQUIRES_KEY = new Command.Invalid("SET requires key");
  static final Command.Invalid GET_REQUIRES_KEY = new Command.Invalid("GET requires key");
  static final Command.Invalid DELETE_REQUIRES_KEY = new Command.Invalid("DELETE requires key");
  static final Command.Invalid DEL_REQUIRES_KEY = new Command.Invalid("DEL requires key");
  static final Command.Invalid SET64_REQUIRES_KEY = new Command.Invalid("SET64 requires key");
  static final Command.Invalid SET64_INVALID_BASE64 = new Command.Invalid("SET64 value is not valid base64");
  static final Command.Invalid AUTH_REQUIRES_TOKEN = new Command.Invalid("AUTH requires token");

  private CommandParser() {}

  /**
   * Parses {@code line}, given without its {@code \n} (a trailing {@code \r} is trimmed like any whitespace): a
   * {@code String}, or the decoder's {@link AsciiString} of an ASCII line's bytes, whose keys and values are
   * copied straight out of those bytes.
   */
  public static Command parse(CharSequence line) {
    int end = trimmedEnd(line);
    int start = skipWhitespace(line, 0, end);
    if (start == end) {
      return UNKNOWN_COMMAND;
    }
    int wordEnd = skipToken(line, start, end);
    int restStart = skipWhitespace(line, wordEnd, end);
    int wordLength = wordEnd - start;
    if (is(line, start, wordLength, "set")) {
      return parseSet(line, restStart, end);
    }
    if (is(line, start, wordLength, "get")) {
      return restStart == end ? GET_REQUIRES_KEY : new Command.Get(text(line, restStart, end));
    }
    if (is(line, start, wordLength, "delete")) {
      return restStart == end ? DELETE_REQUIRES_KEY : new Command.Delete(text(line, restStart, end));
    }
    if (is(line, start, wordLength, "del")) {
      return restStart == end ? DEL_REQUIRES_KEY : new Command.Delete(text(line, restStart, end));
    }
    if (is(line, start, wordLength, "usage")) {
      return Command.USAGE;
    }
    if (is(line, start, wordLength, "stats")) {
      return Command.STATS;
    }
    if (is(line, start, wordLength, "auth")) {
      return restStart == end ? AUTH_REQUIRES_TOKEN : new Command.Auth(text(line, restStart, end));
    }
    if (is(line, start, wordLength, "quit")) {
      return Command.QUIT;
    }
    Command extension = parseExtension(line, start, wordLength, restStart, end);
    if (extension == null) {
      extension = ExtensionParser.parse(line.toString(), start, wordLength, restStart, end);
    }
    return extension != null ? extension : UNKNOWN_COMMAND;
  }

  /** The key is the first token; the value is the rest with leading whitespace removed (inner spaces kept). */
  private static Command parseSet(CharSequence line, int keyStart, int end) {
    if (keyStart == end) {
      return SET_REQUIRES_KEY;
    }
    int keyEnd = skipToken(line, keyStart, end);
    int valueStart = skipWhitespace(line, keyEnd, end);
    return new Command.Set(text(line, keyStart, keyEnd), utf8(line, valueStart, end));
  }

  /** The client SDK's extension words ({@code SET64}, {@code FLUSH}, {@code PING}, {@code SYNC}), or null for any other word. */
  private static @Nullable Command parseExtension(CharSequence line, int start, int wordLength, int restStart, int end) {
    if (is(line, start, wordLength, "set64")) {
      return parseSet64(line, restStart, end);
    }
    if (is(line, start, wordLength, "flush")) {
      return Command.FLUSH;
    }
    if (is(line, start, wordLength, "sync") && restStart >= end) {
      return Command.SYNC;
    }
    if (is(line, start, wordLength, "ping")) {
      // Redis's inline PING, exactly (redis-benchmark -t ping sends it): no other text line changes meaning.
      return "PING\r".contentEquals(line) ? Command.INLINE_PING : Command.PING;
    }
    return null;
  }

  /**
   * {@code SET64 key base64}: the value is one token of standard, padded base64; none at all is the empty value
   * (whose base64 is the empty string), as {@code SET k} stores an empty value.
   */
  private static Command parseSet64(CharSequence line, int keyStart, int end) {
    if (keyStart == end) {
      return SET64_REQUIRES_KEY;
    }
    int keyEnd = skipToken(line, keyStart, end);
    int valueStart = skipWhitespace(line, keyEnd, end);
    byte[] value = decodeBase64(text(line, valueStart, end));
    return value == null ? SET64_INVALID_BASE64 : new Command.Set(text(line, keyStart, keyEnd), value);
  }

  /**
   * Decodes standard base64 with the padding required (the JDK's decoder alone would accept it missing), or
   * returns null.
   */
  static byte @Nullable [] decodeBase64(String text) {
    if (text.length() % 4 != 0) {
      return null;
    }
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Matches an ASCII command word case-insensitively. Only ASCII letters fold: {@code ſ} (U+017F) and the
   * Kelvin sign (U+212A), which {@link String#equalsIgnoreCase} folds to {@code s} and {@code k}, do not.
   */
  private static boolean is(CharSequence line, int start, int length, String lowerCaseWord) {
    if (length != lowerCaseWord.length()) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      char c = line.charAt(start + i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != lowerCaseWord.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code text} without the leading and trailing whitespace a request line loses
   * ({@link io.blinkstore.internal.Text#isWhitespace}).
   */
  public static String trim(String text) {
    int end = trimmedEnd(text);
    return text.substring(skipWhitespace(text, 0, end), end);
  }

  /** {@code line}'s characters from {@code from} to {@code to}, as a {@code String}. */
  private static String text(CharSequence line, int from, int to) {
    return line instanceof AsciiString ascii ? ascii.toString(from, to) : line.subSequence(from, to).toString();
  }

  /** The UTF-8 bytes of {@code line}'s characters from {@code from} to {@code to}: an ASCII line's own bytes. */
  private static byte[] utf8(CharSequence line, int from, int to) {
    return line instanceof AsciiString ascii
        ? ascii.toByteArray(from, to)
        : line.subSequence(from, to).toString().getBytes(StandardCharsets.UTF_8);
  }

  private static int trimmedEnd(CharSequence line) {
    int end = line.length();
    while (end > 0 && isWhitespace(line.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  static int skipWhitespace(CharSequence line, int from, int end) {
    int i = from;
    while (i < end && isWhitespace(line.charAt(i))) {
      i++;
    }
    return i;
  }

  static int skipToken(CharSequence line, int from, int end) {
    int i = from;
    while (i < end && !isWhitespace(line.charAt(i))) {
      i++;
    }
    return i;
  }
}
