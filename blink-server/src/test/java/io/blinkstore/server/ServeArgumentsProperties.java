package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Assume;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@link ServeArguments}, the start-up path's reader of {@code serve}'s command line, against picocli: whatever it
 * accepts, picocli reads into the same value for every option of {@link ServeCommand}, defaults included; whatever
 * it does not accept goes to picocli. Generated command lines mix every option picocli knows for {@code serve}
 * (and unknown ones) with values plain and not (hex, octal, signs, {@code @FILE}, empty, repeated, missing).
 */
class ServeArgumentsProperties {
  private static final List<String> OPTIONS = serveOptionNames();

  @Property(tries = 3000)
  void whatItAcceptsPicocliReadsTheSame(@ForAll("commandLines") List<String> args) {
    memoryLimitVariableUnset();
    ServeCommand fast = ServeArguments.parse(args.toArray(String[]::new), null);
    Statistics.collect(fast != null);
    // Not vacuous: a good share of the command lines is read without picocli, and compared.
    Statistics.coverage(coverage -> coverage.check(true).percentage(share -> share > 10));
    if (fast == null) {
      return;
    }
    assertEquals(optionValues(picocli(args)), optionValues(fast), () -> String.join(" ", args));
  }

  @Example
  void everyOptionOfServeIsReadWithAPlainValue() {
    memoryLimitVariableUnset();
    for (String option : OPTIONS) {
      String value = plainValue(option);
      List<String> args = List.of("serve", option, value);
      ServeCommand fast = ServeArguments.parse(args.toArray(String[]::new), null);
      assertNotNull(fast, () -> "not read without picocli: " + args);
      assertEquals(optionValues(picocli(args)), optionValues(fast), () -> String.join(" ", args));
    }
  }

  @Example
  void theMemoryLimitsDefaultIsTheVariableWhenSetAndPicocliDecidesWhenItIsEmpty() {
    assertEquals("32MB", Objects.requireNonNull(ServeArguments.parse(new String[] {"serve"}, "32MB")).memoryLimit);
    assertEquals("1GB", Objects.requireNonNull(
        ServeArguments.parse(new String[] {"serve", "--memory-limit", "1GB"}, "32MB")).memoryLimit);
    assertNull(ServeArguments.parse(new String[] {"serve"}, ""));
  }

  @Example
  void helpVersionOtherCommandsAndRepeatedOptionsAreLeftToPicocli() {
    for (String[] args : new String[][] {{}, {"run"}, {"--version"}, {"serve", "--help"}, {"serve", "-h"},
        {"serve", "--version"}, {"serve", "-V"}, {"serve", "--tcp", "a:1", "--tcp", "b:2"}, {"serve", "--tcp"},
        {"serve", "@args.txt"}, {"serve", "--", "x"}, {"serve", "--databases", "0x10"}}) {
      assertNull(ServeArguments.parse(args, null), () -> String.join(" ", args));
    }
  }

  /** Picocli reads $BLINK_MEMORY_LIMIT itself: comparing defaults needs it unset, as in the build and CI. */
  private static void memoryLimitVariableUnset() {
    Assume.that(System.getenv("BLINK_MEMORY_LIMIT") == null);
  }

  @Provide
  Arbitrary<List<String>> commandLines() {
    Arbitrary<String> name = Arbitraries.oneOf(Arbitraries.of(OPTIONS), Arbitraries.of(OPTIONS), Arbitraries.of(
        "--nope", "--tcp2", "-x", "--", "-h", "--help", "-V", "--version", "--TCP", "serve"));
    Arbitrary<String> value = Arbitraries.oneOf(
        Arbitraries.of("127.0.0.1:0", "[::1]:0", "64MB", "1GiB", "12XB", "0", "1", "7", "10", "90", "010", "0x10",
            "#10", "+5", "-1", "2147483647", "2147483648", "999999999999999999", "9999999999999999999", "", "@x",
            "info", "DEBUG", "loud", "epoll", "Epoll", "EPOLL", "nio", "auto", "AUTO", "resp", "a b", "/tmp/blink.sock",
            "rel/path", "=", "a=b", "--tcp", "0660", "rw", "\"quoted\"", "'single'"),
        Arbitraries.strings().withChars("0123456789ax-=@:/").ofMaxLength(6));
    Arbitrary<List<String>> option = Combinators.combine(name, value, Arbitraries.of(true, false))
        .as((n, v, joined) -> joined ? List.of(n + "=" + v) : List.of(n, v));
    Arbitrary<List<String>> options = option.list().ofMaxSize(5)
        .map(lists -> lists.stream().flatMap(List::stream).collect(Collectors.toList()));
    Arbitrary<String> command = Arbitraries.oneOf(Arbitraries.just("serve"), Arbitraries.just("serve"),
        Arbitraries.of("run", "--help", "--tcp"));
    return Combinators.combine(command, options, Arbitraries.of(true, false)).as((c, o, dangling) -> {
      List<String> args = new ArrayList<>();
      args.add(c);
      args.addAll(o);
      if (dangling && !o.isEmpty()) {
        args.remove(args.size() - 1); // an option without its value, or a value without its option
      }
      return args;
    });
  }

  /** {@code serve} as BlinkStoreCli.execute has picocli read it. */
  private static ServeCommand picocli(List<String> args) {
    CommandLine cli = new CommandLine(new BlinkStoreCli()).setCaseInsensitiveEnumValuesAllowed(true);
    cli.parseArgs(args.toArray(String[]::new));
    return cli.getSubcommands().get("serve").getCommand();
  }

  /** Every {@code @Option} field of {@code serve}, by name. */
  private static String optionValues(ServeCommand serve) {
    StringBuilder values = new StringBuilder();
    for (Field field : ServeCommand.class.getDeclaredFields()) {
      if (field.isAnnotationPresent(CommandLine.Option.class)) {
        try {
          values.append(field.getName()).append('=').append(field.get(serve)).append('\n');
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return values.toString();
  }

  private static List<String> serveOptionNames() {
    List<String> names = new ArrayList<>();
    for (OptionSpec option : new CommandLine(new ServeCommand()).getCommandSpec().options()) {
      if (!option.usageHelp() && !option.versionHelp()) {
        names.add(option.longestName());
      }
    }
    return names;
  }

  private static String plainValue(String option) {
    return switch (option) {
      case "--transport" -> "nio";
      case "--protocol" -> "resp";
      case "--log-level" -> "debug";
      case "--unix", "--auth-token-file", "--log-dir" -> "/tmp/x";
      default -> "7";
    };
  }
}
