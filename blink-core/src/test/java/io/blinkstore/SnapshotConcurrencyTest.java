package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.Hashes;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saves while writers overwrite strings (in place at the same length, and at other lengths), rewrite hashes and
 * push onto and trim lists: every value in every snapshot is one some write left whole, never torn. Each value
 * checks itself: a string is one byte repeated a length that byte gives; a hash's two fields, set together, are
 * equal; a list is pairs of equal elements, pushed together.
 */
class SnapshotConcurrencyTest {
  private static final int KEYS = 8;
  private static final int SAVES = 200;

  @TempDir Path dir;

  /** The value of version {@code v}: the byte v repeated 4,000, 4,000 or 5,700 times (two lengths: in place and not). */
  private static byte[] value(int v) {
    byte[] value = new byte[v % 3 == 2 ? 5_700 : 4_000];
    Arrays.fill(value, (byte) v);
    return value;
  }

  private static boolean whole(byte[] value) {
    if (value.length == 0) {
      return false;
    }
    byte v = value[0];
    for (byte b : value) {
      if (b != v) {
        return false;
      }
    }
    return Arrays.equals(value, value(v & 0xff));
  }

  @Test
  void everySavedValueIsOneAWriteLeftWhole() throws Exception {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(256L << 20).build()) {
      IsolatedStore isolated = (IsolatedStore) store;
      for (int i = 0; i < 2_000; i++) {
        store.set("filler:" + i, new byte[64]); // a save long enough to overlap many writes
      }
      for (int k = 0; k < KEYS; k++) {
        store.set("s" + k, value(0));
        isolated.hashes().set("h" + k, new byte[][] {{'a'}, value(0), {'b'}, value(0)}, 0);
        store.list("l" + k).push(BlinkList.End.RIGHT, value(0), value(0));
      }
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong writes = new AtomicLong();
      Thread[] writers = new Thread[2];
      for (int t = 0; t < writers.length; t++) {
        writers[t] = new Thread(() -> write(isolated, stop, writes), "writer-" + t);
        writers[t].start();
      }
      int overlapping = 0;
      try {
        for (int save = 0; save < SAVES; save++) {
          Path path = dir.resolve("snapshot-" + save);
          long before = writes.get();
          BlinkSnapshots.save(store, path);
          overlapping += writes.get() > before ? 1 : 0;
          try (BlinkStore loaded = BlinkStore.builder().memoryLimit(256L << 20).build()) {
            BlinkSnapshots.load(loaded, path);
            check((IsolatedStore) loaded);
          }
        }
      } finally {
        stop.set(true);
        for (Thread writer : writers) {
          writer.join();
        }
      }
      assertTrue(overlapping > 0, "no write came during any of the " + SAVES + " saves");
    }
  }

  private static void write(IsolatedStore store, AtomicBoolean stop, AtomicLong writes) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    Hashes hashes = store.hashes();
    while (!stop.get()) {
      int k = random.nextInt(KEYS);
      byte[] value = value(random.nextInt(1, 256));
      switch (random.nextInt(4)) {
        case 0 -> store.set("s" + k, value);
        case 1 -> hashes.set("h" + k, new byte[][] {{'a'}, value, {'b'}, value}, 0);
        case 2 -> {
          BlinkList list = store.list("l" + k);
          list.push(BlinkList.End.RIGHT, value, value);
          list.trim(-8, -1);
        }
        default -> {
          store.delete("s" + k);
          store.set("s" + k, value);
        }
      }
      writes.incrementAndGet();
    }
  }

  private static void check(IsolatedStore loaded) {
    for (int k = 0; k < KEYS; k++) {
      byte[] string = loaded.peek("s" + k);
      String name = "s" + k;
      if (string != null) {
        assertTrue(whole(string), () -> name + " torn: " + string.length + " bytes from " + string[0] + " to "
            + string[string.length - 1]);
      }
      byte[] a = loaded.hashes().get("h" + k, new byte[] {'a'});
      byte[] b = loaded.hashes().get("h" + k, new byte[] {'b'});
      assertTrue(whole(Objects.requireNonNull(a)) && Arrays.equals(a, b), "h" + k + " torn");
      List<byte[]> list = loaded.list("l" + k).range(0, -1);
      assertEquals(0, list.size() % 2, "l" + k + " holds a half pushed pair");
      for (int i = 0; i < list.size(); i += 2) {
        assertTrue(whole(list.get(i)) && Arrays.equals(list.get(i), list.get(i + 1)), "l" + k + " torn");
      }
    }
  }
}
