package io.blinkstore.server.command;

import static io.blinkstore.server.command.CommandFlag.ADMIN;
import static io.blinkstore.server.command.CommandFlag.FAST;
import static io.blinkstore.server.command.CommandFlag.LOADING;
import static io.blinkstore.server.command.CommandFlag.NOSCRIPT;
import static io.blinkstore.server.command.CommandFlag.NO_ASYNC_LOADING;
import static io.blinkstore.server.command.CommandFlag.NO_MULTI;
import static io.blinkstore.server.command.CommandFlag.STALE;

import io.blinkstore.server.command.CommandSpec.Keys;

/**
 * {@code SAVE}, {@code BGSAVE [SCHEDULE]} and {@code LASTSAVE}, on the server's {@link SnapshotService}. Saves run on
 * the snapshot thread, never an event loop: {@code SAVE}'s caller waits for its reply ({@link LaterReply}) while
 * every other client is served (Redis blocks them all), {@code BGSAVE} answers at once. Redis's texts and errors.
 */
final class RespPersistenceCommands {
  /** Redis's answer to a {@code SAVE} that failed is a bare {@code -ERR}; ours says where to look. */
  static final Result.Error FAILED = Result.error("the snapshot could not be saved: see the server's log and"
      + " INFO persistence");

  private final SnapshotService snapshots;

  RespPersistenceCommands(SnapshotService snapshots) {
    this.snapshots = snapshots;
  }

  void register(CommandTable table) {
    table.add("save", 1, Keys.NONE, this::save, NO_ASYNC_LOADING, ADMIN, NOSCRIPT, NO_MULTI);
    table.add("bgsave", -1, Keys.NONE, this::bgsave, NO_ASYNC_LOADING, ADMIN, NOSCRIPT);
    table.add("lastsave", 1, Keys.NONE, (client, args) -> new Result.Int(snapshots.lastSave()), LOADING, STALE,
        FAST);
  }

  /** {@code SAVE}: {@code +OK} once the snapshot is on disk; the caller's connection waits, no other does. */
  private Result save(ClientState client, byte[][] args) {
    if (!client.mayBlock()) {
      return Result.error("SAVE waits for its reply, which this connection cannot: use BGSAVE");
    }
    ReplySlot reply = new ReplySlot(); // given on the snapshot thread when the save ends
    Result refused = snapshots.saveLater("SAVE", succeeded -> reply.give(succeeded ? Result.OK : FAILED));
    if (refused != null) {
      return refused;
    }
    client.pending(reply.untimed()); // no timeout: its caller waits for it, as Redis's SAVE's does
    return Result.OK; // not sent: the reply comes through the later reply
  }

  /** {@code BGSAVE [SCHEDULE]}: starts a save and answers at once. */
  private Result bgsave(ClientState client, byte[][] args) {
    if (args.length > 2 || args.length == 2 && !Arguments.lowerCase(args[1]).equals("schedule")) {
      return RespKeyCommands.SYNTAX_ERROR;
    }
    Result refused = snapshots.saveLater("BGSAVE", succeeded -> { });
    return refused != null ? refused : new Result.Simple("Background saving started");
  }
}
