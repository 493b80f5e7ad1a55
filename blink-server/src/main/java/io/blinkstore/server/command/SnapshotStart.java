package io.blinkstore.server.command;

import io.blinkstore.BlinkException;
import io.blinkstore.BlinkSnapshots;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The load at start, before the sockets bind, and what each fault does. The temporary files of saves a kill cut
 * short are removed first. No file: the server starts empty (one
 * info line). A file that cannot be loaded (corrupt, truncated, of another version, empty, unreadable): one log
 * line, and either the server starts empty with the file renamed aside to {@code PATH.corrupt-<UTC time>} (never
 * overwritten nor deleted: the next save writes a new {@code PATH}), or, with {@code --snapshot-on-corrupt refuse},
 * it does not start. A file that cannot be moved aside stops the start too: the next save would replace it.
 */
final class SnapshotStart {
  private static final Logger log = LoggerFactory.getLogger(SnapshotStart.class);

  private static final DateTimeFormatter ASIDE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final SnapshotSettings settings;
  private final SnapshotFiles files;

  SnapshotStart(SnapshotSettings settings, SnapshotFiles files) {
    this.settings = settings;
    this.files = files;
  }

  /**
   * Loads the snapshot: its report, or null when the server starts empty.
   *
   * @throws BlinkException if the server must not start
   */
  BlinkSnapshots.@Nullable LoadReport load() {
    Path path = settings.path();
    removeTemporaryFiles(path);
    if (!Files.exists(path)) {
      log.info("no snapshot at {}: starting empty", path);
      return null;
    }
    try {
      BlinkSnapshots.LoadReport report = files.load(path);
      log.info("snapshot {} loaded: {} entries, {} expired, {} dropped for want of room, in {} ms", path,
          report.loaded(), report.expired(), report.dropped(), report.elapsed().toMillis());
      return report;
    } catch (BlinkSnapshots.CorruptSnapshotException e) {
      return refused(path, e);
    } catch (IOException e) {
      // Not the file's fault (permission denied, a failing disk): it may be whole, so it is neither moved aside
      // nor left for the first save to replace with an empty store's snapshot.
      throw new BlinkException("snapshot " + path + " cannot be read (" + reason(e) + "); not starting, the file"
          + " is left as it is: make it readable, or move it away to start empty", e);
    } catch (UnsupportedOperationException e) {
      throw new BlinkException("snapshot " + path + " cannot be loaded: " + reason(e), e);
    }
  }

  /**
   * Deletes the temporary files ({@code PATH.tmp-<random>}) of saves a kill cut short: the store's snapshots leave
   * them to their caller, and each may be as large as a snapshot. One line if there were any; a file that cannot be
   * deleted is left, and said so.
   */
  private static void removeTemporaryFiles(Path path) {
    Path absolute = path.toAbsolutePath();
    Path directory = absolute.getParent();
    if (directory == null || !Files.isDirectory(directory)) {
      return;
    }
    String prefix = absolute.getFileName() + ".tmp-";
    List<Path> removed = new ArrayList<>();
    try (DirectoryStream<Path> leftovers =
        Files.newDirectoryStream(directory, file -> String.valueOf(file.getFileName()).startsWith(prefix))) {
      for (Path leftover : leftovers) {
        Files.deleteIfExists(leftover);
        removed.add(leftover.getFileName());
      }
    } catch (IOException e) {
      log.warn("cannot remove the temporary files of an earlier save beside {}: {}", path, reason(e));
    }
    if (!removed.isEmpty()) {
      log.info("removed {} temporary file(s) of a save cut short beside {}: {}", removed.size(), path, removed);
    }
  }

  private BlinkSnapshots.@Nullable LoadReport refused(Path path, IOException e) {
    if (settings.refuseCorrupt()) {
      throw new BlinkException("snapshot " + path + " cannot be loaded (" + reason(e) + "); not starting, as"
          + " --snapshot-on-corrupt refuse asks: move the file away to start empty", e);
    }
    Path aside = moveAside(path, e);
    log.error("snapshot {} cannot be loaded ({}): moved aside to {}, starting empty", path, reason(e), aside);
    return null;
  }

  /** Renames {@code path} to {@code PATH.corrupt-<UTC time>}, a new name (with a count if that one is taken). */
  private static Path moveAside(Path path, IOException why) {
    String name = path.getFileName() + ".corrupt-" + ASIDE.format(Instant.now());
    for (int attempt = 0; ; attempt++) {
      Path aside = path.resolveSibling(attempt == 0 ? name : name + "-" + attempt);
      try {
        return Files.move(path, aside); // no REPLACE_EXISTING: never over an earlier one
      } catch (FileAlreadyExistsException taken) {
        // another corrupt file of the same second: try the next name
      } catch (IOException e) {
        throw new BlinkException("snapshot " + path + " cannot be loaded (" + reason(why) + ") nor moved aside ("
            + reason(e) + "); not starting, so that the next save cannot replace it", e);
      }
    }
  }

  /** One line saying why {@code e} happened. */
  static String reason(Exception e) {
    String message = e.getMessage();
    String reason = message == null || message.isBlank()
        ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + message;
    return reason.replace('\r', ' ').replace('\n', ' ');
  }
}
