package io.blinkstore.server.command;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's link to its primary (Redis 7.0's {@code replication.c}, replica side), on one daemon thread of its own
 * with a plain blocking socket, off every event loop: the exchange is one sequence (handshake, payload, stream), the
 * payload and the stream are applied through the {@link Dispatcher}, whose commands may wait for the store's gate
 * (which an event loop must not), and one thread is all one link needs. While the server follows a primary the
 * thread connects, and again one second after each failure (Redis's {@code replicationCron}):
 * {@code PING}, {@code AUTH [masteruser] masterauth} if {@code masterauth} is set, {@code REPLCONF listening-port},
 * {@code REPLCONF capa eof capa psync2}, {@code PSYNC ? -1} (no backlog is kept here, so always a full sync), then
 * the RDB ({@code $<length>} or diskless {@code $EOF:<mark>}), written to a file as it comes ({@link ReceivedRdb}),
 * checked whole, then loaded in place of every database and function library ({@link FullSyncLoad}, while other
 * clients' commands without the {@code loading} flag get {@code -LOADING}), then the command stream, each command
 * run as the primary's client (never refused for the replica's read-only state; its replies go nowhere, an error
 * among them is logged, the first {@value #MAX_LOGGED_ERRORS} of a sync, and counted in {@code INFO}'s
 * {@code unexpected_error_replies}, as Redis counts it). The offset counts the stream's bytes as Redis's does;
 * {@code REPLCONF GETACK} is answered {@code REPLCONF ACK <offset>}, and an ACK goes every second anyway (a second
 * thread, which only writes).
 *
 * <p><b>Bounds.</b> The RDB may be as long as the store's memory limit (and the disk's free space), and is written
 * to its file as it comes (no buffer made for a length only claimed); a longer one fails the sync with a log line,
 * and so does a dataset the heap cannot hold ({@link FullSyncLoad}). A stream command has at most
 * {@link #MAX_ARGUMENTS} arguments of at most {@link #MAX_BULK} bytes each, and a line at most
 * {@link ReplicationInput#MAX_LINE} bytes: anything else from the primary closes the link, which reconnects.
 * Nothing the primary sends can stop the thread or reach an event loop: even an {@link Error} in the thread (a
 * stack overflow) ends only the session, and the link tries again a second later.
 */
final class PrimaryLink {
  private static final Logger log = LoggerFactory.getLogger(PrimaryLink.class);

  /** How long the link waits between two attempts, as Redis's {@code replicationCron}'s period. */
  static final long RETRY_MILLIS = 1000;
  /** The most arguments one stream command has (Redis's multibulk limit). */
  static final int MAX_ARGUMENTS = 1024 * 1024;
  /** The longest argument of a stream command: Redis's {@code proto-max-bulk-len}. */
  static final long MAX_BULK = 512L << 20;
  private static final int CHUNK = 64 * 1024;
  private static final int MARK = 40;
  private static final int MAX_LOGGED_ERRORS = 10;

  /**
   * The sessions failed since the last good sync or change of primary (the link's thread only): the first is logged
   * at WARN, the others at DEBUG, so a primary that stays down is one line, not one a second.
   */
  private long failures;
  /** How many failures were logged at WARN ({@link #failuresLogged}). */
  private volatile long failuresLogged;

  private final Supplier<ClientState> newClient;
  private final BiFunction<ClientState, byte[][], Result> dispatch;
  private final Consumer<ClientState> closed;
  private final Replication replication;
  private final IntSupplier listeningPort;
  private final LongSupplier memoryLimit;
  private final LongSupplier timeoutSeconds;
  private final HeapGuard heap;
  private final ErrorStats errors;

  private volatile ReplicaRole.State state = ReplicaRole.State.NONE;
  /** The client the primary's commands run as, while a session holds the link. */
  private volatile @Nullable ClientState primary;
  private volatile boolean loading;
  /** The offset of the stream applied (Redis's {@code reploff}). */
  private volatile long offset;
  private volatile long lastIoMillis;
  /** When the link last went down after being up (0: never up since following this primary). */
  private volatile long downSinceMillis;
  private volatile @Nullable String password;
  private volatile @Nullable String user;

  // Guarded by this.
  private ReplicaRole.@Nullable Target target;
  private long generation;
  private @Nullable Socket socket;
  private @Nullable OutputStream out;
  private @Nullable Thread thread;
  private @Nullable ScheduledExecutorService acks;

  PrimaryLink(Supplier<ClientState> newClient, BiFunction<ClientState, byte[][], Result> dispatch,
      Consumer<ClientState> closed, Replication replication, IntSupplier listeningPort, LongSupplier memoryLimit,
      LongSupplier timeoutSeconds, HeapGuard heap, ErrorStats errors) {
    this.newClient = newClient;
    this.dispatch = dispatch;
    this.closed = closed;
    this.replication = replication;
    this.listeningPort = listeningPort;
    this.memoryLimit = memoryLimit;
    this.timeoutSeconds = timeoutSeconds;
    this.heap = heap;
    this.errors = errors;
  }

  void password(String value) {
    password = value.isEmpty() ? null : value;
  }

  void user(String value) {
    user = value.isEmpty() ? null : value;
  }

  ReplicaRole.State state() {
    return state;
  }

  boolean loading() {
    return loading;
  }

  /**
   * Whether {@code client} is the primary's, or its script's (the same id): its commands are never refused for this
   * server's role.
   */
  boolean isPrimary(ClientState client) {
    ClientState now = primary;
    return now != null && client.id() == now.id();
  }

  long offset() {
    return offset;
  }

  /** {@code ROLE}'s offset: the stream's while connected, -1 without a primary's client (Redis's). */
  long primaryOffset() {
    return state == ReplicaRole.State.CONNECTED ? offset : -1;
  }

  long lastIoSecondsAgo() {
    return state == ReplicaRole.State.CONNECTED ? (System.currentTimeMillis() - lastIoMillis) / 1000 : -1;
  }

  long downSinceSeconds() {
    long since = downSinceMillis;
    return since == 0 ? -1 : (System.currentTimeMillis() - since) / 1000;
  }

  /** The offset before the first sync: the server's own stream's, as Redis's cached master of itself. */
  void startOffset(long offset) {
    this.offset = offset;
  }

  /** Follows {@code next} from now on: the link to another primary, if any, ends. */
  synchronized void follow(ReplicaRole.Target next) {
    target = next;
    generation++;
    state = ReplicaRole.State.CONNECT;
    closeSocket();
    if (thread == null) {
      Thread link = new Thread(this::run, "blink-replica-link");
      link.setDaemon(true);
      thread = link;
      link.start();
    }
    if (acks == null) {
      ScheduledExecutorService every = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread acking = new Thread(runnable, "blink-replica-acks");
        acking.setDaemon(true);
        return acking;
      });
      acks = every;
      every.scheduleWithFixedDelay(this::ack, 1, 1, TimeUnit.SECONDS);
    }
    notifyAll();
  }

  /** Follows nothing: the link ends, its thread too. */
  synchronized void stop() {
    target = null;
    generation++;
    state = ReplicaRole.State.NONE;
    downSinceMillis = 0;
    closeSocket();
    if (acks != null) {
      acks.shutdownNow();
      acks = null;
    }
    notifyAll();
  }

  private void closeSocket() {
    Socket open = socket;
    socket = null;
    out = null;
    if (open != null) {
      try {
        open.close();
      } catch (IOException e) {
        log.debug("closing the link to the primary", e);
      }
    }
  }

  private void run() {
    while (true) {
      ReplicaRole.Target following;
      long session;
      synchronized (this) {
        following = target;
        session = generation;
        if (following == null) {
          thread = null;
          return;
        }
      }
      try {
        session(following, session);
      } catch (IOException | RuntimeException e) {
        if (current(session) && (failures++ == 0 || log.isDebugEnabled())) {
          failuresLogged++;
          log.warn("replication from {}:{} failed, trying again every second: {}", following.host(),
              following.port(), e instanceof ReplicationInput.Refused ? e.getMessage() : e.toString());
        }
      } catch (Error e) { // a stack overflow, say: the thread must live on, or REPLICAOF's +OK would connect never
        log.error("replication from {}:{} failed, trying again every second", following.host(), following.port(),
            e);
      } finally {
        ended(session);
      }
      synchronized (this) {
        if (session == generation) {
          try {
            wait(RETRY_MILLIS);
          } catch (InterruptedException e) {
            thread = null;
            Thread.currentThread().interrupt();
            return;
          }
        } else {
          failures = 0; // another primary, or none: its first failure is news
        }
      }
    }
  }

  /** How many of the link's failed sessions were logged at WARN: the first after each good sync or new primary. */
  long failuresLogged() {
    return failuresLogged;
  }

  private synchronized boolean current(long session) {
    return session == generation;
  }

  private synchronized boolean current(long session, ReplicaRole.State next) {
    if (session != generation) {
      return false;
    }
    state = next;
    return true;
  }

  /** A session ended: its primary's client is closed (its transaction, if any, with it), the link is down. */
  private void ended(long session) {
    ClientState client;
    synchronized (this) {
      client = primary;
      primary = null;
      loading = false;
      if (session == generation) {
        if (state == ReplicaRole.State.CONNECTED) {
          downSinceMillis = System.currentTimeMillis();
        }
        state = ReplicaRole.State.CONNECT;
        closeSocket();
      }
    }
    if (client != null) {
      closed.accept(client);
    }
  }

  private void session(ReplicaRole.Target following, long session) throws IOException {
    Socket link = new Socket();
    synchronized (this) {
      if (session != generation) {
        link.close();
        return;
      }
      socket = link;
      state = ReplicaRole.State.CONNECTING;
    }
    int timeout = (int) Math.min(Integer.MAX_VALUE, timeoutSeconds.getAsLong() * 1000);
    link.connect(new InetSocketAddress(following.host(), following.port()), timeout);
    link.setSoTimeout(timeout);
    link.setTcpNoDelay(true);
    ReplicationInput in = new ReplicationInput(new BufferedInputStream(link.getInputStream(), CHUNK));
    OutputStream output = link.getOutputStream();
    synchronized (this) {
      if (!current(session, ReplicaRole.State.HANDSHAKE)) {
        return;
      }
      out = output;
    }
    lastIoMillis = System.currentTimeMillis();
    handshake(in);
    String reply = exchange(in, "PSYNC", "?", "-1");
    String[] parts = reply.split(" ");
    if (parts.length != 3 || !parts[0].equals("+FULLRESYNC") || parts[1].length() != MARK) {
      throw new ReplicationInput.Refused("the primary answered PSYNC with " + ReplicationInput.shortened(reply));
    }
    long startOffset;
    try {
      startOffset = Long.parseLong(parts[2]);
    } catch (NumberFormatException e) {
      throw new ReplicationInput.Refused("the primary answered PSYNC with " + ReplicationInput.shortened(reply));
    }
    if (!current(session, ReplicaRole.State.SYNC)) {
      return;
    }
    long bound = Math.min(memoryLimit.getAsLong(), Integer.MAX_VALUE - 64);
    ClientState client;
    RdbImport.@Nullable Counts counts;
    try (ReceivedRdb rdb = in.payload(bound)) {
      client = newClient.get();
      synchronized (this) {
        if (session != generation) {
          return;
        }
        primary = client;
      }
      String from = following.host() + ":" + following.port();
      try {
        counts = new FullSyncLoad(client, dispatch, heap, () -> current(session), from, () -> loading = true)
            .load(rdb.bytes(), bound);
      } finally {
        loading = false;
      }
    }
    if (counts == null) {
      return;
    }
    synchronized (this) { // as one step with stop(): a REPLICAOF NO ONE now must not be undone by the adoption
      if (session != generation) {
        return;
      }
      replication.adopt(parts[1], startOffset);
      offset = startOffset;
      state = ReplicaRole.State.CONNECTED;
    }
    failures = 0; // a good sync: the next failure is news, logged at WARN as the first was
    log.info("MASTER <-> REPLICA sync with {}:{}: {} keys and {} function libraries loaded, {} dropped (streams, "
        + "module values)", following.host(), following.port(), counts.keys(), counts.libraries(), counts.dropped());
    ack();
    stream(in, client, session);
  }

  private void handshake(ReplicationInput in) throws IOException {
    String pong = exchange(in, "PING");
    if (pong.startsWith("-") && !pong.startsWith("-NOAUTH") && !pong.startsWith("-NOPERM")
        && !pong.startsWith("-ERR operation not permitted")) {
      throw new ReplicationInput.Refused("the primary answered PING with " + ReplicationInput.shortened(pong));
    }
    String secret = password;
    if (secret != null) {
      String name = user;
      String auth = name == null ? exchange(in, "AUTH", secret) : exchange(in, "AUTH", name, secret);
      if (auth.startsWith("-")) {
        throw new ReplicationInput.Refused("unable to AUTH to the primary: " + ReplicationInput.shortened(auth));
      }
    }
    exchange(in, "REPLCONF", "listening-port", Integer.toString(listeningPort.getAsInt()));
    exchange(in, "REPLCONF", "capa", "eof", "capa", "psync2"); // an error here is not critical, as in Redis
  }

  /** Sends a command and reads its one-line reply. */
  private String exchange(ReplicationInput in, String... command) throws IOException {
    byte[][] args = new byte[command.length][];
    for (int i = 0; i < command.length; i++) {
      args[i] = command[i].getBytes(StandardCharsets.UTF_8);
    }
    write(args);
    String line = in.line();
    while (line.isEmpty()) {
      line = in.line(); // a primary's keep-alive newline
    }
    lastIoMillis = System.currentTimeMillis();
    return line;
  }

  private void write(byte[][] command) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ReplicationWire.encode(bytes, command);
    OutputStream to;
    synchronized (this) {
      to = out;
    }
    if (to == null) {
      throw new IOException("the link is closed");
    }
    synchronized (to) {
      to.write(bytes.toByteArray());
      to.flush();
    }
  }

  /** {@code REPLCONF ACK <offset>} on the link, if it is up: every second, and after a sync. */
  private void ack() {
    if (state != ReplicaRole.State.CONNECTED) {
      return;
    }
    try {
      write(new byte[][] {ascii("REPLCONF"), ascii("ACK"), ascii(Long.toString(offset))});
    } catch (IOException e) {
      log.debug("acknowledging to the primary", e); // the link's thread sees the socket fail too
    }
  }

  /** Applies the primary's commands until the link fails or the server stops following it. */
  private void stream(ReplicationInput in, ClientState client, long session) throws IOException {
    long failed = 0;
    long bound = Math.min(memoryLimit.getAsLong(), Integer.MAX_VALUE);
    while (true) {
      long before = in.count();
      byte[][] args = in.command(bound);
      lastIoMillis = System.currentTimeMillis();
      long size = in.count() - before;
      if (args.length >= 2 && Arguments.lowerCase(args[0]).equals("replconf")
          && Arguments.lowerCase(args[1]).equals("getack")) {
        write(new byte[][] {ascii("REPLCONF"), ascii("ACK"), ascii(Long.toString(offset))});
      } else if (args.length > 0) {
        if (!current(session)) {
          return; // REPLICAOF NO ONE, or another primary: this one's commands no longer apply
        }
        Result result = dispatch.apply(client, args);
        if (result instanceof Result.Error error) {
          errors.countUnexpected();
          if (failed++ < MAX_LOGGED_ERRORS) {
            log.warn("a command from the primary failed: {} (after {} of the stream's bytes)", error.line(),
                offset);
          }
        }
      }
      offset += size;
      replication.advance(size);
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
