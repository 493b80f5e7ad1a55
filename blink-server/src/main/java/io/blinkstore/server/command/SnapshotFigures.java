package io.blinkstore.server.command;

import java.util.List;
import java.util.Locale;

/**
 * The server's snapshot figures at one instant, for {@code INFO persistence} (under Redis 7.0's names, ours after
 * them) and the metrics endpoint.
 *
 * @param path the snapshot file, or empty without {@code --snapshot}
 * @param changes writes since the last successful save began ({@code rdb_changes_since_last_save})
 * @param inProgress whether a save runs now
 * @param currentSeconds how long the save that runs has run, -1 if none does
 * @param lastSaveTime the Unix time of the last successful save, or of the start without one ({@code LASTSAVE})
 * @param lastOk whether the last save succeeded (true before any)
 * @param lastSeconds how long the last save took, -1 before any
 * @param lastMillis the same in milliseconds, -1 before any
 * @param saves the saves begun
 * @param failures the saves that failed
 * @param lastEntries the entries the last successful save wrote
 * @param lastBytes the size of the file it wrote
 * @param lastExtraHeapBytes the most heap it held beyond the store's own
 * @param lastError why the last failed save failed, empty if none has
 * @param loaded the entries the start loaded
 * @param expired the entries the start skipped as expired
 * @param dropped the entries the start left out for want of room
 */
public record SnapshotFigures(String path, long changes, boolean inProgress, long currentSeconds, long lastSaveTime,
    boolean lastOk, long lastSeconds, long lastMillis, long saves, long failures, long lastEntries, long lastBytes,
    long lastExtraHeapBytes, String lastError, long loaded, long expired, long dropped) {

  /** Whether the server saves snapshots ({@code --snapshot}). */
  public boolean enabled() {
    return !path.isEmpty();
  }

  /** The lines of {@code INFO persistence}: Redis 7.0's, in its order, then ours. */
  List<String> infoLines() {
    return List.of(
        "loading:0",
        "async_loading:0",
        "current_cow_peak:0",
        "current_cow_size:0",
        "current_cow_size_age:0",
        "current_fork_perc:0.00",
        "current_save_keys_processed:0",
        "current_save_keys_total:0",
        "rdb_changes_since_last_save:" + changes,
        "rdb_bgsave_in_progress:" + (inProgress ? 1 : 0),
        "rdb_last_save_time:" + lastSaveTime,
        "rdb_last_bgsave_status:" + (lastOk ? "ok" : "err"),
        "rdb_last_bgsave_time_sec:" + lastSeconds,
        "rdb_current_bgsave_time_sec:" + currentSeconds,
        "rdb_saves:" + saves,
        "rdb_last_cow_size:0",
        "rdb_last_load_keys_expired:" + expired,
        "rdb_last_load_keys_loaded:" + loaded,
        "aof_enabled:0",
        "aof_rewrite_in_progress:0",
        "aof_rewrite_scheduled:0",
        "aof_last_rewrite_time_sec:-1",
        "aof_current_rewrite_time_sec:-1",
        "aof_last_bgrewrite_status:ok",
        "aof_rewrites:0",
        "aof_rewrites_consecutive_failures:0",
        "aof_last_write_status:ok",
        "aof_last_cow_size:0",
        "module_fork_in_progress:0",
        "module_fork_last_cow_size:0",
        "blink_snapshot_enabled:" + (enabled() ? 1 : 0),
        "blink_snapshot_path:" + path,
        "blink_snapshot_last_entries:" + lastEntries,
        "blink_snapshot_last_bytes:" + lastBytes,
        "blink_snapshot_last_extra_heap_bytes:" + lastExtraHeapBytes,
        "blink_snapshot_last_duration_ms:" + lastMillis,
        "blink_snapshot_failures:" + failures,
        "blink_snapshot_last_error:" + lastError,
        "blink_snapshot_last_load_dropped:" + dropped);
  }

  /** The last save's duration in seconds with milliseconds, for the metrics ({@code 0.125}); -1 before any. */
  public String lastDurationText() {
    return lastMillis < 0 ? "-1" : String.format(Locale.ROOT, "%.3f", lastMillis / 1000.0);
  }
}
