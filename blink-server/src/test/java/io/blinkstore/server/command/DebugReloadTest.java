package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import io.blinkstore.server.protocol.resp.RespSession;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code DEBUG RELOAD} on a server with a snapshot: what was stored comes back with its type and time to live, and
 * no write of another client answered while reloads run is lost, since the save, the flush and the load all hold
 * the store's gate exclusive.
 */
@Timeout(120)
class DebugReloadTest {
  @TempDir Path dir;

  private final BlinkStore store = BlinkStore.builder().memoryLimit(64 << 20).build();
  private final Dispatcher dispatcher = new Dispatcher(store, new Leases(), Clock.systemUTC(), new ServerCounters(),
      HeapGuard.NONE, null, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, EntrySizeLimits.NONE);
  private final RespSession session = new RespSession(dispatcher);

  @AfterEach
  void close() {
    dispatcher.snapshots().close(false);
    dispatcher.close();
    store.close();
  }

  private Result run(String... args) {
    return RespTester.run(session, args);
  }

  private void startSnapshots() {
    dispatcher.reportSettings(Map.of("enable-debug-command", "yes"));
    dispatcher.snapshots().start(new SnapshotSettings(dir.resolve("blink.snapshot"), Duration.ofHours(1), 0, false),
        SnapshotFiles.of(store));
  }

  @Test
  void aReloadKeepsTypesValuesAndTimesToLiveAndEmptiesWhatTheFileDoesNotHold() {
    startSnapshots();
    run("SET", "s", "v");
    run("HSET", "h", "f", "1");
    run("RPUSH", "l", "a", "b");
    run("PEXPIRE", "h", "100000");
    run("SELECT", "3");
    run("SET", "in3", "x");
    run("SELECT", "0");
    assertEquals(Result.OK, run("DEBUG", "RELOAD"));
    assertEquals(bulk("v"), run("GET", "s"));
    assertEquals(List.of(bulk("f"), bulk("1")), ((Result.Map) run("HGETALL", "h")).keysAndValues());
    assertTrue(((Result.Int) run("PTTL", "h")).value() > 90_000);
    assertEquals(integer(2), run("LLEN", "l"));
    run("SET", "after", "v");
    assertEquals(Result.OK, run("DEBUG", "RELOAD", "NOSAVE"));
    assertEquals(integer(0), run("EXISTS", "after"), "NOSAVE loads the file as it was: the flush removed the key");
    run("SELECT", "3");
    assertEquals(bulk("x"), run("GET", "in3"));
  }

  @Test
  void noWriteAnsweredWhileReloadsRunIsLost() throws Exception {
    startSnapshots();
    RespSession writer = new RespSession(dispatcher);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong acknowledged = new AtomicLong();
    CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
      for (long i = 0; !stop.get(); i++) {
        assertEquals(Result.OK, RespTester.run(writer, "SET", "w:" + i, Long.toString(i)));
        acknowledged.set(i + 1);
      }
    });
    while (acknowledged.get() == 0) {
      Thread.sleep(1); // the writer runs
    }
    long atStart = acknowledged.get();
    for (int reload = 0; reload < 20; reload++) {
      long before = acknowledged.get();
      assertEquals(Result.OK, run("DEBUG", "RELOAD"));
      // Between two reloads the writer is answered again, however late a busy machine schedules it: the reloads
      // interleave with answered writes, which the check below then finds (a bounded wait, not a time measured).
      for (long waited = 0; acknowledged.get() == before; waited++) {
        assertTrue(waited < 10_000, "the writer was not answered for 10 s after a reload");
        Thread.sleep(1);
      }
    }
    long atEnd = acknowledged.get();
    stop.set(true);
    writes.get(30, TimeUnit.SECONDS);
    long written = acknowledged.get();
    assertTrue(atEnd > atStart, "writes were answered while the reloads ran");
    for (long i = 0; i < written; i++) {
      assertEquals(bulk(Long.toString(i)), run("GET", "w:" + i), "w:" + i + " of " + written);
    }
  }
}
