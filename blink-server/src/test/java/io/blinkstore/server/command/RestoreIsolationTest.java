package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code RESTORE ... REPLACE} replaces a value at one instant, as Redis's single thread does: while one client
 * restores a 20-element list over itself again and again, another never sees the key missing or the list short.
 */
class RestoreIsolationTest {
  private static final int ROUNDS = 3_000;

  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final Dispatcher dispatcher = new Dispatcher(store);

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aReplacedListIsNeverSeenMissingOrShort() throws Exception {
    List<byte[]> elements = java.util.stream.IntStream.range(0, 20)
        .mapToObj(i -> ("e" + i).getBytes(StandardCharsets.US_ASCII)).toList();
    String payload = new String(DumpFormat.write(new DumpFormat.Items(elements)), StandardCharsets.ISO_8859_1);
    RespSession restorer = new RespSession(dispatcher);
    assertEquals(Result.OK, RespTester.run(restorer, "RESTORE", "l", "0", payload));
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicBoolean done = new AtomicBoolean();
    try {
      Future<String> reader = pool.submit(() -> {
        RespSession session = new RespSession(dispatcher);
        while (!done.get()) {
          Result length = RespTester.run(session, "LLEN", "l");
          if (!length.equals(new Result.Int(20))) {
            return "LLEN l = " + length;
          }
        }
        return "";
      });
      for (int round = 0; round < ROUNDS; round++) {
        assertEquals(Result.OK, RespTester.run(restorer, "RESTORE", "l", "0", payload, "REPLACE"));
      }
      done.set(true);
      assertEquals("", reader.get());
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
  }
}
