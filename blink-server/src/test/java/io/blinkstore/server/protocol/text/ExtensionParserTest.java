package io.blinkstore.server.protocol.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The time-to-live and counter words, parsed through {@link CommandParser} as the decoder does. */
class ExtensionParserTest {
  private static final long MAX_SECONDS = BlinkStore.MAX_TTL.toSeconds();
  private static final long MAX_MILLIS = BlinkStore.MAX_TTL.toMillis();

  private static Command setex(String key, Duration ttl, String value) {
    return new Command.SetWithTtl(key, ttl, value.getBytes(StandardCharsets.UTF_8));
  }

  static Stream<Arguments> commandTable() {
    return Stream.of(
        Arguments.of("SETEX k 10 hello", setex("k", Duration.ofSeconds(10), "hello")),
        Arguments.of("PSETEX k 1500 hello", setex("k", Duration.ofMillis(1500), "hello")),
        Arguments.of("SETEX k 10 a  b\tc  ", setex("k", Duration.ofSeconds(10), "a  b\tc")),
        Arguments.of("SETEX k 10", setex("k", Duration.ofSeconds(10), "")),
        Arguments.of("SETEX k 10 \t ", setex("k", Duration.ofSeconds(10), "")),
        Arguments.of("SETEX\u3000k\u200310\u00a0v", setex("k", Duration.ofSeconds(10), "v")),
        Arguments.of("SETEX k " + MAX_SECONDS + " v", setex("k", BlinkStore.MAX_TTL, "v")),
        Arguments.of("PSETEX k " + MAX_MILLIS + " v", setex("k", BlinkStore.MAX_TTL, "v")),
        Arguments.of("EXPIRE k 10", new Command.Expire("k", Duration.ofSeconds(10))),
        Arguments.of("PEXPIRE k 1", new Command.Expire("k", Duration.ofMillis(1))),
        Arguments.of("TTL k", new Command.Ttl("k", false)),
        Arguments.of("PTTL k", new Command.Ttl("k", true)),
        Arguments.of("PERSIST k", new Command.Persist("k")),
        Arguments.of("INCR k", new Command.IncrementBy("k", 1)),
        Arguments.of("DECR k", new Command.IncrementBy("k", -1)),
        Arguments.of("INCRBY k 42", new Command.IncrementBy("k", 42)),
        Arguments.of("INCRBY k -42", new Command.IncrementBy("k", -42)),
        Arguments.of("INCRBY k 0", new Command.IncrementBy("k", 0)),
        Arguments.of("DECRBY k 42", new Command.IncrementBy("k", -42)),
        Arguments.of("INCRBY k 9223372036854775807", new Command.IncrementBy("k", Long.MAX_VALUE)),
        Arguments.of("INCRBY k -9223372036854775808", new Command.IncrementBy("k", Long.MIN_VALUE)),
        Arguments.of("DECRBY k 9223372036854775807", new Command.IncrementBy("k", -Long.MAX_VALUE)),
        Arguments.of("incrby ключ 1", new Command.IncrementBy("ключ", 1)),
        Arguments.of("  pttl k \r", new Command.Ttl("k", true)),
        Arguments.of("SeTeX k 1 v", setex("k", Duration.ofSeconds(1), "v")),
        Arguments.of("GETL k 500", new Command.GetOrLease("k", 500)),
        Arguments.of("getl k 99999999", new Command.GetOrLease("k", 99_999_999)),
        Arguments.of("FILL k 7 0 aGk=", new Command.Fill("k", 7, null, "hi".getBytes(StandardCharsets.UTF_8))),
        Arguments.of("FILL k 7 1500 aGk=",
            new Command.Fill("k", 7, Duration.ofMillis(1500), "hi".getBytes(StandardCharsets.UTF_8))),
        Arguments.of("FILL k 7 0", new Command.Fill("k", 7, null, new byte[0])),
        Arguments.of("RELEASE k 7", new Command.Release("k", 7)),
        Arguments.of("ADD64 k 0 aGk=", new Command.Add("k", null, "hi".getBytes(StandardCharsets.UTF_8))),
        Arguments.of("add64 k 1500 aGk=",
            new Command.Add("k", Duration.ofMillis(1500), "hi".getBytes(StandardCharsets.UTF_8))),
        Arguments.of("ADD64 k 0", new Command.Add("k", null, new byte[0])),
        Arguments.of("PSETEX64 k 1500 AP8KIA==",
            new Command.SetWithTtl("k", Duration.ofMillis(1500), new byte[] {0, -1, '\n', ' '})),
        Arguments.of("PSETEX64 k 1500", new Command.SetWithTtl("k", Duration.ofMillis(1500), new byte[0])),
        Arguments.of("psetex64\u3000k 1 aGk=  \r", setex("k", Duration.ofMillis(1), "hi")),
        Arguments.of("PSETEX64 k " + MAX_MILLIS + " aGk=", setex("k", BlinkStore.MAX_TTL, "hi")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("commandTable")
  void parsesEveryExtensionWord(String line, Command expected) {
    assertEquals(expected, CommandParser.parse(line));
  }

  static Stream<Arguments> errorTable() {
    return Stream.of(
        Arguments.of("SETEX", "SETEX requires key"),
        Arguments.of("PSETEX  ", "PSETEX requires key"),
        Arguments.of("EXPIRE", "EXPIRE requires key"),
        Arguments.of("PEXPIRE", "PEXPIRE requires key"),
        Arguments.of("TTL", "TTL requires key"),
        Arguments.of("PTTL", "PTTL requires key"),
        Arguments.of("PERSIST", "PERSIST requires key"),
        Arguments.of("INCR", "INCR requires key"),
        Arguments.of("DECR", "DECR requires key"),
        Arguments.of("INCRBY", "INCRBY requires key"),
        Arguments.of("DECRBY", "DECRBY requires key"),
        Arguments.of("incr", "INCR requires key"),
        Arguments.of("SETEX k", "wrong number of arguments for SETEX"),
        Arguments.of("EXPIRE k", "wrong number of arguments for EXPIRE"),
        Arguments.of("EXPIRE k 1 2", "wrong number of arguments for EXPIRE"),
        Arguments.of("TTL a b", "wrong number of arguments for TTL"),
        Arguments.of("PERSIST a b", "wrong number of arguments for PERSIST"),
        Arguments.of("INCR a b", "wrong number of arguments for INCR"),
        Arguments.of("INCRBY k", "wrong number of arguments for INCRBY"),
        Arguments.of("DECRBY k 1 2", "wrong number of arguments for DECRBY"),
        Arguments.of("SETEX k 0 v", "invalid expire time"),
        Arguments.of("SETEX k -1 v", "invalid expire time"),
        Arguments.of("SETEX k ten v", "invalid expire time"),
        Arguments.of("SETEX k 1.5 v", "invalid expire time"),
        Arguments.of("SETEX k +1 v", "invalid expire time"),
        Arguments.of("SETEX k 01 v", "invalid expire time"),
        Arguments.of("SETEX k \u0661 v", "invalid expire time"), // an Arabic-Indic digit one
        Arguments.of("SETEX k " + (MAX_SECONDS + 1) + " v", "invalid expire time"),
        Arguments.of("PSETEX k " + (MAX_MILLIS + 1) + " v", "invalid expire time"),
        Arguments.of("PSETEX k 0 v", "invalid expire time"),
        Arguments.of("EXPIRE k 0", "invalid expire time"),
        Arguments.of("PEXPIRE k 99999999999999999999", "invalid expire time"),
        Arguments.of("INCRBY k x", "value is not an integer or out of range"),
        Arguments.of("INCRBY k 9223372036854775808", "value is not an integer or out of range"),
        Arguments.of("INCRBY k -0", "value is not an integer or out of range"),
        Arguments.of("INCRBY k 1e3", "value is not an integer or out of range"),
        Arguments.of("DECRBY k -9223372036854775808", "value is not an integer or out of range"),
        Arguments.of("GETL", "GETL requires key"),
        Arguments.of("FILL", "FILL requires key"),
        Arguments.of("RELEASE", "RELEASE requires key"),
        Arguments.of("GETL k", "wrong number of arguments for GETL"),
        Arguments.of("GETL k 1 2", "wrong number of arguments for GETL"),
        Arguments.of("FILL k 7", "wrong number of arguments for FILL"),
        Arguments.of("FILL k 7 0 aGk= x", "wrong number of arguments for FILL"),
        Arguments.of("RELEASE k", "wrong number of arguments for RELEASE"),
        Arguments.of("GETL k 0", "invalid lease time"),
        Arguments.of("GETL k -1", "invalid lease time"),
        Arguments.of("GETL k soon", "invalid lease time"),
        Arguments.of("FILL k seven 0 aGk=", "invalid lease token"),
        Arguments.of("RELEASE k 7.0", "invalid lease token"),
        Arguments.of("FILL k 7 -1 aGk=", "invalid expire time"),
        Arguments.of("FILL k 7 00 aGk=", "invalid expire time"),
        Arguments.of("FILL k 7 0 a", "invalid base64"),
        Arguments.of("FILL k 7 0 a*b=", "invalid base64"),
        Arguments.of("FILL k 7 0 aGk", "invalid base64"),
        Arguments.of("ADD64", "ADD64 requires key"),
        Arguments.of("ADD64 k", "wrong number of arguments for ADD64"),
        Arguments.of("ADD64 k 0 aGk= x", "wrong number of arguments for ADD64"),
        Arguments.of("ADD64 k -1 aGk=", "invalid expire time"),
        Arguments.of("ADD64 k 00 aGk=", "invalid expire time"),
        Arguments.of("ADD64 k " + (MAX_MILLIS + 1) + " aGk=", "invalid expire time"),
        Arguments.of("ADD64 k 0 aGk", "invalid base64"),
        Arguments.of("PSETEX64", "PSETEX64 requires key"),
        Arguments.of("PSETEX64 k", "wrong number of arguments for PSETEX64"),
        Arguments.of("PSETEX64 k 10 aGk= aGk=", "wrong number of arguments for PSETEX64"),
        Arguments.of("PSETEX64 k 0 aGk=", "invalid expire time"),
        Arguments.of("PSETEX64 k " + (MAX_MILLIS + 1) + " aGk=", "invalid expire time"),
        Arguments.of("PSETEX64 k 1.5 aGk=", "invalid expire time"),
        Arguments.of("PSETEX64 k 10 aGk", "invalid base64"), // padding is required, as in SET64
        Arguments.of("PSETEX64 k 10 aG*=", "invalid base64"));
  }

  @ParameterizedTest(name = "[{0}] -> ERROR {1}")
  @MethodSource("errorTable")
  void answersEveryRowOfTheExtensionErrorTable(String line, String error) {
    assertEquals(new Command.Invalid(error), CommandParser.parse(line));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "\u017FETEX k 1 v", // long s
      "PER\u017FI\u017FT k",
      "INCRB\u0178 k 1", // Y with diaeresis, whose upper case is not Y
      "\u0131NCR k", // dotless i
      "TTL\u200Bk", // zero-width space is not whitespace: one word
      "SETEXX k 1 v",
      "INCRBYY k 1",
      "EXPIREAT k 1",
      "PSETEX64X k 1 aGk=",
      "SETEX64 k 1 aGk="})
  void lookalikesAndLongerWordsAreUnknown(String line) {
    assertEquals(CommandParser.UNKNOWN_COMMAND, CommandParser.parse(line));
  }
}
