package io.blinkstore;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Snapshots of an in-process store ({@link BlinkStore#builder()}'s): every entry, of every type, with its time to
 * live as an absolute deadline, written to a file that survives a restart, a crash during the save and a corrupt
 * byte, and loaded back hottest first.
 *
 * <p><b>Saving</b> serves on: no fork, no pause of readers or writers beyond a moment. The entries are listed in
 * hotness order (Caffeine's policy, hottest first), then each is copied whole, as it stands at one instant, and
 * streamed to a temporary file beside {@code path} in checksummed blocks; the file is forced to the device,
 * renamed over {@code path} and the directory forced. A write during a save is in it or after it, never half in.
 * An I/O error (a full disk) leaves the previous file as it was.
 *
 * <p><b>Loading</b> checks every block before it stores an entry: a file that is torn, truncated, corrupt, empty or
 * of a version this code does not read is refused whole ({@link CorruptSnapshotException}), never loaded in part.
 * The hottest entries that fit the store's memory limit and entry bounds are kept and the colder rest dropped, so a
 * restart with a smaller limit keeps the hottest entries; they are stored coldest first, so the hottest are the most
 * recently written. Entries whose deadline has passed are skipped. The format and what survives a restart are in
 * docs/snapshots.md.
 *
 * <p>Only a store {@link BlinkStore#builder()} built can be saved or loaded (a client of a server cannot): others
 * get an {@link UnsupportedOperationException}.
 */
public final class BlinkSnapshots {
  private BlinkSnapshots() {}

  /**
   * Saves every entry of {@code store} to {@code path}, replacing it atomically.
   *
   * @throws IOException if the file cannot be written; {@code path} is then as it was
   */
  public static SaveReport save(BlinkStore store, Path path) throws IOException {
    return save(store, path, Map.of());
  }

  /**
   * Saves every entry of {@code store} and {@code metadata} (a few small named values the application reads back
   * from {@link LoadReport#metadata()}: the server keeps its databases' table there) to {@code path}, replacing it
   * atomically.
   *
   * @throws IOException if the file cannot be written; {@code path} is then as it was
   */
  public static SaveReport save(BlinkStore store, Path path, Map<String, byte[]> metadata) throws IOException {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(metadata, "metadata");
    return new SnapshotWriter(inner(store).unwrap(), SnapshotWriter.FILE).save(path, metadata);
  }

  /**
   * Loads the snapshot at {@code path} into {@code store} (meant for an empty store: an entry of the snapshot
   * replaces the store's entry of the same key).
   *
   * @throws CorruptSnapshotException if the file is not a whole snapshot this code reads; nothing was loaded
   * @throws java.nio.file.NoSuchFileException if there is no file at {@code path}
   * @throws IOException if the file cannot be read
   */
  public static LoadReport load(BlinkStore store, Path path) throws IOException {
    Objects.requireNonNull(path, "path");
    return SnapshotReader.load(inner(store), path);
  }

  /** The store {@link BlinkStore#builder()} built (or its view without the gate). */
  private static IsolatedStore inner(BlinkStore store) {
    if (store instanceof IsolatedStore isolated) {
      return isolated;
    }
    Objects.requireNonNull(store, "store");
    throw new UnsupportedOperationException(
        "only a store BlinkStore.builder() built can be saved or loaded, not a " + store.getClass().getName());
  }

  /**
   * What a save did.
   *
   * @param entries the entries written
   * @param fileBytes the size of the file
   * @param extraHeapBytes the most heap the save held beyond the store's own (its hotness list and buffers)
   * @param elapsed how long it took, start to rename
   */
  public record SaveReport(long entries, long fileBytes, long extraHeapBytes, Duration elapsed) {}

  /**
   * What a load did.
   *
   * @param loaded the entries stored
   * @param expired the entries skipped because their deadline had passed
   * @param dropped the entries left out for want of room (the coldest)
   * @param metadata the named values saved with the snapshot
   * @param elapsed how long it took, checks included
   */
  public record LoadReport(long loaded, long expired, long dropped, Map<String, byte[]> metadata, Duration elapsed) {}

  /** The file is not a whole snapshot of a version this code reads: its message says where and why. */
  public static final class CorruptSnapshotException extends IOException {
    private static final long serialVersionUID = 1L;

    public CorruptSnapshotException(String message) {
      super(message);
    }
  }
}
