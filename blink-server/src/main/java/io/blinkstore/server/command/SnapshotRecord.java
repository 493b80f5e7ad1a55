package io.blinkstore.server.command;

import io.blinkstore.BlinkSnapshots;

/** What the server's snapshots have done so far: the last save's outcome and figures, the start's load. */
final class SnapshotRecord {
  private long saves;
  private long failures;
  private boolean lastOk = true;
  private long lastMillis = -1;
  private long lastEntries;
  private long lastBytes;
  private long lastExtraHeapBytes;
  private String lastError = "";
  private long loaded;
  private long expired;
  private long dropped;

  synchronized void loaded(BlinkSnapshots.LoadReport report) {
    loaded = report.loaded();
    expired = report.expired();
    dropped = report.dropped();
  }

  synchronized void saved(BlinkSnapshots.SaveReport report, long millis) {
    saves++;
    lastOk = true;
    lastMillis = millis;
    lastEntries = report.entries();
    lastBytes = report.fileBytes();
    lastExtraHeapBytes = report.extraHeapBytes();
  }

  synchronized void failed(String reason, long millis) {
    saves++;
    failures++;
    lastOk = false;
    lastMillis = millis;
    lastError = reason;
  }

  synchronized SnapshotFigures figures(String path, long changes, boolean inProgress, long currentSeconds,
      long lastSaveTime) {
    return new SnapshotFigures(path, changes, inProgress, currentSeconds, lastSaveTime, lastOk,
        lastMillis < 0 ? -1 : lastMillis / 1000, lastMillis, saves, failures, lastEntries, lastBytes,
        lastExtraHeapBytes, lastError, loaded, expired, dropped);
  }
}
