package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.ADMIN;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.NO_ASYNC_LOADING;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.server.command.CommandSpec.Keys;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.ToIntBiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's role (issue 23): a primary, or a replica of another server after {@code REPLICAOF host port}, and the
 * refusals that follow from it, Redis 7.0's ({@code server.c}'s {@code processCommand}, {@code replication.c}):
 * {@code -NOREPLICAS} for a write on a primary with fewer good replicas than {@code min-replicas-to-write},
 * {@code -READONLY} for a write of an ordinary client on a read-only replica, {@code -MASTERDOWN} for a command
 * without the {@code stale} flag while the link is not up and {@code replica-serve-stale-data} is {@code no},
 * {@code -LOADING} while a full sync's dataset loads. An {@code EXEC} is refused for what it queued, as Redis's
 * (its queued writes, its queued commands without {@code stale}). The link itself is a {@link PrimaryLink}'s.
 *
 * <p>The checks cost two volatile reads per command while the server is a primary with no
 * {@code min-replicas-to-write}.
 */
final class ReplicaRole {
  private static final Logger log = LoggerFactory.getLogger(ReplicaRole.class);

  static final Result.Error READONLY = new Result.Error("READONLY You can't write against a read only replica.");
  static final Result.Error MASTERDOWN =
      new Result.Error("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
  static final Result.Error NOREPLICAS = new Result.Error("NOREPLICAS Not enough good replicas to write.");
  static final Result.Error LOADING = new Result.Error("LOADING Redis is loading the dataset in memory");
  /** Redis's {@code scriptPrepareForRun} refusals, for a script the command's own check let through. */
  static final Result.Error READONLY_SCRIPT =
      new Result.Error("READONLY Can not run script with write flag on readonly replica");
  static final Result.Error MASTERDOWN_SCRIPT = new Result.Error("MASTERDOWN Link with MASTER is down, "
      + "replica-serve-stale-data is set to 'no' and 'allow-stale' flag is not set on the script.");
  /**
   * A {@code SHUTDOWN} in the primary's stream, which a Redis primary never sends (it is not propagated): Redis
   * 7.0.15's replica runs it and fails an assertion ({@code blockClient} in {@code blocked.c}: the master client must
   * never block), so a misbehaving primary could stop its replicas; here it is refused, logged and counted.
   */
  static final Result.Error SHUTDOWN_FROM_PRIMARY =
      Result.error("SHUTDOWN from the primary's replication stream is refused: a replica stops only on its own");
  private static final Result.Error NOT_FOR_REPLICA = Result.error("Command is not valid when client is a replica.");
  private static final Result.Error BAD_PORT = Result.error("Invalid master port");
  private static final Result ALREADY = new Result.Simple("OK Already connected to specified master");

  /** The link's states, as {@code ROLE} names them. */
  enum State { NONE, CONNECT, CONNECTING, HANDSHAKE, SYNC, CONNECTED }

  /** A primary to follow. */
  record Target(String host, int port) {}

  private final Replication replication;
  private final PrimaryLink link;
  /** The primary followed, null while this server is a primary. */
  private volatile @Nullable Target target;
  private volatile boolean readOnly = true;
  private volatile boolean serveStale = true;
  private volatile long minReplicas;
  private volatile long maxLagSeconds = 10;
  private volatile int priority = 100;
  private volatile boolean announced = true;
  /** A script command's script flags ({@link Script}'s bits), or -1: the command's own flags hold. */
  private volatile ToIntBiFunction<CommandSpec, byte[][]> scriptFlags = (spec, args) -> -1;

  /**
   * The role of a server whose replication is {@code replication}, registered in {@code commands}: a link runs the
   * primary's commands through {@code dispatch} as a client from {@code newClient}, {@code closed} when the link
   * ends; a full sync's dataset loads only if {@code heap} has room for it, the errors of the primary's commands
   * are counted in {@code counters}.
   */
  ReplicaRole(CommandTable commands, Replication replication, ServerConfig config, Supplier<ClientState> newClient,
      BiFunction<ClientState, byte[][], Result> dispatch, Consumer<ClientState> closed, HeapGuard heap,
      ServerCounters counters) {
    this.replication = replication;
    this.link = new PrimaryLink(newClient, dispatch, closed, replication,
        () -> Integer.parseInt(config.value("port")), () -> Long.parseLong(config.value("maxmemory")),
        () -> Long.parseLong(config.value("repl-timeout")), heap, counters.errors());
    config.watch("replica-read-only", value -> readOnly = value.equals("yes"));
    config.watch("replica-serve-stale-data", value -> serveStale = value.equals("yes"));
    config.watch("min-replicas-to-write", value -> minReplicas = Long.parseLong(value));
    config.watch("min-replicas-max-lag", value -> maxLagSeconds = Long.parseLong(value));
    config.watch("replica-priority", value -> priority = Integer.parseInt(value));
    config.watch("replica-announced", value -> announced = value.equals("yes"));
    config.watch("masterauth", link::password);
    config.watch("masteruser", link::user);
    config.replicaOf(() -> {
      Target now = target;
      return now == null ? "" : now.host() + " " + now.port();
    });
    commands.add("replicaof", 3, Keys.NONE, this::replicaof, ADMIN, NOSCRIPT, STALE, NO_ASYNC_LOADING);
    commands.add("slaveof", 3, Keys.NONE, this::replicaof, ADMIN, NOSCRIPT, STALE, NO_ASYNC_LOADING);
    replication.role(this);
  }

  /** Whether this server follows a primary. */
  boolean following() {
    return target != null;
  }

  /**
   * Makes the refusals read the flags of {@code EVAL}'s and {@code FCALL}'s scripts from {@code flags} (-1: the
   * command's own), as Redis's {@code getCommandFlags}: a script or function without {@code no-writes} is a write,
   * one without {@code allow-stale} is refused on a stale replica.
   */
  void scriptFlags(ToIntBiFunction<CommandSpec, byte[][]> flags) {
    scriptFlags = flags;
  }

  /**
   * Why {@code spec} (with {@code args}, and what {@code client} queued, for an {@code EXEC}) may not run now, in
   * Redis's order, or null. The primary's own client ({@link PrimaryLink}) is refused only {@code SHUTDOWN}.
   */
  @Nullable Result refusal(CommandSpec spec, ClientState client, byte[][] args) {
    Target following = target;
    if (following == null && minReplicas == 0) {
      return null;
    }
    if (link.isPrimary(client)) {
      return spec.name().equals("shutdown") ? SHUTDOWN_FROM_PRIMARY : null;
    }
    Transaction queued = spec.name().equals("exec") ? client.transaction() : null;
    boolean write = writes(spec, args) || queued != null
        && queued.commands().stream().anyMatch(command -> writes(command.spec(), command.args()));
    if (write && tooFewReplicas()) {
      return NOREPLICAS;
    }
    if (following == null) {
      return null;
    }
    if (write && readOnly) {
      return READONLY;
    }
    boolean denyStale = !servesStale(spec, args) || queued != null
        && queued.commands().stream().anyMatch(command -> !servesStale(command.spec(), command.args()));
    if (denyStale && stale()) {
      return MASTERDOWN;
    }
    boolean denyLoading = !spec.has(CommandFlag.LOADING) || queued != null
        && queued.commands().stream().anyMatch(command -> !command.spec().has(CommandFlag.LOADING));
    return denyLoading && link.loading() ? LOADING : null;
  }

  private boolean writes(CommandSpec spec, byte[][] args) {
    int flags = scriptFlags.applyAsInt(spec, args);
    return flags < 0 ? spec.has(CommandFlag.WRITE) : (flags & Script.NO_WRITES) == 0;
  }

  private boolean servesStale(CommandSpec spec, byte[][] args) {
    int flags = scriptFlags.applyAsInt(spec, args);
    return flags < 0 ? spec.has(CommandFlag.STALE) : (flags & Script.ALLOW_STALE) != 0;
  }

  /** A primary with fewer good replicas than {@code min-replicas-to-write}: Redis's {@code checkGoodReplicasStatus}. */
  boolean tooFewReplicas() {
    return target == null && minReplicas != 0 && maxLagSeconds != 0 && replication.good(maxLagSeconds) < minReplicas;
  }

  /** A read-only replica, for a command of {@code caller} (or of its script): never for the primary's client. */
  boolean readOnlyFor(ClientState caller) {
    return target != null && readOnly && !link.isPrimary(caller);
  }

  /** A replica whose link is down with {@code replica-serve-stale-data no}: Redis's {@code running_stale}. */
  boolean stale() {
    return target != null && !serveStale && link.state() != State.CONNECTED;
  }

  /**
   * Why a script's first write may not run, as Redis's {@code scriptVerifyWriteCommandAllow} (reached by scripts
   * without a shebang, whose command is not a write): {@code -READONLY} on a read-only replica, {@code -NOREPLICAS}
   * on a primary without its good replicas; or null.
   */
  Result.@Nullable Error scriptWriteRefusal(ClientState caller) {
    if (readOnlyFor(caller)) {
      return READONLY;
    }
    return tooFewReplicas() ? NOREPLICAS : null;
  }

  /**
   * {@code REPLICAOF host port}: follows that primary from now on ({@code +OK}, or Redis's {@code +OK Already
   * connected to specified master}); {@code REPLICAOF NO ONE}: a primary again, keeping the data, with a new
   * replication id.
   */
  private Result replicaof(ClientState client, byte[][] args) {
    if (Arguments.lowerCase(args[1]).equals("no") && Arguments.lowerCase(args[2]).equals("one")) {
      synchronized (this) {
        if (target != null) {
          target = null;
          link.stop();
          replication.shift();
          log.info("MASTER MODE enabled (user request)");
        }
      }
      return Result.OK;
    }
    if (client.replica()) {
      return NOT_FOR_REPLICA;
    }
    Long port = Arguments.integer(args[2]);
    if (port == null || port < 0 || port > 65535) {
      return BAD_PORT;
    }
    String host = Arguments.text(args[1]);
    synchronized (this) {
      Target now = target;
      if (now != null && now.host().toLowerCase(Locale.ROOT).equals(host.toLowerCase(Locale.ROOT))
          && now.port() == port) {
        return ALREADY;
      }
      Target next = new Target(host, port.intValue());
      if (now == null) {
        link.startOffset(replication.offset());
      }
      target = next;
      link.follow(next);
      log.info("REPLICAOF {}:{} enabled (user request)", host, port);
    }
    return Result.OK;
  }

  /** {@code ROLE} as a replica: {@code slave}, the primary's host and port, the link's state, the offset. */
  Result role() {
    Target now = target;
    if (now == null) {
      return Result.NULL; // asked only while following
    }
    return new Result.Array(List.of(Result.bulk("slave"), Result.bulk(now.host()), new Result.Int(now.port()),
        Result.bulk(link.state().name().toLowerCase(Locale.ROOT)), new Result.Int(link.primaryOffset())));
  }

  /** The lines of {@code INFO replication} before {@code connected_slaves}: the role, and a replica's fields. */
  List<String> infoLines() {
    Target now = target;
    if (now == null) {
      return List.of("role:master");
    }
    State state = link.state();
    long offset = link.offset();
    List<String> lines = new ArrayList<>(List.of("role:slave", "master_host:" + now.host(),
        "master_port:" + now.port(), "master_link_status:" + (state == State.CONNECTED ? "up" : "down"),
        "master_last_io_seconds_ago:" + link.lastIoSecondsAgo(),
        "master_sync_in_progress:" + (state == State.SYNC ? 1 : 0), "slave_read_repl_offset:" + offset,
        "slave_repl_offset:" + offset));
    if (state != State.CONNECTED) {
      lines.add("master_link_down_since_seconds:" + link.downSinceSeconds());
    }
    lines.addAll(List.of("slave_priority:" + priority, "slave_read_only:" + (readOnly ? 1 : 0),
        "replica_announced:" + (announced ? 1 : 0)));
    return lines;
  }

  /** {@code INFO replication}'s count of good replicas, when {@code min-replicas-to-write} is set. */
  List<String> goodLines() {
    return minReplicas == 0 || maxLagSeconds == 0 ? List.of()
        : List.of("min_slaves_good_slaves:" + replication.good(maxLagSeconds));
  }

  /** Stops following (the server closes). */
  void close() {
    link.stop();
  }
}
