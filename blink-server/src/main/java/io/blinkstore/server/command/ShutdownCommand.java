package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.ADMIN;
import static io.blinkstore.server.command.CommandFlag.ALLOW_BUSY;
import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.NO_MULTI;
import static io.blinkstore.server.command.CommandFlag.STALE;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]}: stops the server as SIGTERM does (replies to what was read
 * are sent, connections closed, the snapshot saved unless {@code NOSAVE}), Redis 7.0's arguments and errors. The
 * caller gets no reply, as from Redis, whose process exits: its connection closes with the others. {@code NOW} and
 * {@code FORCE} change nothing here: no replica is waited for, and a save that fails at shutdown is logged and the
 * previous snapshot kept, as on SIGTERM. {@code ABORT} finds no shutdown in progress: one is never waiting.
 */
final class ShutdownCommand {
  private static final Logger log = LoggerFactory.getLogger(ShutdownCommand.class);

  /** Redis's answer when the shutdown cannot happen (here: {@code SAVE} without a snapshot file). */
  static final Result.Error FAILED = Result.error("Errors trying to SHUTDOWN. Check logs.");

  private final SnapshotService snapshots;
  /** The {@code -BUSY} error of a script that runs too long, or null. */
  private final Supplier<Result.@Nullable Error> busy;
  /** The server's close, told whether to save; null until the server gives it (a dispatcher without a server). */
  private volatile @Nullable Consumer<Boolean> shutdown;
  /** Set by the first {@code SHUTDOWN} that stops the server: it alone decides whether the close saves. */
  private final AtomicBoolean stopping = new AtomicBoolean();

  /** Registers {@code SHUTDOWN} in {@code table}. */
  ShutdownCommand(CommandTable table, SnapshotService snapshots, Supplier<Result.@Nullable Error> busy) {
    this.snapshots = snapshots;
    this.busy = busy;
    table.add("shutdown", -1, CommandSpec.Keys.NONE, this::shutdown, ADMIN, NOSCRIPT, LOADING, STALE, NO_MULTI,
        ALLOW_BUSY);
  }

  /** Makes {@code SHUTDOWN} call {@code shutdown} with whether the close saves the snapshot. */
  void onShutdown(Consumer<Boolean> shutdown) {
    this.shutdown = shutdown;
  }

  private Result shutdown(ClientState client, byte[][] args) {
    boolean save = false;
    boolean noSave = false;
    boolean force = false;
    boolean abort = false;
    boolean other = false;
    for (int i = 1; i < args.length; i++) {
      switch (Arguments.lowerCase(args[i])) {
        case "nosave" -> noSave = true;
        case "save" -> save = true;
        case "now" -> other = true;
        case "force" -> {
          force = true;
          other = true;
        }
        case "abort" -> abort = true;
        default -> {
          return RespKeyCommands.SYNTAX_ERROR;
        }
      }
    }
    if (abort && (save || noSave || other) || save && noSave) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    if (abort) {
      return Result.error("No shutdown in progress.");
    }
    Result.Error busyNow = noSave ? null : busy.get();
    if (busyNow != null) {
      return busyNow; // a script that runs too long: only SHUTDOWN NOSAVE stops the server meanwhile, as in Redis
    }
    Consumer<Boolean> close = shutdown;
    if (save && !snapshots.enabled() && !force || close == null) {
      log.warn("SHUTDOWN{} refused: {}", save ? " SAVE" : "",
          close == null ? "this command layer serves no server" : "no snapshot file to save to (--snapshot)");
      return FAILED;
    }
    // Redis exits at the first: a later one (another connection's, racing it) must not undo what it asked.
    boolean first = stopping.compareAndSet(false, true);
    log.info("SHUTDOWN{} from client {} ({}): {}", noSave ? " NOSAVE" : save ? " SAVE" : "", client.id(),
        client.connection().address(), first ? "stopping" : "ignored, a SHUTDOWN is already stopping the server");
    if (first) {
      close.accept(!noSave);
    }
    ReplySlot never = new ReplySlot(); // the connection closes with the server: Redis's caller reads nothing
    client.pending(never.untimed());
    return Result.OK; // not sent: the pending reply holds the connection until the close
  }
}
