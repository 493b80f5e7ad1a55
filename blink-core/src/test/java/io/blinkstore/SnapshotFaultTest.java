package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A save that fails keeps the previous snapshot as it was: an I/O error part way (a full disk, injected through
 * the writer's output) leaves the old file whole and loadable and no temporary file behind; a kill -9 of a process
 * in the middle of saving, at random moments, always leaves a whole snapshot at the path.
 */
class SnapshotFaultTest {
  private static final int KILLS = 20;

  @TempDir Path dir;

  private static BlinkStore filled(int entries, int valueBytes) {
    BlinkStore store = BlinkStore.builder().memoryLimit(256L << 20).build();
    for (int i = 0; i < entries; i++) {
      store.set("key:" + i, new byte[valueBytes]);
    }
    return store;
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> listed = Files.list(dir)) {
      return listed.toList();
    }
  }

  /** An output that takes {@code budget} bytes, then fails as a full disk does. */
  private static SnapshotWriter.Output fullAfter(long budget) {
    long[] left = {budget};
    return (channel, bytes) -> {
      if (bytes.remaining() > left[0]) {
        throw new IOException("No space left on device");
      }
      left[0] -= bytes.remaining();
      SnapshotWriter.FILE.write(channel, bytes);
    };
  }

  @Test
  void aFullDiskKeepsThePreviousSnapshotWholeAndLeavesNoTemporaryFile() throws IOException {
    Path path = dir.resolve("snapshot");
    try (BlinkStore old = filled(1_000, 10)) {
      BlinkSnapshots.save(old, path, Map.of("generation", new byte[] {1}));
    }
    byte[] before = Files.readAllBytes(path);
    try (BlinkStore next = filled(20_000, 100)) {
      CaffeineBlinkStore inner = ((IsolatedStore) next).unwrap();
      for (long budget : new long[] {0, SnapshotFormat.HEADER_BYTES, 100_000, 1_000_000}) {
        IOException e = assertThrows(IOException.class,
            () -> new SnapshotWriter(inner, fullAfter(budget)).save(path, Map.of()), "after " + budget + " bytes");
        assertEquals("No space left on device", e.getMessage());
        assertEquals(List.of(path), files(), "no temporary file left after " + budget + " bytes");
        assertArrayEquals(before, Files.readAllBytes(path));
      }
    }
    try (BlinkStore loaded = BlinkStore.builder().memoryLimit(64L << 20).build()) {
      BlinkSnapshots.LoadReport report = BlinkSnapshots.load(loaded, path);
      assertEquals(1_000, report.loaded());
      assertArrayEquals(new byte[] {1}, report.metadata().get("generation"));
    }
  }

  @Test
  void aDirectoryThatIsGoneFailsTheSaveAndCreatesNothing() throws IOException {
    try (BlinkStore store = filled(10, 10)) {
      Path gone = dir.resolve("gone");
      assertThrows(NoSuchFileException.class, () -> BlinkSnapshots.save(store, gone.resolve("snapshot")));
      assertEquals(List.of(), files());
    }
  }

  @Test
  void killNineDuringSavesAlwaysLeavesAWholeSnapshot() throws Exception {
    Path path = dir.resolve("snapshot");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    for (int kill = 0; kill < KILLS && System.nanoTime() < deadline; kill++) {
      Process saver = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-cp", System.getProperty("java.class.path"), SnapshotSaverMain.class.getName(),
          path.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(saver.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("saved", out.readLine(), "the saver's first save");
        Thread.sleep(ThreadLocalRandom.current().nextInt(1, 400)); // somewhere in a later save, or between two
      } finally {
        saver.destroyForcibly();
        assertTrue(saver.waitFor(30, TimeUnit.SECONDS), "the saver ended");
      }
      try (BlinkStore loaded = BlinkStore.builder().memoryLimit(256L << 20).build()) {
        assertEquals(SnapshotSaverMain.ENTRIES, BlinkSnapshots.load(loaded, path).loaded(), "after kill " + kill);
      }
    }
  }
}
