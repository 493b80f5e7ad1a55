package io.blinkstore.server.protocol.text;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Decimal;
import io.blinkstore.server.command.Leases;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Parses the extension words for time to live, counters and leases (docs/protocol.md, "Extensions"). Unlike the
 * original words, whose key is the whole rest of the line, these take whitespace-separated arguments, and a
 * wrong count is an error; a value, where there is one, is the rest of the line as in {@code SET}.
 */
final class ExtensionParser {
  static final String INVALID_EXPIRE_TIME = "invalid expire time";
  static final String NOT_AN_INTEGER = "value is not an integer or out of range";
  static final String INVALID_LEASE_TIME = Leases.INVALID_LEASE_TIME;
  static final String INVALID_LEASE_TOKEN = Leases.INVALID_LEASE_TOKEN;
  static final String INVALID_BASE64 = "invalid base64";

  /** The longest extension word ({@code PSETEX64}); longer words are not looked at. */
  private static final int LONGEST_WORD = 8;

  private ExtensionParser() {}

  /**
   * Returns the command for {@code line} if its word (at {@code [start, start + length)}) is an extension word
   * of this parser, else {@code null}. {@code rest} is where the arguments start, {@code end} where the trimmed
   * line ends.
   */
  static @Nullable Command parse(String line, int start, int length, int rest, int end) {
    if (length > LONGEST_WORD) {
      return null;
    }
    String word = asciiUpperCase(line, start, length);
    return switch (word) {
      case "SETEX" -> setWithTtl(word, line, rest, end, false);
      case "PSETEX" -> setWithTtl(word, line, rest, end, true);
      case "PSETEX64" -> setBinaryWithTtl(word, line, rest, end);
      case "ADD64" -> add(word, line, rest, end);
      case "EXPIRE" -> expire(word, line, rest, end, false);
      case "PEXPIRE" -> expire(word, line, rest, end, true);
      case "TTL" -> keyOnly(word, line, rest, end, key -> new Command.Ttl(key, false));
      case "PTTL" -> keyOnly(word, line, rest, end, key -> new Command.Ttl(key, true));
      case "PERSIST" -> keyOnly(word, line, rest, end, Command.Persist::new);
      case "INCR" -> keyOnly(word, line, rest, end, key -> new Command.IncrementBy(key, 1));
      case "DECR" -> keyOnly(word, line, rest, end, key -> new Command.IncrementBy(key, -1));
      case "INCRBY" -> incrementBy(word, line, rest, end, false);
      case "DECRBY" -> incrementBy(word, line, rest, end, true);
      case "GETL" -> getOrLease(word, line, rest, end);
      case "FILL" -> fill(word, line, rest, end);
      case "RELEASE" -> release(word, line, rest, end);
      default -> null;
    };
  }

  private static Command setWithTtl(String word, String line, int rest, int end, boolean millis) {
    List<String> args = tokens(line, rest, end, 2);
    if (args.isEmpty()) {
      return requiresKey(word);
    }
    if (args.size() < 2) {
      return wrongArgumentCount(word);
    }
    Duration ttl = ttl(args.get(1), millis);
    if (ttl == null) {
      return new Command.Invalid(INVALID_EXPIRE_TIME);
    }
    int valueStart = CommandParser.skipWhitespace(line, afterTokens(line, rest, end, 2), end);
    byte[] value = line.substring(valueStart, end).getBytes(StandardCharsets.UTF_8);
    return new Command.SetWithTtl(args.get(0), ttl, value);
  }

  /**
   * {@code PSETEX64 key milliseconds [base64]}: {@code PSETEX} with a binary-safe value, one token of standard
   * padded base64 as in {@code SET64}; none at all is the empty value.
   */
  private static Command setBinaryWithTtl(String word, String line, int rest, int end) {
    // Without zeroMeansNone, every command made has a time to live.
    return keyTimeAndBase64(word, line, rest, end, false,
        (key, ttl, value) -> new Command.SetWithTtl(key, Objects.requireNonNull(ttl, "ttl"), value));
  }

  /**
   * {@code ADD64 key ttl_ms [base64]}: store only if the key has no live value; a TTL of 0 means none, and the
   * value is as in {@code PSETEX64}.
   */
  private static Command add(String word, String line, int rest, int end) {
    return keyTimeAndBase64(word, line, rest, end, true, Command.Add::new);
  }

  /** Makes a command of a key, a time to live ({@code null}: none) and a value. */
  private interface TimedValue {
    Command make(String key, @Nullable Duration ttl, byte[] value);
  }

  /**
   * {@code WORD key milliseconds [base64]}: the value one token of standard padded base64 as in {@code SET64}, none
   * at all the empty value. With {@code zeroMeansNone}, a time of {@code 0} is no time to live ({@code null}).
   */
  private static Command keyTimeAndBase64(
      String word, String line, int rest, int end, boolean zeroMeansNone, TimedValue make) {
    List<String> args = tokens(line, rest, end, 4);
    if (args.isEmpty()) {
      return requiresKey(word);
    }
    if (args.size() < 2 || args.size() > 3) {
      return wrongArgumentCount(word);
    }
    Duration ttl = ttl(args.get(1), true);
    if (ttl == null && !(zeroMeansNone && args.get(1).equals("0"))) {
      return new Command.Invalid(INVALID_EXPIRE_TIME);
    }
    byte[] value = args.size() == 3 ? CommandParser.decodeBase64(args.get(2)) : new byte[0];
    return value == null ? new Command.Invalid(INVALID_BASE64) : make.make(args.get(0), ttl, value);
  }

  private static Command expire(String word, String line, int rest, int end, boolean millis) {
    return keyAndArgument(word, line, rest, end, (key, argument) -> {
      Duration ttl = ttl(argument, millis);
      return ttl == null ? new Command.Invalid(INVALID_EXPIRE_TIME) : new Command.Expire(key, ttl);
    });
  }

  private static Command incrementBy(String word, String line, int rest, int end, boolean negate) {
    return keyAndArgument(word, line, rest, end, (key, argument) -> {
      Long delta = integer(argument);
      if (delta == null || (negate && delta == Long.MIN_VALUE)) {
        return new Command.Invalid(NOT_AN_INTEGER);
      }
      return new Command.IncrementBy(key, negate ? -delta : delta);
    });
  }

  private static Command getOrLease(String word, String line, int rest, int end) {
    return keyAndArgument(word, line, rest, end, (key, argument) -> {
      Long millis = integer(argument);
      return millis == null || millis <= 0
          ? new Command.Invalid(INVALID_LEASE_TIME)
          : new Command.GetOrLease(key, millis);
    });
  }

  /**
   * {@code FILL key token ttl_ms [base64]}: a TTL of 0 means none; the value is standard padded base64 as in
   * {@code SET64}, and an absent value is the empty value.
   */
  private static Command fill(String word, String line, int rest, int end) {
    List<String> args = tokens(line, rest, end, 5);
    if (args.isEmpty()) {
      return requiresKey(word);
    }
    if (args.size() < 3 || args.size() > 4) {
      return wrongArgumentCount(word);
    }
    Long token = integer(args.get(1));
    if (token == null) {
      return new Command.Invalid(INVALID_LEASE_TOKEN);
    }
    Duration ttl = ttl(args.get(2), true);
    if (ttl == null && !args.get(2).equals("0")) {
      return new Command.Invalid(INVALID_EXPIRE_TIME);
    }
    byte[] value = args.size() == 4 ? CommandParser.decodeBase64(args.get(3)) : new byte[0];
    return value == null ? new Command.Invalid(INVALID_BASE64) : new Command.Fill(args.get(0), token, ttl, value);
  }

  private static Command release(String word, String line, int rest, int end) {
    return keyAndArgument(word, line, rest, end, (key, argument) -> {
      Long token = integer(argument);
      return token == null ? new Command.Invalid(INVALID_LEASE_TOKEN) : new Command.Release(key, token);
    });
  }

  /** A word taking exactly a key and one argument: checks the count, then makes the command from the two. */
  private static Command keyAndArgument(
      String word, String line, int rest, int end, BiFunction<String, String, Command> make) {
    List<String> args = tokens(line, rest, end, 3);
    if (args.isEmpty()) {
      return requiresKey(word);
    }
    return args.size() == 2 ? make.apply(args.get(0), args.get(1)) : wrongArgumentCount(word);
  }

  private static Command keyOnly(
      String word, String line, int rest, int end, Function<String, Command> make) {
    List<String> args = tokens(line, rest, end, 2);
    if (args.isEmpty()) {
      return requiresKey(word);
    }
    return args.size() == 1 ? make.apply(args.get(0)) : wrongArgumentCount(word);
  }

  /** A time to live: a positive canonical integer of seconds or milliseconds, at most {@link BlinkStore#MAX_TTL}. */
  static @Nullable Duration ttl(String text, boolean millis) {
    Long amount = integer(text);
    long max = millis ? BlinkStore.MAX_TTL.toMillis() : BlinkStore.MAX_TTL.toSeconds();
    if (amount == null || amount <= 0 || amount > max) {
      return null;
    }
    return millis ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
  }

  /**
   * Returns the canonical decimal integer {@code text} spells, as Redis reads numbers (ASCII digits, an optional
   * {@code -}, no {@code +}, no leading zeros, no {@code -0}), or {@code null}.
   */
  static @Nullable Long integer(String text) {
    try {
      return Decimal.parse(text.getBytes(StandardCharsets.ISO_8859_1)); // a char past Latin-1 becomes '?'
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Upper-cases ASCII letters only, as the original matches command words: {@code ſ} (U+017F) and dotless
   * {@code ı} (U+0131), which {@link String#toUpperCase} turns into {@code S} and {@code I}, stay as they are.
   */
  private static String asciiUpperCase(String line, int start, int length) {
    char[] word = new char[length];
    for (int i = 0; i < length; i++) {
      char c = line.charAt(start + i);
      word[i] = c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
    }
    return new String(word);
  }

  /** Returns up to {@code max} whitespace-separated tokens from {@code [from, end)}. */
  static List<String> tokens(String line, int from, int end, int max) {
    List<String> tokens = new ArrayList<>(max);
    int i = from;
    while (i < end && tokens.size() < max) {
      int tokenEnd = CommandParser.skipToken(line, i, end);
      tokens.add(line.substring(i, tokenEnd));
      i = CommandParser.skipWhitespace(line, tokenEnd, end);
    }
    return tokens;
  }

  /** Returns where the {@code count}-th token from {@code from} ends. */
  private static int afterTokens(String line, int from, int end, int count) {
    int i = from;
    for (int n = 0; n < count; n++) {
      i = CommandParser.skipToken(line, CommandParser.skipWhitespace(line, i, end), end);
    }
    return i;
  }

  static Command.Invalid requiresKey(String word) {
    return new Command.Invalid(word + " requires key");
  }

  static Command.Invalid wrongArgumentCount(String word) {
    return new Command.Invalid("wrong number of arguments for " + word);
  }
}
