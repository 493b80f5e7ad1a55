package io.blinkstore.server.command;

import io.blinkstore.internal.MemoryLimitControl;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * {@code CONFIG GET} and {@code CONFIG SET}: the settings Redis tools and clients ask for, under Redis's names,
 * with the server's values. {@code maxmemory} (the in-process store's memory limit), {@code timeout} and
 * {@code maxclients} (when the transport gives them: {@link #live}) change while the server runs, and
 * {@code maxmemory-policy} switches the store between its two policies, {@code allkeys-lfu} and {@code noeviction}. Of the others, their current value is accepted
 * ({@code +OK}, nothing changes: test suites and tools set what they expect) and any other value refused with
 * Redis's {@code CONFIG SET failed} error and our reason; a setting Redis cannot change either gets Redis's
 * {@code can't set immutable config}, an unknown name Redis's error. Values are checked as Redis 7 checks them
 * (its parse and range errors), every one before any is applied, so {@code CONFIG SET a 1 b 2} is all or nothing.
 * Thread-safe: {@code CONFIG SET}s are serialised; the values are read under the same lock.
 */
final class ServerConfig {
  /** The settings Redis 7.0 refuses to change at run time ({@code IMMUTABLE_CONFIG}), among those reported. */
  private static final Set<String> IMMUTABLE =
      Set.of("unixsocket", "databases", "cluster-enabled", "daemonize", "replicaof", "slaveof",
          "enable-debug-command");

  /** The settings Redis reads as memory values ({@code 1gb}), among those reported. */
  private static final Set<String> MEMORY = Set.of("maxmemory", "maxmemory-clients", "proto-max-bulk-len",
      "client-query-buffer-limit", "hash-max-listpack-value", "hash-max-ziplist-value",
      "zset-max-listpack-value", "zset-max-ziplist-value");

  /** The integer settings' ranges in Redis 7.0 ({@code config.c}). */
  private static final Map<String, long[]> RANGES = Map.ofEntries(
      Map.entry("timeout", new long[] {0, Integer.MAX_VALUE}),
      Map.entry("maxclients", new long[] {1, 0xFFFF_FFFFL}),
      Map.entry("maxmemory-samples", new long[] {1, Integer.MAX_VALUE}),
      Map.entry("hash-max-listpack-entries", new long[] {0, Long.MAX_VALUE}),
      Map.entry("hash-max-ziplist-entries", new long[] {0, Long.MAX_VALUE}),
      Map.entry("zset-max-listpack-entries", new long[] {0, Long.MAX_VALUE}),
      Map.entry("zset-max-ziplist-entries", new long[] {0, Long.MAX_VALUE}),
      Map.entry("busy-reply-threshold", new long[] {0, Long.MAX_VALUE}),
      Map.entry("lua-time-limit", new long[] {0, Long.MAX_VALUE}),
      Map.entry("set-max-intset-entries", new long[] {0, Long.MAX_VALUE}),
      Map.entry("repl-ping-replica-period", new long[] {1, Integer.MAX_VALUE}),
      Map.entry("port", new long[] {0, 65535}),
      Map.entry("rdb-key-save-delay", new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE}),
      Map.entry("key-load-delay", new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE}),
      Map.entry("watchdog-period", new long[] {0, Integer.MAX_VALUE}),
      Map.entry("loading-process-events-interval-bytes", new long[] {1024, Integer.MAX_VALUE}),
      Map.entry("tracking-table-max-keys", new long[] {0, Long.MAX_VALUE}));

  /**
   * Redis 7.0's hidden settings ({@code HIDDEN_CONFIG}, its debugging knobs) with their defaults: reported when
   * asked by name, never by a pattern, as Redis reports them; none changes here (their current value is taken).
   */
  private static final Map<String, String> HIDDEN = Map.of("key-load-delay", "0", "rdb-key-save-delay", "0",
      "watchdog-period", "0", "use-exit-on-panic", "no", "loading-process-events-interval-bytes", "2097152");

  /** Redis 7.0's old names of settings, each reported and changed with its new name. */
  private static final Map<String, String> ALIASES = Map.of("hash-max-ziplist-entries", "hash-max-listpack-entries",
      "hash-max-listpack-entries", "hash-max-ziplist-entries", "hash-max-ziplist-value", "hash-max-listpack-value",
      "hash-max-listpack-value", "hash-max-ziplist-value", "busy-reply-threshold", "lua-time-limit",
      "lua-time-limit", "busy-reply-threshold",
      "zset-max-ziplist-entries", "zset-max-listpack-entries", "zset-max-listpack-entries", "zset-max-ziplist-entries",
      "zset-max-ziplist-value", "zset-max-listpack-value", "zset-max-listpack-value", "zset-max-ziplist-value");

  /** Redis 7.0's eviction policies, in its order (its error lists them). */
  static final List<String> POLICIES = List.of("volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
      "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction");

  /** The store's evicting policy: W-TinyLFU over every key. */
  static final String POLICY = "allkeys-lfu";

  /** The store's refusing policy: a write that does not fit is refused, nothing is evicted. */
  static final String NO_EVICTION = "noeviction";

  /**
   * Redis 7.0's list encoding settings and their ranges: taken and reported, with no effect, since a list here has
   * one encoding (a ring of element arrays, no listpack nodes to size or compress); Redis's suite and tools set them.
   */
  private static final Map<String, long[]> ENCODING_ONLY = Map.of(
      "list-max-listpack-size", new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE},
      "list-max-ziplist-size", new long[] {Integer.MIN_VALUE, Integer.MAX_VALUE},
      "list-compress-depth", new long[] {0, Integer.MAX_VALUE});

  /** The reason a setting Redis could change is refused here. */
  static final String NOT_LIVE = "Blink Store does not change this setting while it runs";

  /** Why a policy other than {@link #POLICY} and {@link #NO_EVICTION} is refused. */
  static final String ONE_POLICY = "Blink Store evicts every key by frequency and recency (W-TinyLFU): allkeys-lfu"
      + " is its only evicting policy (or noeviction)";

  /**
   * The share of the heap the store's entries may fill, for a store built without a heap capacity: as the server's
   * own sizing (the launcher's {@code JvmSizing.HEAP_SHARE}, issue 17).
   */
  private static final double HEAP_SHARE = 0.7;

  private final Map<String, String> values = new LinkedHashMap<>();
  /** With {@code --snapshot}: switches the scheduled saves on or off ({@code save}); null without. */
  private @Nullable Consumer<Boolean> saveSchedule;
  /** The {@code save} value the server's snapshot schedule means (the one {@code CONFIG SET save} switches back to). */
  private String scheduledSave = "";
  private final Map<String, LiveSetting> live = new HashMap<>();
  private final Map<String, TextSetting> liveTexts = new HashMap<>();
  /** What hears of a replication setting's changes ({@link ReplicationSettings}), by name. */
  private final Map<String, List<Consumer<String>>> watchers = new HashMap<>();
  private Supplier<String> replicaOf = () -> "";
  private final ServerCounters counters;
  private final LongSupplier memoryLimit;
  /** The store's, to switch its policy; null if the store's policy is not ours (not the in-process store). */
  private final @Nullable MemoryLimitControl control;

  /**
   * @param memoryLimit the store's memory limit, read at each {@code CONFIG GET}
   * @param control the store's, to change it; null if the store's limit cannot change (not the in-process store)
   */
  ServerConfig(LongSupplier memoryLimit, @Nullable MemoryLimitControl control, ServerCounters counters) {
    this.counters = counters;
    this.memoryLimit = memoryLimit;
    this.control = control;
    values.put("maxmemory", "");
    values.put("maxmemory-policy", POLICY);
    values.put("maxmemory-samples", "5"); // Redis's default; W-TinyLFU does not sample, so it has no effect here
    values.put("maxmemory-clients", "0");
    values.put("maxclients", "10000");
    values.put("timeout", "0");
    values.put("databases", "1");
    values.put("save", "");
    values.put("dir", System.getProperty("user.dir"));
    values.put("dbfilename", ""); // no file without --snapshot (SnapshotService reports its own)
    values.put("appendonly", "no");
    values.put("port", "0");
    values.put("bind", "");
    values.put("unixsocket", "");
    values.put("proto-max-bulk-len", "536870912");
    values.put("client-query-buffer-limit", "1073741824");
    values.put("notify-keyspace-events", "");
    values.put("cluster-enabled", "no");
    values.put("daemonize", "no");
    values.put("replicaof", ""); // the primary followed (ReplicaRole), "" for none
    values.put("slaveof", ""); // Redis's old name of replicaof, which it still reports
    values.put("repl-ping-replica-period", Long.toString(Replication.DEFAULT_PING_SECONDS));
    ReplicationSettings.defaults(values);
    values.put("hash-max-listpack-entries", "128");
    values.put("hash-max-ziplist-entries", "128");
    values.put("hash-max-listpack-value", "64");
    values.put("hash-max-ziplist-value", "64");
    values.put("zset-max-listpack-entries", "128");
    values.put("zset-max-ziplist-entries", "128");
    values.put("zset-max-listpack-value", "64");
    values.put("zset-max-ziplist-value", "64");
    values.put("list-max-listpack-size", "-2");
    values.put("list-max-ziplist-size", "-2"); // Redis's old name of list-max-listpack-size
    values.put("list-compress-depth", "0");
    values.put("set-max-intset-entries", "512");
    values.put("enable-debug-command", "no"); // the server reports its own (DebugCommand reads it)
    values.put("busy-reply-threshold", Long.toString(ScriptRunner.DEFAULT_BUSY_MILLIS));
    values.put("tracking-table-max-keys", Long.toString(TrackingTable.DEFAULT_MAX_KEYS));
    values.put("lua-time-limit", Long.toString(ScriptRunner.DEFAULT_BUSY_MILLIS)); // its old name
    values.putAll(HIDDEN);
    if (control != null) {
      live.put("maxmemory", new MaxMemory(control));
    }
  }

  /** Records the server's own values of settings this table reports ({@code timeout}, {@code maxclients}, ...). */
  synchronized void report(Map<String, String> settings) {
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      requireReported(setting.getKey());
      values.put(setting.getKey(), setting.getValue());
    }
  }

  /**
   * Reports {@code save} as {@code scheduled}, the schedule of the server's snapshots, and lets {@code CONFIG SET}
   * switch it: {@code ""} (Redis's "no saves") turns the scheduled saves off through {@code on}, {@code scheduled}
   * on again; any other value is refused.
   */
  synchronized void liveSave(String scheduled, Consumer<Boolean> on) {
    scheduledSave = scheduled;
    saveSchedule = on;
    values.put("save", scheduled);
  }

  /** Makes {@code name}, an integer setting this table reports, change while the server runs through {@code setting}. */
  synchronized void live(String name, LiveSetting setting) {
    requireReported(name);
    if (!RANGES.containsKey(name) && !MEMORY.contains(name)) {
      throw new IllegalArgumentException("not a setting that can change: " + name);
    }
    live.put(name, setting);
  }

  /** Makes {@code name}, a setting of text this table reports, change while the server runs through {@code setting}. */
  synchronized void liveText(String name, TextSetting setting) {
    requireReported(name);
    liveTexts.put(name, setting);
  }

  /** Tells {@code onChange} each value replication setting {@code name} (either of its names) is set to. */
  synchronized void watch(String name, Consumer<String> onChange) {
    requireReported(name);
    watchers.computeIfAbsent(name, any -> new ArrayList<>()).add(onChange);
  }

  /** Reports {@code replicaof} and {@code slaveof} as {@code primary} says: {@code host port}, or "". */
  synchronized void replicaOf(Supplier<String> primary) {
    replicaOf = primary;
  }

  private void requireReported(String name) {
    if (!values.containsKey(name)) {
      throw new IllegalArgumentException("not a reported setting: " + name);
    }
  }

  /** The value {@code CONFIG GET} reports for {@code name}, one of the table's names. */
  synchronized String value(String name) {
    // Asked only for the names of the table, which keeps every name it starts with.
    return switch (name) {
      case "port" -> Integer.toString(counters.tcpPort());
      case "maxmemory" -> Long.toString(memoryLimit.getAsLong());
      case "maxmemory-policy" -> control == null || control.evicts() ? POLICY : NO_EVICTION;
      case "replicaof", "slaveof" -> replicaOf.get();
      default -> Objects.requireNonNull(values.get(name), name);
    };
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
        boolean wildcard = pattern.indexOf('*') >= 0 || pattern.indexOf('?') >= 0 || pattern.indexOf('[') >= 0;
        if (wildcard && HIDDEN.containsKey(name)) {
          continue; // a hidden setting answers its name only
        }
        if (RespServerCommands.globMatches(pattern, name)) {
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
   * error; then the names in order, the first unknown, immutable or duplicate one refused; then the values in
   * order, the first refused naming its setting; then, only if every value was taken, all are applied.
   */
  synchronized Result set(byte[][] args) {
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
    List<Runnable> changes = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      String refusal = check(name, Arguments.text(args[3 + 2 * i]), changes);
      if (refusal != null) {
        return failed(name, refusal);
      }
    }
    for (Runnable change : changes) { // first what may fail (port), then the rest: all or nothing, as Redis
      if (change instanceof Fallible fallible) {
        String failure = fallible.attempt.get();
        if (failure != null) {
          return failed(fallible.name, failure);
        }
      }
    }
    changes.stream().filter(change -> !(change instanceof Fallible)).forEach(Runnable::run);
    return Result.OK;
  }

  /** A change whose applying may fail ({@link LiveSetting#tryApply}): why it failed, or {@code null}. */
  private record Fallible(String name, Supplier<@Nullable String> attempt) implements Runnable {
    @Override
    public void run() {
      throw new IllegalStateException("applied by set() before the other changes");
    }
  }

  /**
   * Checks {@code asked} for setting {@code name}: Redis's parse and range errors first, then ours. If taken and
   * it changes something, adds the change to {@code changes}.
   *
   * @return why it is refused, or null
   */
  private @Nullable String check(String name, String asked, List<Runnable> changes) {
    if (name.equals("maxmemory-policy")) {
      String policy = asked.toLowerCase(Locale.ROOT);
      if (!POLICIES.contains(policy)) {
        return "argument(s) must be one of the following: " + String.join(", ", POLICIES);
      }
      MemoryLimitControl store = control;
      if (store == null || !policy.equals(POLICY) && !policy.equals(NO_EVICTION)) {
        return policy.equals(value(name)) ? null : ONE_POLICY;
      }
      // First: CONFIG SET maxmemory 1 maxmemory-policy noeviction evicts nothing, as in Redis (it evicts later).
      changes.add(0, () -> store.evictWhenFull(policy.equals(POLICY)));
      return null;
    }
    if (ReplicationSettings.has(name)) {
      ReplicationSettings.Checked checked = ReplicationSettings.check(name, asked);
      String value = checked.value();
      if (value != null) {
        changes.add(() -> replicationSetting(name, value));
      }
      return checked.why();
    }
    TextSetting text = liveTexts.get(name);
    if (text != null) {
      changes.add(() -> values.put(name, text.apply(asked))); // applied only if every value is taken (set())
      return text.refusal(asked);
    }
    Long number = null;
    long[] encodingRange = ENCODING_ONLY.get(name);
    if (encodingRange != null) {
      return encodingOnly(name, asked, encodingRange, changes);
    }
    if (MEMORY.contains(name)) {
      number = memoryBytes(asked);
      if (number == null && name.equals("maxmemory-clients")) {
        return percentRefusal(asked);
      }
      if (number == null) {
        return "argument must be a memory value";
      }
    } else if (RANGES.containsKey(name)) {
      number = Arguments.integer(asked.getBytes(StandardCharsets.ISO_8859_1));
      long[] range = RANGES.get(name);
      if (number == null) {
        return "argument couldn't be parsed into an integer";
      }
      if (number < range[0] || number > range[1]) {
        return "argument must be between " + range[0] + " and " + range[1] + " inclusive";
      }
    }
    Consumer<Boolean> schedule = saveSchedule;
    if (name.equals("save") && schedule != null && (asked.isBlank() || asked.strip().equals(scheduledSave))) {
      boolean on = !asked.isBlank();
      changes.add(() -> {
        schedule.accept(on);
        values.put("save", on ? scheduledSave : "");
      });
      return null;
    }
    LiveSetting setting = live.get(name);
    if (setting == null || number == null) {
      return sameValue(name, asked, number) ? null : NOT_LIVE;
    }
    long value = number;
    String refusal = setting.refusal(value);
    if (refusal == null) {
      Runnable record = () -> {
        values.put(name, Long.toString(value));
        String alias = ALIASES.get(name);
        if (alias != null) {
          values.put(alias, Long.toString(value));
        }
      };
      changes.add(name.equals("port") ? new Fallible(name, () -> {
        String failure = setting.tryApply(value);
        if (failure == null) {
          record.run();
        }
        return failure;
      }) : () -> {
        setting.apply(value);
        record.run();
      });
    }
    return refusal;
  }

  /** A replication setting is {@code value} now, under both its names; its watchers hear of it. */
  private void replicationSetting(String name, String value) {
    String alias = ReplicationSettings.alias(name);
    for (String each : alias == null ? List.of(name) : List.of(name, alias)) {
      values.put(each, value);
      watchers.getOrDefault(each, List.of()).forEach(watcher -> watcher.accept(value));
    }
  }

  /** An {@link #ENCODING_ONLY} setting: Redis's integer checks, then the value is reported, changing nothing else. */
  private @Nullable String encodingOnly(String name, String asked, long[] range, List<Runnable> changes) {
    Long number = Arguments.integer(asked.getBytes(StandardCharsets.ISO_8859_1));
    if (number == null) {
      return "argument couldn't be parsed into an integer";
    }
    if (number < range[0] || number > range[1]) {
      return "argument must be between " + range[0] + " and " + range[1] + " inclusive";
    }
    changes.add(() -> values.put(name, number.toString()));
    return null;
  }

  /**
   * {@code maxmemory-clients} as a share of {@code maxmemory} ({@code 10%}): Redis's errors for one that is not a
   * percentage or is over 100; any other is not ours to change ({@code --max-client-memory} is a byte count).
   */
  private static String percentRefusal(String asked) {
    Long percent = asked.length() > 1 && asked.endsWith("%")
        ? Arguments.integer(asked.substring(0, asked.length() - 1).getBytes(StandardCharsets.ISO_8859_1)) : null;
    if (percent == null || percent < 0) {
      return "argument must be a memory or percent value";
    }
    return percent > 100 ? "percentage argument must be less or equal to 100" : NOT_LIVE;
  }

  /** Redis's error naming the setting as asked (a name) or as Redis spells it (a value). */
  private static Result failed(String name, String why) {
    return Result.error("CONFIG SET failed (possibly related to argument '" + name + "') - " + why);
  }

  /** Whether {@code asked} ({@code number} if numeric) is the setting's current value. */
  private boolean sameValue(String name, String asked, @Nullable Long number) {
    String current = value(name);
    return number != null ? number.toString().equals(current) : current.equalsIgnoreCase(asked.strip());
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

  /**
   * {@code maxmemory}: the store's memory limit, lowered (evicting down to it before the reply) or raised up to what
   * the heap holds: the store's heap capacity, or 70% of the heap for a store built without one (a store built
   * with a larger limit keeps it). 0, Redis's "no limit", is that most.
   */
  private final class MaxMemory implements LiveSetting {
    private final MemoryLimitControl control;

    MaxMemory(MemoryLimitControl control) {
      this.control = control;
    }

    private long most() {
      return Math.min(control.maxMemoryLimit(), (long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE));
    }

    @Override
    public @Nullable String refusal(long value) {
      long most = most();
      if (value > most && value > memoryLimit.getAsLong()) {
        return "the heap cannot hold a memory limit of " + value + " bytes: the most is " + most + " (the store's"
            + " share of the heap); start the server with a larger heap";
      }
      return null;
    }

    @Override
    public void apply(long value) {
      control.changeMemoryLimit(value == 0 ? most() : value);
    }
  }
}
