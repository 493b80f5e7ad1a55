package io.blinkstore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A child JVM for {@link SnapshotFaultTest}: fills a store with {@link #ENTRIES} entries, then saves it to the
 * path it is given over and over, changing values between saves, until it is killed. It prints one line after
 * its first save, so the parent knows a whole snapshot is in place.
 */
public final class SnapshotSaverMain {
  static final int ENTRIES = 30_000;

  private SnapshotSaverMain() {}

  public static void main(String[] args) throws Exception {
    Path path = Path.of(args[0]);
    try (BlinkStore store = BlinkStore.builder().memoryLimit(256L << 20).build()) {
      for (int i = 0; i < ENTRIES - 2; i++) {
        store.set("key:" + i, new byte[100]);
      }
      store.hash("hash").set("field", "value".getBytes(StandardCharsets.UTF_8));
      store.list("list").push(BlinkList.End.LEFT, "element".getBytes(StandardCharsets.UTF_8));
      BlinkSnapshots.save(store, path);
      System.out.println("saved");
      System.out.flush();
      for (long round = 0; ; round++) {
        store.set("key:" + round % (ENTRIES - 2), new byte[(int) (round % 200)]);
        BlinkSnapshots.save(store, path);
      }
    }
  }
}
