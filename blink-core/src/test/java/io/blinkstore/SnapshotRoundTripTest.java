package io.blinkstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkSnapshots.LoadReport;
import io.blinkstore.BlinkSnapshots.SaveReport;
import io.blinkstore.internal.Deadlines;
import io.blinkstore.internal.Namespaces;
import io.blinkstore.internal.Sets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BlinkSnapshots}' save and load of every shape the store holds: strings (empty, one byte, every byte value,
 * several MiB), the keys callers make (text, non-ASCII, the server's escaped binary keys and namespaced keys),
 * compact and large hashes, short and long lists, absolute deadlines, metadata; each loaded back exactly.
 */
class SnapshotRoundTripTest {
  @TempDir Path dir;

  private static BlinkStore store() {
    return BlinkStore.builder().memoryLimit(256L << 20).build();
  }

  /** A binary RESP key as blink-server stores it (RespKeys): U+FDD0 and the base64url of its bytes. */
  private static String escaped(byte[] bytes) {
    return '\uFDD0' + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] allBytes() {
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    return all;
  }

  @Test
  void everyShapeComesBackExactly() throws IOException {
    byte[] large = new byte[5 << 20];
    new Random(19).nextBytes(large);
    try (BlinkStore saved = store(); BlinkStore loaded = store()) {
      saved.set("empty", new byte[0]);
      saved.set("one", new byte[] {7});
      saved.set("binary", allBytes());
      saved.set("large", large);
      saved.set("ключ-日本-\uD83D\uDE00", "non-ASCII key".getBytes(UTF_8));
      saved.set(escaped(new byte[] {0, ' ', (byte) 0xff, '\n'}), "binary key".getBytes(UTF_8));
      saved.set(Namespaces.key(3, "in-db-3"), "namespaced".getBytes(UTF_8));
      saved.set(Namespaces.key(15, escaped(new byte[] {1, 2})), "namespaced binary".getBytes(UTF_8));
      saved.hash("small-hash").set("f1", "v1".getBytes(UTF_8));
      saved.hash("small-hash").set("f0", java.util.Arrays.copyOfRange(allBytes(), 190, 254));
      for (int i = 0; i < 2_000; i++) {
        saved.hash("large-hash").set("field-" + i, ("value-" + i).getBytes(UTF_8));
      }
      saved.list("short-list").push(BlinkList.End.RIGHT, "a".getBytes(UTF_8), new byte[0], allBytes());
      List<byte[]> elements = new ArrayList<>();
      for (int i = 0; i < 20_000; i++) {
        elements.add(("element-" + i).getBytes(UTF_8));
      }
      saved.list("long-list").push(BlinkList.End.LEFT, elements.toArray(new byte[0][]));
      Sets sets = ((IsolatedStore) saved).sets();
      sets.add("small-intset", new byte[][] {"-3".getBytes(UTF_8), "9223372036854775807".getBytes(UTF_8)}, 0);
      sets.add("words", new byte[][] {"a".getBytes(UTF_8), new byte[0], allBytes()}, 0);
      for (int i = 0; i < 1_000; i++) {
        sets.add("large-set", new byte[][] {Integer.toString(i).getBytes(UTF_8)}, 0);
      }

      Path path = dir.resolve("snapshot");
      SaveReport report = BlinkSnapshots.save(saved, path);
      assertEquals(saved.size(), report.entries());
      assertEquals(Files.size(path), report.fileBytes());
      assertTrue(report.extraHeapBytes() > 0);

      LoadReport load = BlinkSnapshots.load(loaded, path);
      assertEquals(report.entries(), load.loaded());
      assertEquals(0, load.expired() + load.dropped());
      SnapshotDump.assertSame(saved, loaded);
      assertArrayEquals(large, loaded.get("large"));
      assertEquals("listpack", ((IsolatedStore) loaded).encoding("small-hash"));
      assertEquals("hashtable", ((IsolatedStore) loaded).encoding("large-hash"));
      assertEquals("intset", ((IsolatedStore) loaded).encoding("small-intset"));
      assertEquals("hashtable", ((IsolatedStore) loaded).encoding("large-set"));
      assertEquals(saved.usage(), loaded.usage());
    }
  }

  @Test
  void anEmptyStoreAndMetadataComeBack() throws IOException {
    try (BlinkStore saved = store(); BlinkStore loaded = store()) {
      Path path = dir.resolve("empty");
      assertEquals(0, BlinkSnapshots.save(saved, path, Map.of("databases", new byte[] {1, 0}, "", new byte[0]))
          .entries());
      LoadReport load = BlinkSnapshots.load(loaded, path);
      assertEquals(0, load.loaded());
      assertEquals(0, loaded.size());
      assertEquals(2, load.metadata().size());
      assertArrayEquals(new byte[] {1, 0}, load.metadata().get("databases"));
      assertArrayEquals(new byte[0], load.metadata().get(""));
    }
  }

  @Test
  void deadlinesAreKeptAbsolute() throws IOException {
    try (BlinkStore saved = store(); BlinkStore loaded = store()) {
      saved.set("string", "v".getBytes(UTF_8), Duration.ofHours(1));
      saved.hash("hash").set("f", "v".getBytes(UTF_8));
      saved.expire("hash", Duration.ofMinutes(30));
      saved.list("list").push(BlinkList.End.RIGHT, "e".getBytes(UTF_8));
      saved.expire("list", Duration.ofDays(3));
      ((io.blinkstore.internal.SortedSets.Source) saved).sortedSets().update("zset", true, 9, 1,
          set -> set.put("m".getBytes(UTF_8), 2.5), false, added -> true);
      saved.expire("zset", Duration.ofHours(5));
      ((IsolatedStore) saved).sets().add("set", new byte[][] {"m".getBytes(UTF_8)}, 0);
      saved.expire("set", Duration.ofMinutes(7));
      saved.set("forever", "v".getBytes(UTF_8));
      Path path = dir.resolve("ttl");
      long before = System.nanoTime();
      Map<String, Duration> ttls = Map.of("string", saved.ttl("string"), "hash", saved.ttl("hash"),
          "list", saved.ttl("list"), "zset", saved.ttl("zset"), "set", saved.ttl("set"));
      BlinkSnapshots.save(saved, path);
      BlinkSnapshots.load(loaded, path);
      Map<String, Long> lefts = new java.util.HashMap<>();
      ttls.keySet().forEach(key -> lefts.put(key, loaded.ttl(key).toMillis()));
      long elapsedMillis = (System.nanoTime() - before) / 1_000_000; // after the reads: a stall before them counts
      for (Map.Entry<String, Duration> ttl : ttls.entrySet()) {
        long left = lefts.get(ttl.getKey());
        long was = ttl.getValue().toMillis();
        // The deadline is kept to the millisecond (rounded up on save): what passed since is what the TTL lost.
        assertTrue(left <= was + 1 && left >= was - elapsedMillis - 2, () -> ttl + " came back as " + left);
      }
      assertEquals(BlinkStore.NO_EXPIRY, loaded.ttl("forever"));
      assertEquals(Deadlines.NEVER, ((IsolatedStore) loaded).deadline("forever"));
    }
  }

  @Test
  void anEntryWhoseDeadlinePassesBeforeTheLoadIsSkippedAndCounted() throws Exception {
    try (BlinkStore saved = store(); BlinkStore loaded = store()) {
      // Long enough that the save comes before it on a loaded machine (at 30 ms it once did not), short to wait out.
      saved.set("short", "v".getBytes(UTF_8), Duration.ofMillis(1_500));
      saved.hash("short-hash").set("f", "v".getBytes(UTF_8));
      saved.expire("short-hash", Duration.ofMillis(1_500));
      saved.set("long", "v".getBytes(UTF_8), Duration.ofHours(1));
      Path path = dir.resolve("expiring");
      assertEquals(3, BlinkSnapshots.save(saved, path).entries());
      Thread.sleep(1_600);
      LoadReport load = BlinkSnapshots.load(loaded, path);
      assertEquals(1, load.loaded());
      assertEquals(2, load.expired());
      assertNull(loaded.get("short"));
      assertEquals(1, loaded.size());
    }
  }

  @Test
  void aPinnedLockIsSavedAndLoadedAsAnEntryWithItsDeadline() throws IOException {
    // A pin weighs 0 in Caffeine (eviction leaves it alone): it must still be listed by hottest() and saved.
    try (BlinkStore saved = store(); BlinkStore loaded = store()) {
      assertTrue(saved.setIfAbsent("lock", "owner".getBytes(UTF_8), Duration.ofMinutes(5)));
      assertTrue(((IsolatedStore) saved).unwrap().pinnedBytes() > 0, "the lock is pinned");
      Path path = dir.resolve("pinned");
      assertEquals(1, BlinkSnapshots.save(saved, path).entries());
      assertEquals(1, BlinkSnapshots.load(loaded, path).loaded());
      assertArrayEquals("owner".getBytes(UTF_8), loaded.get("lock"));
      long left = loaded.ttl("lock").toSeconds();
      assertTrue(left > 240 && left <= 300, () -> "the lock lives " + left + " s more");
      assertEquals(0, ((IsolatedStore) loaded).unwrap().pinnedBytes(), "loaded as an ordinary entry");
    }
  }

  @Test
  void aLoadedEntryReplacesTheStoresOwn() throws IOException {
    try (BlinkStore saved = store(); BlinkStore loaded = store()) {
      saved.hash("k").set("f", "v".getBytes(UTF_8));
      saved.set("s", "saved".getBytes(UTF_8));
      loaded.set("k", "a string".getBytes(UTF_8));
      loaded.list("s").push(BlinkList.End.LEFT, "x".getBytes(UTF_8));
      Path path = dir.resolve("replace");
      BlinkSnapshots.save(saved, path);
      BlinkSnapshots.load(loaded, path);
      SnapshotDump.assertSame(saved, loaded);
    }
  }

  @Test
  void onlyTheBuildersStoreIsSupported() {
    BlinkStore other = java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {BlinkStore.class}, (proxy, method, args) -> null) instanceof BlinkStore s ? s : null;
    assertThrows(UnsupportedOperationException.class, () -> BlinkSnapshots.save(other, dir.resolve("x")));
    assertThrows(UnsupportedOperationException.class, () -> BlinkSnapshots.load(other, dir.resolve("x")));
  }

  @Test
  void aMissingFileIsNoSuchFile() {
    try (BlinkStore loaded = store()) {
      assertThrows(java.nio.file.NoSuchFileException.class, () -> BlinkSnapshots.load(loaded, dir.resolve("none")));
    }
  }
}
