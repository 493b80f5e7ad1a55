package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@code CONFIG GET} and {@code CONFIG SET}: the settings Redis tools and clients ask for, under Redis's names,
 * with the server's values. None can be changed while the server runs: {@code CONFIG SET} of a setting Redis
 * cannot change either gets Redis's {@code can't set immutable config}; of the others, their current value is
 * accepted ({@code +OK}, nothing changes: test suites and tools set what they expect), and any other value is
 * refused with Redis's {@code CONFIG SET failed} error and our reason; an unknown name gets Redis's error.
 * Thread-safe: the values are set while the server is built and started, and read afterwards.
 */
final class ServerConfig {
  /** The settings Redis 7.0 refuses to change at run time ({@code IMMUTABLE_CONFIG}), among those reported. */
  private static final Set<String> IMMUTABLE = Set.of("unixsocket", "databases", "cluster-enabled");

  /** The reason a setting Redis could change is refused here. */
  static final String NOT_LIVE = "Blink Store does not change this setting while it runs";

  private final Map<String, String> values = new LinkedHashMap<>();
  private final ServerCounters counters;

  ServerConfig(long memoryLimit, ServerCounters counters) {
    this.counters = counters;
    values.put("maxmemory", Long.toString(memoryLimit));
    values.put("maxmemory-policy", "allkeys-lfu"); // W-TinyLFU, as INFO memory says
    values.put("maxmemory-clients", "0");
    values.put("maxclients", "10000");
    values.put("timeout", "0");
    values.put("databases", "1");
    values.put("save", "");
    values.put("appendonly", "no");
    values.put("port", "0");
    values.put("bind", "");
    values.put("unixsocket", "");
    values.put("proto-max-bulk-len", "536870912");
    values.put("client-query-buffer-limit", "1073741824");
    values.put("notify-keyspace-events", "");
    values.put("cluster-enabled", "no");
  }

  /** Records the server's own values of settings this table reports ({@code timeout}, {@code maxclients}, ...). */
  synchronized void report(Map<String, String> settings) {
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      if (!values.containsKey(setting.getKey())) {
        throw new IllegalArgumentException("not a reported setting: " + setting.getKey());
      }
      values.put(setting.getKey(), setting.getValue());
    }
  }

  private synchronized String value(String name) {
    // Asked only for the names of the table, which keeps every name it starts with.
    return name.equals("port") ? Integer.toString(counters.tcpPort()) : Objects.requireNonNull(values.get(name), name);
  }

  /**
   * {@code CONFIG GET pattern...}: name/value pairs of the settings matching a glob ({@code *}, {@code ?}), as a
   * map (RESP2: a flat array). As in Redis 7, a name without wildcards comes back as it was asked ({@code SAVE}), a
   * glob's matches in lower case.
   */
  Result get(byte[][] args) {
    List<Result> pairs = new ArrayList<>();
    for (String name : List.copyOf(values.keySet())) {
      for (int i = 2; i < args.length; i++) {
        String pattern = Arguments.lowerCase(args[i]);
        if (RespServerCommands.globMatches(pattern, name)) {
          boolean wildcard = pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0;
          pairs.add(wildcard ? Result.bulk(name) : new Result.Bulk(args[i]));
          pairs.add(Result.bulk(value(name)));
          break;
        }
      }
    }
    return new Result.Map(pairs);
  }

  /**
   * {@code CONFIG SET name value [name value ...]}, checked as Redis checks it: an odd argument count is a syntax
   * error; then the names in order, the first unknown, immutable or duplicate one refused; then the values.
   */
  Result set(byte[][] args) {
    if ((args.length & 1) != 0) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    List<String> names = new ArrayList<>();
    for (int i = 2; i < args.length; i += 2) {
      String name = Arguments.lowerCase(args[i]);
      if (!values.containsKey(name)) {
        return Result.error("Unknown option or number of arguments for CONFIG SET - '" + Arguments.text(args[i])
            + "'");
      }
      if (IMMUTABLE.contains(name)) {
        return failed(Arguments.text(args[i]), "can't set immutable config");
      }
      if (names.contains(name)) {
        return failed(Arguments.text(args[i]), "duplicate parameter");
      }
      names.add(name);
    }
    for (int i = 0; i < names.size(); i++) {
      if (!sameValue(names.get(i), Arguments.text(args[3 + 2 * i]))) {
        return failed(names.get(i), NOT_LIVE);
      }
    }
    return Result.OK;
  }

  /** Redis's error naming the setting as asked (a name) or as Redis spells it (a value). */
  private static Result failed(String name, String why) {
    return Result.error("CONFIG SET failed (possibly related to argument '" + name + "') - " + why);
  }

  /** Whether {@code asked} is the setting's current value: memory sizes by their bytes, others ignoring case. */
  private boolean sameValue(String name, String asked) {
    String current = value(name);
    if (name.equals("maxmemory") || name.equals("maxmemory-clients") || name.endsWith("-len")
        || name.endsWith("-limit")) {
      Long bytes = memoryBytes(asked);
      return bytes != null && bytes.toString().equals(current);
    }
    return current.equalsIgnoreCase(asked.strip());
  }

  /** A memory value as Redis reads one ({@code 100}, {@code 1k}, {@code 1kb}, {@code 64mb}, {@code 2gb}); or null. */
  static @Nullable Long memoryBytes(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    long unit = 1;
    for (String[] suffix : new String[][] {{"kb", "1024"}, {"mb", "1048576"}, {"gb", "1073741824"}, {"k", "1000"},
        {"m", "1000000"}, {"g", "1000000000"}, {"b", "1"}}) {
      if (lower.endsWith(suffix[0])) {
        unit = Long.parseLong(suffix[1]);
        lower = lower.substring(0, lower.length() - suffix[0].length());
        break;
      }
    }
    Long number = Arguments.integer(lower.getBytes(StandardCharsets.US_ASCII));
    return number == null || number < 0 || number > Long.MAX_VALUE / unit ? null : number * unit;
  }
}
