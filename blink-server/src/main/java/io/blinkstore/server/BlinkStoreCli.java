package io.blinkstore.server;

import io.blinkstore.BlinkException;
import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.Authenticator;
import io.blinkstore.server.command.ServerVersion;
import io.blinkstore.server.protocol.text.CommandParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/** The {@code blink-store} command line: {@code serve} runs the server, {@code run} a REPL on stdin. */
@Command(
    name = "blink-store",
    mixinStandardHelpOptions = true,
    versionProvider = BlinkStoreCli.Version.class,
    description = "Blink Store: a fast in-memory key-value store, shared by every process on a host.",
    subcommands = {ServeCommand.class, BlinkStoreCli.Run.class})
public final class BlinkStoreCli implements Callable<Integer> {
  /** The levels {@code --log-level} takes: slf4j-simple's. */
  static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

  /** Netty's level whenever {@code --log-level} is more verbose: as set in simplelogger.properties. */
  static final String NETTY_LEVEL = "warn";

  @Spec private CommandLine.Model.CommandSpec spec;

  /**
   * Runs the command line and exits with its status: 0 ok, 1 runtime failure, 2 bad usage. An {@link Error}
   * (picocli passes those through) also exits, with 1: the event loops are not daemon threads, so a main thread
   * that died of one would leave the process running, deaf to the next SIGTERM. Seen when the jar was rebuilt
   * under a running server: its graceful stop needed a class it had not loaded yet.
   */
  public static void main(String[] args) {
    int status;
    try {
      status = execute(args);
    } catch (Throwable e) {
      e.printStackTrace();
      status = 1;
    }
    System.exit(status);
  }

  /**
   * Runs the command line and returns its exit status, without exiting. A plain {@code serve} command line is read
   * by {@link ServeArguments} (picocli's model of the commands costs the start ~100 ms of CPU); everything else,
   * help and mistakes included, by picocli.
   */
  static int execute(String... args) {
    ServeCommand serve = ServeArguments.parse(args, System.getenv("BLINK_MEMORY_LIMIT"));
    if (serve != null) {
      PrintWriter err = new PrintWriter(System.err, true);
      try {
        return serve.call();
      } catch (Exception e) {
        return failed(e, err);
      } finally {
        err.flush();
      }
    }
    return new CommandLine(new BlinkStoreCli())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler(
            (e, a) -> {
              e.getCommandLine().getErr().println(
                  "blink-store: " + oneLine(e.getMessage()) + " (see --help)");
              return 2;
            })
        .setExecutionExceptionHandler((e, commandLine, parseResult) -> failed(e, commandLine.getErr()))
        .execute(args);
  }

  /** A command that failed while it ran: one line on {@code err}, the stack trace at debug level; status 1. */
  private static int failed(Exception e, PrintWriter err) {
    err.println("blink-store: " + oneLine(e.getMessage()));
    if (!(e instanceof BlinkException || e instanceof IllegalArgumentException)) {
      log().debug("failure", e);
    }
    return 1;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      versionProvider = BlinkStoreCli.Version.class,
      description = "An interactive store on stdin: get KEY, set KEY VALUE, delete KEY, usage, quit.")
  static final class Run implements Callable<Integer> {
    @Option(names = "--memory-limit", paramLabel = "SIZE",
        defaultValue = Defaults.MEMORY_LIMIT,
        description = "Most bytes (keys + values) kept. Default: $BLINK_MEMORY_LIMIT, else 10 MiB.")
    String memoryLimit;

    InputStream in = System.in;
    PrintStream out = System.out;

    @Override
    public Integer call() {
      long limit = ByteSize.parse(memoryLimit);
      if (limit <= 0) {
        throw new IllegalArgumentException("--memory-limit must be positive, but was " + memoryLimit);
      }
      try (BlinkStore store = BlinkStore.builder().memoryLimit(limit).build()) {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        new Repl(store, System.console() != null).run(reader, out);
      }
      return 0;
    }
  }

  /**
   * Sets slf4j-simple's level. It reads its settings once, when the first logger is created, so this must run
   * before anything logs (which is why this class creates its logger only when needed). The level is a ceiling
   * for Netty too: simplelogger.properties holds Netty at {@value #NETTY_LEVEL} to keep its debug output out, and
   * a quieter level ({@code error}, {@code off}) must silence its warnings as well.
   *
   * @throws IllegalArgumentException for an unknown level
   */
  static void setLogLevel(String level) {
    String lower = level.toLowerCase(java.util.Locale.ROOT);
    if (!LOG_LEVELS.contains(lower)) {
      throw new IllegalArgumentException("bad --log-level '" + level + "': expected one of " + LOG_LEVELS);
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", lower);
    if (LOG_LEVELS.indexOf(lower) > LOG_LEVELS.indexOf(NETTY_LEVEL)) {
      System.setProperty("org.slf4j.simpleLogger.log.io.netty", lower);
    }
  }

  static Logger log() {
    return LoggerFactory.getLogger(BlinkStoreCli.class);
  }

  /**
   * The auth token: the first line of {@code file} when given (so it never shows in {@code ps}), else
   * {@code fromEnvironment}; null when neither is set. Whitespace around it is dropped: a file saved with CRLF or a
   * trailing blank, or a variable set from {@code $(cat file)} with its newline, would otherwise hold a token that
   * the text protocol, which trims {@code AUTH}'s argument, could never match.
   *
   * @throws IllegalArgumentException naming the source if the file cannot be read, or the token is empty or holds
   *     a line break ({@link Authenticator#requirePresentable})
   */
  static @Nullable String authToken(Path file, String fromEnvironment) {
    String token = fromEnvironment;
    String source = "BLINK_AUTH_TOKEN";
    if (file != null) {
      source = "--auth-token-file " + file;
      try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        token = Objects.requireNonNullElse(reader.readLine(), "");
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read " + source + ": " + e.getMessage(), e);
      }
    }
    if (token == null) {
      return null;
    }
    try {
      return Authenticator.requirePresentable(CommandParser.trim(token));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  /**
   * Parses an octal file mode such as {@code 0660} or {@code 600} (permission bits only).
   *
   * @throws IllegalArgumentException if it is not one
   */
  /** The octal form ({@code 0660}) of the symbolic permissions {@code symbolic}: the inverse of {@link #parseMode}. */
  static String octal(String symbolic) {
    int bits = 0;
    for (int i = 0; i < 9; i++) {
      bits = bits << 1 | (symbolic.charAt(i) == '-' ? 0 : 1);
    }
    return String.format(Locale.ROOT, "0%03o", bits);
  }

  static Set<PosixFilePermission> parseMode(String octal) {
    if (!octal.matches("0?[0-7]{3}")) {
      throw new IllegalArgumentException("bad --unix-mode '" + octal + "': expected octal permissions, e.g. 0660");
    }
    int bits = Integer.parseInt(octal, 8);
    StringBuilder symbolic = new StringBuilder();
    String letters = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      symbolic.append((bits & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
    }
    return PosixFilePermissions.fromString(symbolic.toString());
  }

  /** As {@link #parseTcp(String, String)} for {@code --tcp}. */
  static InetSocketAddress parseTcp(String text) {
    return parseTcp(text, "--tcp");
  }

  /**
   * Parses {@code HOST:PORT}: an IPv4 address, a host name, or a bracketed IPv6 literal ({@code [::1]:8765}).
   *
   * @param option the option's name, for the error message
   * @throws IllegalArgumentException naming the text when it is not such an address or does not resolve
   */
  static InetSocketAddress parseTcp(String text, String option) {
    String bad = "bad " + option + " address '" + text + "': ";
    int colon = text.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException(bad + "expected HOST:PORT, e.g. 127.0.0.1:8765");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      throw new IllegalArgumentException(bad + "write IPv6 as [ADDRESS]:PORT");
    }
    int port = parsePort(text.substring(colon + 1), option + " address '" + text + "'");
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(bad + "unknown host " + host, e);
    }
  }

  static int parsePort(String text, String what) {
    try {
      int port = Integer.parseInt(text);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("bad " + what + ": port must be a number from 0 to 65535");
  }

  private static String oneLine(@Nullable String message) {
    return message == null ? "unknown error" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** The version, from the properties Maven writes into the jar. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "blink-store " + ServerVersion.get(),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
      };
    }
  }
}
