package io.blinkstore.server;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Namespaces;
import io.blinkstore.server.command.Authenticator;
import io.blinkstore.server.command.HeapGuard;
import io.blinkstore.server.command.SnapshotFiles;
import io.blinkstore.server.command.SnapshotSettings;
import io.blinkstore.server.protocol.resp.RespDecoder;
import io.blinkstore.server.transport.ClientMemory;
import io.blinkstore.server.transport.MetricsEndpoint;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Configures a {@link BlinkServer}. Each option may be set once; bad values fail fast. Not thread-safe. */
public final class BlinkServerBuilder {
  @Nullable BlinkStore store;
  @Nullable InetSocketAddress tcp;
  @Nullable InetSocketAddress metrics;
  @Nullable Path unix;
  int maxLineBytes = -1;
  BlinkServer.@Nullable Transport transport;
  boolean respOnly;
  int maxConnections = BlinkServer.defaultMaxConnections();
  Duration idleTimeout = BlinkServer.DEFAULT_IDLE_TIMEOUT;
  Duration requestTimeout = BlinkServer.DEFAULT_REQUEST_TIMEOUT;
  Duration authTimeout = BlinkServer.DEFAULT_AUTH_TIMEOUT;
  long maxOutputBytes = BlinkServer.DEFAULT_MAX_OUTPUT_BYTES;
  int databases = Defaults.DATABASES;
  DebugCommandAccess debugCommand = DebugCommandAccess.NO;
  long maxClientMemory = BlinkServer.defaultMaxClientMemory();
  int maxKeyBytes = BlinkServer.DEFAULT_MAX_KEY_BYTES;
  int maxValueBytes = Integer.MAX_VALUE;
  long maxBulkBytes = RespDecoder.REDIS_MAX_BULK_BYTES;
  @Nullable String authToken;
  Set<PosixFilePermission> unixMode = BlinkServer.DEFAULT_UNIX_MODE;
  double heapThreshold = HeapGuard.DEFAULT_THRESHOLD;
  @Nullable HeapGuard heapGuard;
  Duration metricsDeadline = MetricsEndpoint.DEFAULT_DEADLINE;
  @Nullable Path snapshot;
  Duration snapshotInterval = SnapshotSettings.DEFAULT_INTERVAL;
  long snapshotWrites = SnapshotSettings.DEFAULT_WRITES;
  BlinkServer.CorruptSnapshot corruptSnapshot = BlinkServer.CorruptSnapshot.START_EMPTY;
  @Nullable SnapshotFiles snapshotFiles;
  /** The settings with a default that were set (each may be set once, as the others). */
  private final Set<String> given = new HashSet<>();

  BlinkServerBuilder() {}

  /** Sets the store to serve (required). The server does not close it. */
  public BlinkServerBuilder store(BlinkStore store) {
    requireUnset(this.store, "store");
    this.store = Objects.requireNonNull(store, "store");
    return this;
  }

  /**
   * Serves TCP on {@code address}; port 0 picks a free port ({@link BlinkServer#tcpAddress()} tells which).
   *
   * @throws IllegalArgumentException if the address is unresolved
   */
  public BlinkServerBuilder tcp(InetSocketAddress address) {
    requireUnset(tcp, "tcp");
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("tcp address is unresolved: " + address.getHostString());
    }
    this.tcp = address;
    return this;
  }

  /**
   * Serves Prometheus metrics over HTTP at {@code address}, path {@code /metrics}; port 0 picks a free port
   * ({@link BlinkServer#metricsAddress()} tells which). Off by default.
   *
   * @throws IllegalArgumentException if the address is unresolved
   */
  public BlinkServerBuilder metrics(InetSocketAddress address) {
    requireUnset(metrics, "metrics");
    Objects.requireNonNull(address, "address");
    if (address.isUnresolved()) {
      throw new IllegalArgumentException("metrics address is unresolved: " + address.getHostString());
    }
    this.metrics = address;
    return this;
  }

  /**
   * Serves a Unix domain socket at {@code path}, replacing a stale socket file there (one no server answers on);
   * anything else at the path makes {@link BlinkServer#start} fail and is left untouched.
   */
  public BlinkServerBuilder unix(Path path) {
    requireUnset(unix, "unix");
    this.unix = Objects.requireNonNull(path, "path");
    return this;
  }

  /**
   * Sets the longest request line accepted, in bytes without the line end; default
   * {@link BlinkServer#DEFAULT_MAX_LINE_BYTES}. A longer line is answered {@code ERROR line too long} and its
   * connection closed. The same bound applies to a RESP command's bulk strings, headers included; past it,
   * the command is answered {@code -ERR Protocol error: invalid bulk length} and its connection closed.
   *
   * @throws IllegalArgumentException if not positive
   */
  public BlinkServerBuilder maxLineBytes(int bytes) {
    setOnce("maxLineBytes");
    if (maxLineBytes != -1) {
      throw new IllegalStateException("maxLineBytes was already set to " + maxLineBytes);
    }
    if (bytes <= 0) {
      throw new IllegalArgumentException("maxLineBytes must be positive, but was " + bytes);
    }
    this.maxLineBytes = bytes;
    return this;
  }

  /**
   * Sets the most client connections open at once; default {@link BlinkServer#defaultMaxConnections()}. One more is
   * answered {@code ERROR max number of clients reached} ({@code -ERR ...} if it speaks RESP) and closed.
   *
   * @throws IllegalArgumentException if not positive
   */
  public BlinkServerBuilder maxConnections(int connections) {
    setOnce("maxConnections");
    this.maxConnections = requirePositive(connections, "maxConnections");
    return this;
  }

  /**
   * Closes a connection that sends nothing and takes none of its replies for {@code timeout}; {@link Duration#ZERO} (the default) never does.
   *
   * @throws IllegalArgumentException if negative
   */
  public BlinkServerBuilder idleTimeout(Duration timeout) {
    setOnce("idleTimeout");
    this.idleTimeout = requireNotNegative(timeout, "idleTimeout");
    return this;
  }

  /**
   * Closes a connection whose request (a text line or a RESP command) stays unfinished for {@code timeout}, as
   * a client sending a byte now and then would keep it; default {@link BlinkServer#DEFAULT_REQUEST_TIMEOUT};
   * {@link Duration#ZERO}: never.
   *
   * @throws IllegalArgumentException if negative
   */
  public BlinkServerBuilder requestTimeout(Duration timeout) {
    setOnce("requestTimeout");
    this.requestTimeout = requireNotNegative(timeout, "requestTimeout");
    return this;
  }

  /**
   * On a server with a token ({@link #authToken}), closes a connection that has not signed in {@code timeout}
   * after it was accepted; default {@link BlinkServer#DEFAULT_AUTH_TIMEOUT}; {@link Duration#ZERO}: never. Whatever this
   * is, a new connection that would pass {@link #maxConnections} closes the connection that has waited longest to
   * sign in, if any, rather than being refused, so that clients without the token cannot keep those with it out.
   *
   * @throws IllegalArgumentException if negative
   */
  public BlinkServerBuilder authTimeout(Duration timeout) {
    setOnce("authTimeout");
    this.authTimeout = requireNotNegative(timeout, "authTimeout");
    return this;
  }

  /**
   * Sets the most bytes of replies that may wait for one client (written, not yet read by it) before its
   * connection is closed; default {@link BlinkServer#DEFAULT_MAX_OUTPUT_BYTES}. It must exceed the largest reply
   * of a value under 1 MiB (in the text protocol its base64, 4/3 of its size): a connection asking for a larger one
   * is closed. A value of 1 MiB or more goes out in slices as the client reads, two of 64 KiB waiting at most. A
   * RESP {@code MGET} whose reply would be larger is refused with an error instead, before the reply is built.
   *
   * @throws IllegalArgumentException if not positive
   */
  public BlinkServerBuilder maxOutputBytes(long bytes) {
    setOnce("maxOutputBytes");
    if (bytes <= 0) {
      throw new IllegalArgumentException("maxOutputBytes must be positive, but was " + bytes);
    }
    this.maxOutputBytes = bytes;
    return this;
  }

  /**
   * Sets who may run {@code DEBUG}'s subcommands that stop expiry, sleep, reload or fill the server (Redis's
   * {@code enable-debug-command}); default {@link DebugCommandAccess#NO}, as Redis.
   */
  public BlinkServerBuilder enableDebugCommand(DebugCommandAccess access) {
    setOnce("enableDebugCommand");
    this.debugCommand = Objects.requireNonNull(access, "access");
    return this;
  }

  /**
   * Sets the number of logical databases RESP clients may {@code SELECT} (0 to {@code count - 1}), all in the one
   * store and its one memory limit; default {@value Defaults#DATABASES}, as Redis. The text protocol uses database 0.
   *
   * @throws IllegalArgumentException if not between 1 and 6,400
   */
  public BlinkServerBuilder databases(int count) {
    setOnce("databases");
    if (count < 1 || count > Namespaces.COUNT) {
      throw new IllegalArgumentException(
          "databases must be between 1 and " + Namespaces.COUNT + ", but was " + count);
    }
    this.databases = count;
    return this;
  }

  /**
   * Sets the most bytes all client connections together may hold, in their unfinished requests, requests held
   * back by backpressure, names and replies not yet read, as Redis's {@code maxmemory-clients}; default
   * {@link BlinkServer#defaultMaxClientMemory()}. When they hold more, the connections holding the most are closed,
   * biggest first, until they no longer do; each is logged at INFO and counted ({@code evicted_clients} in
   * {@code STATS} and {@code INFO}).
   *
   * @throws IllegalArgumentException if less than 128 KiB
   */
  public BlinkServerBuilder maxClientMemory(long bytes) {
    setOnce("maxClientMemory");
    this.maxClientMemory = ClientMemory.requireLimit(bytes);
    return this;
  }

  /**
   * Sets the longest key a write may store, in UTF-8 bytes (as {@code USAGE} counts it); default
   * {@link BlinkServer#DEFAULT_MAX_KEY_BYTES}. A write of a longer key is answered {@code ERROR key too long}
   * ({@code -ERR key too long} in RESP) and stores nothing; the connection stays usable.
   *
   * @throws IllegalArgumentException if not positive
   */
  public BlinkServerBuilder maxKeyBytes(int bytes) {
    setOnce("maxKeyBytes");
    this.maxKeyBytes = requirePositive(bytes, "maxKeyBytes");
    return this;
  }

  /**
   * Sets the largest value a write may store, in bytes; by default none of its own (the memory limit bounds
   * every value, {@link #maxLineBytes} a text protocol one). A write of a larger value is answered
   * {@code ERROR value too long} ({@code -ERR value too long} in RESP) and stores nothing; the connection stays
   * usable.
   *
   * @throws IllegalArgumentException if not positive
   */
  public BlinkServerBuilder maxValueBytes(int bytes) {
    setOnce("maxValueBytes");
    this.maxValueBytes = requirePositive(bytes, "maxValueBytes");
    return this;
  }

  /**
   * Sets the longest bulk string a RESP request may carry, in bytes; by default Redis's 512 MiB
   * ({@code proto-max-bulk-len}), within what {@code maxClientMemory} allows one request. A longer one is answered
   * {@code -ERR Protocol error: invalid bulk length (...)} before any of it is buffered, and the connection closed.
   * {@code serve} holds it to one G1 region under G1 before Java 21, which never moves a larger array.
   *
   * @throws IllegalArgumentException if not positive
   */
  public BlinkServerBuilder maxBulkBytes(long bytes) {
    setOnce("maxBulkBytes");
    if (bytes <= 0) {
      throw new IllegalArgumentException("maxBulkBytes must be positive, but was " + bytes);
    }
    this.maxBulkBytes = Math.min(bytes, RespDecoder.REDIS_MAX_BULK_BYTES);
    return this;
  }

  /**
   * Requires every connection to present {@code token} ({@code AUTH <token>}) before anything else is executed;
   * by default none is needed. Whitespace inside the token is kept as sent.
   *
   * @throws IllegalArgumentException if the token is empty, starts or ends with whitespace (the text protocol
   *     trims {@code AUTH}'s argument), or holds a line break (a text request ends there): no client could
   *     present such a token
   */
  public BlinkServerBuilder authToken(String token) {
    requireUnset(authToken == null ? null : "a token", "authToken");
    this.authToken = Authenticator.requirePresentable(Objects.requireNonNull(token, "token"));
    return this;
  }

  /** Sets the Unix socket file's permissions; default {@link BlinkServer#DEFAULT_UNIX_MODE} (0660). */
  public BlinkServerBuilder unixMode(Set<PosixFilePermission> mode) {
    setOnce("unixMode");
    this.unixMode = Set.copyOf(Objects.requireNonNull(mode, "mode"));
    return this;
  }

  /**
   * Refuses writes ({@code ERROR out of memory}) while more than {@code fraction} of the maximum heap is in use
   * after a garbage collection; reads go on. Default 0.90; 1.0 never refuses.
   *
   * @throws IllegalArgumentException unless {@code 0 < fraction <= 1}
   */
  public BlinkServerBuilder heapThreshold(double fraction) {
    setOnce("heapThreshold");
    this.heapThreshold = HeapGuard.requireThreshold(fraction);
    return this;
  }

  /** Closes each metrics connection {@code deadline} after its accept instead of 10 s: a seam for tests. */
  BlinkServerBuilder metricsDeadline(Duration deadline) {
    setOnce("metricsDeadline");
    this.metricsDeadline = requireNotNegative(deadline, "metricsDeadline");
    return this;
  }

  /** Uses {@code guard} instead of watching the JVM's collections: a seam for tests. */
  BlinkServerBuilder heapGuard(HeapGuard guard) {
    setOnce("heapGuard");
    this.heapGuard = Objects.requireNonNull(guard, "guard");
    return this;
  }

  /**
   * Keeps the store in a snapshot file at {@code path} across restarts (off by default): loaded at
   * {@link BlinkServer#start} before any socket binds, saved by a thread of its own every
   * {@link #snapshotInterval} if anything was written, once {@link #snapshotWrites} writes were made, on RESP
   * {@code SAVE} and {@code BGSAVE}, and at {@link BlinkServer#close}. The store must be the one
   * {@link BlinkStore#builder()} built (docs/operations.md, Snapshots).
   */
  public BlinkServerBuilder snapshot(Path path) {
    requireUnset(snapshot, "snapshot");
    this.snapshot = Objects.requireNonNull(path, "path");
    return this;
  }

  /**
   * Saves the snapshot this often if anything was written since the last save; default
   * {@link SnapshotSettings#DEFAULT_INTERVAL} (5 minutes).
   *
   * @throws IllegalArgumentException if not positive
   */
  public BlinkServerBuilder snapshotInterval(Duration interval) {
    setOnce("snapshotInterval");
    if (requireNotNegative(interval, "snapshotInterval").isZero()) {
      throw new IllegalArgumentException("snapshotInterval must be positive, but was " + interval);
    }
    this.snapshotInterval = interval;
    return this;
  }

  /**
   * Saves the snapshot once {@code writes} writes were made since the last save, at most once a minute (Redis's
   * {@code save 60 10000}); default {@link SnapshotSettings#DEFAULT_WRITES}; 0: never for a count.
   *
   * @throws IllegalArgumentException if negative
   */
  public BlinkServerBuilder snapshotWrites(long writes) {
    setOnce("snapshotWrites");
    if (writes < 0) {
      throw new IllegalArgumentException("snapshotWrites must not be negative, but was " + writes);
    }
    this.snapshotWrites = writes;
    return this;
  }

  /**
   * What {@link BlinkServer#start} does with a snapshot it cannot load (corrupt, truncated, of another version,
   * empty); default {@link BlinkServer.CorruptSnapshot#START_EMPTY}.
   */
  public BlinkServerBuilder snapshotOnCorrupt(BlinkServer.CorruptSnapshot choice) {
    setOnce("snapshotOnCorrupt");
    this.corruptSnapshot = Objects.requireNonNull(choice, "choice");
    return this;
  }

  /** Saves and loads through {@code files} instead of the store's snapshots: a seam for tests (a full disk). */
  BlinkServerBuilder snapshotFiles(SnapshotFiles files) {
    requireUnset(snapshotFiles, "snapshotFiles");
    this.snapshotFiles = Objects.requireNonNull(files, "files");
    return this;
  }

  /** The snapshot settings, or null without {@link #snapshot}. */
  @Nullable SnapshotSettings snapshotSettings() {
    return snapshot == null ? null : new SnapshotSettings(snapshot, snapshotInterval, snapshotWrites,
        corruptSnapshot == BlinkServer.CorruptSnapshot.REFUSE);
  }

  /**
   * Speaks only RESP, on every connection whatever its first byte: a first request may then be an inline command
   * ({@code PING}, {@code INFO} from {@code nc}), as on Redis's port, and the text protocol is not served. By default
   * a connection whose first byte is not {@code *} speaks the text protocol (docs/resp.md, "Choosing the protocol").
   */
  public BlinkServerBuilder respOnly() {
    setOnce("respOnly");
    this.respOnly = true;
    return this;
  }

  /** Chooses the transport; default {@link BlinkServer.Transport#AUTO}. */
  public BlinkServerBuilder transport(BlinkServer.Transport transport) {
    requireUnset(this.transport, "transport");
    this.transport = Objects.requireNonNull(transport, "transport");
    return this;
  }

  /**
   * Returns a server, not yet started.
   *
   * @throws IllegalStateException if no store, or neither a TCP address nor a Unix socket, was given, or a snapshot
   *     setting without {@link #snapshot}
   * @throws io.blinkstore.BlinkException if the epoll transport was asked for and is not available
   */
  public BlinkServer build() {
    if (store == null) {
      throw new IllegalStateException("a store is required");
    }
    if (snapshot == null && (given.contains("snapshotInterval") || given.contains("snapshotWrites")
        || given.contains("snapshotOnCorrupt"))) {
      throw new IllegalStateException("the snapshot interval, writes and on-corrupt settings need a snapshot path");
    }
    if (tcp == null && unix == null) {
      throw new IllegalStateException("at least one of a TCP address or a Unix socket path is required");
    }
    if (maxLineBytes == -1) {
      maxLineBytes = BlinkServer.DEFAULT_MAX_LINE_BYTES;
    }
    if (transport == null) {
      transport = BlinkServer.Transport.AUTO;
    }
    return new BlinkServer(this, store, transport);
  }

  private static int requirePositive(int value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, but was " + value);
    }
    return value;
  }

  private static Duration requireNotNegative(Duration value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, but was " + value);
    }
    return value;
  }

  /**
   * Fails if the setting {@code name}, one with a default, was set before: a second call would silently
   * overwrite the first, which is a mistake in the caller.
   */
  void setOnce(String name) {
    if (!given.add(name)) {
      throw new IllegalStateException(name + " was already set");
    }
  }

  private static void requireUnset(@Nullable Object current, String name) {
    if (current != null) {
      throw new IllegalStateException(name + " was already set to " + current);
    }
  }
}
