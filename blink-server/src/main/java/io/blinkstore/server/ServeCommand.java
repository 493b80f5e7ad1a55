package io.blinkstore.server;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.command.HeapGuard;
import io.blinkstore.server.command.ServerVersion;
import io.blinkstore.server.command.SnapshotSettings;
import io.blinkstore.server.transport.Addresses;
import io.blinkstore.server.transport.ClientMemory;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code blink-store serve}: the server's options, its start and its graceful stop on SIGTERM or Ctrl-C. */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    versionProvider = BlinkStoreCli.Version.class,
    description = {
      "Serves the store over TCP and/or a Unix domain socket until SIGTERM or Ctrl-C.",
      "With neither --tcp nor --unix, serves TCP on 127.0.0.1:${BLINK_PORT:-8765}."
    })
final class ServeCommand implements Callable<Integer> {
  @Option(names = "--tcp", paramLabel = "HOST:PORT",
      description = "TCP address to listen on, e.g. 127.0.0.1:8765 or [::1]:8765.")
  String tcp;

  @Option(names = "--unix", paramLabel = "PATH", description = "Unix domain socket to listen on.")
  Path unix;

  @Option(names = "--metrics", paramLabel = "HOST:PORT",
      description = "Serve Prometheus metrics at http://HOST:PORT/metrics, e.g. 127.0.0.1:9100. Default: off.")
  String metrics;

  @Option(names = "--memory-limit", paramLabel = "SIZE",
      defaultValue = Defaults.MEMORY_LIMIT,
      description = "Most bytes (keys + values) kept, e.g. 10485760, 64MB, 1GiB; units are powers of 1024."
          + " Default: $BLINK_MEMORY_LIMIT, else 10 MiB.")
  String memoryLimit;

  @Option(names = "--maxmemory-policy", paramLabel = "POLICY", defaultValue = "allkeys-lfu",
      description = "What a write that finds the store full does, as Redis's policies of these names: allkeys-lfu"
          + " evicts the coldest entries (W-TinyLFU); noeviction refuses the write (-OOM; text protocol: 'ERROR"
          + " storage is at capacity and eviction failed') and evicts nothing. CONFIG SET maxmemory-policy changes"
          + " it. Default: ${DEFAULT-VALUE}.")
  String maxmemoryPolicy;

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
          + " Default: none of its own (--memory-limit bounds every value, --max-line-bytes a text one).")
  String maxValueBytes;

  @Option(names = "--max-entries", paramLabel = "N",
      description = "Most entries kept, however small. Default: no count of its own; the store's heap capacity"
          + " (70%% of the heap) bounds key and value bytes plus ~" + JvmSizing.ENTRY_BYTES
          + " bytes per entry (docs/operations.md, Sizing).")
  Long maxEntries;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Most client connections open at once; one more is answered"
          + " 'ERROR max number of clients reached' and closed. Default: what the descriptor limit (ulimit -n)"
          + " allows, less 128 kept for the server's own, at most 10000.")
  Integer maxConnections;

  @Option(names = "--idle-timeout", paramLabel = "SECONDS",
      description = "Close a connection that sends nothing and takes none of its replies for this long; 0 never does. Default: ${DEFAULT-VALUE}.")
  long idleTimeoutSeconds = Defaults.IDLE_TIMEOUT_SECONDS;

  @Option(names = "--request-timeout", paramLabel = "SECONDS",
      description = "Close a connection whose request (a line, a RESP command) stays unfinished this long"
          + " (slowloris); 0 never does. Default: ${DEFAULT-VALUE}.")
  long requestTimeoutSeconds = Defaults.REQUEST_TIMEOUT_SECONDS;

  @Option(names = "--auth-timeout", paramLabel = "SECONDS",
      description = "With a token: close a connection that has not signed in this long after it connected; 0 never"
          + " does. At --max-connections, the one waiting longest to sign in makes room for a new one."
          + " Default: ${DEFAULT-VALUE}.")
  long authTimeoutSeconds = Defaults.AUTH_TIMEOUT_SECONDS;

  @Option(names = "--max-output-bytes", paramLabel = "SIZE",
      description = "Close a connection when more reply bytes than this wait for it to read them; must exceed"
          + " the largest reply of a value under 1 MiB (4/3 of it in the text protocol): larger values go out in"
          + " slices as the client reads. A RESP MGET whose reply would pass it is refused."
          + " Default: ${DEFAULT-VALUE}.")
  String maxOutputBytes = ByteSize.format(BlinkServer.DEFAULT_MAX_OUTPUT_BYTES);

  @Option(names = "--databases", paramLabel = "N",
      description = "Logical databases RESP clients may SELECT (0 to N-1), sharing the one memory limit; the text"
          + " protocol uses database 0. Default: ${DEFAULT-VALUE}.")
  int databases = Defaults.DATABASES;

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
  String unixMode = BlinkStoreCli.octal(Defaults.UNIX_MODE);

  @Option(names = "--heap-threshold", paramLabel = "PERCENT",
      description = "Refuse writes ('ERROR out of memory') while more than this share of the maximum heap is in"
          + " use after a garbage collection; reads go on. 100 never refuses. Default: ${DEFAULT-VALUE}.")
  int heapThresholdPercent = (int) Math.round(HeapGuard.DEFAULT_THRESHOLD * 100);

  @Option(names = "--snapshot", paramLabel = "PATH",
      description = "Keep the store in this file across restarts: loaded before the sockets bind, saved every"
          + " --snapshot-interval if anything was written, after --snapshot-writes writes, on SAVE/BGSAVE and on"
          + " SIGTERM. Default: off.")
  Path snapshot;

  @Option(names = "--snapshot-interval", paramLabel = "TIME",
      description = "With --snapshot: save this often if anything was written, e.g. 300s, 5m, 1h (a plain number"
          + " is seconds). Default: ${DEFAULT-VALUE}.")
  String snapshotInterval = "5m";

  @Option(names = "--snapshot-writes", paramLabel = "N",
      description = "With --snapshot: save once N writes were made since the last save, at most once a minute;"
          + " 0 never does. Default: ${DEFAULT-VALUE}.")
  long snapshotWrites = SnapshotSettings.DEFAULT_WRITES;

  @Option(names = "--snapshot-on-corrupt", paramLabel = "ACTION",
      description = "With --snapshot: a file that cannot be loaded (corrupt, truncated, another version, empty) is"
          + " moved aside to PATH.corrupt-<UTC time> and the server starts empty (start-empty), or the server"
          + " does not start (refuse). Default: ${DEFAULT-VALUE}.")
  String snapshotOnCorrupt = "start-empty";

  @Option(names = "--enable-debug-command", paramLabel = "WHO",
      description = "Who may run DEBUG SLEEP, RELOAD, POPULATE, SET-ACTIVE-EXPIRE, OBJECT (Redis's setting): no,"
          + " local (the Unix socket, 127.0.0.1 and ::1) or yes. Default: ${DEFAULT-VALUE}.")
  String enableDebugCommand = "no";

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
      description = "trace, debug, info, warn, error or off. Default: ${DEFAULT-VALUE}.")
  String logLevel;

  @Option(names = "--protocol", paramLabel = "KIND", defaultValue = "auto",
      description = "auto: a connection whose first byte is '*' speaks RESP, any other the text protocol; resp: every"
          + " connection speaks RESP, an inline command may come first (as on Redis's port), no text protocol."
          + " Default: ${DEFAULT-VALUE}.")
  String protocol = "auto";

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
    BlinkStoreCli.setLogLevel(logLevel);
    Thread logging = setUpLoggingAside();
    long limit = ByteSize.parse(memoryLimit);
    long maxLine = ByteSize.parse(maxLineBytes);
    if (limit <= 0) {
      throw new IllegalArgumentException("--memory-limit must be positive, but was " + memoryLimit);
    }
    if (maxLine <= 0 || maxLine > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("--max-line-bytes must be between 1 and 2 GiB, but was " + maxLineBytes);
    }
    boolean noEviction = maxmemoryPolicy.equalsIgnoreCase("noeviction");
    if (!noEviction && !maxmemoryPolicy.equalsIgnoreCase("allkeys-lfu")) {
      throw new IllegalArgumentException("--maxmemory-policy must be allkeys-lfu or noeviction, but was "
          + maxmemoryPolicy);
    }
    if (maxEntries != null && maxEntries <= 0) {
      throw new IllegalArgumentException("--max-entries must be positive, but was " + maxEntries);
    }
    long maxHeap = Runtime.getRuntime().maxMemory();
    JvmSizing.requireHeapHolds(maxHeap, limit);
    long capacity = JvmSizing.heapCapacity(maxHeap, limit, Boolean.getBoolean(JvmSizing.SIZED_PROPERTY));
    int entryBytes = JvmSizing.entryBytes();
    // Before anything reads Netty's direct memory bound (the server builder's client-memory default does, and
    // Netty reads it once); logged once the server is up.
    String bounded = JvmSizing.boundRuntime(limit);
    BlinkStore.Builder storeBuilder = BlinkStore.builder().memoryLimit(limit).heapCapacity(capacity, entryBytes);
    int regionBytes = JvmSizing.regionBytes();
    if (regionBytes > 0) {
      storeBuilder.heapRegionBytes(regionBytes);
    }
    if (maxEntries != null) {
      storeBuilder.maximumEntries(maxEntries);
    }
    if (noEviction) {
      storeBuilder.noEviction();
    }
    BlinkStore store = storeBuilder.build();

    logging.join();
    Logger log = BlinkStoreCli.log();
    BlinkServerBuilder builder;
    BlinkServer server;
    try {
      if (JvmSizing.heapSmallFor(maxHeap, limit)) {
        log.warn("the JVM heap ({} MiB) is small for a memory limit of {} bytes: give it at least {} MiB (-Xmx)",
            maxHeap >> 20, limit, JvmSizing.heap(limit) >> 20);
      }
      if (logDir != null || retentionMinutes != null) {
        log.warn("--log-dir and --retention-minutes are accepted for compatibility and ignored");
      }
      builder = serverBuilder((int) maxLine);
      if (maxClientMemory != null) {
        JvmSizing.requireClientMemoryFits(maxHeap, capacity, heapThresholdPercent / 100.0, builder.maxClientMemory,
            BlinkServer.defaultMaxClientMemory());
      }
      server = builder.store(store).build();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    server.start();
    if (!Boolean.getBoolean(JvmSizing.SIZED_PROPERTY) && JvmSizing.heapFarTooLargeFor(maxHeap, limit)) {
      log.warn("the JVM heap ({} MiB) is far larger than the {} MiB a memory limit of {} bytes needs, and the"
              + " collector may grow the process to it under churn: start with bin/blink-store, or give {}"
              + " (docs/operations.md, Sizing)", maxHeap >> 20, JvmSizing.heap(limit) >> 20, limit,
          JvmSizing.launcherOptions(limit));
    }
    int placed = HeapGuard.largestPlacedArray();
    if (placed != Integer.MAX_VALUE && maxValueBytes == null) {
      log.info("values of at most {} bytes (--max-value-bytes): G1 before Java 21 does not move arrays of more than"
          + " a region (docs/operations.md, Limits)", builder.maxValueBytes);
    } else if (placed != Integer.MAX_VALUE && builder.maxValueBytes > placed) {
      log.warn("G1 before Java 21 does not move arrays of more than a region ({} bytes): a value longer than that"
          + " (--max-value-bytes {}) may end this JVM once its heap is fragmented (no room for it whole); run on"
          + " Java 21 or later, or with BLINK_GC=serial (docs/operations.md, Limits)", placed, builder.maxValueBytes);
    }
    if (placed != Integer.MAX_VALUE && maxLine != BlinkServer.DEFAULT_MAX_LINE_BYTES && maxLine > placed) {
      log.warn("G1 before Java 21 does not move arrays of more than a region ({} bytes): a text line longer than"
          + " that (--max-line-bytes {}) may end this JVM once its heap is fragmented (docs/operations.md, Limits)",
          placed, maxLine);
    }
    if (!bounded.isEmpty()) {
      log.info("the JVM was not sized by bin/blink-store: bounded at run time to {} (budget {} MiB)",
          bounded, JvmSizing.budget(limit) >> 20);
    }
    CountDownLatch stop = new CountDownLatch(1);
    SignalHandlers.onTerminate(stop::countDown);
    server.onShutdownCommand(stop::countDown); // SHUTDOWN closed it: log and exit as on SIGTERM
    Runtime.getRuntime().addShutdownHook(new Thread(server::close, "blink-shutdown"));
    log.info("Blink Store {} listening on {} ({}, memory limit {} bytes, heap capacity {} bytes at {} bytes per entry,"
            + " max entries {}, max line {} bytes, max connections {}, max client memory {} bytes, heap {} MiB,"
            + " auth {}); ready in {} ms",
        ServerVersion.get(), where(server), server.transport().name().toLowerCase(java.util.Locale.ROOT),
        limit, capacity, entryBytes, maxEntries != null ? maxEntries : "none", maxLine, server.maxConnections(),
        server.maxClientMemory(), maxHeap >> 20, builder.authToken != null ? "on" : "off",
        sinceProcessStart());
    stop.await();
    log.info("shutting down");
    server.close();
    store.close();
    log.info("stopped after {} s: {} connections, {} commands", server.uptimeSeconds(),
        server.totalConnections(), server.commandCount());
    return 0;
  }

  /**
   * Sets SLF4J up on a thread of its own while this one sizes and builds the store, which logs nothing: slf4j-simple's
   * date format loads the JDK's locale data, about 30 ms of CPU at each start, which a second core then spends beside
   * the store's. Join it before anything touches SLF4J (BlinkServer and Netty do): a logger asked for while SLF4J
   * sets itself up is a substitute that queues what it logs.
   */
  private static Thread setUpLoggingAside() {
    Thread thread = new Thread(BlinkStoreCli::log, "blink-log-setup");
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  /** The server's options, checked, in a builder without a store. */
  private BlinkServerBuilder serverBuilder(int maxLine) {
    BlinkServerBuilder builder = BlinkServer.builder().maxLineBytes(maxLine).transport(transport);
    connectionLimits(builder);
    if (heapThresholdPercent <= 0 || heapThresholdPercent > 100) {
      throw new IllegalArgumentException("--heap-threshold must be from 1 to 100, but was " + heapThresholdPercent);
    }
    builder.heapThreshold(heapThresholdPercent / 100.0);
    if (respOnly(protocol)) {
      builder.respOnly();
    }
    if (tcp != null) {
      builder.tcp(BlinkStoreCli.parseTcp(tcp));
    }
    if (unix != null) {
      builder.unix(unix).unixMode(BlinkStoreCli.parseMode(unixMode));
    }
    if (metrics != null) {
      builder.metrics(BlinkStoreCli.parseTcp(metrics, "--metrics"));
    }
    String token = BlinkStoreCli.authToken(authTokenFile, System.getenv("BLINK_AUTH_TOKEN"));
    if (token != null) {
      builder.authToken(token);
    }
    if (tcp == null && unix == null) {
      builder.tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), defaultPort()));
    }
    snapshots(builder);
    builder.enableDebugCommand(debugCommandAccess(enableDebugCommand));
    return builder;
  }

  /** {@code --enable-debug-command}'s value: Redis's words, in any case, as Redis reads its enums. */
  static DebugCommandAccess debugCommandAccess(String value) {
    for (DebugCommandAccess access : DebugCommandAccess.values()) {
      if (access.redisName().equalsIgnoreCase(value)) {
        return access;
      }
    }
    throw new IllegalArgumentException("--enable-debug-command must be no, local or yes, but was " + value);
  }

  /** The snapshot options, checked, in {@code builder}. */
  private void snapshots(BlinkServerBuilder builder) {
    Duration interval = interval(snapshotInterval);
    if (snapshotWrites < 0) {
      throw new IllegalArgumentException("--snapshot-writes must not be negative, but was " + snapshotWrites);
    }
    BlinkServer.CorruptSnapshot onCorrupt = switch (snapshotOnCorrupt) {
      case "start-empty" -> BlinkServer.CorruptSnapshot.START_EMPTY;
      case "refuse" -> BlinkServer.CorruptSnapshot.REFUSE;
      default -> throw new IllegalArgumentException(
          "--snapshot-on-corrupt must be start-empty or refuse, but was " + snapshotOnCorrupt);
    };
    if (snapshot != null) {
      builder.snapshot(snapshot).snapshotInterval(interval).snapshotWrites(snapshotWrites)
          .snapshotOnCorrupt(onCorrupt);
    }
  }

  /**
   * {@code --snapshot-interval}: a positive whole number of seconds, or of milliseconds, seconds, minutes or hours
   * with the unit after it ({@code 500ms}, {@code 300s}, {@code 5m}, {@code 1h}).
   *
   * @throws IllegalArgumentException for anything else
   */
  static Duration interval(String text) {
    Matcher parts = Pattern.compile("(\\d{1,9})(ms|s|m|h)?").matcher(text);
    long amount = parts.matches() ? Long.parseLong(parts.group(1)) : 0;
    if (amount <= 0) {
      throw new IllegalArgumentException(
          "--snapshot-interval must be a positive time such as 300s, 5m or 1h, but was " + text);
    }
    String unit = parts.group(2) == null ? "s" : parts.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(amount);
      case "m" -> Duration.ofMinutes(amount);
      case "h" -> Duration.ofHours(amount);
      default -> Duration.ofSeconds(amount);
    };
  }

  /**
   * The default {@code --max-value-bytes} where the JVM places arrays of at most {@code largestArray} bytes surely
   * ({@link HeapGuard#largestPlacedArray}: G1 before Java 21): a string's key (up to {@code keyLimit} bytes, with
   * its length in up to 5 bytes) and value are one array. At least 1 MiB, the default request line (with G1's
   * 1 MiB regions, which the launcher never picks, a value of nearly 1 MiB still takes two).
   */
  static int placedValueBytes(int largestArray, int keyLimit) {
    return Math.max(1 << 20, largestArray - keyLimit - 5);
  }

  private void connectionLimits(BlinkServerBuilder builder) {
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
    int keyLimit = entryLimit(maxKeyBytes, "--max-key-bytes");
    builder.maxKeyBytes(keyLimit);
    if (maxValueBytes != null) {
      builder.maxValueBytes(entryLimit(maxValueBytes, "--max-value-bytes"));
    } else if (HeapGuard.largestPlacedArray() != Integer.MAX_VALUE) {
      builder.maxValueBytes(placedValueBytes(HeapGuard.largestPlacedArray(), keyLimit));
    }
    if (HeapGuard.largestPlacedArray() != Integer.MAX_VALUE) {
      // a request's bulk string (and so a script's string: BlinkServer) is an array too: one region, or the value
      // bound the user chose
      builder.maxBulkBytes(Math.max(HeapGuard.largestPlacedArray(), builder.maxValueBytes));
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
        .maxOutputBytes(maxOutput)
        .databases(databases);
  }

  private static int entryLimit(String size, String option) {
    long bytes = ByteSize.parse(size);
    if (bytes <= 0 || bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(option + " must be between 1 byte and 2 GiB, but was " + size);
    }
    return (int) bytes;
  }

  /** {@code --protocol}'s value, in any case: whether it is {@code resp}. */
  static boolean respOnly(String protocol) {
    String kind = protocol.toLowerCase(java.util.Locale.ROOT);
    if (!kind.equals("auto") && !kind.equals("resp")) {
      throw new IllegalArgumentException("--protocol must be auto or resp, but was " + protocol);
    }
    return kind.equals("resp");
  }

  private String where(BlinkServer server) {
    StringBuilder where = new StringBuilder();
    InetSocketAddress tcp = server.tcpAddress();
    if (tcp != null) {
      where.append("tcp ").append(Addresses.describe(tcp));
    }
    if (server.unixPath() != null) {
      where.append(where.length() > 0 ? ", " : "").append("unix ").append(server.unixPath());
    }
    InetSocketAddress metrics = server.metricsAddress();
    if (metrics != null) {
      where.append(", metrics http://").append(Addresses.describe(metrics)).append("/metrics");
    }
    return respOnly(protocol) ? where.append(", RESP only").toString() : where.toString();
  }

  private static int defaultPort() {
    String port = System.getenv("BLINK_PORT");
    return port == null || port.isBlank() ? BlinkServer.DEFAULT_PORT : BlinkStoreCli.parsePort(port.strip(), "BLINK_PORT");
  }

  /** Milliseconds since the JVM started (its own record; /proc's process start time is only to the second). */
  private static long sinceProcessStart() {
    return System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
  }
}
