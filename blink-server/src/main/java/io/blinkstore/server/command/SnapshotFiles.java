package io.blinkstore.server.command;

import io.blinkstore.BlinkSnapshots;
import io.blinkstore.BlinkStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * How the server's snapshots reach the disk: {@link BlinkSnapshots} on the store the server was built with
 * ({@link #of}), or, in tests, a stand-in that fails as a full disk or a corrupt file would.
 */
public interface SnapshotFiles {
  /**
   * Saves the store and {@code metadata} to {@code path}, replacing it atomically.
   *
   * @throws IOException if it cannot be written; {@code path} is then as it was
   */
  BlinkSnapshots.SaveReport save(Path path, Map<String, byte[]> metadata) throws IOException;

  /**
   * Loads {@code path} into the store.
   *
   * @throws BlinkSnapshots.CorruptSnapshotException if it is not a whole snapshot; nothing was loaded
   * @throws IOException if it cannot be read
   */
  BlinkSnapshots.LoadReport load(Path path) throws IOException;

  /** {@link BlinkSnapshots} on {@code store}, the in-process store itself (not a wrapper of it). */
  static SnapshotFiles of(BlinkStore store) {
    return new SnapshotFiles() {
      @Override
      public BlinkSnapshots.SaveReport save(Path path, Map<String, byte[]> metadata) throws IOException {
        return BlinkSnapshots.save(store, path, metadata);
      }

      @Override
      public BlinkSnapshots.LoadReport load(Path path) throws IOException {
        return BlinkSnapshots.load(store, path);
      }
    };
  }
}
