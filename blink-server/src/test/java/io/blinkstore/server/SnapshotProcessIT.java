package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code blink-store serve --snapshot} in processes of its own (issue 19): what a SIGTERM saves the next start loads,
 * every value shape, binary keys and values, deadlines and databases included; a kill -9 at any moment of a save
 * leaves a snapshot the next start loads whole; each bad file at start is moved aside (or refused); a full disk
 * ({@code ulimit -f} on the server) keeps the previous file and is reported, and the next save succeeds.
 */
@Timeout(300)
class SnapshotProcessIT {
  @TempDir Path dir;

  private Path snapshot() {
    return dir.resolve("blink.snapshot");
  }

  private Path socket() {
    return dir.resolve("s.sock");
  }

  /** Starts a server with {@code --snapshot} (and {@code extra}) under {@code shellLimits} ("" for none). */
  private Process start(Path log, String shellLimits, String... extra) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("serve", "--tcp", "127.0.0.1:0", "--unix", socket().toString(),
        "--memory-limit", "64MB", "--snapshot", snapshot().toString()));
    args.addAll(List.of(extra));
    List<String> prefix = shellLimits.isEmpty() ? List.of()
        : List.of("bash", "-c", shellLimits + " && exec \"$@\"", "bash");
    Process server = ServerProcess.command(prefix, System.getProperty("java.class.path"),
        List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError"), log, args.toArray(String[]::new)).start();
    try {
      ServerProcessIT.awaitPort(server, log);
    } catch (AssertionError | IOException | InterruptedException | RuntimeException e) {
      server.destroyForcibly();
      throw e;
    }
    return server;
  }

  private List<String> exchange(List<List<String>> requests) throws Exception {
    try (RawRespClient client = RawRespClient.unix(socket())) {
      return client.exchange(requests);
    }
  }

  private String one(String... request) throws Exception {
    return exchange(List.of(List.of(request))).get(0);
  }

  /** What the round trip reads back: every shape, in three databases, after a SWAPDB. */
  private static final List<List<String>> READS = List.of(
      List.of("SELECT", "1"),
      List.of("GET", "bin\u0000\u00ff\r\nkey"),
      List.of("GET", "text key"),
      List.of("HLEN", "hash"),
      List.of("HMGET", "hash", "f1", "f\u0000\u00ff", "nope"),
      List.of("LRANGE", "list", "0", "-1"),
      List.of("PEXPIRETIME", "ttl"),
      List.of("PEXPIRETIME", "text key"),
      List.of("TYPE", "hash"),
      List.of("DBSIZE"),
      List.of("SELECT", "0"),
      List.of("GET", "zero"),
      List.of("DBSIZE"),
      List.of("SELECT", "5"),
      List.of("LRANGE", "five", "0", "-1"),
      List.of("DBSIZE"));

  @Test
  void whatSigtermSavedTheNextStartLoadsEveryShapeKeyKindDeadlineAndDatabase() throws Exception {
    Path log = dir.resolve("first.log");
    Process server = start(log, "");
    List<String> before;
    try {
      exchange(List.of(
          List.of("SET", "bin\u0000\u00ff\r\nkey", "value\u0000\u0001\u00fe\r\n"),
          List.of("SET", "text key", "plain"),
          List.of("HSET", "hash", "f1", "v1", "f\u0000\u00ff", "v\u0000\u00ff"),
          List.of("RPUSH", "list", "a", "", "c\u0000"),
          List.of("SET", "ttl", "soon", "PXAT", Long.toString(System.currentTimeMillis() + 3_600_000)),
          List.of("SET", "gone", "x", "PX", "1"),
          List.of("SELECT", "1"),
          List.of("SET", "zero", "was one"),
          List.of("SWAPDB", "0", "1"),
          List.of("SELECT", "5"),
          List.of("RPUSH", "five", "x", "y")));
      before = exchange(READS);
    } finally {
      ServerProcessIT.stop(server);
    }
    assertEquals(0, server.exitValue());
    assertTrue(Files.readString(log).contains("snapshot saved to " + snapshot() + " (shutdown)"),
        Files.readString(log));

    Path again = dir.resolve("second.log");
    server = start(again, "");
    try {
      assertEquals(before, exchange(READS));
      assertTrue(before.get(1).contains("value"), before.toString());
      assertEquals(":5\\r\\n", before.get(9), "five keys in database 1 (was 0): " + before);
      String output = Files.readString(again);
      assertTrue(output.contains("snapshot " + snapshot() + " loaded: 7 entries"), output);
    } finally {
      ServerProcessIT.stop(server);
    }
  }

  @Test
  void killDashNineAtRandomMomentsOfSavesUnderWritesAlwaysLeavesASnapshotTheNextStartLoadsWhole()
      throws Exception {
    Random random = new Random();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    int tries = 0;
    int duringSave = 0;
    boolean savedBefore = false; // a save of an earlier server ended: the file is there from then on
    for (; tries < 12 && System.nanoTime() < deadline; tries++) {
      Path log = dir.resolve("kill-" + tries + ".log");
      Process server = start(log, "");
      try {
        String output = Files.readString(log);
        assertFalse(output.contains("cannot be loaded"), output);
        // Loaded whole once any save has ended (one that ended unlogged, killed right after its rename, counts too).
        assertTrue(output.contains("snapshot " + snapshot() + " loaded")
            || !savedBefore && output.contains("no snapshot at"), output);
        assertEquals(List.of(), temporaryFiles(), "the start removed what saves cut short left");
        writeAndSave(tries, random);
        if (awaitTemporaryFile()) { // the save is writing: kill it somewhere in its first 30 ms
          duringSave++;
          Thread.sleep(random.nextInt(30));
        }
      } finally {
        server.destroyForcibly(); // SIGKILL, wherever the save is
        assertTrue(server.waitFor(20, TimeUnit.SECONDS));
      }
      savedBefore |= Files.readString(log).contains("snapshot saved to");
    }
    assertTrue(tries >= 4, "at least four kills within the time");
    assertTrue(duringSave >= tries / 2, duringSave + " of " + tries + " kills came while a save was writing");
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".corrupt-")).toList());
    }
  }

  private List<Path> temporaryFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("blink.snapshot.tmp-")).toList();
    }
  }

  /** Waits up to 2 s for a save's temporary file to appear; whether it did. */
  private boolean awaitTemporaryFile() throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (System.nanoTime() < until) {
      if (!temporaryFiles().isEmpty()) {
        return true;
      }
      Thread.sleep(1);
    }
    return false;
  }

  /**
   * The first round writes 60,000 entries of 300 bytes (a save of them takes a while); each writes 5,000 of them
   * again, deletes some, then asks for a BGSAVE, pipelined 5,000 requests at a time.
   */
  private void writeAndSave(int round, Random random) throws Exception {
    List<List<String>> requests = new ArrayList<>();
    int writes = round == 0 ? 60_000 : 5_000;
    for (int i = 0; i < writes; i++) {
      String key = "k" + (round == 0 ? i : random.nextInt(60_000));
      requests.add(List.of("SET", key, "round " + round + " " + "v".repeat(300)));
      if (i % 1_000 == 0) {
        requests.add(List.of("DEL", "k" + random.nextInt(60_000)));
      }
    }
    requests.add(List.of("BGSAVE"));
    for (int from = 0; from < requests.size(); from += 5_000) { // a few MB at a time: within client memory
      exchange(requests.subList(from, Math.min(requests.size(), from + 5_000)));
    }
  }

  /** A valid snapshot of a few entries, made by a server stopped with SIGTERM. */
  private byte[] validSnapshot() throws Exception {
    Path log = dir.resolve("valid.log");
    Process server = start(log, "");
    try {
      exchange(List.of(List.of("SET", "a", "1"), List.of("HSET", "h", "f", "v"), List.of("RPUSH", "l", "x")));
    } finally {
      ServerProcessIT.stop(server);
    }
    return Files.readAllBytes(snapshot());
  }

  @Test
  void eachBadFileAtStartIsMovedAsideWithOneLineAndTheServerStartsEmptyOrRefusesToStart() throws Exception {
    byte[] valid = validSnapshot();
    byte[] flipped = valid.clone();
    flipped[valid.length / 2] ^= 0x10;
    byte[] truncated = Arrays.copyOf(valid, valid.length - 7);
    byte[] otherVersion = withVersion(valid, 2);
    List<byte[]> bad = List.of(flipped, truncated, otherVersion, new byte[0]);
    for (int i = 0; i < bad.size(); i++) {
      Files.write(snapshot(), bad.get(i));
      Path log = dir.resolve("bad-" + i + ".log");
      Process server = start(log, "");
      try {
        assertEquals(":0\\r\\n", one("DBSIZE"), "started empty");
        String output = Files.readString(log);
        assertEquals(1, output.lines().filter(line -> line.contains("cannot be loaded")).count(), output);
        assertTrue(output.contains(List.of("checksum", "truncated", "format version 2", "empty").get(i)), output);
        assertFalse(Files.exists(snapshot()), "moved aside");
      } finally {
        ServerProcessIT.stop(server);
      }
      List<Path> aside;
      try (Stream<Path> files = Files.list(dir)) {
        aside = files.filter(f -> f.getFileName().toString().startsWith("blink.snapshot.corrupt-")).toList();
      }
      assertEquals(i + 1, aside.size(), aside.toString());
      byte[] written = bad.get(i);
      assertTrue(aside.stream().anyMatch(f -> contentIs(f, written)), "kept as it was");
      Files.delete(snapshot()); // the shutdown saved an empty store; the next round writes its own bad file
    }

    Files.write(snapshot(), truncated);
    Path log = dir.resolve("refused.log");
    Process refused = ServerProcess.command(List.of(), System.getProperty("java.class.path"),
        List.of("-Xmx128m"), log, "serve", "--tcp", "127.0.0.1:0", "--snapshot", snapshot().toString(),
        "--snapshot-on-corrupt", "refuse").start();
    assertTrue(refused.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, refused.exitValue());
    String output = Files.readString(log);
    assertTrue(output.contains("blink-store: snapshot " + snapshot() + " cannot be loaded"), output);
    assertArrayEquals(truncated, Files.readAllBytes(snapshot()), "left where it was");
  }

  /**
   * {@code snapshot} with format version {@code version} and its header's CRC32C made right again (docs/snapshots.md:
   * the version at offset 8, two bytes; the CRC of bytes 0 to 19 at offset 20), so that only the version is wrong.
   */
  private static byte[] withVersion(byte[] snapshot, int version) {
    byte[] changed = snapshot.clone();
    ByteBuffer header = ByteBuffer.wrap(changed);
    header.putShort(8, (short) version);
    CRC32C crc = new CRC32C();
    crc.update(changed, 0, 20);
    header.putInt(20, (int) crc.getValue());
    return changed;
  }

  private static boolean contentIs(Path file, byte[] content) {
    try {
      return Arrays.equals(Files.readAllBytes(file), content);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aFullDiskKeepsThePreviousSnapshotIsReportedAndTheNextSaveSucceeds() throws Exception {
    Path log = dir.resolve("full.log");
    // Files this server writes may not pass 2 MiB: its snapshot and its log (the JVM ignores SIGXFSZ: EFBIG).
    Process server = start(log, "ulimit -f 2048");
    try {
      exchange(List.of(List.of("SET", "small", "1")));
      assertEquals("+OK\\r\\n", one("SAVE"));
      byte[] previous = Files.readAllBytes(snapshot());
      List<List<String>> bulk = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        bulk.add(List.of("SET", "big" + i, "x".repeat(100_000)));
      }
      exchange(bulk);
      assertTrue(one("SAVE").startsWith("-ERR the snapshot could not be saved"));
      assertArrayEquals(previous, Files.readAllBytes(snapshot()), "the previous snapshot is intact");
      String info = one("INFO", "persistence");
      assertTrue(info.contains("rdb_last_bgsave_status:err"), info);
      assertTrue(info.contains("blink_snapshot_failures:1"), info);
      assertTrue(Files.readString(log).contains("the previous snapshot is kept"), Files.readString(log));
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(List.of(), files.filter(f -> f.getFileName().toString().contains(".tmp")).toList(),
            "the failed save removed its temporary file");
      }
      exchange(List.of(List.of("FLUSHALL"), List.of("SET", "after", "1")));
      assertEquals("+OK\\r\\n", one("SAVE"), "the next save succeeds once there is room");
      assertTrue(one("INFO", "persistence").contains("rdb_last_bgsave_status:ok"));
    } finally {
      ServerProcessIT.stop(server);
    }
  }
}
