package io.blinkstore.server;

import io.blinkstore.BlinkStore;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code blink-store serve}'s command line read without picocli, for the start-up path: picocli builds its model of
 * every command from their annotations (reflection, annotation proxies, its converters' classes) before it parses a
 * word, about 60 ms of the main thread's CPU and 40 ms of the JIT's at each start (docs/BENCHMARKS.md, "Issue 17,
 * fifth round"). This reads the plain case only: {@code serve} followed by known options, each once, as
 * {@code --name value} or {@code --name=value}, with values every converter reads the same way. Anything else
 * (help, version, an unknown or repeated option, a missing value, a value that starts with {@code -} or {@code @},
 * a number that is not plain decimal) returns null and goes to picocli, which parses it, or explains what is wrong,
 * exactly as before. {@code ServeArgumentsProperties} checks that whatever this accepts picocli reads into the same
 * fields.
 */
final class ServeArguments {
  private ServeArguments() {}

  /**
   * The {@code serve} command {@code args} describe, its defaults applied as picocli applies them, or null when
   * picocli must read them.
   *
   * @param memoryLimitVariable {@code $BLINK_MEMORY_LIMIT} (null when unset): {@code --memory-limit}'s default
   */
  static @Nullable ServeCommand parse(String[] args, @Nullable String memoryLimitVariable) {
    if (args.length == 0 || !args[0].equals("serve") || (memoryLimitVariable != null && memoryLimitVariable.isEmpty())) {
      return null;
    }
    ServeCommand serve = new ServeCommand();
    serve.memoryLimit =
        memoryLimitVariable != null ? memoryLimitVariable : Long.toString(BlinkStore.DEFAULT_MEMORY_LIMIT);
    serve.logLevel = "info";
    serve.maxmemoryPolicy = "allkeys-lfu";
    serve.transport = BlinkServer.Transport.AUTO;
    Set<String> given = new HashSet<>();
    for (int i = 1; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        return null;
      }
      int equals = arg.indexOf('=');
      String name = equals < 0 ? arg : arg.substring(0, equals);
      String value;
      if (equals >= 0) {
        value = arg.substring(equals + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return null;
      }
      // Picocli reads a value starting with "-" as a possible option and expands "@FILE" arguments: its business.
      if (value.isEmpty() || value.startsWith("-") || value.startsWith("@") || !given.add(name)
          || !set(serve, name, value)) {
        return null;
      }
    }
    return serve;
  }

  /** Sets option {@code name} of {@code serve} to {@code value}; false if the name or the value is not plain. */
  private static boolean set(ServeCommand serve, String name, String value) {
    switch (name) {
      case "--tcp" -> serve.tcp = value;
      case "--metrics" -> serve.metrics = value;
      case "--memory-limit" -> serve.memoryLimit = value;
      case "--maxmemory-policy" -> serve.maxmemoryPolicy = value;
      case "--max-line-bytes" -> serve.maxLineBytes = value;
      case "--max-key-bytes" -> serve.maxKeyBytes = value;
      case "--max-value-bytes" -> serve.maxValueBytes = value;
      case "--max-output-bytes" -> serve.maxOutputBytes = value;
      case "--max-client-memory" -> serve.maxClientMemory = value;
      case "--unix-mode" -> serve.unixMode = value;
      case "--log-level" -> serve.logLevel = value;
      case "--snapshot-interval" -> serve.snapshotInterval = value;
      case "--snapshot-on-corrupt" -> serve.snapshotOnCorrupt = value;
      case "--enable-debug-command" -> serve.enableDebugCommand = value;
      case "--protocol" -> serve.protocol = value;
      case "--transport" -> {
        return setTransport(serve, value);
      }
      default -> {
        return setPath(serve, name, value) || setNumber(serve, name, value);
      }
    }
    return true;
  }

  private static boolean setPath(ServeCommand serve, String name, String value) {
    if (!name.equals("--unix") && !name.equals("--auth-token-file") && !name.equals("--log-dir")
        && !name.equals("--snapshot")) {
      return false;
    }
    Path path;
    try {
      path = Path.of(value); // picocli's converter: Paths.get, the same
    } catch (InvalidPathException e) {
      return false;
    }
    switch (name) {
      case "--unix" -> serve.unix = path;
      case "--auth-token-file" -> serve.authTokenFile = path;
      case "--snapshot" -> serve.snapshot = path;
      default -> serve.logDir = path;
    }
    return true;
  }

  private static boolean setNumber(ServeCommand serve, String name, String value) {
    long number = decimal(value);
    if (number < 0) {
      return false;
    }
    switch (name) {
      case "--max-entries" -> serve.maxEntries = number;
      case "--idle-timeout" -> serve.idleTimeoutSeconds = number;
      case "--request-timeout" -> serve.requestTimeoutSeconds = number;
      case "--auth-timeout" -> serve.authTimeoutSeconds = number;
      case "--snapshot-writes" -> serve.snapshotWrites = number;
      default -> {
        return number <= Integer.MAX_VALUE && setInt(serve, name, (int) number);
      }
    }
    return true;
  }

  private static boolean setInt(ServeCommand serve, String name, int number) {
    switch (name) {
      case "--max-connections" -> serve.maxConnections = number;
      case "--retention-minutes" -> serve.retentionMinutes = number;
      case "--databases" -> serve.databases = number;
      case "--heap-threshold" -> serve.heapThresholdPercent = number;
      default -> {
        return false;
      }
    }
    return true;
  }

  private static boolean setTransport(ServeCommand serve, String value) {
    for (BlinkServer.Transport transport : BlinkServer.Transport.values()) {
      if (value.equals(transport.name()) || value.equals(transport.name().toLowerCase(Locale.ROOT))) {
        serve.transport = transport;
        return true;
      }
    }
    return false; // picocli matches names in any case, and explains a wrong one
  }

  /**
   * {@code value} as a number, if it is one written as every parser reads it (Java's, and picocli's, which may also
   * take hex, octal or a sign): up to 18 decimal digits without a leading zero; else -1.
   */
  private static long decimal(String value) {
    if (value.length() > 18 || (value.length() > 1 && value.charAt(0) == '0')) {
      return -1;
    }
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) < '0' || value.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(value);
  }
}
