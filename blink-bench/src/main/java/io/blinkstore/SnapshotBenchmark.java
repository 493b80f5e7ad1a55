package io.blinkstore;

import io.blinkstore.BlinkSnapshots.LoadReport;
import io.blinkstore.BlinkSnapshots.SaveReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Saves and loads a store of 1M entries (10-byte keys, 100-byte values) a few times and prints, per round, what
 * {@link BlinkSnapshots}' reports say (entries, file size, extra heap, time) and how long phase 1 held Caffeine's
 * eviction lock, the one moment writers may wait. It lives in blink-core's package to read that figure
 * ({@link SnapshotWriter#lockNanos()}). A command, not a test: docs/BENCHMARKS.md has its figures and how to run it.
 *
 * <p>Arguments: {@code [entries] [rounds] [directory]}, by default 1000000, 5 and the system's temporary directory.
 */
public final class SnapshotBenchmark {
  private SnapshotBenchmark() {}

  public static void main(String[] args) throws IOException {
    int entries = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path dir = Files.createTempDirectory(args.length > 2 ? Path.of(args[2]) : Path.of(System.getProperty("java.io.tmpdir")),
        "blink-snapshot-bench");
    Path path = dir.resolve("snapshot");
    System.out.printf(Locale.ROOT, "java %s, %d entries of 10 + 100 bytes, file in %s%n",
        System.getProperty("java.version"), entries, dir);
    System.out.println("round  save_ms  lock_ms  file_bytes  extra_heap_bytes  load_ms  loaded");
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1L << 30).build()) {
      byte[] value = new byte[100];
      for (int i = 0; i < entries; i++) {
        store.set(String.format(Locale.ROOT, "k%09d", i), value);
      }
      for (int round = 1; round <= rounds; round++) {
        SnapshotWriter writer = new SnapshotWriter(((IsolatedStore) store).unwrap(), SnapshotWriter.FILE);
        SaveReport save = writer.save(path, Map.of());
        LoadReport load;
        try (BlinkStore target = BlinkStore.builder().memoryLimit(1L << 30).build()) {
          load = BlinkSnapshots.load(target, path);
        }
        System.out.printf(Locale.ROOT, "%5d  %7d  %7.1f  %10d  %16d  %7d  %d%n", round, save.elapsed().toMillis(),
            writer.lockNanos() / 1e6, save.fileBytes(), save.extraHeapBytes(), load.elapsed().toMillis(),
            load.loaded());
      }
    } finally {
      Files.deleteIfExists(path);
      Files.deleteIfExists(dir);
    }
  }
}
