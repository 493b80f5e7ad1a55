package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The text of {@code INFO}: Redis 7.0's sections, in its order, with the fields that redis-cli ({@code --stat}),
 * exporters (Prometheus's redis_exporter) and client test setups (redis-py's reads {@code arch_bits} and the
 * cluster section) read, under Redis's names. Where Blink Store has the figure it is the real one (the same as
 * {@code STATS}); where it has no such thing (append-only files, replicas, pub/sub) the field says
 * so as a Redis without it would ({@code 0}, {@code ok}, {@code master}). Ours, which Redis lacks, start
 * {@code blink_}. Thread-safe.
 */
final class ServerInfo {
  /** Redis's default sections ({@code INFO}, {@code INFO default}); {@code all} adds the rest. */
  private static final List<String> DEFAULT = List.of("server", "clients", "memory", "persistence", "stats",
      "replication", "cpu", "modules", "errorstats", "cluster", "keyspace");

  private final BlinkStore store;
  private final ServerCounters counters;
  private final CommandTable table;
  /** The {@code # Keyspace} lines, one per non-empty database ({@code db3:keys=1,expires=0,avg_ttl=0}). */
  private final Supplier<List<String>> keyspace;
  /** The server's run id, as Redis makes one at start: 40 random hex digits. */
  private final String runId = randomHex(40);
  private final OpsRate opsRate;
  private long peakUsage;
  /** The counters' values at the last {@code CONFIG RESETSTAT}, which INFO reports from. */
  private Baseline baseline = new Baseline(0, 0, 0, 0, 0, 0, 0, 0);

  /** What {@code CONFIG RESETSTAT} zeroes, as the counters stood then. */
  private record Baseline(long connections, long commands, long expired, long evicted, long evictedClients,
      long hits, long misses, long outputLimitDisconnections) {}

  private final Supplier<String> policy;

  /** The lines of {@code INFO persistence}, once the snapshot service exists ({@link SnapshotFigures#infoLines}). */
  private volatile Supplier<List<String>> persistence = List::of;
  /** The lines of {@code INFO replication}, once the dispatcher has its replicas. */
  private volatile Supplier<List<String>> replication = List::of;

  /** The script cache, once the script commands exist; read at each {@code INFO memory}. */
  private volatile @Nullable ScriptCache scripts;
  /** The function libraries, once the script commands exist; read at each {@code INFO memory}. */
  private volatile @Nullable FunctionLibraries functions;

  /** @param policy the eviction policy, read at each {@code INFO memory} ({@code maxmemory_policy}) */
  ServerInfo(BlinkStore store, ServerCounters counters, CommandTable table, Supplier<List<String>> keyspace,
      Supplier<String> policy) {
    this.policy = policy;
    this.store = store;
    this.counters = counters;
    this.table = table;
    this.keyspace = keyspace;
    this.opsRate = new OpsRate(counters);
  }

  /**
   * {@code CONFIG RESETSTAT}: INFO's counters (connections and commands received, keys expired and evicted,
   * clients evicted, hits, misses, commandstats, errorstats and error replies) start again from 0, as in Redis. Only INFO's: {@code STATS} and
   * the metrics endpoint keep counting from the start, as monitoring expects of counters.
   */
  Result resetStats() {
    ServerStats stats = counters.stats(store);
    ServerFigures server = stats.server();
    synchronized (this) {
      baseline = new Baseline(server.totalConnections(), server.commands(), stats.expirations(), stats.evictions(),
          server.evictedClients(), stats.hits(), stats.misses(), server.outputLimitDisconnections());
      peakUsage = stats.usage();
    }
    counters.errors().reset();
    for (CommandSpec spec : table.specs()) {
      spec.calls().reset();
      if (spec.subcommands() != null) {
        spec.subcommands().specs().forEach(sub -> sub.calls().reset());
      }
    }
    return Result.OK;
  }

  private synchronized Baseline baseline() {
    return baseline;
  }

  /**
   * The sections asked for by {@code names} (lower case): none, {@code default}, {@code all}, {@code everything}
   * or section names, in any combination; each section once, in Redis's order; an unknown name gives nothing.
   */
  String render(List<String> names) {
    boolean all = names.contains("all") || names.contains("everything");
    boolean defaults = names.isEmpty() || names.contains("default");
    ServerStats stats = counters.stats(store);
    StringBuilder text = new StringBuilder();
    for (String section : List.of("server", "clients", "memory", "persistence", "stats", "replication", "cpu",
        "modules", "commandstats", "errorstats", "latencystats", "cluster", "keyspace")) {
      if (all || defaults && DEFAULT.contains(section) || names.contains(section)
          || section.equals("modules") && names.contains("module_list")) {
        if (text.length() > 0) {
          text.append("\r\n");
        }
        section(section, stats, text);
      }
    }
    return text.toString();
  }

  private void section(String name, ServerStats stats, StringBuilder text) {
    ServerFigures server = stats.server();
    switch (name) {
      case "server" -> lines(text, "Server",
          "redis_version:" + RespServerCommands.REDIS_VERSION,
          "redis_git_sha1:00000000",
          "redis_git_dirty:0",
          "redis_mode:standalone",
          "os:" + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
              + System.getProperty("os.arch"),
          "arch_bits:" + (System.getProperty("os.arch").contains("64") ? 64 : 32),
          "process_id:" + ProcessHandle.current().pid(),
          "process_supervised:no",
          "run_id:" + runId,
          "tcp_port:" + counters.tcpPort(),
          "server_time_usec:" + System.currentTimeMillis() * 1000,
          "uptime_in_seconds:" + server.uptimeSeconds(),
          "uptime_in_days:" + server.uptimeSeconds() / 86_400,
          "executable:" + ProcessHandle.current().info().command().orElse(""),
          "config_file:",
          "blink_store_version:" + ServerVersion.get());
      case "clients" -> lines(text, "Clients",
          "connected_clients:" + server.connections(),
          "cluster_connections:0",
          "blocked_clients:" + counters.blockedClients(),
          "tracking_clients:" + counters.tracking().clients(),
          "clients_in_timeout_table:0");
      case "memory" -> memory(stats, text);
      case "persistence" -> lines(text, "Persistence", persistence.get().toArray(String[]::new));
      case "stats" -> stats(stats, text);
      case "replication" -> lines(text, "Replication", replication.get().toArray(String[]::new));
      case "cpu" -> cpu(text);
      case "modules" -> lines(text, "Modules");
      case "commandstats" -> commandStats(text);
      case "errorstats" -> lines(text, "Errorstats", counters.errors().lines().toArray(String[]::new));
      case "latencystats" -> lines(text, "Latencystats");
      case "cluster" -> lines(text, "Cluster", "cluster_enabled:0");
      default -> lines(text, "Keyspace", keyspace.get().toArray(String[]::new));
    }
  }

  private void stats(ServerStats stats, StringBuilder text) {
    ServerFigures server = stats.server();
    Baseline zero = baseline();
    long hits = stats.hits() - zero.hits();
    long misses = stats.misses() - zero.misses();
    double ratio = hits + misses == 0 ? 0 : hits / (double) (hits + misses);
    lines(text, "Stats",
        "total_connections_received:" + (server.totalConnections() - zero.connections()),
        "total_commands_processed:" + (server.commands() - zero.commands()),
        "instantaneous_ops_per_sec:" + opsRate.perSecond(),
        "expired_keys:" + (stats.expirations() - zero.expired()),
        "evicted_keys:" + (stats.evictions() - zero.evicted()),
        "evicted_clients:" + (server.evictedClients() - zero.evictedClients()),
        "keyspace_hits:" + hits,
        "keyspace_misses:" + misses,
        "pubsub_channels:" + counters.pubSub(Subscriptions.Kind.CHANNEL),
        "pubsub_patterns:" + counters.pubSub(Subscriptions.Kind.PATTERN),
        "pubsubshard_channels:" + counters.pubSub(Subscriptions.Kind.SHARD),
        "tracking_total_keys:" + counters.tracking().keys(),
        "tracking_total_items:" + counters.tracking().items(),
        "tracking_total_prefixes:" + counters.tracking().prefixes(),
        "unexpected_error_replies:" + counters.errors().unexpected(),
        "total_error_replies:" + counters.errors().total(),
        "blink_output_limit_disconnections:"
            + (server.outputLimitDisconnections() - zero.outputLimitDisconnections()),
        "blink_hit_ratio:" + String.format(Locale.ROOT, "%.4f", ratio)); // as STATS prints it
  }

  /** Reports the replicas in {@code INFO replication} ({@link Replication#infoLines}). */
  void replication(Supplier<List<String>> lines) {
    replication = lines;
  }

  /** Reports {@code snapshots} in {@code INFO persistence}. */
  void persistence(SnapshotService snapshots) {
    persistence = () -> snapshots.figures().infoLines();
  }

  /** The function libraries loaded now; none before {@link #scripts}. */
  List<FunctionLibraries.Library> functionLibraries() {
    FunctionLibraries libraries = functions;
    return libraries == null ? List.of() : libraries.libraries();
  }

  /** Reports {@code cache}'s scripts and {@code libraries}' functions in {@code INFO memory}. */
  void scripts(ScriptCache cache, FunctionLibraries libraries) {
    scripts = cache;
    functions = libraries;
  }

  private void memory(ServerStats stats, StringBuilder text) {
    long peak;
    synchronized (this) {
      peakUsage = Math.max(peakUsage, stats.usage());
      peak = peakUsage;
    }
    long rss = residentBytes();
    long system = systemMemory();
    ScriptCache cache = scripts;
    long scriptBytes = cache == null ? 0 : cache.bytes();
    int scriptCount = cache == null ? 0 : cache.size();
    FunctionLibraries libraries = functions;
    long functionBytes = libraries == null ? 0 : libraries.heldBytes();
    lines(text, "Memory",
        "used_memory:" + stats.usage(),
        "used_memory_human:" + human(stats.usage()),
        "used_memory_rss:" + rss,
        "used_memory_rss_human:" + human(rss),
        "used_memory_peak:" + peak,
        "used_memory_peak_human:" + human(peak),
        "total_system_memory:" + system,
        "total_system_memory_human:" + human(system),
        // Redis's Lua VM figures: luaj's state is on the JVM heap, not measured apart (0); the cache is counted
        "used_memory_lua:0",
        "used_memory_vm_eval:0",
        "used_memory_lua_human:0B",
        "used_memory_scripts_eval:" + scriptBytes,
        "number_of_cached_scripts:" + scriptCount,
        "number_of_functions:" + (libraries == null ? 0 : libraries.functionCount()),
        "number_of_libraries:" + (libraries == null ? 0 : libraries.libraryCount()),
        "used_memory_vm_functions:0",
        "used_memory_vm_total:0",
        "used_memory_vm_total_human:0B",
        "used_memory_functions:" + functionBytes,
        "used_memory_scripts:" + (scriptBytes + functionBytes),
        "used_memory_scripts_human:" + human(scriptBytes + functionBytes),
        "maxmemory:" + stats.limit(),
        "maxmemory_human:" + human(stats.limit()),
        "maxmemory_policy:" + policy.get(),
        "mem_clients_slaves:0",
        "mem_clients_normal:" + stats.server().clientBytes());
  }

  private static void cpu(StringBuilder text) {
    long[] userAndSystem = cpuTicks();
    lines(text, "CPU",
        "used_cpu_sys:" + seconds(userAndSystem[1]),
        "used_cpu_user:" + seconds(userAndSystem[0]),
        "used_cpu_sys_children:0.000000",
        "used_cpu_user_children:0.000000");
  }

  /**
   * One line a command (and subcommand) that has been called, as Redis's: calls, and the calls refused before they
   * ran (arity, sign-in, memory) and those that answered an error. The time spent is not measured (a clock read
   * per command): {@code usec} and {@code usec_per_call} are 0.
   */
  private void commandStats(StringBuilder text) {
    List<String> lines = new ArrayList<>();
    for (CommandSpec spec : table.specs()) {
      addCommandStats(spec, lines);
      if (spec.subcommands() != null) {
        for (CommandSpec sub : spec.subcommands().specs()) {
          addCommandStats(sub, lines);
        }
      }
    }
    lines(text, "Commandstats", lines.toArray(String[]::new));
  }

  private static void addCommandStats(CommandSpec spec, List<String> lines) {
    CommandSpec.Calls calls = spec.calls();
    if (calls.calls() + calls.rejected() > 0) {
      lines.add("cmdstat_" + spec.name() + ":calls=" + calls.calls() + ",usec=0,usec_per_call=0.00,rejected_calls="
          + calls.rejected() + ",failed_calls=" + calls.failed());
    }
  }

  private static void lines(StringBuilder text, String title, String... lines) {
    text.append("# ").append(title).append("\r\n");
    for (String line : lines) {
      text.append(line).append("\r\n");
    }
  }

  /** As Redis's {@code bytesToHuman}: {@code 123B}, {@code 1.50K}, {@code 10.00M}, ... */
  static String human(long bytes) {
    String[] units = {"K", "M", "G", "T", "P"};
    if (bytes < 1024) {
      return bytes + "B";
    }
    double value = bytes / 1024.0;
    int unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.2f%s", value, units[unit]);
  }

  /** The process's resident set, from Linux's {@code /proc/self/statm}; 0 where it cannot be read. */
  private static long residentBytes() {
    try {
      String[] fields = Files.readString(Path.of("/proc/self/statm")).trim().split(" ");
      return Long.parseLong(fields[1]) * 4096;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static long systemMemory() {
    return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getTotalMemorySize() : 0;
  }

  /**
   * The process's user and system CPU time in clock ticks of 1/100 s, from Linux's {@code /proc/self/stat} (its
   * 14th and 15th fields, after the parenthesised name); the JVM's total as user time elsewhere.
   */
  private static long[] cpuTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new long[] {Long.parseLong(fields[11]), Long.parseLong(fields[12])};
    } catch (IOException | RuntimeException e) {
      long nanos = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
          ? os.getProcessCpuTime() : 0;
      return new long[] {nanos / 10_000_000, 0};
    }
  }

  private static String seconds(long ticks) {
    return String.format(Locale.ROOT, "%.6f", ticks / 100.0);
  }

  private static String randomHex(int digits) {
    StringBuilder hex = new StringBuilder();
    while (hex.length() < digits) {
      hex.append(Character.forDigit(ThreadLocalRandom.current().nextInt(16), 16));
    }
    return hex.toString();
  }

  /**
   * {@code instantaneous_ops_per_sec}: commands per second between two INFOs at least a tenth of a second apart
   * (redis-cli --stat and exporters ask every second or so), the first since the server started; Redis samples
   * every 100 ms on its own.
   */
  private static final class OpsRate {
    private static final long MIN_NANOS = 100_000_000;
    private final ServerCounters counters;
    private long sampledNanos = System.nanoTime();
    private long sampledCommands;
    private long rate;

    OpsRate(ServerCounters counters) {
      this.counters = counters;
      this.sampledCommands = counters.commands();
    }

    synchronized long perSecond() {
      long now = System.nanoTime();
      long commands = counters.commands();
      if (now - sampledNanos >= MIN_NANOS) {
        rate = (commands - sampledCommands) * 1_000_000_000L / (now - sampledNanos);
        sampledNanos = now;
        sampledCommands = commands;
      }
      return rate;
    }
  }
}
