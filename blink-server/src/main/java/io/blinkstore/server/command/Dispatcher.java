package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Isolation;
import io.blinkstore.internal.Keyspace;
import io.blinkstore.internal.MemoryLimitControl;
import io.blinkstore.internal.TypedKeys;
import io.blinkstore.server.BlinkServer;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The one path every command takes, whatever protocol brought it: it looks the command up in the {@link CommandTable}
 * and applies, from the command's {@link CommandSpec} alone and in this order (that of Redis's {@code processCommand}):
 * unknown command or subcommand and arity; sign-in ({@link CommandFlag#NO_AUTH}); the heap guard ({@link
 * CommandFlag#DENYOOM}); then the call, with the store's exceptions turned into error kinds. Commands are counted for
 * {@code STATS}, and each one's calls for {@code INFO commandstats}. Inside {@code MULTI} a command is then queued
 * ({@link RespTransactionCommands}), and a refusal aborts the transaction. Every command but {@code EXEC} runs with the
 * store's gate ({@link Isolation}) held shared, on the store's view without the gate, so that an {@code EXEC}, which
 * holds it exclusive, never interleaves with a command of another client; a reply of several stored values is copied
 * before the gate is released. {@code -BUSY} while a script runs and {@code -LOADING} go between the heap guard and the
 * call. Entry size limits and lease invalidation are the store's, as every operation sees it ({@link
 * EntrySizeLimits#wrap}, {@link LeaseInvalidatingStore}): both must hold for each key at the moment it is written,
 * before the write.
 *
 * <p>Answers with Redis 7's error texts for unknown commands, unknown subcommands and wrong arity. Thread-safe
 * once built, so one instance serves every connection; per-connection state is each one's {@link ClientState}.
 */
public final class Dispatcher {
  /** Redis's reply to a write that does not fit in the memory limit. */
  public static final Result.Error OOM = new Result.Error("OOM command not allowed when used memory > 'maxmemory'.");

  /**
   * The reply to a write larger than the memory limit ({@code EntryTooLargeException}): the same bytes as
   * {@link #OOM} for RESP, a different instance so that the text protocol, which words the two apart, can tell.
   */
  public static final Result.Error AT_CAPACITY = new Result.Error(OOM.kind(), OOM.message());

  /** Redis's reply to a command on a key holding another type of value ({@code WrongTypeException}). */
  public static final Result.Error WRONGTYPE =
      new Result.Error(ErrorKind.WRONGTYPE, "Operation against a key holding the wrong kind of value");

  /** Redis's reply to a command from a connection that has not authenticated yet. */
  public static final Result.Error NOAUTH = new Result.Error("NOAUTH Authentication required.");

  /** The number of logical databases without {@code --databases}, as in Redis. */
  public static final int DEFAULT_DATABASES = 16;

  /** How long a command waits for the gate at a time before it asks again whether a script makes it busy. */
  private static final long GATE_SLICE_NANOS = 10_000_000;

  private final CommandTable table = new CommandTable();
  private final BlinkStore store;
  private final ServerCounters counters;
  private final OutOfMemory outOfMemory;
  private final @Nullable Authenticator authenticator;
  private final AtomicLong clientIds = new AtomicLong();
  /** The connections {@code CLIENT LIST} shows, by id, in the order they opened. */
  private final ConcurrentSkipListMap<Long, ClientState> clients = new ConcurrentSkipListMap<>();
  /** The ACL users, and what each may run ({@code ACL}, {@code AUTH user pass}). */
  private final AclUsers users;
  private final AclCheck acl;
  private final Monitors monitors;
  private final PubSubChannels pubSub;
  private final RespServerCommands serverCommands;
  private final Databases databases;
  private final @Nullable Isolation isolation;
  private final RespTransactionCommands transactions;
  /** {@code CLIENT PAUSE}'s state, for every connection of either protocol. */
  private final ClientPause pause = new ClientPause();
  /** The clients blocking pops hold, served once each command that signals their keys is done. */
  private final BlockedClients blocked;
  /** EVAL and SCRIPT, and the busy state of a script that runs. */
  private final ScriptCommands scripts;
  /** Whose turn it is to hold the gate exclusive: a script, an {@code EXEC} or a command run as one. */
  private final ExclusiveTurn turn;
  /** The snapshots, their schedule and {@code SAVE}, {@code BGSAVE}, {@code LASTSAVE}; off until started. */
  private final SnapshotService snapshots;
  /** {@code DEBUG}, which refuses the clients {@code enable-debug-command} does not admit. */
  private final DebugCommand debug;
  private final ShutdownCommand shutdown;
  /** The replicas and their stream: every write runs on the exclusive path while one is attached. */
  private final Replication replication;
  private final ReplicaRole role;
  /** Client-side caching: the keys tracking connections read, and their invalidations. */
  private final ClientTracking tracking;
  private final ClientTracking.Body counted = (client, args) -> counters().errors().count(run(client, args));

  /** A dispatcher of every supported command against {@code store}: no auth, no heap guard, the default output cap. */
  public Dispatcher(BlinkStore store) {
    this(store, new Leases(), Clock.systemUTC(), new ServerCounters(), HeapGuard.NONE, null,
        BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, EntrySizeLimits.NONE);
  }

  /**
   * A dispatcher of every supported command, run against {@code store}. The lease commands use {@code leases}, the
   * server's one lease table, shared with the text protocol (text and RESP clients filling one key coordinate); every
   * other write ends the lease of its key. Unix times ({@code SET ... EXAT}, {@code EXPIRETIME}, ...) are measured
   * against {@code clock}. Commands are counted in {@code counters}; {@link CommandFlag#DENYOOM} ones are refused
   * while {@code heapGuard} says the heap is nearly full (or, under {@code noeviction}, while the store holds more
   * than its limit: {@link OutOfMemory}); with an {@code authenticator}, every command but the
   * {@link CommandFlag#NO_AUTH} ones is refused until the connection has signed in. A command whose reply would pass
   * {@code maxReplyBytes} ({@code MGET} of many large values) is refused instead of building it. Every write is held
   * to {@code sizeLimits} ({@code -ERR key too long}, ...); an {@code MSET} with one entry past them stores none.
   */
  public Dispatcher(BlinkStore store, Leases leases, Clock clock, ServerCounters counters, HeapGuard heapGuard,
      @Nullable Authenticator authenticator, long maxReplyBytes, EntrySizeLimits sizeLimits) {
    this(store, leases, clock, counters, heapGuard, authenticator, maxReplyBytes, sizeLimits, DEFAULT_DATABASES);
  }

  /**
   * As {@link #Dispatcher(BlinkStore, Leases, Clock, ServerCounters, HeapGuard, Authenticator, long,
   * EntrySizeLimits)}, with {@code databaseCount} logical databases ({@code SELECT 0} to {@code databaseCount - 1};
   * one only if {@code store} is not the in-process store).
   *
   * @throws IllegalArgumentException if {@code databaseCount} is out of range ({@link Databases})
   */
  public Dispatcher(BlinkStore store, Leases leases, Clock clock, ServerCounters counters, HeapGuard heapGuard,
      @Nullable Authenticator authenticator, long maxReplyBytes, EntrySizeLimits sizeLimits, int databaseCount) {
    this.counters = Objects.requireNonNull(counters, "counters");
    this.authenticator = authenticator;
    this.users = new AclUsers(authenticator == null ? null : authenticator.digest(), clients);
    this.acl = new AclCheck(users);
    this.store = Objects.requireNonNull(store, "store");
    this.isolation = store instanceof Isolation.Source source ? source.isolation() : null;
    this.blocked = new BlockedClients(isolation, ForkJoinPool.commonPool());
    counters.blockedClients(blocked::count);
    store = sizeLimits.wrap(isolation == null ? store : isolation.view());
    LeaseInvalidatingStore writingThroughLeases = new LeaseInvalidatingStore(store, leases);
    UnixTime unixTime = new UnixTime(writingThroughLeases, clock);
    KeyUpdates updates =
        new KeyUpdates(isolation == null ? this.store : isolation.view(), writingThroughLeases, leases, sizeLimits);
    new RespKeyCommands(writingThroughLeases, updates, maxReplyBytes, sizeLimits).register(table);
    new RespSetCommands(writingThroughLeases, updates, unixTime).register(table);
    new RespStringCommands(writingThroughLeases, updates).register(table);
    new RespBitCommands(writingThroughLeases, updates).register(table);
    new RespLcsCommand(writingThroughLeases).register(table);
    new RespTtlCommands(writingThroughLeases, unixTime).register(table);
    new RespLeaseCommands(store, leases).register(table);
    Keyspace keyspace = this.store instanceof Keyspace.Source source ? source.keyspace() : null;
    this.databases = new Databases(keyspace == null ? 1 : databaseCount);
    BlinkStore typed = isolation == null ? this.store : isolation.view(); // what holds the typed values
    TypedKeys types = typed instanceof TypedKeys.Source source ? source.typedKeys() : null;
    new RespGenericCommands(writingThroughLeases, databases, types).register(table);
    new RespObjectCommands(writingThroughLeases, keyspace, types).register(table);
    RespDatabaseCommands databaseCommands = new RespDatabaseCommands(writingThroughLeases, keyspace, databases,
        leases, isolation == null ? null : isolation.watches(), types);
    databaseCommands.register(table);
    MemoryLimitControl memoryLimit =
        this.store instanceof MemoryLimitControl.Source source ? source.memoryLimitControl() : null;
    this.outOfMemory = new OutOfMemory(Objects.requireNonNull(heapGuard, "heapGuard"), memoryLimit);
    serverCommands = new RespServerCommands(writingThroughLeases, memoryLimit, counters, users,
        databaseCommands, databases.count());
    serverCommands.register(table);
    snapshots = new SnapshotService(databases, counters, serverCommands.config);
    new RespPersistenceCommands(snapshots).register(table);
    serverCommands.snapshots(snapshots);
    new RespScanCommands(keyspace, maxReplyBytes, types).register(table);
    StoredValues values = TypedCommands.register(table, typed, writingThroughLeases, isolation, types, unixTime,
        leases, sizeLimits, maxReplyBytes, blocked, serverCommands.config);
    replication = new Replication(keyspace == null || types == null || values == null ? null : new RdbFile(databases,
        keyspace, types, values, writingThroughLeases, unixTime, serverCommands::functionLibraries),
        new Propagation(writingThroughLeases, unixTime), serverCommands.config, blocked, isolation, heapGuard);
    replication.register(table);
    new WaitCommand(blocked, replication).register(table);
    serverCommands.replication(replication);
    role = new ReplicaRole(table, replication, serverCommands.config,
        () -> users.asPrimary(signedInClient(RespKeys::of, ClientConnection.NONE)), this::dispatch, this::closed,
        heapGuard, counters);
    new RespClientCommands(clients, pause, blocked, users).register(table);
    tracking = new ClientTracking(clients, table, maxReplyBytes, TrackingTable.defaultMaxBytes(),
        sizeLimits.maxKeyBytes(), isolation, serverCommands.config, counters);
    monitors = new Monitors(maxReplyBytes);
    pubSub = new PubSubChannels(maxReplyBytes);
    databases.events().start(pubSub, serverCommands.config, isolation == null ? null : isolation.watches());
    counters.pubSub(pubSub::count);
    table.add("monitor", 1, CommandSpec.Keys.NONE, monitors::monitor, CommandFlag.ADMIN, CommandFlag.NOSCRIPT,
        CommandFlag.LOADING, CommandFlag.STALE);
    ExclusiveTurn turn = this.turn = new ExclusiveTurn(replication::released);
    scripts = new ScriptCommands(table, this::runQueued, isolation, heapGuard, outOfMemory, monitors,
        blocked::serveReady, turn, maxReplyBytes, counters.errors(), acl, role);
    replication.turn(turn, scripts::busyNow);
    transactions = new RespTransactionCommands(isolation, this::runQueued, turn, scripts::busyNow);
    transactions.register(table);
    scripts.register(table);
    debug = new DebugCommand(scripts.denial(), new DebugTools(writingThroughLeases, keyspace, table,
        new DebugReload(snapshots, isolation)), () -> serverCommands.config.value("enable-debug-command"));
    debug.register(table);
    shutdown = new ShutdownCommand(table, snapshots, scripts::busyError);
    serverCommands.scripts(scripts.cache(), scripts.functions());
    ScriptRunner runner = scripts.runner();
    if (runner != null) {
      serverCommands.config.live("busy-reply-threshold", runner.threshold());
      serverCommands.config.live("lua-time-limit", runner.threshold());
    }
    new PubSubCommands(pubSub).register(table);
    new ConnectionReset(transactions, monitors, pubSub, tracking).register(table);
    new AclCommands(users, acl, table).register();
    users.complete(table);
    if (authenticator != null) {
      authenticator.checkWith(users.defaultUser());
    }
  }

  /**
   * Records the server's values of settings {@code CONFIG GET} reports under Redis's names ({@code timeout},
   * {@code maxclients}, {@code bind}, ...), before it serves.
   *
   * @throws IllegalArgumentException for a name that is not reported
   */
  public void reportSettings(Map<String, String> settings) {
    serverCommands.config.report(settings);
  }

  /**
   * Makes {@code name} ({@code timeout} or {@code maxclients}) change with {@code CONFIG SET} while the server runs,
   * through {@code setting}; until then only its reported value is accepted.
   *
   * @throws IllegalArgumentException for a name that cannot change
   */
  public void liveSetting(String name, LiveSetting setting) {
    serverCommands.config.live(name, setting);
  }

  /** Makes {@code SHUTDOWN} stop the server through {@code shutdown}, told whether to save the snapshot. */
  public void onShutdown(java.util.function.Consumer<Boolean> shutdown) {
    this.shutdown.onShutdown(shutdown);
  }

  /**
   * The server is stopping: a script that runs is stopped at its next check, whatever it has written (the way out
   * of a script that {@code SCRIPT KILL} cannot stop), and no other starts.
   */
  public void close() {
    role.close();
    replication.close();
    scripts.close();
    debug.close();
  }

  /**
   * Returns the state of a new connection, with a fresh client id, whose protocol maps keys with {@code keys},
   * whose name counts in {@code account}, and which runs {@code onSignIn} when it first presents the server's
   * token.
   */
  public ClientState newClient(Function<byte[], String> keys, ConnectionMemory account, Runnable onSignIn) {
    return new ClientState(clientIds.incrementAndGet(), users.defaultUser(), false, keys, account, onSignIn,
        databases, ClientConnection.NONE);
  }

  /**
   * As {@link #newClient(Function, ConnectionMemory, Runnable)}, for a connection that {@code CLIENT LIST}
   * shows and {@code CLIENT KILL} closes, until {@link #closed} is called with its state.
   */
  public ClientState newClient(Function<byte[], String> keys, ConnectionMemory account, Runnable onSignIn,
      ClientConnection connection) {
    ClientState client = new ClientState(clientIds.incrementAndGet(), users.defaultUser(), false, keys, account,
        onSignIn, databases, connection);
    clients.put(client.id(), client);
    return client;
  }

  /** The connection of {@code client} has closed: it is no longer listed, and its transaction and watches end. */
  public void closed(ClientState client) {
    clients.remove(client.id());
    blocked.unblock(client, null);
    monitors.closed(client);
    pubSub.unsubscribeAll(client);
    transactions.end(client);
    tracking.closed(client);
  }

  /**
   * Returns the state shared by the connections of a protocol whose codec signs them in itself (the text
   * protocol's {@code AuthGate}) and whose commands change no connection state, with keys mapped by
   * {@code keys}, named by {@code connection}'s address in {@code MONITOR} lines ({@link ClientConnection#NONE}).
   */
  public ClientState signedInClient(Function<byte[], String> keys, ClientConnection connection) {
    return new ClientState(clientIds.incrementAndGet(), users.defaultUser(), true, keys, ConnectionMemory.NONE,
        () -> { }, databases, connection);
  }

  /** The store the operations run against, before their size checks and lease ends (for reports). */
  public BlinkStore store() {
    return store;
  }

  /** The server's snapshots, which the server starts with its settings ({@code --snapshot}) and closes. */
  public SnapshotService snapshots() {
    return snapshots;
  }

  /** The counters the dispatcher counts commands in. */
  public ServerCounters counters() {
    return counters;
  }

  /**
   * How long {@code args} must wait before it runs ({@code CLIENT PAUSE}), in nanoseconds; 0: now. As in Redis,
   * a command refused at once (unknown, wrong arity, not signed in) is not held, and in {@code WRITE} mode only
   * writes are: commands flagged {@code WRITE}, and {@code EXEC} of a transaction that queued one.
   */
  public long pauseNanos(ClientState client, byte[][] args) {
    if (!paused()) {
      return 0; // no pause: one volatile read
    }
    CommandSpec spec = table.find(args[0]);
    if (spec != null && spec.subcommands() != null && args.length > 1) {
      spec = spec.subcommands().find(args[1]);
    }
    if (spec == null || refusal(spec, client, args, false) != null) {
      return 0;
    }
    Transaction transaction = client.transaction();
    boolean write = spec.has(CommandFlag.WRITE) || spec.name().equals("exec") && transaction != null
        && transaction.commands().stream().anyMatch(queued -> queued.spec().has(CommandFlag.WRITE));
    return pause.waitNanos(write);
  }

  /** Whether a {@code CLIENT PAUSE} holds some commands now. */
  public boolean paused() {
    return pause.waitNanos(true) > 0;
  }

  /** Runs {@code wake} if {@code CLIENT UNPAUSE} lifts the pause, until {@link #forgetWake}. */
  public void wakeOnUnpause(Runnable wake) {
    pause.wakeOnUnpause(wake);
  }

  /** Drops a wake-up given to {@link #wakeOnUnpause}. */
  public void forgetWake(Runnable wake) {
    pause.forget(wake);
  }

  /** Returns the result of {@code args} ({@code args[0]} the command's name); never throws for bad input. */
  public Result dispatch(ClientState client, byte[][] args) {
    return tracking.dispatch(client, args, counted); // its invalidations to its own connection follow its reply
  }

  /** Counts {@code reply} in {@code INFO errorstats} if it is an error (a protocol error, a later reply's). */
  public void countError(@Nullable Object reply) {
    if (reply instanceof Result result) {
      counters.errors().count(result);
    }
  }

  private Result run(ClientState client, byte[][] args) {
    counters.commandExecuted();
    CommandSpec spec = table.find(args[0]);
    if (spec != null && spec.subcommands() != null && args.length > 1) {
      spec = spec.subcommands().find(args[1]);
      if (spec == null) {
        client.running(null);
        return RespTransactionCommands.refused(client, UnknownCommands.unknownSubcommand(args));
      }
    }
    client.running(spec == null ? null : spec.name(), args);
    if (spec == null) {
      return RespTransactionCommands.refused(client, UnknownCommands.unknownCommand(args));
    }
    Result refusal = refusal(spec, client, args, true);
    if (refusal != null) {
      spec.calls().reject();
      return spec.name().equals("exec") && client.transaction() != null
          ? transactions.abort(client, refusal) : RespTransactionCommands.refused(client, refusal);
    }
    Result busy = scripts.busy(spec);
    if (busy != null) {
      spec.calls().reject();
      return spec.name().equals("exec") && client.transaction() != null
          ? transactions.abort(client, busy) : RespTransactionCommands.refused(client, busy);
    }
    if (client.transaction() != null && !RespTransactionCommands.runsAtOnce(spec)) {
      return transactions.queue(client, spec, args);
    }
    Result result = transactions.ungated(spec) ? call(spec, client, args)
        : transactions.exclusive(spec, args) || replication.gates(spec) ? exclusive(spec, client, args)
        : gated(spec, client, args);
    spec.calls().ran(result);
    counters.ran(spec, result);
    monitors.feed(spec, client, args);
    blocked.serveReady(); // the clients this command's writes serve, before its own reply (as Redis)
    return result;
  }

  /**
   * Why {@code spec} may not run now, or {@code null}: arity, sign-in, the user's permissions (a refusal logged
   * if {@code log}), the heap guard (for every command queued in a transaction, as in Redis, since queueing takes
   * memory too, and for an {@code EXEC} of a transaction that queued a {@code DENYOOM} command).
   */
  private @Nullable Result refusal(CommandSpec spec, ClientState client, byte[][] args, boolean log) {
    if (!spec.arityFits(args.length)) {
      return wrongArity(spec.name());
    }
    Result protectedCommand = debug.refusal(spec, client, args); // after arity, before sign-in, as Redis
    if (protectedCommand != null) {
      return protectedCommand;
    }
    if (client.signedOut() && !spec.has(CommandFlag.NO_AUTH)) {
      return NOAUTH;
    }
    boolean queued = client.transaction() != null && !RespTransactionCommands.runsAtOnce(spec);
    AclLog.Context context = client.transaction() != null ? AclLog.Context.MULTI : AclLog.Context.TOPLEVEL;
    Result denied = acl.refusal(client, spec, args, context, log);
    if (denied != null) {
      return denied;
    }
    Result.Error outOfMemory = this.outOfMemory.refusal();
    if (outOfMemory != null && (queued || spec.has(CommandFlag.DENYOOM)
        || RespTransactionCommands.execOfDenyoom(spec, client) || scripts.denyoom(spec, args))) {
      return outOfMemory;
    }
    Result roleRefusal = role.refusal(spec, client, args); // NOREPLICAS, READONLY, MASTERDOWN, LOADING
    return roleRefusal != null ? roleRefusal : PubSubCommands.refusal(spec, client);
  }

  /**
   * Runs {@code spec} with the gate held shared, its reply's stored values copied before it is released. While an
   * exclusive holder has the gate, it waits for it in slices, asking between them whether a script holds it past
   * {@code busy-reply-threshold} ({@code -BUSY} then): a command that passed the busy check just before a script
   * took the gate must not wait for the script's end, which may never come.
   */
  private Result gated(CommandSpec spec, ClientState client, byte[][] args) {
    // Only with a gate: transactions.ungated(spec) is true for every command when there is none.
    Isolation isolation = Objects.requireNonNull(this.isolation, "gated only with a gate");
    long stamp = isolation.tryEnter(0);
    while (stamp == 0) {
      Result busy = scripts.busy(spec);
      if (busy != null) {
        return busy;
      }
      if (spec.has(CommandFlag.ALLOW_BUSY) && scripts.busyNow()) {
        return ScriptRunner.BUSY; // WATCH, which reads the store: never wait for a script that may not end
      }
      stamp = isolation.tryEnter(GATE_SLICE_NANOS);
    }
    if (replication.gates(spec)) { // a replica attached since run() asked: this write must be in its stream
      isolation.exit(stamp);
      return exclusive(spec, client, args);
    }
    try {
      Result result = call(spec, client, args);
      return result instanceof Result.Array ? RespTransactionCommands.whole(result) : result;
    } finally {
      isolation.exit(stamp);
    }
  }

  /**
   * Runs {@code spec} with the gate held exclusive: no other command, of any client, runs meanwhile (a one-command
   * {@code EXEC}: {@code RENAME}, {@code COPY}, {@code MSETNX}); {@code -BUSY} if a script took the turn first and
   * runs past {@code busy-reply-threshold}.
   */
  private Result exclusive(CommandSpec spec, ClientState client, byte[][] args) {
    Isolation gate = Objects.requireNonNull(isolation, "a store without a gate runs every command ungated");
    Result result = turn.tryRun(scripts::busyNow, () -> gate.atomically(view -> replication.ran(spec, client, args, call(spec, client, args))));
    return result == null ? ScriptRunner.BUSY : result;
  }

  /**
   * Runs a command an {@code EXEC} dequeued (unless its user may no longer run it) or a script called, under the gate
   * they hold; MONITOR sees it then, as in Redis.
   */
  private Result runQueued(CommandSpec spec, ClientState client, byte[][] args) {
    Result denied = client.scripted() ? null : acl.refusalAtExec(client, spec, args);
    if (denied != null) {
      return denied;
    }
    Result result = replication.ran(spec, client, args, call(spec, client, args));
    spec.calls().ran(result);
    counters.ran(spec, result);
    counters.errors().count(result); // each error of an EXEC's reply, each of a script's commands, as Redis
    monitors.feed(spec, client, args);
    return result;
  }

  private Result call(CommandSpec spec, ClientState client, byte[][] args) {
    try {
      return tracking.run(spec, client, args); // the operation, remembering the keys a tracking client reads
    } catch (RuntimeException e) {
      return StoreFailures.reply(spec.name(), e);
    }
  }

  /** The number of (top-level) commands, for {@code COMMAND COUNT}. */
  int count() {
    return table.count();
  }

  /** Returns {@code -ERR wrong number of arguments for '<name>' command}. */
  static Result wrongArity(String name) {
    return Result.error("wrong number of arguments for '" + name + "' command");
  }
}
