package io.blinkstore.server;

import io.blinkstore.BlinkException;
import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.Authenticator;
import io.blinkstore.server.command.HeapGuard;
import io.blinkstore.server.transport.ClientMemory;
import io.blinkstore.server.protocol.text.CommandParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
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
    subcommands = {BlinkStoreCli.Serve.class, BlinkStoreCli.Run.class})
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

  /** Runs the command line and returns its exit status, without exiting. */
  static int execute(String... args) {
    return new CommandLine(new BlinkStoreCli())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setParameterExceptionHandler(
            (e, a) -> {
              e.getCommandLine().getErr().println(
                  "blink-store: " + oneLine(e.getMessage()) + " (see --help)");
              return 2;
            })
        .setExecutionExceptionHandler(
            (e, commandLine, parseResult) -> {
              commandLine.getErr().println("blink-store: " + oneLine(e.getMessage()));
              if (!(e instanceof BlinkException || e instanceof IllegalArgumentException)) {
                log().debug("failure", e);
              }
              return 1;
            })
        .execute(args);
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return 2;
  }

  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      versionProvider = BlinkStoreCli.Version.class,
      description = {
        "Serves the store over TCP and/or a Unix domain socket until SIGTERM or Ctrl-C.",
        "With neither --tcp nor --unix, serves TCP on 127.0.0.1:${BLINK_PORT:-8765}."
      })
  static final class Serve implements Callable<Integer> {
    @Option(names = "--tcp", paramLabel = "HOST:PORT",
        description = "TCP address to listen on, e.g. 127.0.0.1:8765 or [::1]:8765.")
    String tcp;

    @Option(names = "--unix", paramLabel = "PATH", description = "Unix domain socket to listen on.")
    Path unix;

    @Option(names = "--metrics", paramLabel = "HOST:PORT",
        description = "Serve Prometheus metrics at http://HOST:PORT/metrics, e.g. 127.0.0.1:9100. Default: off.")
    String metrics;

    @Option(names = "--memory-limit", paramLabel = "SIZE",
        defaultValue = "${env:BLINK_MEMORY_LIMIT:-10485760}",
        description = "Most bytes (keys + values) kept, e.g. 10485760, 64MB, 1GiB; units are powers of 1024."
            + " Default: $BLINK_MEMORY_LIMIT, else 10 MiB.")
    String memoryLimit;

    @Option(names = "--max-line-bytes", paramLabel = "SIZE",
        description = "Longest request line accepted (for RESP: a command's bulk strings together); longer"
            + " requests are refused and the connection closed. Default: ${DEFAULT-VALUE}.")
    String maxLineBytes = ByteSize.format(BlinkServer.DEFAULT_MAX_LINE_BYTES);

    @Option(names = "--max-key-bytes", paramLabel = "SIZE",
        description = "Longest key a write may store (UTF-8 bytes); a longer one is answered 'ERROR key too long'."
            + " Default: ${DEFAULT-VALUE}.")
    String maxKeyBytes = ByteSize.format(BlinkServer.DEFAULT_MAX_KEY_BYTES);

    @Option(names = "--max-value-bytes", paramLabel = "SIZE",
        description = "Largest value a write may store; a larger one is answered 'ERROR value too long'."
            + " Default: none of its own (--max-line-bytes and --memory-limit bound every value).")
    String maxValueBytes;

    @Option(names = "--max-entries", paramLabel = "N",
        description = "Most entries kept, however small. Default: what the heap planned for the memory limit holds"
            + " beside it (70%% of the heap, less the limit, at ~" + JvmSizing.HEAP_BYTES_PER_ENTRY
            + " bytes per entry; docs/operations.md, Sizing).")
    Long maxEntries;

    @Option(names = "--max-connections", paramLabel = "N",
        description = "Most client connections open at once; one more is answered"
            + " 'ERROR max number of clients reached' and closed. Default: what the descriptor limit (ulimit -n)"
            + " allows, less 128 kept for the server's own, at most 10000.")
    Integer maxConnections;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
        description = "Close a connection that sends nothing and takes none of its replies for this long; 0 never does. Default: ${DEFAULT-VALUE}.")
    long idleTimeoutSeconds = BlinkServer.Defaults.IDLE_TIMEOUT_SECONDS;

    @Option(names = "--request-timeout", paramLabel = "SECONDS",
        description = "Close a connection whose request (a line, a RESP command) stays unfinished this long"
            + " (slowloris); 0 never does. Default: ${DEFAULT-VALUE}.")
    long requestTimeoutSeconds = BlinkServer.Defaults.REQUEST_TIMEOUT_SECONDS;

    @Option(names = "--auth-timeout", paramLabel = "SECONDS",
        description = "With a token: close a connection that has not signed in this long after it connected; 0 never"
            + " does. At --max-connections, the one waiting longest to sign in makes room for a new one."
            + " Default: ${DEFAULT-VALUE}.")
    long authTimeoutSeconds = BlinkServer.Defaults.AUTH_TIMEOUT_SECONDS;

    @Option(names = "--max-output-bytes", paramLabel = "SIZE",
        description = "Close a connection when more reply bytes than this wait for it to read them; must exceed"
            + " the largest reply (4/3 of the largest value). A RESP MGET whose reply would pass it is refused."
            + " Default: ${DEFAULT-VALUE}.")
    String maxOutputBytes = ByteSize.format(BlinkServer.DEFAULT_MAX_OUTPUT_BYTES);

    @Option(names = "--max-client-memory", paramLabel = "SIZE",
        description = "Most bytes all client connections together may hold (unfinished requests, names, replies not"
            + " yet read); past it, those holding the most are closed. Default: an eighth of the heap or half the"
            + " direct memory, whichever is less.")
    String maxClientMemory;

    @Option(names = "--auth-token-file", paramLabel = "PATH",
        description = "Require clients to send 'AUTH <token>' first; the token is the file's first line, without the"
            + " whitespace around it. Default: $BLINK_AUTH_TOKEN if set, else no auth.")
    Path authTokenFile;

    @Option(names = "--unix-mode", paramLabel = "OCTAL",
        description = "Permissions of the Unix socket file. Default: ${DEFAULT-VALUE} (owner and group).")
    String unixMode = octal(BlinkServer.Defaults.UNIX_MODE);

    @Option(names = "--heap-threshold", paramLabel = "PERCENT",
        description = "Refuse writes ('ERROR out of memory') while more than this share of the maximum heap is in"
            + " use after a garbage collection; reads go on. 100 never refuses. Default: ${DEFAULT-VALUE}.")
    int heapThresholdPercent = (int) Math.round(HeapGuard.DEFAULT_THRESHOLD * 100);

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
        description = "trace, debug, info, warn, error or off. Default: ${DEFAULT-VALUE}.")
    String logLevel;

    @Option(names = "--transport", paramLabel = "KIND", defaultValue = "auto",
        description = "auto (epoll on Linux, else nio), epoll or nio. Default: ${DEFAULT-VALUE}.")
    BlinkServer.Transport transport;

    @Option(names = "--log-dir", paramLabel = "DIR", hidden = true,
        description = "Accepted for compatibility with the original server; ignored.")
    Path logDir;

    @Option(names = "--retention-minutes", paramLabel = "N", hidden = true,
        description = "Accepted for compatibility with the original server; ignored.")
    Integer retentionMinutes;

    @Override
    public Integer call() throws InterruptedException {
      setLogLevel(logLevel);
      Logger log = log();
      long limit = ByteSize.parse(memoryLimit);
      long maxLine = ByteSize.parse(maxLineBytes);
      if (limit <= 0) {
        throw new IllegalArgumentException("--memory-limit must be positive, but was " + memoryLimit);
      }
      if (maxLine <= 0 || maxLine > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("--max-line-bytes must be between 1 and 2 GiB, but was " + maxLineBytes);
      }
      if (maxEntries != null && maxEntries <= 0) {
        throw new IllegalArgumentException("--max-entries must be positive, but was " + maxEntries);
      }
      long maxHeap = Runtime.getRuntime().maxMemory();
      long entries = maxEntries != null ? maxEntries : JvmSizing.defaultMaxEntries(maxHeap, limit);
      JvmSizing.requireHeapHolds(maxHeap, limit, entries);
      if (maxHeap * JvmSizing.HEAP_SHARE < limit + (limit >> 2)) {
        log.warn("the JVM heap ({} MiB) is small for a memory limit of {} bytes: give it at least {} MiB (-Xmx)",
            maxHeap >> 20, limit, JvmSizing.heap(limit) >> 20);
      }

      if (logDir != null || retentionMinutes != null) {
        log.warn("--log-dir and --retention-minutes are accepted for compatibility and ignored");
      }
      BlinkServer.Builder builder = BlinkServer.builder().maxLineBytes((int) maxLine).transport(transport);
      connectionLimits(builder);
      if (heapThresholdPercent <= 0 || heapThresholdPercent > 100) {
        throw new IllegalArgumentException("--heap-threshold must be from 1 to 100, but was " + heapThresholdPercent);
      }
      builder.heapThreshold(heapThresholdPercent / 100.0);
      if (tcp != null) {
        builder.tcp(parseTcp(tcp));
      }
      if (unix != null) {
        builder.unix(unix).unixMode(parseMode(unixMode));
      }
      if (metrics != null) {
        builder.metrics(parseTcp(metrics, "--metrics"));
      }
      String token = authToken(authTokenFile, System.getenv("BLINK_AUTH_TOKEN"));
      if (token != null) {
        builder.authToken(token);
      }
      if (tcp == null && unix == null) {
        builder.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), defaultPort()));
      }
      BlinkStore store = BlinkStore.builder().memoryLimit(limit).maximumEntries(entries).build();
      BlinkServer server = builder.store(store).build();

      // Before Netty starts (its direct memory bound is read once); logged once the server is up.
      String bounded = JvmSizing.boundRuntime(limit);
      server.start();
      if (!bounded.isEmpty()) {
        log.info("the JVM was not sized by bin/blink-store: bounded at run time to {} (budget {} MiB)",
            bounded, JvmSizing.budget(limit) >> 20);
      }
      CountDownLatch stop = new CountDownLatch(1);
      SignalHandlers.onTerminate(stop::countDown);
      Runtime.getRuntime().addShutdownHook(new Thread(server::close, "blink-shutdown"));
      log.info("Blink Store {} listening on {} ({}, memory limit {} bytes, max entries {}, max line {} bytes,"
              + " max connections {}, max client memory {} bytes, heap {} MiB, auth {}); ready in {} ms",
          Version.version(), where(server), server.transport().name().toLowerCase(java.util.Locale.ROOT),
          limit, entries, maxLine, server.maxConnections(), server.maxClientMemory(), maxHeap >> 20,
          token != null ? "on" : "off", sinceProcessStart());
      stop.await();
      log.info("shutting down");
      server.close();
      store.close();
      log.info("stopped after {} s: {} connections, {} commands", server.uptimeSeconds(),
          server.totalConnections(), server.commandCount());
      return 0;
    }

    private void connectionLimits(BlinkServer.Builder builder) {
      if (idleTimeoutSeconds < 0 || requestTimeoutSeconds < 0 || authTimeoutSeconds < 0) {
        throw new IllegalArgumentException(
            "--idle-timeout, --request-timeout and --auth-timeout must not be negative");
      }
      long maxOutput = ByteSize.parse(maxOutputBytes);
      if (maxOutput <= 0) {
        throw new IllegalArgumentException("--max-output-bytes must be positive, but was " + maxOutputBytes);
      }
      if (maxConnections != null && maxConnections <= 0) {
        throw new IllegalArgumentException("--max-connections must be positive, but was " + maxConnections);
      }
      builder.maxKeyBytes(entryLimit(maxKeyBytes, "--max-key-bytes"));
      if (maxValueBytes != null) {
        builder.maxValueBytes(entryLimit(maxValueBytes, "--max-value-bytes"));
      }
      if (maxClientMemory != null) {
        long bytes = ByteSize.parse(maxClientMemory);
        if (bytes < ClientMemory.MIN_LIMIT) {
          throw new IllegalArgumentException("--max-client-memory must be at least " + ClientMemory.MIN_LIMIT
              + " bytes (128 KiB), but was " + maxClientMemory);
        }
        builder.maxClientMemory(bytes);
      }
      if (maxConnections != null) {
        builder.maxConnections(maxConnections);
      }
      builder.idleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
          .requestTimeout(Duration.ofSeconds(requestTimeoutSeconds))
          .authTimeout(Duration.ofSeconds(authTimeoutSeconds))
          .maxOutputBytes(maxOutput);
    }

    private static int entryLimit(String size, String option) {
      long bytes = ByteSize.parse(size);
      if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(option + " must be between 1 byte and 2 GiB, but was " + size);
      }
      return (int) bytes;
    }

    private static String where(BlinkServer server) {
      StringBuilder where = new StringBuilder();
      if (server.tcpAddress() != null) {
        where.append("tcp ").append(BlinkServer.describe(server.tcpAddress()));
      }
      if (server.unixPath() != null) {
        where.append(where.length() > 0 ? ", " : "").append("unix ").append(server.unixPath());
      }
      if (server.metricsAddress() != null) {
        where.append(", metrics http://").append(BlinkServer.describe(server.metricsAddress())).append("/metrics");
      }
      return where.toString();
    }

    private static int defaultPort() {
      String port = System.getenv("BLINK_PORT");
      return port == null || port.isBlank() ? BlinkServer.DEFAULT_PORT : parsePort(port.strip(), "BLINK_PORT");
    }

    /** Milliseconds since the JVM started (its own record; /proc's process start time is only to the second). */
    private static long sinceProcessStart() {
      return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    }
  }

  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      versionProvider = BlinkStoreCli.Version.class,
      description = "An interactive store on stdin: get KEY, set KEY VALUE, delete KEY, usage, quit.")
  static final class Run implements Callable<Integer> {
    @Option(names = "--memory-limit", paramLabel = "SIZE",
        defaultValue = "${env:BLINK_MEMORY_LIMIT:-10485760}",
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

  private static Logger log() {
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
  static String authToken(Path file, String fromEnvironment) {
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

  private static int parsePort(String text, String what) {
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

  private static String oneLine(String message) {
    return message == null ? "unknown error" : message.strip().replaceAll("\\s*\\R\\s*", " ");
  }

  /** The version, from the properties Maven writes into the jar. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "blink-store " + version(),
        "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
      };
    }

    public static String version() {
      Properties properties = new Properties();
      try (InputStream in = BlinkStoreCli.class.getResourceAsStream("/blink-store.properties")) {
        if (in != null) {
          properties.load(in);
        }
      } catch (IOException e) {
        return "unknown";
      }
      return properties.getProperty("version", "unknown");
    }
  }
}
