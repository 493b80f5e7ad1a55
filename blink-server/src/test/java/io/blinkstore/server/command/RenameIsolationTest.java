package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code RENAME} and {@code RENAMENX} are atomic against every other client: while one
 * client renames a key back and forth between two names, readers on other connections ({@code EXISTS a b},
 * {@code MGET a b}) always see exactly one of the two. Each reader and the renamer run on threads of their own, as
 * connections on the server's event loops do. With the renames run under the shared gate, as single-key commands
 * are, the readers saw both or neither.
 */
class RenameIsolationTest {
  private static final int RENAMES = 20_000;

  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final Dispatcher dispatcher = new Dispatcher(store);

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aReaderNeverSeesBothKeysOrNeitherWhileAKeyIsRenamed() throws Exception {
    assertReadersSeeExactlyOne(List.of(List.of("RENAME", "a", "b"), List.of("RENAME", "b", "a")));
  }

  @Test
  void aReaderNeverSeesBothKeysOrNeitherWhileRenamenxMovesIt() throws Exception {
    assertReadersSeeExactlyOne(List.of(List.of("RENAMENX", "a", "b"), List.of("RENAMENX", "b", "a")));
  }

  private void assertReadersSeeExactlyOne(List<List<String>> renames) throws Exception {
    RespSession renamer = new RespSession(dispatcher);
    RespTester.run(renamer, "SET", "a", "v");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    AtomicBoolean done = new AtomicBoolean();
    try {
      List<Future<String>> readers = new ArrayList<>();
      readers.add(pool.submit(() -> read(done, "EXISTS", "a", "b")));
      readers.add(pool.submit(() -> read(done, "MGET", "a", "b")));
      for (int i = 0; i < RENAMES; i++) {
        for (List<String> rename : renames) {
          Result result = RespTester.run(renamer, rename.toArray(String[]::new));
          assertEquals(rename.get(0).equals("RENAME") ? Result.OK : new Result.Int(1), result, rename::toString);
        }
      }
      done.set(true);
      for (Future<String> reader : readers) {
        assertEquals("", reader.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Reads until {@code done}; returns what was wrong ("" if nothing): both keys or neither. */
  private String read(AtomicBoolean done, String... request) {
    RespSession session = new RespSession(dispatcher);
    while (!done.get()) {
      Result result = RespTester.run(session, request);
      boolean right = request[0].equals("EXISTS")
          ? result.equals(new Result.Int(1)) : exactlyOne((Result.Array) result);
      if (!right) {
        return String.join(" ", request) + " = " + result;
      }
    }
    return "";
  }

  private static boolean exactlyOne(Result.Array values) {
    return values.elements().stream().filter(value -> !value.equals(new Result.Bulk((byte[]) null))).count() == 1;
  }
}
