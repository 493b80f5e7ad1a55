package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.internal.Deadlines;
import io.blinkstore.internal.Hashes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.StampedLock;
import java.util.function.Consumer;
import java.util.function.IntFunction;
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

  /**
   * Runs writes on two threads ({@code writer} makes each thread's step, given its number; a step is one or two
   * writes) while {@link #SAVES} saves of {@code store} are made, each loaded into a fresh store and given to
   * {@code check}; fails if no write came during any save.
   */
  private void savesDuring(BlinkStore store, IntFunction<Runnable> writer, Consumer<IsolatedStore> check)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong steps = new AtomicLong();
    Thread[] writers = new Thread[2];
    for (int t = 0; t < writers.length; t++) {
      Runnable step = writer.apply(t);
      writers[t] = new Thread(() -> {
        while (!stop.get()) {
          step.run();
          steps.incrementAndGet();
        }
      }, "writer-" + t);
      writers[t].start();
    }
    int overlapping = 0;
    try {
      for (int save = 0; save < SAVES; save++) {
        Path path = dir.resolve("snapshot-" + save);
        long before = steps.get();
        BlinkSnapshots.save(store, path);
        overlapping += steps.get() > before ? 1 : 0;
        try (BlinkStore loaded = BlinkStore.builder().memoryLimit(256L << 20).build()) {
          BlinkSnapshots.load(loaded, path);
          check.accept((IsolatedStore) loaded);
        }
        Files.delete(path);
      }
    } finally {
      stop.set(true);
      for (Thread thread : writers) {
        thread.join();
      }
    }
    assertTrue(overlapping > 0, "no write came during any of the " + SAVES + " saves");
  }

  @Test
  void aHashOrListEmptiedDuringTheSaveIsLeftOutNotWrittenEmpty() throws Exception {
    // The last field or element removed: the value is empty under its monitor a moment before its key leaves the
    // map. Written then with no elements, it would make a file every load refuses.
    try (BlinkStore store = BlinkStore.builder().memoryLimit(256L << 20).build()) {
      for (int i = 0; i < 2_000; i++) {
        store.set("filler:" + i, new byte[64]);
      }
      byte[] one = {1};
      savesDuring(store, t -> () -> {
        int k = ThreadLocalRandom.current().nextInt(KEYS);
        store.hash("h" + k).set("f", one);
        store.hash("h" + k).delete("f");
        store.list("l" + k).push(BlinkList.End.LEFT, one);
        store.list("l" + k).pop(BlinkList.End.RIGHT);
      }, loaded -> {
        for (int k = 0; k < KEYS; k++) {
          assertTrue(loaded.hashes().size("h" + k) <= 1, "h" + k);
          assertTrue(loaded.list("l" + k).size() <= 2, "l" + k);
        }
      });
    }
  }

  @Test
  void aStringsValueAndDeadlineComeFromOneWrite() throws Exception {
    // Two writes of the same length, one with a time to live and one without: the value is overwritten in place
    // and the deadline swapped; a save must not pair one write's bytes with the other's deadline.
    byte[] expiring = new byte[4_000];
    Arrays.fill(expiring, (byte) 'E');
    byte[] lasting = new byte[4_000];
    Arrays.fill(lasting, (byte) 'L');
    try (BlinkStore store = BlinkStore.builder().memoryLimit(256L << 20).build()) {
      for (int i = 0; i < 2_000; i++) {
        store.set("filler:" + i, new byte[64]);
      }
      savesDuring(store, t -> () -> {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int k = random.nextInt(KEYS);
        if (random.nextBoolean()) {
          store.set("s" + k, expiring, Duration.ofHours(1));
        } else {
          store.set("s" + k, lasting);
        }
      }, loaded -> {
        for (int k = 0; k < KEYS; k++) {
          byte[] value = loaded.peek("s" + k);
          if (value != null) {
            boolean expires = loaded.deadline("s" + k) != Deadlines.NEVER;
            assertEquals(value[0] == 'E', expires,
                "s" + k + " holds " + (char) value[0] + (expires ? " with" : " without") + " a deadline");
            assertTrue(Arrays.equals(value, value[0] == 'E' ? expiring : lasting), "s" + k + " torn");
          }
        }
      });
    }
  }

  @Test
  void aHashsFieldsAndDeadlineComeFromOneInstant() throws Exception {
    // Each writer owns half the keys and counts writes to each: HSET v=n, then a time to live of 1 + n % 1000 hours.
    // So a hash holding v=m lives m or m - 1 (modulo 1000) more hours, or for ever only at v=0; a copy made under
    // the hash's monitor, with the deadline read before it and writes in between, would pair v=m with an older one.
    try (BlinkStore store = BlinkStore.builder().memoryLimit(256L << 20).build()) {
      for (int i = 0; i < 2_000; i++) {
        store.set("filler:" + i, new byte[64]);
      }
      savesDuring(store, owner -> {
        long[] i = {0};
        return () -> {
          String key = "h" + (owner * (KEYS / 2) + i[0] % (KEYS / 2));
          long n = i[0]++ / (KEYS / 2);
          store.hash(key).set("v", Long.toString(n).getBytes(UTF_8));
          store.expire(key, Duration.ofHours(1 + n % 1_000));
        };
      }, loaded -> {
        for (int k = 0; k < KEYS; k++) {
          byte[] v = loaded.hashes().get("h" + k, new byte[] {'v'});
          if (v == null) {
            continue;
          }
          long m = Long.parseLong(new String(v, UTF_8));
          Duration ttl = Objects.requireNonNull(loaded.ttl("h" + k));
          if (ttl.equals(BlinkStore.NO_EXPIRY)) {
            assertEquals(0, m, "h" + k + " holds v=" + m + " without a time to live"); // only before its first
          } else {
            long hours = Math.round(ttl.toMillis() / 3_600_000.0);
            long lag = Math.floorMod(1 + m % 1_000 - hours, 1_000);
            assertTrue(lag <= 1, "h" + k + " holds v=" + m + " with " + hours + " hours to live");
          }
        }
      });
    }
  }

  @Test
  void anEntryWhoseOptimisticCopiesKeepFailingIsCopiedUnderItsKeysLock() throws Exception {
    // Held here, the stripe's write lock makes every optimistic copy of "s" fail, as writes that never pause would.
    try (BlinkStore store = BlinkStore.builder().memoryLimit(256L << 20).build()) {
      store.set("s", value(7));
      store.set("t", value(8), Duration.ofHours(1));
      Path path = dir.resolve("locked");
      StampedLock stripe = ((IsolatedStore) store).unwrap().locks.of("s");
      long stamp = stripe.writeLock();
      try {
        assertEquals(2, BlinkSnapshots.save(store, path).entries());
      } finally {
        stripe.unlockWrite(stamp);
      }
      try (BlinkStore loaded = BlinkStore.builder().memoryLimit(256L << 20).build()) {
        BlinkSnapshots.load(loaded, path);
        SnapshotDump.assertSame(store, loaded);
      }
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
