package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A script is one atomic step for every other client: while scripts increment two keys one after the other, a
 * reader on another connection ({@code MGET a b}) never sees one incremented without the other, and a client that
 * {@code WATCH}ed a key a script then writes has its {@code EXEC} aborted. Each runs on a thread of its own, as
 * connections on the server's event loops do.
 */
class ScriptIsolationTest {
  private static final int SCRIPTS = 2_000;
  private static final String BOTH =
      "redis.call('INCR', KEYS[1]) local s = 0 for i = 1, 100 do s = s + i end return redis.call('INCR', KEYS[2])";

  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final Dispatcher dispatcher = new Dispatcher(store);

  @AfterEach
  void close() {
    store.close();
  }

  private Result run(ClientState client, String... args) {
    return RespTester.copied(dispatcher.dispatch(client, RespTester.toBytes(args)));
  }

  private ClientState newClient() {
    return dispatcher.newClient(RespKeys::of, ConnectionMemory.NONE, () -> { });
  }

  @Test
  void aReaderNeverSeesAScriptHalfDone() throws Exception {
    ClientState scripts = newClient();
    ExecutorService pool = Executors.newFixedThreadPool(1);
    AtomicBoolean done = new AtomicBoolean();
    try {
      Future<String> reader = pool.submit(() -> read(done));
      for (int i = 1; i <= SCRIPTS; i++) {
        assertEquals(new Result.Int(i), run(scripts, "EVAL", BOTH, "2", "a", "b"));
      }
      done.set(true);
      assertEquals("", reader.get());
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * As {@link #aReaderNeverSeesAScriptHalfDone}, with the scripts run as a connection's are: on the script thread
   * ({@code ScriptRunner.submit}), their replies coming later.
   */
  @Test
  void aReaderNeverSeesAScriptOnTheScriptThreadHalfDone() throws Exception {
    ClientState scripts = newClient();
    scripts.mayBlock(true);
    ExecutorService pool = Executors.newFixedThreadPool(1);
    AtomicBoolean done = new AtomicBoolean();
    try {
      Future<String> reader = pool.submit(() -> read(done));
      for (int i = 1; i <= SCRIPTS; i++) {
        dispatcher.dispatch(scripts, RespTester.toBytes("EVAL", BOTH, "2", "a", "b"));
        LaterReply later = Objects.requireNonNull(scripts.takePending(), "run on the script thread");
        CompletableFuture<Result> reply = new CompletableFuture<>();
        later.whenDone(reply::complete);
        assertEquals(new Result.Int(i), reply.get(10, TimeUnit.SECONDS));
      }
      done.set(true);
      assertEquals("", reader.get());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Reads until {@code done}; returns what was wrong ("" if nothing): the two counters apart. */
  private String read(AtomicBoolean done) {
    RespSession session = new RespSession(dispatcher);
    while (!done.get()) {
      Result.Array values = (Result.Array) RespTester.run(session, "MGET", "a", "b");
      if (!values.elements().get(0).equals(values.elements().get(1))) {
        return "MGET a b = " + values;
      }
    }
    return "";
  }

  @Test
  void aWatchedKeyAScriptWritesAbortsTheWatchersExec() {
    ClientState watcher = newClient();
    ClientState scripts = newClient();
    assertEquals(Result.OK, run(watcher, "WATCH", "k"));
    assertEquals(Result.OK, run(scripts, "EVAL", "return redis.call('SET', KEYS[1], 'x')", "1", "k"));
    assertEquals(Result.OK, run(watcher, "MULTI"));
    assertEquals(new Result.Simple("QUEUED"), run(watcher, "GET", "k"));
    assertEquals(new Result.NullArray(), run(watcher, "EXEC"));
    assertEquals(Result.OK, run(watcher, "WATCH", "k"));
    assertEquals(RespTester.bulk("x"), run(scripts, "EVAL", "return redis.call('GET', KEYS[1])", "1", "k"));
    assertEquals(Result.OK, run(watcher, "MULTI"));
    assertEquals(new Result.Simple("QUEUED"), run(watcher, "GET", "k"));
    assertEquals(new Result.Array(List.of(RespTester.bulk("x"))), run(watcher, "EXEC"), "a read does not abort");
  }
}
