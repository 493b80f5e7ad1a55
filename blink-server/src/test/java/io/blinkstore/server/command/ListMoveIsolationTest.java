package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The moves between two lists are atomic against every other client, as in Redis: while one client moves a list's
 * only element back and forth between two keys, a reader on another connection ({@code EXISTS a b}) always sees
 * exactly one of them. The blocking forms, served at once because their source has an element, included: run
 * under the shared gate as two updates (a pop, then a push), {@code BLMOVE} and {@code BRPOPLPUSH} let the reader
 * see both lists ({@code EXISTS a b = 2}) or neither.
 */
class ListMoveIsolationTest {
  private static final int MOVES = 20_000;

  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final Dispatcher dispatcher = new Dispatcher(store);

  @AfterEach
  void close() {
    store.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"LMOVE %s %s LEFT RIGHT", "RPOPLPUSH %s %s", "BLMOVE %s %s LEFT RIGHT 0",
      "BRPOPLPUSH %s %s 0"})
  void aReaderAlwaysSeesTheElementInExactlyOneList(String move) throws Exception {
    RespSession mover = new RespSession(dispatcher);
    RespTester.run(mover, "RPUSH", "a", "v");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicBoolean done = new AtomicBoolean();
    try {
      Future<String> reader = pool.submit(() -> read(done));
      for (int i = 0; i < MOVES; i++) {
        String[] there = String.format(i % 2 == 0 ? move : move.replace("%s %s", "%2$s %1$s"), "a", "b")
            .split(" ");
        assertEquals(Result.bulk("v"), RespTester.run(mover, there), String.join(" ", there));
      }
      done.set(true);
      assertEquals("", reader.get());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Reads until {@code done}; what was wrong, "" if nothing. */
  private String read(AtomicBoolean done) {
    RespSession session = new RespSession(dispatcher);
    while (!done.get()) {
      Result result = RespTester.run(session, "EXISTS", "a", "b");
      if (!result.equals(new Result.Int(1))) {
        return "EXISTS a b = " + result;
      }
    }
    return "";
  }
}
