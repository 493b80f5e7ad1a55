package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Redis 7.0's replication settings ({@code config.c}) for {@code CONFIG GET} and {@code CONFIG SET}, with Redis's
 * defaults, old names and checks ({@code argument must be 'yes' or 'no'}, its integer ranges, memory values, enum
 * choices). Those a replica here acts on ({@link ReplicaRole}: {@code replica-read-only},
 * {@code replica-serve-stale-data}, {@code min-replicas-to-write}, {@code min-replicas-max-lag},
 * {@code masterauth}, {@code masteruser}, {@code replica-priority}, {@code replica-announced}, {@code repl-timeout})
 * change at once; the others ({@code repl-backlog-size}, {@code repl-diskless-sync}, ...) are taken and reported,
 * with no effect (there is no backlog, and a full sync's RDB is always built in memory here).
 */
final class ReplicationSettings {
  private enum Kind { YES_NO, INTEGER, MEMORY, TEXT, LOAD }

  private record Setting(Kind kind, String defaultValue, long min, long max, @Nullable String alias) {}

  private static final long INT_MAX = Integer.MAX_VALUE;
  private static final List<String> DISKLESS_LOAD = List.of("disabled", "on-empty-db", "swapdb");

  /** The settings in the order {@code CONFIG GET *} reports them, each also under its old name if it has one. */
  private static final Map<String, Setting> SETTINGS = new LinkedHashMap<>();

  static {
    add("replica-read-only", Kind.YES_NO, "yes", 0, 0, "slave-read-only");
    add("replica-serve-stale-data", Kind.YES_NO, "yes", 0, 0, "slave-serve-stale-data");
    add("min-replicas-to-write", Kind.INTEGER, "0", 0, INT_MAX, "min-slaves-to-write");
    add("min-replicas-max-lag", Kind.INTEGER, "10", 0, INT_MAX, "min-slaves-max-lag");
    add("masterauth", Kind.TEXT, "", 0, 0, null);
    add("masteruser", Kind.TEXT, "", 0, 0, null);
    add("repl-timeout", Kind.INTEGER, "60", 1, INT_MAX, null);
    add("replica-priority", Kind.INTEGER, "100", 0, INT_MAX, "slave-priority");
    add("replica-announced", Kind.YES_NO, "yes", 0, 0, null);
    add("repl-backlog-size", Kind.MEMORY, "1048576", 1, Long.MAX_VALUE, null);
    add("repl-backlog-ttl", Kind.INTEGER, "3600", 0, Long.MAX_VALUE, null);
    add("repl-diskless-sync", Kind.YES_NO, "yes", 0, 0, null);
    add("repl-diskless-sync-delay", Kind.INTEGER, "5", 0, INT_MAX, null);
    add("repl-diskless-sync-max-replicas", Kind.INTEGER, "0", 0, INT_MAX, null);
    add("repl-diskless-load", Kind.LOAD, "disabled", 0, 0, null);
    add("repl-disable-tcp-nodelay", Kind.YES_NO, "no", 0, 0, null);
    add("replica-lazy-flush", Kind.YES_NO, "no", 0, 0, "slave-lazy-flush");
    add("replica-ignore-maxmemory", Kind.YES_NO, "yes", 0, 0, "slave-ignore-maxmemory");
  }

  private static void add(String name, Kind kind, String value, long min, long max, @Nullable String alias) {
    Setting setting = new Setting(kind, value, min, max, alias);
    SETTINGS.put(name, setting);
    if (alias != null) {
      SETTINGS.put(alias, new Setting(kind, value, min, max, name));
    }
  }

  private ReplicationSettings() {}

  /** Puts every setting, under each of its names, with its default into {@code values}. */
  static void defaults(Map<String, String> values) {
    SETTINGS.forEach((name, setting) -> values.put(name, setting.defaultValue()));
  }

  /** Whether {@code name} is one of these settings. */
  static boolean has(String name) {
    return SETTINGS.containsKey(name);
  }

  /** The other name of {@code name} (old or new), or null. */
  static @Nullable String alias(String name) {
    Setting setting = SETTINGS.get(name);
    return setting == null ? null : setting.alias();
  }

  /** A value asked for: taken as {@code value} (as {@code CONFIG GET} reports it), or refused for {@code why}. */
  record Checked(@Nullable String value, @Nullable String why) {
    static Checked refused(String why) {
      return new Checked(null, why);
    }

    static Checked taken(String value) {
      return new Checked(value, null);
    }
  }

  /** The value {@code asked} for setting {@code name} is taken as, or why it is refused, in Redis's words. */
  static Checked check(String name, String asked) {
    Setting setting = SETTINGS.get(name);
    if (setting == null) {
      return Checked.refused("not a replication setting");
    }
    switch (setting.kind()) {
      case YES_NO -> {
        String value = asked.toLowerCase(Locale.ROOT);
        if (value.equals("yes") || value.equals("no")) {
          return Checked.taken(value);
        }
        return Checked.refused("argument must be 'yes' or 'no'");
      }
      case LOAD -> {
        String value = asked.toLowerCase(Locale.ROOT);
        if (DISKLESS_LOAD.contains(value)) {
          return Checked.taken(value);
        }
        return Checked.refused("argument(s) must be one of the following: " + String.join(", ", DISKLESS_LOAD));
      }
      case TEXT -> {
        return Checked.taken(asked);
      }
      default -> {
        Long number = setting.kind() == Kind.MEMORY ? ServerConfig.memoryBytes(asked)
            : Arguments.integer(asked.getBytes(StandardCharsets.ISO_8859_1));
        if (number == null) {
          return Checked.refused(setting.kind() == Kind.MEMORY ? "argument must be a memory value"
              : "argument couldn't be parsed into an integer");
        }
        if (number < setting.min() || number > setting.max()) {
          return Checked.refused("argument must be between " + setting.min() + " and " + setting.max() + " inclusive");
        }
        return Checked.taken(number.toString());
      }
    }
  }
}
