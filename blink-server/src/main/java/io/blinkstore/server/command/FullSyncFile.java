package io.blinkstore.server.command;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The RDB file of a replica's full sync ({@link RdbFile}), built with the turn and the gate held exclusive, and
 * shared: while it is still the store (replicas attached all along, no write added to the stream since), a later
 * full sync sends the same file, so that many {@code SYNC}s at once build one file, hold the gate once, and hold one
 * file's bytes between them (each replica's connection wraps the same array). Used with the turn held.
 *
 * <p><b>Bound.</b> A file is built up to {@link Replication#MAX_REPLICA_PENDING_BYTES}, or up to what all clients
 * together may hold if that is less ({@code maxmemory-clients}, {@code --max-client-memory}): a larger file would
 * only be built for its replica to be disconnected at once. The heap must have room for it as it grows
 * ({@link HeapGuard#roomFor}, asked for four times the file: it is built in memory and copied on its way out), or
 * the full sync is refused: a store near its heap's end must not be stopped by an OutOfMemoryError.
 */
final class FullSyncFile {
  private final RdbFile rdb;
  private final ServerConfig config;
  private final HeapGuard heap;
  private byte @Nullable [] last;
  /** The writes counted when {@link #last} was built. */
  private long lastWrites;

  /** Files of {@code rdb}, bounded by {@code config}'s {@code maxmemory-clients} and by {@code heap}'s room. */
  FullSyncFile(RdbFile rdb, ServerConfig config, HeapGuard heap) {
    this.rdb = rdb;
    this.config = config;
    this.heap = heap;
  }

  /**
   * The file of the store now, {@code writes} having been added to the stream so far: the last one if none has
   * been since, else a new one.
   *
   * @throws RdbFile.TooLarge if it would pass {@link #bound}
   * @throws RdbFile.NoRoom if the heap has no room for it ({@link HeapGuard#roomFor})
   */
  byte[] now(long writes) {
    byte[] file = last;
    if (file == null || lastWrites != writes) {
      file = rdb.write(bound(), heap::roomFor);
      last = file;
      lastWrites = writes;
    }
    return file;
  }

  /** Writes are no longer counted (no replica is attached): the next full sync builds its file afresh. */
  void forget() {
    last = null;
  }

  /** The largest file built. */
  long bound() {
    Long clients = Arguments.integer(config.value("maxmemory-clients").getBytes(StandardCharsets.US_ASCII));
    return clients == null || clients <= 0 ? Replication.MAX_REPLICA_PENDING_BYTES
        : Math.min(Replication.MAX_REPLICA_PENDING_BYTES, clients);
  }

  /** The reply to a full sync whose file would fill the heap. */
  static final Result.Error NO_ROOM = Result.error(
      "no room in the heap for the full sync's file now (writes are refused near a full heap): try again later");

  /** The reply to a full sync whose file would pass the bound. */
  Result.Error tooLarge() {
    return Result.error("the dataset is larger than a full sync's bound (" + bound() + " bytes of RDB)");
  }
}
