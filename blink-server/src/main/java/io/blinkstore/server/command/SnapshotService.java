package io.blinkstore.server.command;

import io.blinkstore.BlinkSnapshots;
import io.blinkstore.BlinkStore;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's snapshots (issue 19): loaded once before the sockets bind ({@link SnapshotStart}), saved on one
 * thread of their own, never an event loop, one save at a time, when {@code SAVE} or {@code BGSAVE} asks, when the
 * schedule says ({@link SnapshotSettings}: every interval if anything was written, or once enough writes were made,
 * checked every second), and once more when the server closes. A save that fails (a full disk) leaves the previous
 * file as it was, is logged in one line and counted ({@code rdb_last_bgsave_status:err}, the metrics), and the next
 * trigger tries again, no sooner than {@link #RETRY_DELAY} after it. Without {@code --snapshot} it only counts
 * writes and answers {@code SAVE} and {@code BGSAVE} with {@link #DISABLED}. Thread-safe.
 */
public final class SnapshotService {
  private static final Logger log = LoggerFactory.getLogger(SnapshotService.class);

  /** The answer to {@code SAVE} and {@code BGSAVE} on a server without {@code --snapshot}. */
  static final Result.Error DISABLED =
      Result.error("snapshots are off: start the server with --snapshot PATH to save them");

  /** Redis's answer to a save asked for while one runs. */
  static final Result.Error IN_PROGRESS = Result.error("Background save already in progress");

  /** Redis's answer when {@code DEBUG RELOAD} cannot load its file. */
  static final Result.Error CANNOT_LOAD = Result.error("Error trying to load the RDB dump");

  /** How often {@code DEBUG RELOAD} looks again whether a save that runs has ended. */
  private static final long RELOAD_POLL_MILLIS = 10;

  /** A failed save is tried again by the schedule no sooner than this after it (Redis's 5 seconds). */
  static final Duration RETRY_DELAY = Duration.ofSeconds(5);

  /** How long a close waits for its save before it goes on without it (the previous file is then kept). */
  public static final Duration CLOSE_SAVE_TIMEOUT = Duration.ofSeconds(60);

  /** The metadata name under which the databases' namespace table is saved. */
  static final String DATABASES = "blink-server.databases";

  private static final long TICK_MILLIS = 1_000;

  private final Databases databases;
  private final ServerCounters counters;
  private final ServerConfig config;
  private final long startMillis = System.currentTimeMillis();
  private final SnapshotRecord record = new SnapshotRecord();
  private volatile @Nullable SnapshotSettings settings;
  private volatile @Nullable SnapshotFiles files;
  private volatile @Nullable ScheduledExecutorService thread;
  /** {@code CONFIG SET save ""}: the schedule saves nothing until the server's own value is set again. */
  private volatile boolean scheduleOff;
  /** The server has served: a close saves. */
  private volatile boolean scheduled;
  /** How long {@link #close} waits for its save: {@link #CLOSE_SAVE_TIMEOUT}, shorter in tests. */
  private volatile Duration closeSaveTimeout = CLOSE_SAVE_TIMEOUT;
  /** Guarded by this: a save has begun and not ended. */
  private boolean saving;
  /** Guarded by this: when the running save began (wall clock, ms). */
  private long savingSince;
  /** Guarded by this: when the last save that failed began, for the retry delay; 0 if none. */
  private long failedAt;
  /** Guarded by this: the writes counted when the last successful save began. */
  private long writesAtLastSave;
  /** Guarded by this: when the last successful save ended, or the start (wall clock, ms). */
  private long lastSaveMillis = startMillis;

  SnapshotService(Databases databases, ServerCounters counters, ServerConfig config) {
    this.databases = databases;
    this.counters = counters;
    this.config = config;
  }

  /**
   * Saves to and loads from {@code settings.path()} through {@code files}, on a thread of its own; loads the snapshot
   * now, before the server serves ({@link SnapshotStart}). The schedule begins at {@link #schedule}.
   *
   * @throws io.blinkstore.BlinkException if the file cannot be loaded and {@code settings} refuse to start so, or
   *     cannot be moved aside; nothing is left running then
   * @throws IllegalStateException if called twice
   */
  public synchronized void start(SnapshotSettings settings, SnapshotFiles files) {
    if (this.settings != null) {
      throw new IllegalStateException("snapshots were already started");
    }
    config.liveSave(settings.redisSave(), on -> scheduleOff = !on);
    config.report(Map.of(
        "dir", String.valueOf(settings.path().toAbsolutePath().getParent()),
        "dbfilename", String.valueOf(settings.path().getFileName())));
    BlinkSnapshots.@Nullable LoadReport loaded = new SnapshotStart(settings, files).load();
    if (loaded != null) {
      record.loaded(loaded);
      byte[] table = loaded.metadata().get(DATABASES);
      if (table != null) {
        databases.restore(table);
      }
    }
    this.files = files;
    this.settings = settings;
    this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread snapshots = new Thread(runnable, "blink-snapshots");
      snapshots.setDaemon(true);
      return snapshots;
    });
  }

  /** The server serves: the schedule begins, and {@link #close} will save. */
  public void schedule() {
    ScheduledExecutorService on = thread;
    if (on != null) {
      scheduled = true;
      on.scheduleWithFixedDelay(() -> tick(System.currentTimeMillis()), TICK_MILLIS, TICK_MILLIS,
          TimeUnit.MILLISECONDS);
    }
  }

  /** Saves if the schedule says so at {@code now} (wall clock, ms); on the snapshot thread, or a test's. */
  void tick(long now) {
    SnapshotSettings on = settings;
    if (on == null || !due(on, now) || !begin(now)) {
      return;
    }
    saveBegun("scheduled");
  }

  private synchronized boolean due(SnapshotSettings on, long now) {
    long changes = counters.writes() - writesAtLastSave;
    long since = now - lastSaveMillis;
    if (scheduleOff || changes == 0 || failedAt != 0 && now - failedAt < RETRY_DELAY.toMillis()) {
      return false;
    }
    return since >= on.interval().toMillis()
        || on.writes() > 0 && changes >= on.writes() && since >= SnapshotSettings.WRITES_MIN_INTERVAL.toMillis();
  }

  /** Begins a save unless one runs: whether it began. */
  private synchronized boolean begin(long now) {
    if (saving) {
      return false;
    }
    saving = true;
    savingSince = now;
    return true;
  }

  /** Whether the server saves snapshots ({@code --snapshot}) and has not closed them. */
  boolean enabled() {
    return thread != null;
  }

  /**
   * Starts a save on the snapshot thread, {@code done} called there with whether it succeeded ({@code SAVE} waits
   * for it, {@code BGSAVE} does not): {@link #DISABLED} without {@code --snapshot}, {@link #IN_PROGRESS} if one runs,
   * else null.
   */
  @Nullable Result saveLater(String why, Consumer<Boolean> done) {
    ScheduledExecutorService on = thread;
    if (on == null) {
      return DISABLED;
    }
    if (!begin(System.currentTimeMillis())) {
      return IN_PROGRESS;
    }
    on.execute(() -> done.accept(saveBegun(why)));
    return null;
  }

  /** Runs the save {@link #begin} began, on this thread; whether it succeeded. */
  private boolean saveBegun(String why) {
    // Non-null while saves run: set before the thread that runs them exists.
    SnapshotSettings on = settings;
    SnapshotFiles to = files;
    long writes = counters.writes();
    long began = System.nanoTime();
    try {
      if (on == null || to == null) {
        throw new IllegalStateException("snapshots were not started");
      }
      BlinkSnapshots.SaveReport report = to.save(on.path(), Map.of(DATABASES, databases.table()));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
      synchronized (this) {
        writesAtLastSave = writes;
        lastSaveMillis = System.currentTimeMillis();
        failedAt = 0;
        saving = false;
      }
      record.saved(report, millis);
      log.info("snapshot saved to {} ({}): {} entries, {} bytes, {} ms, {} bytes of extra heap", on.path(), why,
          report.entries(), report.fileBytes(), millis, report.extraHeapBytes());
      return true;
    } catch (IOException | RuntimeException e) {
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
      String reason = SnapshotStart.reason(e);
      synchronized (this) {
        failedAt = savingSince;
        saving = false;
      }
      record.failed(reason, millis);
      log.error("snapshot save to {} failed ({}, after {} ms): {}; the previous snapshot is kept",
          on == null ? "?" : on.path(), why, millis, reason);
      return false;
    }
  }

  /**
   * {@code DEBUG RELOAD} ({@link DebugReload}), on the caller's thread, which holds the store's gate exclusive: saves
   * now unless {@code save} is false (after a save that runs, if one does; recorded as any save), runs {@code flush},
   * and loads the file into {@code into}, the store's view without the gate. Without {@code --snapshot}: Redis's
   * answers when it cannot save ({@code -ERR}) or load.
   */
  Result reload(boolean save, Runnable flush, BlinkStore into) {
    SnapshotSettings on = settings;
    if (on == null) {
      return save ? DebugTools.CANNOT_SAVE : CANNOT_LOAD;
    }
    if (save && !saveWhenFree()) {
      return DebugTools.CANNOT_SAVE;
    }
    flush.run();
    try {
      BlinkSnapshots.LoadReport loaded = BlinkSnapshots.load(into, on.path());
      record.loaded(loaded);
      byte[] table = loaded.metadata().get(DATABASES);
      if (table != null) {
        databases.restore(table);
      }
    } catch (IOException | RuntimeException e) {
      log.error("DEBUG RELOAD could not load {}: {}", on.path(), SnapshotStart.reason(e));
      return CANNOT_LOAD;
    }
    log.info("store reloaded from {} by DEBUG RELOAD", on.path());
    return Result.OK;
  }

  /** Saves on this thread once no other save runs (one on the snapshot thread needs no gate, so it ends). */
  private boolean saveWhenFree() {
    while (!begin(System.currentTimeMillis())) {
      try {
        Thread.sleep(RELOAD_POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return saveBegun("DEBUG RELOAD");
  }

  /**
   * The server has stopped serving: saves once more (after a save that runs, if one does), waiting at most
   * {@link #CLOSE_SAVE_TIMEOUT} for it, and stops the snapshot thread. Only if it was started and scheduled;
   * idempotent.
   */
  public void close(boolean save) {
    ScheduledExecutorService on;
    synchronized (this) {
      on = thread;
      thread = null;
    }
    if (on == null) {
      return;
    }
    if (save && scheduled) {
      Future<?> last = on.submit(() -> {
        if (begin(System.currentTimeMillis())) {
          saveBegun("shutdown");
        }
      });
      awaitCloseSave(last);
    }
    on.shutdownNow();
  }

  /** Makes {@link #close} wait at most {@code timeout} for its save: a seam for tests. */
  void closeSaveTimeout(Duration timeout) {
    closeSaveTimeout = timeout;
  }

  private void awaitCloseSave(Future<?> last) {
    try {
      last.get(closeSaveTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.error("the snapshot save at shutdown took more than {} ms: stopping without it; the previous snapshot"
          + " is kept", closeSaveTimeout.toMillis());
    } catch (ExecutionException e) {
      log.error("the snapshot save at shutdown failed", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The figures now. */
  public SnapshotFigures figures() {
    SnapshotSettings on = settings;
    long now = System.currentTimeMillis();
    boolean running;
    long since;
    long changes;
    long lastSave;
    synchronized (this) {
      running = saving;
      since = savingSince;
      changes = counters.writes() - writesAtLastSave;
      lastSave = lastSaveMillis;
    }
    return record.figures(on == null ? "" : on.path().toString(), changes, running,
        running ? (now - since) / 1000 : -1, lastSave / 1000);
  }

  /** {@code LASTSAVE}: the Unix time of the last successful save, or of the start. */
  synchronized long lastSave() {
    return lastSaveMillis / 1000;
  }
}
