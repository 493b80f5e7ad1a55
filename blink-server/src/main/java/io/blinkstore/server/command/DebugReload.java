package io.blinkstore.server.command;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Isolation;
import org.jspecify.annotations.Nullable;

/**
 * {@code DEBUG RELOAD [MERGE|NOFLUSH|NOSAVE]...}: the snapshot saved, the store emptied and the snapshot loaded
 * back, all with the store's gate held exclusive by the {@code DEBUG} that runs it, so that no other client's
 * command lands between the save and the load (it would be lost) or sees the store half loaded. The load goes
 * through the store's view without the gate ({@link Isolation#view}), which this thread could not take again.
 * {@code NOFLUSH} keeps what the store holds, and a loaded entry then replaces one of the same key, with or without
 * {@code MERGE} (Redis stops the server on such a key without it). Without {@code --snapshot} there is no file:
 * Redis's answer when it cannot save ({@code -ERR}), or with {@code NOSAVE} when it cannot load.
 */
final class DebugReload {
  private static final Result.Error OPTIONS =
      Result.error("DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.");

  private final SnapshotService snapshots;
  private final @Nullable Isolation isolation;

  /** Reloads through {@code snapshots}' file, into the store behind {@code isolation} (null: cannot reload). */
  DebugReload(SnapshotService snapshots, @Nullable Isolation isolation) {
    this.snapshots = snapshots;
    this.isolation = isolation;
  }

  Result run(byte[][] args) {
    boolean save = true;
    boolean flush = true;
    for (int i = 2; i < args.length; i++) {
      switch (Arguments.lowerCase(args[i])) {
        case "merge" -> { } // a loaded entry replaces the one of its key in any case
        case "noflush" -> flush = false;
        case "nosave" -> save = false;
        default -> {
          return OPTIONS;
        }
      }
    }
    if (isolation == null) {
      return save ? DebugTools.CANNOT_SAVE : SnapshotService.CANNOT_LOAD;
    }
    BlinkStore view = isolation.view();
    return snapshots.reload(save, flush ? view::clear : () -> { }, view);
  }
}
