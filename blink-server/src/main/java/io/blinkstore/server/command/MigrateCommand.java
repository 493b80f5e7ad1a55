package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.MOVABLEKEYS;
import static io.blinkstore.server.command.CommandFlag.WRITE;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Isolation;
import io.blinkstore.internal.Watches;
import io.blinkstore.server.command.CommandSpec.Keys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis 7.0's {@code MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE] [AUTH password | AUTH2
 * username password] [KEYS key ...]} ({@code migrateCommand} in {@code cluster.c}): moves keys to another Redis
 * (or Blink Store) as {@code DUMP} here and {@code RESTORE} there, the way to a Redis Cluster
 * ({@code redis-cli --cluster import}). Redis's parse and errors in its order, {@code +NOKEY} when no key exists.
 *
 * <p><b>What is sent.</b> The keys' payloads ({@link DumpCommands#payload}) and times to live (at least 1 ms) are
 * read in one step with the gate held exclusive, as {@code RESTORE} runs; each key is watched then
 * ({@link Watches}). The exchange ({@link MigrateTarget}) runs on a migration thread, never an event loop: the
 * caller's reply comes later ({@link LaterReply}) and its connection's later requests wait behind it, as Redis's
 * client waits; every other client is served meanwhile (Redis blocks them all). No connection is cached: each
 * {@code MIGRATE} connects, always sends {@code SELECT}, and closes.
 *
 * <p><b>What is deleted.</b> Without {@code COPY}, each key the target acknowledged is deleted here, with the gate
 * held exclusive, <em>unless it was written meanwhile</em> (its watch is dirty): that write is newer than the copy
 * on the target and is kept; the client is answered {@code +OK} all the same, and both servers hold the key.
 *
 * <p><b>Bounds.</b> The payloads of one {@code MIGRATE} are at most the output cap ({@code --max-output-bytes}), as
 * a {@code DUMP} reply is (refused past it with the same error); at most {@link #THREADS} migrations run at once
 * and {@link #QUEUED} more wait, so at most {@code (THREADS + QUEUED) x} the cap is held; one more is refused.
 * Inside {@code MULTI} and scripts (where Redis blocks the whole server for the exchange) it is refused.
 */
final class MigrateCommand {
  private static final Logger log = LoggerFactory.getLogger(MigrateCommand.class);
  /** Migrations that exchange with their targets at once. */
  static final int THREADS = 4;
  /** Migrations that wait for a thread; one more is refused. */
  static final int QUEUED = 12;

  private static final Result NOKEY = new Result.Simple("NOKEY");
  private static final Result.Error KEYS_NEED_EMPTY_KEY = Result.error(
      "When using MIGRATE KEYS option, the key argument must be set to the empty string");
  static final Result.Error CONNECTING =
      new Result.Error(ErrorKind.OTHER, "IOERR error or timeout connecting to the client");
  static final Result.Error WRITING =
      new Result.Error(ErrorKind.OTHER, "IOERR error or timeout writing to target instance");
  static final Result.Error READING =
      new Result.Error(ErrorKind.OTHER, "IOERR error or timeout reading to target instance");
  static final Result.Error CANNOT_WAIT = Result.error(
      "MIGRATE waits for its target, which a transaction, a script or this connection cannot: send it alone");
  static final Result.Error TOO_MANY = Result.error("too many MIGRATEs at once (" + (THREADS + QUEUED)
      + " running or waiting): try again later");

  private final DumpCommands dumps;
  private final BlinkStore store;
  private final Isolation isolation;
  private final long maxReplyBytes;
  private final ThreadPoolExecutor migrations;
  private final MigrateTarget target;
  private final BlockedClients sections;

  /**
   * Migrates what {@code dumps} dumps of {@code store} (the gate's view), deleting as a write section of
   * {@code sections}' replication (their {@code DEL} sent to the replicas), watching keys with {@code isolation}.
   */
  MigrateCommand(DumpCommands dumps, BlinkStore store, Isolation isolation, long maxReplyBytes,
      BlockedClients sections) {
    this.dumps = dumps;
    this.store = store;
    this.isolation = isolation;
    this.sections = sections;
    this.maxReplyBytes = maxReplyBytes;
    this.migrations = new ThreadPoolExecutor(THREADS, THREADS, 10, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(QUEUED), daemons("blink-migrate-"));
    migrations.allowCoreThreadTimeOut(true);
    ScheduledThreadPoolExecutor watchdog = new ScheduledThreadPoolExecutor(1, daemons("blink-migrate-watchdog-"));
    watchdog.setKeepAliveTime(10, TimeUnit.SECONDS); // no thread kept while no MIGRATE writes
    watchdog.allowCoreThreadTimeOut(true);
    watchdog.setRemoveOnCancelPolicy(true);
    this.target = new MigrateTarget(watchdog);
  }

  private static ThreadFactory daemons(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  void register(CommandTable commands) {
    commands.add("migrate", -6, new Keys(3, 3, 1), this::migrate, WRITE, MOVABLEKEYS);
  }

  /** One key to move: its name as sent, as stored here, its time to live (0: none), payload and watch. */
  private record Moving(byte[] name, String key, long ttlMillis, byte[] payload, Watches.Watcher watch) {}

  /**
   * What the exchange needs, as parsed, and its {@code client}, whose database stays {@code sourceDb} (its later
   * requests wait for the reply).
   */
  private record Request(String host, @Nullable Integer port, long db, int timeoutMillis, boolean copy,
      boolean replace, byte @Nullable [] username, byte @Nullable [] password, int sourceDb, ClientState client) {}

  private Result migrate(ClientState client, byte[][] args) {
    boolean copy = false;
    boolean replace = false;
    byte[] username = null;
    byte[] password = null;
    int firstKey = 3;
    int keyCount = 1;
    for (int j = 6; j < args.length; j++) {
      int more = args.length - 1 - j;
      String option = Arguments.lowerCase(args[j]);
      if (option.equals("copy")) {
        copy = true;
      } else if (option.equals("replace")) {
        replace = true;
      } else if (option.equals("auth") && more >= 1) {
        password = args[++j];
      } else if (option.equals("auth2") && more >= 2) {
        username = args[++j];
        password = args[++j];
      } else if (option.equals("keys")) {
        if (args[3].length != 0) {
          return KEYS_NEED_EMPTY_KEY;
        }
        firstKey = j + 1;
        keyCount = args.length - j - 1;
        break;
      } else {
        return RespKeyCommands.SYNTAX_ERROR;
      }
    }
    Long timeout = Arguments.integer(args[5]);
    Long db = Arguments.integer(args[4]);
    if (timeout == null || db == null) {
      return RespKeyCommands.NOT_AN_INTEGER;
    }
    if (client.transaction() != null || !client.mayBlock()) {
      return CANNOT_WAIT;
    }
    List<Moving> moving = new ArrayList<>();
    long bytes = 0;
    for (int i = firstKey; i < firstKey + keyCount; i++) {
      String key = client.key(args[i]);
      byte[] payload;
      try {
        payload = dumps.payload(key);
      } catch (DumpCommands.Refused e) {
        moving.forEach(m -> isolation.watches().unwatchAll(m.watch()));
        return e.error;
      }
      Duration left = store.ttl(key);
      if (payload == null || left == null) {
        continue;
      }
      bytes += payload.length + args[i].length;
      if (bytes > maxReplyBytes) {
        moving.forEach(m -> isolation.watches().unwatchAll(m.watch()));
        return RespKeyCommands.replyTooLarge(bytes, maxReplyBytes);
      }
      long ttl = left.equals(BlinkStore.NO_EXPIRY) ? 0 : Math.max(1, left.toMillis());
      Watches.Watcher watch = new Watches.Watcher();
      isolation.watches().watch(watch, key, true);
      moving.add(new Moving(args[i], key, ttl, payload, watch));
    }
    if (moving.isEmpty()) {
      return NOKEY;
    }
    long millis = timeout <= 0 ? 1000 : Math.min(timeout, Integer.MAX_VALUE);
    Request request = new Request(Arguments.text(args[1]), port(args[2]), db, (int) millis, copy, replace, username,
        password, client.db(), client);
    ReplySlot later = new ReplySlot(); // given on the migration thread; the exchange holds itself to the timeout
    try {
      migrations.execute(() -> later.give(exchangeOrFail(request, moving)));
    } catch (RejectedExecutionException e) {
      moving.forEach(m -> isolation.watches().unwatchAll(m.watch()));
      return TOO_MANY;
    }
    client.pending(later.untimed()); // a closed caller: the migration goes on (its deletes too), unanswered
    return Result.OK; // not sent: the reply comes through the later reply
  }

  /** The port as Redis's {@code atoi} reads it for a connection: null (no connection) if it is not one. */
  private static @Nullable Integer port(byte[] argument) {
    Long port = Arguments.integer(argument);
    return port == null || port < 1 || port > 65535 ? null : (int) (long) port;
  }

  /** {@link #exchange}, or the error of a fault in it: the caller must be answered whatever happens. */
  private Result exchangeOrFail(Request request, List<Moving> moving) {
    try {
      return exchange(request, moving);
    } catch (RuntimeException e) {
      log.error("MIGRATE to {}:{} failed", request.host(), request.port(), e);
      return Result.error("MIGRATE failed: " + e);
    }
  }

  /** On a migration thread: the exchange, the deletes it allows, and the reply. */
  private Result exchange(Request request, List<Moving> moving) {
    try {
      if (request.port() == null) {
        return WRITING; // Redis's atoi makes it port 0 or another refused: its connect fails at the write
      }
      List<byte[][]> commands = new ArrayList<>();
      if (request.password() != null) {
        commands.add(request.username() == null ? new byte[][] {ascii("AUTH"), request.password()}
            : new byte[][] {ascii("AUTH"), request.username(), request.password()});
      }
      commands.add(new byte[][] {ascii("SELECT"), ascii(Long.toString(request.db()))});
      for (Moving key : moving) {
        byte[][] restore = {ascii("RESTORE"), key.name(), ascii(Long.toString(key.ttlMillis())), key.payload(),
            ascii("REPLACE")};
        commands.add(request.replace() ? restore : Arrays.copyOf(restore, 4));
      }
      MigrateTarget.Replies replies = target.exchange(request.host(), request.port(), request.timeoutMillis(),
          request.password() != null, commands);
      switch (replies.failure()) {
        case CONNECTING -> {
          return CONNECTING;
        }
        case WRITING -> {
          return WRITING;
        }
        default -> { }
      }
      if (replies.select() == null) {
        return READING;
      }
      String error = null;
      List<Moving> acknowledged = new ArrayList<>();
      for (int j = 0; j < replies.restores().size(); j++) {
        String restore = replies.restores().get(j);
        String failed = replies.auth() != null && replies.auth().startsWith("-") ? replies.auth()
            : replies.select().startsWith("-") ? replies.select() : restore.startsWith("-") ? restore : null;
        if (failed != null) {
          error = error == null ? failed.substring(1) : error;
        } else if (!request.copy()) {
          acknowledged.add(moving.get(j));
        }
      }
      deleteUnwritten(request, acknowledged);
      if (error != null) {
        return Result.error("Target instance replied with error: " + error);
      }
      return replies.failure() == MigrateTarget.Failure.READING ? READING : Result.OK;
    } finally {
      moving.forEach(m -> isolation.watches().unwatchAll(m.watch()));
    }
  }

  /**
   * Deletes each of {@code keys} (of the database of {@code request}'s source) not written since it was read, with
   * the gate held exclusive, as a write section: the replicas get one {@code DEL} of the keys deleted, as Redis
   * sends a {@code MIGRATE}, and each key deleted publishes {@code del}, as Redis's {@code migrateCommand}.
   */
  private void deleteUnwritten(Request request, List<Moving> keys) {
    if (keys.isEmpty()) {
      return;
    }
    sections.section(request.sourceDb(), () -> {
      List<byte[]> deleted = new ArrayList<>(keys.size() + 1);
      deleted.add(ascii("DEL"));
      for (Moving key : keys) {
        if (!key.watch().dirty() && store.delete(key.key())) {
          deleted.add(key.name());
          request.client().notifyKeyspace(KeyspaceEvents.GENERIC, "del", key.name());
        }
      }
      return deleted.size() == 1 ? List.of() : List.<byte[][]>of(deleted.toArray(byte[][]::new));
    });
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
