package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.ADMIN;
import static io.blinkstore.server.command.CommandFlag.ALLOW_BUSY;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.NO_ASYNC_LOADING;
import static io.blinkstore.server.command.CommandFlag.NO_MULTI;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.internal.Isolation;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The server as a primary that Redis replicas follow (issue 23): {@code SYNC} and {@code PSYNC} (always a full
 * resync: there is no backlog), {@code REPLCONF}, {@code ROLE}, and the replication stream,
 * Redis 7.0's bytes: after {@code +FULLRESYNC <replid> <offset>} (PSYNC only), the dataset as one RDB bulk
 * ({@link RdbFile}), then every write as Redis propagates it ({@link Propagation}), a {@code SELECT} before a write
 * of another database than the last, the writes of a transaction or a script wrapped in {@code MULTI}/{@code EXEC}
 * when there are more than one, and a {@code PING} every {@code repl-ping-replica-period} seconds.
 *
 * <p><b>Ordering.</b> The stream must be a serialization of the writes that agrees with the store. While a replica
 * is attached, every write runs holding the {@link ExclusiveTurn} and the store's gate exclusive (the dispatcher
 * sends a {@code WRITE} command down its exclusive path; {@code EXEC} and scripts hold both already), and adds what
 * it propagates to this section's list ({@link #ran}); the list is written to the replicas when the turn is released
 * ({@link #released}), before another writer can take it. So the order of the sections in the stream is the order
 * in which they held the gate exclusive, which is the order in which the store saw them. {@code SYNC} holds both
 * too: the RDB is the store between two sections, and the replica is added to the list in the same hold, so a write
 * is either in the RDB (its section ended before) or in the stream after it (it began after), never both or
 * neither. A write that took the gate shared checks {@link #gates} once it holds it: it either sees the replica (and
 * goes the exclusive way) or holds the gate before {@code SYNC} takes it exclusive (and is in the RDB). With no
 * replica attached, a write costs one volatile read more, and nothing is kept.
 *
 * <p><b>Bounds.</b> The RDB is built in memory up to {@link #MAX_REPLICA_PENDING_BYTES} (a larger dataset is refused
 * with an error); what waits for a replica on the wire is bounded by the same figure, Redis's hard
 * {@code client-output-buffer-limit} of replicas, and counted against {@code --max-client-memory}: a replica past
 * it is disconnected, as Redis disconnects it, never the heap.
 */
public final class Replication implements BlockedClients.Served {
  /** Redis's default {@code repl-ping-replica-period}, in seconds. */
  static final long DEFAULT_PING_SECONDS = 10;

  /** What may wait for one replica, the RDB included: Redis's hard output limit of replicas, 256 MB. */
  static final long MAX_REPLICA_PENDING_BYTES = 256L << 20;

  static final Result.Error NO_STORE = Result.error("replication needs the in-process store");
  private static final Result.Error CHAINED = Result.error(
      "this server is a replica: replicas of a replica (chained replication) are not built here");
  private static final Result.Error PSYNC_FAILOVER = Result.error("PSYNC FAILOVER can't be sent to a master.");

  private static final byte[][] PING = {ReplicationWire.ascii("ping")};

  /** One attached replica. */
  static final class Replica {
    final ClientState client;
    final String ip;
    volatile long port;
    volatile long acked;
    volatile long ackMillis = System.currentTimeMillis();

    Replica(ClientState client, String ip, long port) {
      this.client = client;
      this.ip = ip;
      this.port = port;
    }
  }

  /** A {@code WAIT} for {@code replicas} acknowledgements of {@code offset}. */
  private record Waiter(BlockedRequest request, long offset, long replicas) {}

  /** A write of a section, in database {@code db}. */
  private record Pending(int db, byte[][] args) {}

  /** The stream's id: random, a primary's once followed, new again after {@code REPLICAOF NO ONE} ({@link #shift}). */
  private volatile String replid = ReplicationWire.randomHex();
  private volatile String replid2 = "0".repeat(40);
  private volatile long secondOffset = -1;
  private @Nullable ReplicaRole role;
  private final List<Replica> replicas = new CopyOnWriteArrayList<>();
  private final List<Waiter> waiters = new CopyOnWriteArrayList<>();
  private final BlockedClients blocked;
  private final @Nullable Isolation isolation;
  /** Whether a script holds the turn past {@code busy-reply-threshold}: a serve then waits on another thread. */
  private BooleanSupplier busy = () -> false;
  /** The full syncs' file, null without the in-process store. */
  private final @Nullable FullSyncFile files;
  private final Propagation propagation;
  /** Whether a replica is attached: read by every write; written with the turn held. */
  private volatile boolean attached;
  /** The stream's offset: its bytes since the first full sync (Redis's {@code master_repl_offset}). */
  private volatile long offset;
  /** With the turn held: the database of the last write sent, -1 for none yet (a SELECT goes first then). */
  private int selected = -1;
  /** With the turn held: what the section that holds the turn propagates. */
  private final List<Pending> section = new ArrayList<>();
  /** With the turn held: the bytes of {@link #section}'s arguments, held to {@link #MAX_REPLICA_PENDING_BYTES}. */
  private long sectionBytes;
  /** With the turn held: the writes added to sections while replicas stayed attached (a full sync's file's age). */
  private long writes;
  private @Nullable ExclusiveTurn turn;
  private final ReplicaPings pings;

  Replication(@Nullable RdbFile rdb, Propagation propagation, ServerConfig config, BlockedClients blocked,
      @Nullable Isolation isolation, HeapGuard heap) {
    this.files = rdb == null ? null : new FullSyncFile(rdb, config, heap);
    this.blocked = blocked;
    this.isolation = isolation;
    blocked.replicated(this);
    this.propagation = propagation;
    this.pings = new ReplicaPings(config, () -> attached, this::ping);
  }

  /** The turn every write section holds while replicas are attached; the pings take it too. */
  void turn(ExclusiveTurn turn, BooleanSupplier busy) {
    this.turn = turn;
    this.busy = busy;
  }

  void register(CommandTable commands) {
    commands.add("sync", 1, Keys.NONE, this::sync, ADMIN, NOSCRIPT, NO_MULTI, NO_ASYNC_LOADING);
    commands.add("psync", -3, Keys.NONE, this::sync, ADMIN, NOSCRIPT, NO_MULTI, NO_ASYNC_LOADING);
    commands.add("replconf", -1, Keys.NONE, (client, args) -> ReplicationWire.replconf(client, args, this::acked),
        ADMIN, NOSCRIPT, LOADING, STALE, ALLOW_BUSY);
    commands.add("role", 1, Keys.NONE, this::role, NOSCRIPT, LOADING, STALE, FAST);
  }

  /** Whether {@code spec} must run on the exclusive path: a write while a replica is attached. */
  boolean gates(CommandSpec spec) {
    return attached && propagated(spec);
  }

  /** A write, or {@code PUBLISH}/{@code SPUBLISH}, which Redis sends its replicas too (forceCommandPropagation). */
  private static boolean propagated(CommandSpec spec) {
    return spec.has(CommandFlag.WRITE) || spec.name().equals("publish") || spec.name().equals("spublish");
  }

  /**
   * {@code spec} ran with {@code args} and answered {@code result}, the turn and the gate held: what it changed
   * joins the section, if a replica is attached. Returns {@code result}.
   */
  Result ran(CommandSpec spec, ClientState client, byte[][] args, Result result) {
    if (attached && propagated(spec) && client.replicated()) {
      for (byte[][] command : propagation.of(spec.name(), client, args, result)) {
        add(client.db(), command);
      }
    }
    return result;
  }

  @Override
  public boolean exclusive() {
    return attached;
  }

  /**
   * Runs {@code serve} (blocked clients served) as a write section, so that its pops are in the stream in the
   * store's order; if a script holds the turn past its threshold, on another thread, which waits for it.
   */
  @Override
  public void exclusively(Runnable serve) {
    ExclusiveTurn on = turn;
    Isolation gate = isolation;
    if (on == null || gate == null) {
      serve.run();
      return;
    }
    Supplier<Result> section = () -> gate.atomically(view -> {
      serve.run();
      return Result.OK;
    });
    if (on.tryRun(busy, section) == null) {
      ForkJoinPool.commonPool().execute(() -> on.await(section));
    }
  }

  /**
   * Runs {@code writes} (a {@code MIGRATE}'s deletes, on its thread, never an event loop: it waits for the turn as
   * long as it takes) holding the turn and the gate exclusive, attached or not (one may attach meanwhile): what it
   * returns joins the section, as Redis sends a {@code MIGRATE} as {@code DEL}.
   */
  @Override
  public void section(int db, Supplier<List<byte[][]>> writes) {
    ExclusiveTurn on = turn;
    Isolation gate = isolation;
    if (on == null || gate == null) {
      var unused = writes.get(); // no gate: no replication either
      return;
    }
    on.await(() -> gate.atomically(view -> {
      for (byte[][] command : writes.get()) {
        if (attached) {
          add(db, command);
        }
      }
      return Result.OK;
    }));
  }

  /** A blocked client was served {@code reply}: its pop joins the section, as Redis sends it. */
  @Override
  public void served(BlockedRequest request, Result reply) {
    byte[][] args = request.args();
    if (attached && args.length > 0) {
      ClientState client = request.client();
      for (byte[][] command : propagation.of(Arguments.lowerCase(args[0]), client, args, reply)) {
        add(client.db(), command);
      }
    }
  }

  /**
   * Adds a write to the section; a section past {@link #MAX_REPLICA_PENDING_BYTES} (a script that writes without
   * end) would pass every replica's bound once sent, so the replicas are disconnected at once instead, as Redis
   * disconnects them past their output limit, and nothing more is kept.
   */
  private void add(int db, byte[][] command) {
    for (byte[] arg : command) {
      sectionBytes += arg.length + 16;
    }
    writes++;
    if (sectionBytes > MAX_REPLICA_PENDING_BYTES) {
      dropReplicas();
      forgetFile();
      section.clear();
      sectionBytes = 0;
      return;
    }
    section.add(new Pending(db, command));
  }

  /**
   * The turn is being released: the section's writes go to every replica, wrapped in {@code MULTI}/{@code EXEC}
   * if more than one (a {@code SELECT} first if the first is of another database than the last sent).
   */
  void released() {
    if (section.isEmpty() || following()) {
      section.clear(); // a replica sends its own writes to nobody (Redis's replicationFeedSlaves)
      sectionBytes = 0;
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean wrapped = section.size() > 1;
    if (wrapped) {
      select(out, section.get(0).db());
      ReplicationWire.encode(out, new byte[][] {ReplicationWire.ascii("MULTI")});
    }
    for (Pending write : section) {
      select(out, write.db());
      ReplicationWire.encode(out, write.args());
    }
    if (wrapped) {
      ReplicationWire.encode(out, new byte[][] {ReplicationWire.ascii("EXEC")});
    }
    section.clear();
    sectionBytes = 0;
    send(out.toByteArray());
  }

  private void select(ByteArrayOutputStream out, int db) {
    if (db != selected) {
      ReplicationWire.encode(out,
          new byte[][] {ReplicationWire.ascii("SELECT"), ReplicationWire.ascii(Integer.toString(db))});
      selected = db;
    }
  }

  /** Sends {@code bytes} to every replica, with the turn held; a replica gone or past its bound is dropped. */
  private void send(byte[] bytes) {
    offset += bytes.length;
    for (Replica replica : replicas) {
      if (!replica.client.connection().stream(bytes, MAX_REPLICA_PENDING_BYTES)) {
        replicas.remove(replica);
      }
    }
    attached = !replicas.isEmpty();
    if (!attached) {
      forgetFile();
    }
  }

  /**
   * {@code SYNC} and {@code PSYNC replid offset}, run with the turn and the gate held exclusive: the connection
   * becomes a replica, gets {@code +FULLRESYNC} (PSYNC), the RDB of the store now, and the stream from here on.
   */
  private Result sync(ClientState client, byte[][] args) {
    if (client.replica()) {
      return Result.OK; // as Redis: a replica's SYNC is ignored (and a replica gets no reply)
    }
    boolean psync = Arguments.lowerCase(args[0]).equals("psync");
    if (psync && args.length > 3 && Arguments.lowerCase(args[3]).equals("failover")) {
      return PSYNC_FAILOVER; // Redis's check, before the offset's
    }
    if (psync && Arguments.integer(args[2]) == null) {
      return RespKeyCommands.NOT_AN_INTEGER; // Redis parses the offset before it decides on a full sync
    }
    FullSyncFile files = this.files;
    if (files == null) {
      return NO_STORE;
    }
    if (following()) {
      return CHAINED;
    }
    if (!attached) {
      files.forget(); // writes were not counted while no replica was attached
    }
    byte[] file;
    try {
      file = files.now(writes);
    } catch (RdbFile.TooLarge e) {
      return files.tooLarge();
    } catch (RdbFile.NoRoom e) {
      return FullSyncFile.NO_ROOM;
    }
    String header = "$" + file.length + "\r\n";
    if (psync) {
      header = "+FULLRESYNC " + replid + " " + offset + "\r\n" + header;
    }
    client.replica(true);
    Replica replica = new Replica(client, ReplicationWire.host(client.connection().address()), client.replicaPort());
    ClientConnection connection = client.connection();
    if (connection.stream(ReplicationWire.ascii(header), MAX_REPLICA_PENDING_BYTES)
        && connection.stream(file, MAX_REPLICA_PENDING_BYTES)) { // the file's bytes shared, not copied
      replicas.add(replica);
      attached = true;
      selected = -1; // as Redis: the next write selects its database, whatever the last one sent
      pings.start();
    }
    return Result.OK;
  }

  /** {@code ROLE}: {@code master}, the offset, and each replica's address, port and acknowledged offset. */
  private Result role(ClientState client, byte[][] args) {
    if (following()) {
      return Objects.requireNonNull(role, "following").role();
    }
    List<Result> attachedReplicas = new ArrayList<>();
    for (Replica replica : replicas) {
      attachedReplicas.add(new Result.Array(List.of(Result.bulk(replica.ip),
          Result.bulk(Long.toString(replica.port)), Result.bulk(Long.toString(replica.acked)))));
    }
    return new Result.Array(List.of(Result.bulk("master"), new Result.Int(offset),
        new Result.Array(attachedReplicas)));
  }

  /** The server's role, which says whether it follows a primary. */
  void role(ReplicaRole role) {
    this.role = role;
  }

  private boolean following() {
    return role != null && role.following();
  }

  /** A full sync from a primary loaded: its stream's id and offset are this server's, its own replicas dropped. */
  void adopt(String primaryReplid, long primaryOffset) {
    dropReplicas();
    replid = primaryReplid;
    offset = primaryOffset;
  }

  /** The primary's stream passed {@code bytes} more. */
  void advance(long bytes) {
    offset += bytes;
  }

  /** A primary again ({@code REPLICAOF NO ONE}): a new id, the old one second up to here, as Redis's. */
  void shift() {
    dropReplicas();
    replid2 = replid;
    secondOffset = offset + 1;
    replid = ReplicationWire.randomHex();
  }

  private void dropReplicas() {
    replicas.forEach(replica -> replica.client.connection().close());
    replicas.clear();
    attached = false;
  }

  /** How many replicas acknowledged within the last {@code maxLagSeconds} seconds. */
  int good(long maxLagSeconds) {
    long now = System.currentTimeMillis();
    return (int) replicas.stream().filter(replica -> (now - replica.ackMillis) / 1000 <= maxLagSeconds).count();
  }

  /** The lines of {@code INFO replication}. */
  List<String> infoLines() {
    ReplicaRole following = Objects.requireNonNull(role, "the role is set at start");
    List<String> lines = new ArrayList<>(following.infoLines());
    List<Replica> now = List.copyOf(replicas);
    lines.add("connected_slaves:" + now.size());
    lines.addAll(following.goodLines());
    long millis = System.currentTimeMillis();
    for (int i = 0; i < now.size(); i++) {
      Replica replica = now.get(i);
      lines.add("slave" + i + ":ip=" + replica.ip + ",port=" + replica.port + ",state=online,offset="
          + replica.acked + ",lag=" + (millis - replica.ackMillis) / 1000);
    }
    lines.addAll(List.of("master_failover_state:no-failover", "master_replid:" + replid,
        "master_replid2:" + replid2, "master_repl_offset:" + offset, "second_repl_offset:" + secondOffset,
        "repl_backlog_active:0", "repl_backlog_size:1048576", "repl_backlog_first_byte_offset:0",
        "repl_backlog_histlen:0"));
    return lines;
  }

  /** {@code request}, a {@code WAIT}, ends once {@code replicas} replicas acknowledge {@code offset}. */
  void await(BlockedRequest request, long offset, long replicas) {
    waiters.add(new Waiter(request, offset, replicas));
    wake(); // an ACK may have come between the count and now
  }

  /** Answers the {@code WAIT}s that have their acknowledgements; forgets those that ended otherwise. */
  private void wake() {
    for (Waiter waiter : waiters) {
      int acknowledged = acknowledged(waiter.offset());
      if (acknowledged >= waiter.replicas()) {
        blocked.end(waiter.request(), new Result.Int(acknowledged));
        waiters.remove(waiter);
      } else if (waiter.request().ended()) {
        waiters.remove(waiter);
      }
    }
  }

  /** The stream's offset now ({@code WAIT}'s target). */
  long offset() {
    return offset;
  }

  /** How many replicas have acknowledged at least {@code target}. */
  int acknowledged(long target) {
    int count = 0;
    for (Replica replica : replicas) {
      count += replica.acked >= target ? 1 : 0;
    }
    return count;
  }

  /** A {@code PING} in the stream, the turn held (from the pings' thread), if a replica is attached. */
  private void ping() {
    ExclusiveTurn on = turn;
    if (on != null && attached) {
      on.await(() -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ReplicationWire.encode(out, PING);
        send(out.toByteArray());
        return Result.OK;
      });
    }
  }

  private void forgetFile() {
    if (files != null) {
      files.forget();
    }
  }

  /** Stops the pings (the server closes). */
  void close() {
    pings.close();
  }

  /** {@code REPLCONF ACK offset} from {@code client}: what the replica has. */
  private void acked(ClientState client, long acked) {
    for (Replica replica : replicas) {
      if (replica.client == client) {
        replica.acked = Math.max(replica.acked, acked);
        replica.ackMillis = System.currentTimeMillis();
      }
    }
    wake();
  }
}
