package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.error;
import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What Redis cannot show of {@code LCS}: our bound on the pairs of bytes it compares (docs/resp.md), at the
 * bound and one byte past it, in every form. (Its replies are compared with redis-server in RedisParityIT.)
 */
class RespLcsCommandTest {
  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final RespSession session = new RespSession(new Dispatcher(store));

  @AfterEach
  void close() {
    store.close();
  }

  private Result run(String... args) {
    return RespTester.run(session, args);
  }

  @Test
  void valuesWhoseProductIsPastTheBoundAreRefusedInEveryForm() {
    store.set("a", "x".repeat(2048));
    store.set("b", "x".repeat(2048));
    store.set("c", "x".repeat(2049));
    assertEquals(2048L * 2048, RespLcsCommand.MAX_CELLS);
    assertEquals(integer(2048), run("LCS", "a", "b", "LEN"), "at the bound");
    assertEquals(2048, ((Result.Bulk) run("LCS", "a", "b")).bytes().remaining());
    Result refused = error("ERR LCS of 2049 and 2048 bytes compares more than 4194304 pairs of bytes");
    assertEquals(refused, run("LCS", "c", "b"));
    assertEquals(refused, run("LCS", "c", "b", "LEN"));
    assertEquals(refused, run("LCS", "c", "b", "IDX", "WITHMATCHLEN"));
    assertEquals(integer(0), run("LCS", "c", "missing", "LEN"), "an absent key is the empty string");
  }
}
