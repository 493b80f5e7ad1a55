package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkException;
import io.blinkstore.BlinkSnapshots;
import io.blinkstore.internal.Namespaces;
import io.blinkstore.server.protocol.resp.RespRequest;
import io.blinkstore.server.protocol.resp.RespSession;
import io.blinkstore.server.transport.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's snapshot service through its commands and its schedule, with the disk replaced by a stand-in
 * ({@link SnapshotFiles}) that records each save and fails as a full disk or a corrupt file would.
 */
class SnapshotServiceTest {
  @RegisterExtension final RespTester tester = new RespTester();
  @TempDir Path dir;
  private final FakeFiles files = new FakeFiles();

  private SnapshotService snapshots() {
    return tester.commands.snapshots();
  }

  @AfterEach
  void closeSnapshots() {
    snapshots().close(false);
  }

  private SnapshotSettings settings(Duration interval, long writes, boolean refuse) {
    return new SnapshotSettings(dir.resolve("blink.snapshot"), interval, writes, refuse);
  }

  private void start(Duration interval, long writes) {
    snapshots().start(settings(interval, writes, false), files);
    snapshots().schedule();
  }

  private String info() {
    return ((Result.Verbatim) tester.run("INFO", "persistence")).text();
  }

  private void awaitSaves(long saves) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (snapshots().figures().saves() < saves || snapshots().figures().inProgress()) {
      assertTrue(System.nanoTime() < deadline, "no save within 10 s: " + snapshots().figures());
      Thread.sleep(5);
    }
  }

  @Test
  void withoutASnapshotPathSaveAndBgsaveAnswerAnErrorNamingTheFlagAndWritesAreStillCounted() {
    assertEquals(SnapshotService.DISABLED, tester.run("SAVE"));
    assertEquals(SnapshotService.DISABLED, tester.run("BGSAVE"));
    assertTrue(((Result.Error) SnapshotService.DISABLED).message().contains("--snapshot PATH"));
    tester.run("SET", "a", "1");
    tester.run("GET", "a");
    tester.run("INCR", "a");
    tester.run("INCR", "nope-not-a-number-key");
    tester.run("SET", "a", "1", "XX", "NX"); // an error: not counted
    String info = info();
    assertTrue(info.startsWith("# Persistence\r\nloading:0\r\n"), info);
    assertTrue(info.contains("\r\nrdb_changes_since_last_save:3\r\n"), info);
    assertTrue(info.contains("\r\nrdb_bgsave_in_progress:0\r\nrdb_last_save_time:"
        + ((Result.Int) tester.run("LASTSAVE")).value() + "\r\n"), info);
    assertTrue(info.contains("\r\naof_enabled:0\r\n"), info);
    assertTrue(info.contains("\r\nblink_snapshot_enabled:0\r\nblink_snapshot_path:\r\n"), info);
  }

  @Test
  void bgsaveSavesOnTheSnapshotThreadWithTheDatabasesTableAndResetsTheChangesCount() throws Exception {
    start(Duration.ofHours(1), 0);
    tester.run("SET", "a", "1");
    tester.run("SWAPDB", "0", "1");
    assertEquals(new Result.Simple("Background saving started"), tester.run("BGSAVE"));
    awaitSaves(1);
    assertEquals(1, files.saved.size());
    assertTrue(files.threads.get(0).startsWith("blink-snapshots"), files.threads.toString());
    ByteBuffer table = ByteBuffer.wrap(files.saved.get(0).get(SnapshotService.DATABASES));
    assertEquals(1, table.getInt());
    assertEquals(0, table.getInt());
    assertEquals(2, table.getInt());
    String info = info();
    assertTrue(info.contains("\r\nrdb_changes_since_last_save:0\r\n"), info);
    assertTrue(info.contains("\r\nrdb_saves:1\r\n"), info);
    assertTrue(info.contains("\r\nrdb_last_bgsave_status:ok\r\n"), info);
    assertTrue(info.contains("\r\nblink_snapshot_last_entries:3\r\nblink_snapshot_last_bytes:100\r\n"
        + "blink_snapshot_last_extra_heap_bytes:64\r\n"), info);
    assertEquals(RespKeyCommands.SYNTAX_ERROR, tester.run("BGSAVE", "NOW"));
    assertEquals(new Result.Simple("Background saving started"), tester.run("BGSAVE", "schedule"));
    awaitSaves(2);
  }

  @Test
  void aSaveWhileOneRunsIsRefusedWithRedissError() throws Exception {
    start(Duration.ofHours(1), 0);
    files.hold = new CountDownLatch(1);
    assertEquals(new Result.Simple("Background saving started"), tester.run("BGSAVE"));
    assertEquals(Result.error("Background save already in progress"), tester.run("BGSAVE"));
    assertEquals(Result.error("Background save already in progress"), tester.run("SAVE"));
    assertTrue(info().contains("\r\nrdb_bgsave_in_progress:1\r\n"), info());
    files.hold.countDown();
    awaitSaves(1);
    assertTrue(info().contains("\r\nrdb_bgsave_in_progress:0\r\n"), info());
  }

  @Test
  void saveAnswersItsCallerWhenTheSaveEndsAndServesOthersMeanwhile() throws Exception {
    start(Duration.ofHours(1), 0);
    files.hold = new CountDownLatch(1);
    assertNull(tester.session.execute(new RespRequest.Command(
        RespTester.toBytes("SAVE"))), "the reply comes later");
    Session.Pending pending = tester.session.takePending();
    assertNotNull(pending);
    CompletableFuture<@Nullable Object> reply = new CompletableFuture<>();
    pending.whenDone(reply::complete);
    RespSession other = new RespSession(tester.commands);
    assertEquals(Result.PONG, RespTester.run(other, "PING"), "another client is served while SAVE waits");
    assertFalse(reply.isDone());
    files.hold.countDown();
    assertEquals(Result.OK, reply.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aSaveThatFailsIsReportedEverywhereAndTheNextTriggerTriesAgain() throws Exception {
    start(Duration.ofMillis(1), 0);
    files.failure = new IOException("No space left on device");
    tester.run("SET", "a", "1");
    assertNull(tester.session.execute(new RespRequest.Command(
        RespTester.toBytes("SAVE"))));
    CompletableFuture<@Nullable Object> reply = new CompletableFuture<>();
    Objects.requireNonNull(tester.session.takePending()).whenDone(reply::complete);
    assertEquals(RespPersistenceCommands.FAILED, reply.get(10, TimeUnit.SECONDS));
    SnapshotFigures figures = snapshots().figures();
    assertFalse(figures.lastOk());
    assertEquals(1, figures.failures());
    assertEquals(1, figures.changes(), "a failed save keeps the changes");
    assertEquals("IOException: No space left on device", figures.lastError());
    String info = info();
    assertTrue(info.contains("\r\nrdb_last_bgsave_status:err\r\n"), info);
    assertTrue(info.contains("\r\nblink_snapshot_failures:1\r\n"), info);
    long failedAt = System.currentTimeMillis();
    snapshots().tick(failedAt + 1000);
    assertEquals(1, snapshots().figures().saves(), "not again within the retry delay");
    files.failure = null;
    snapshots().tick(failedAt + SnapshotService.RETRY_DELAY.toMillis() + 1000);
    assertTrue(snapshots().figures().lastOk(), "the next trigger saved");
    assertEquals(0, snapshots().figures().changes());
    assertEquals(1, files.saved.size());
  }

  @Test
  void theIntervalSavesOnlyWhenSomethingWasWritten() {
    snapshots().start(settings(Duration.ofMinutes(5), 0, false), files);
    long start = System.currentTimeMillis();
    snapshots().tick(start + Duration.ofMinutes(6).toMillis());
    assertEquals(0, files.saved.size(), "nothing written: no save");
    tester.run("SET", "a", "1");
    snapshots().tick(start + Duration.ofMinutes(4).toMillis());
    assertEquals(0, files.saved.size(), "before the interval: no save");
    snapshots().tick(start + Duration.ofMinutes(6).toMillis());
    assertEquals(1, files.saved.size());
  }

  /** Redis's suite sets {@code save ""} for some units and restores the value it read after them. */
  @Test
  void configSetSaveEmptyStopsTheScheduleAndTheServersOwnValueStartsIt() {
    snapshots().start(settings(Duration.ofMinutes(5), 0, false), files);
    long start = System.currentTimeMillis();
    assertEquals(new Result.Map(List.of(Result.bulk("save"), Result.bulk("300 1"))), tester.run("CONFIG", "GET", "save"));
    assertEquals(Result.OK, tester.run("CONFIG", "SET", "save", ""));
    assertEquals(new Result.Map(List.of(Result.bulk("save"), Result.bulk(""))), tester.run("CONFIG", "GET", "save"));
    tester.run("SET", "a", "1");
    snapshots().tick(start + Duration.ofMinutes(6).toMillis());
    assertEquals(0, files.saved.size(), "save \"\": no scheduled save");
    assertEquals(new Result.Error("ERR CONFIG SET failed (possibly related to argument 'save') - "
        + ServerConfig.NOT_LIVE), tester.run("CONFIG", "SET", "save", "60 1"));
    assertEquals(Result.OK, tester.run("CONFIG", "SET", "save", "300 1"));
    snapshots().tick(start + Duration.ofMinutes(6).toMillis());
    assertEquals(1, files.saved.size());
  }

  @Test
  void theWriteCountSavesOnceEnoughWritesWereMadeAtMostOnceAMinute() {
    snapshots().start(settings(Duration.ofHours(1), 3, false), files);
    long start = System.currentTimeMillis();
    tester.run("SET", "a", "1");
    tester.run("SET", "b", "1");
    snapshots().tick(start + Duration.ofMinutes(2).toMillis());
    assertEquals(0, files.saved.size(), "two writes of three");
    tester.run("DEL", "a");
    snapshots().tick(start + Duration.ofSeconds(30).toMillis());
    assertEquals(0, files.saved.size(), "within the first minute");
    snapshots().tick(start + Duration.ofSeconds(61).toMillis());
    assertEquals(1, files.saved.size());
  }

  @Test
  void saveIsRefusedInsideMultiAndTheTransactionAborts() {
    start(Duration.ofHours(1), 0);
    assertEquals(Result.OK, tester.run("MULTI"));
    assertEquals(Result.error("Command not allowed inside a transaction"), tester.run("SAVE"));
    Result exec = tester.run("EXEC");
    assertInstanceOf(Result.Error.class, exec);
    assertTrue(((Result.Error) exec).message().startsWith("Transaction discarded"), exec.toString());
    assertEquals(0, files.saved.size());
  }

  @Test
  void theDatabasesTableIsRestoredAtStartSoThatSwapdbSurvives() {
    ByteBuffer table = ByteBuffer.allocate(16 * 4);
    table.putInt(1).putInt(0);
    for (int i = 2; i < 16; i++) {
      table.putInt(i);
    }
    files.loadReport = new BlinkSnapshots.LoadReport(0, 0, 0, Map.of(SnapshotService.DATABASES, table.array()),
        Duration.ZERO);
    files.createFile(dir.resolve("blink.snapshot"));
    snapshots().start(settings(Duration.ofHours(1), 0, false), files);
    tester.run("SET", "k", "v");
    assertEquals("v", new String(tester.store.get(Namespaces.key(1, "k")), StandardCharsets.UTF_8));
    assertNull(tester.store.get("k"));
  }

  @Test
  void theTemporaryFilesOfASaveCutShortAreRemovedAtStartAndNothingElse() throws IOException {
    for (String name : List.of("blink.snapshot.tmp-1f2e3d", "blink.snapshot.tmp-", "blink.snapshot.tmp2",
        "other.snapshot.tmp-1f", "blink.snapshot.corrupt-20261205T183241Z")) {
      Files.writeString(dir.resolve(name), name);
    }
    snapshots().start(settings(Duration.ofHours(1), 0, false), files);
    try (Stream<Path> list = Files.list(dir)) {
      assertEquals(List.of("blink.snapshot.corrupt-20261205T183241Z", "blink.snapshot.tmp2", "other.snapshot.tmp-1f"),
          list.map(file -> file.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void aMissingFileStartsEmptyWithoutALoad() {
    snapshots().start(settings(Duration.ofHours(1), 0, false), files);
    assertEquals(0, files.loads);
  }

  @Test
  void aCorruptFileIsMovedAsideAndTheServerStartsEmpty() throws IOException {
    Path path = dir.resolve("blink.snapshot");
    Files.writeString(path, "not a snapshot");
    files.loadFailure = new BlinkSnapshots.CorruptSnapshotException("bad magic at offset 0");
    snapshots().start(settings(Duration.ofHours(1), 0, false), files);
    assertFalse(Files.exists(path));
    List<Path> aside;
    try (Stream<Path> list = Files.list(dir)) {
      aside = list.toList();
    }
    assertEquals(1, aside.size(), aside.toString());
    assertTrue(aside.get(0).getFileName().toString().matches("blink\\.snapshot\\.corrupt-\\d{8}T\\d{6}Z"),
        aside.toString());
    assertEquals("not a snapshot", Files.readString(aside.get(0)), "kept as it was");
  }

  @Test
  void aSecondCorruptFileInTheSameSecondIsMovedAsideUnderAnotherName() throws IOException {
    Path path = dir.resolve("blink.snapshot");
    files.loadFailure = new BlinkSnapshots.CorruptSnapshotException("truncated");
    for (int i = 0; i < 2; i++) {
      Files.writeString(path, "corrupt " + i);
      new SnapshotStart(settings(Duration.ofHours(1), 0, false), files).load();
    }
    try (Stream<Path> list = Files.list(dir)) {
      assertEquals(2, list.filter(p -> p.getFileName().toString().contains(".corrupt-")).count());
    }
  }

  @Test
  void refuseKeepsTheFileWhereItIsAndFailsTheStartNamingIt() throws IOException {
    Path path = dir.resolve("blink.snapshot");
    Files.writeString(path, "");
    files.loadFailure = new BlinkSnapshots.CorruptSnapshotException("empty file");
    BlinkException refused = assertThrows(BlinkException.class,
        () -> snapshots().start(settings(Duration.ofHours(1), 0, true), files));
    assertTrue(refused.getMessage().contains(path.toString()), refused.getMessage());
    assertTrue(refused.getMessage().contains("empty file"), refused.getMessage());
    assertTrue(Files.exists(path));
    try (Stream<Path> list = Files.list(dir)) {
      assertEquals(1, list.count());
    }
  }

  @Test
  void aFileThatCannotBeReadFailsTheStartAndIsLeftWhereItIs() throws IOException {
    Path path = dir.resolve("blink.snapshot");
    Files.writeString(path, "perhaps a whole snapshot");
    files.loadFailure = new java.nio.file.AccessDeniedException(path.toString());
    BlinkException refused = assertThrows(BlinkException.class,
        () -> snapshots().start(settings(Duration.ofHours(1), 0, false), files));
    assertTrue(refused.getMessage().contains("cannot be read"), refused.getMessage());
    assertEquals("perhaps a whole snapshot", Files.readString(path), "neither moved aside nor replaced");
    try (Stream<Path> list = Files.list(dir)) {
      assertEquals(1, list.count());
    }
  }

  @Test
  void closeSavesOnceMoreOnlyAfterTheServerServed() {
    snapshots().start(settings(Duration.ofHours(1), 0, false), files);
    snapshots().close(true);
    assertEquals(0, files.saved.size(), "a start that failed before serving does not save");
  }

  @Test
  void closeSavesWhatWasWrittenAndReportsSettingsAsRedisNamesThem() {
    start(Duration.ofMinutes(5), 10_000);
    tester.run("SET", "a", "1");
    assertEquals(new Result.Map(List.of(bulk("save"), bulk("300 1 60 10000"))),
        tester.run("CONFIG", "GET", "save"));
    assertEquals(new Result.Map(List.of(bulk("dbfilename"), bulk("blink.snapshot"))),
        tester.run("CONFIG", "GET", "dbfilename"));
    assertEquals(new Result.Map(List.of(bulk("dir"), bulk(dir.toAbsolutePath().toString()))),
        tester.run("CONFIG", "GET", "dir"));
    snapshots().close(true);
    assertEquals(1, files.saved.size());
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aSaveAtCloseThatHangsDoesNotHangTheClose() {
    start(Duration.ofHours(1), 0);
    files.hold = new CountDownLatch(1); // a disk that never answers
    snapshots().closeSaveTimeout(Duration.ofMillis(200));
    try {
      snapshots().close(true);
      assertEquals(List.of("blink-snapshots"), files.threads, "the save had begun");
      assertEquals(0, files.saved.size());
    } finally {
      files.hold.countDown();
    }
  }

  /** The disk, as the tests want it. */
  private static final class FakeFiles implements SnapshotFiles {
    final List<Map<String, byte[]>> saved = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    volatile @Nullable IOException failure;
    volatile @Nullable CountDownLatch hold;
    volatile @Nullable IOException loadFailure;
    BlinkSnapshots.LoadReport loadReport = new BlinkSnapshots.LoadReport(0, 0, 0, Map.of(), Duration.ZERO);
    int loads;

    @Override
    public BlinkSnapshots.SaveReport save(Path path, Map<String, byte[]> metadata) throws IOException {
      threads.add(Thread.currentThread().getName());
      CountDownLatch wait = hold;
      if (wait != null) {
        try {
          assertTrue(wait.await(60, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
      IOException fail = failure;
      if (fail != null) {
        throw fail;
      }
      saved.add(Map.copyOf(metadata));
      return new BlinkSnapshots.SaveReport(3, 100, 64, Duration.ofMillis(1));
    }

    @Override
    public BlinkSnapshots.LoadReport load(Path path) throws IOException {
      loads++;
      IOException fail = loadFailure;
      if (fail != null) {
        throw fail;
      }
      return loadReport;
    }

    void createFile(Path path) {
      try {
        Files.write(path, new byte[] {1});
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }
}
