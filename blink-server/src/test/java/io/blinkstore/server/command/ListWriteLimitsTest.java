package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * List writes are held to the server's entry limits as string and hash writes are: a key past {@code --max-key-bytes}
 * (here 8) or an element past {@code --max-value-bytes} (here 4) is refused with {@code -ERR key too long} /
 * {@code -ERR value too long} and nothing is stored; and a list write ends the fill lease of its key, as every other
 * write does, so a {@code FILL} granted before it cannot overwrite the list.
 */
class ListWriteLimitsTest {
  private static final Result KEY_TOO_LONG = Result.error("key too long");
  private static final Result VALUE_TOO_LONG = Result.error("value too long");

  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final Dispatcher dispatcher = new Dispatcher(store, new Leases(), Clock.systemUTC(), new ServerCounters(),
      HeapGuard.NONE, null, 1 << 20, new EntrySizeLimits(8, 4));
  private final RespSession session = new RespSession(dispatcher);

  @AfterEach
  void close() {
    store.close();
  }

  private Result run(String... args) {
    return RespTester.run(session, args);
  }

  @Test
  void aKeyOrAnElementPastTheLimitsIsRefusedAndNothingStored() {
    assertEquals(KEY_TOO_LONG, run("RPUSH", "123456789", "a"));
    assertEquals(KEY_TOO_LONG, run("LPUSHX", "123456789", "a"));
    assertEquals(VALUE_TOO_LONG, run("RPUSH", "l", "a", "12345"));
    assertEquals(new Result.Int(0), run("EXISTS", "l", "123456789"));
    assertEquals(new Result.Int(1), run("RPUSH", "l", "1234"));
    assertEquals(VALUE_TOO_LONG, run("LSET", "l", "0", "12345"));
    assertEquals(VALUE_TOO_LONG, run("LINSERT", "l", "BEFORE", "1234", "12345"));
    assertEquals(KEY_TOO_LONG, run("LMOVE", "l", "123456789", "LEFT", "LEFT"));
    assertEquals(KEY_TOO_LONG, run("RPOPLPUSH", "l", "123456789"));
    assertEquals(KEY_TOO_LONG, run("BLMOVE", "l", "123456789", "LEFT", "LEFT", "0"));
    assertEquals(KEY_TOO_LONG, run("BRPOPLPUSH", "l", "123456789", "0"));
    assertEquals(new Result.Array(List.of(Result.bulk("1234"))), run("LRANGE", "l", "0", "-1"));
    assertEquals(new Result.Int(1), run("EXISTS", "l", "123456789"));
  }

  @Test
  void aListWriteEndsTheFillLeaseOfItsKey() {
    Result.Array grant = (Result.Array) run("GETL", "k", "5000");
    String token = Long.toString(((Result.Int) grant.elements().get(1)).value());
    assertEquals(new Result.Int(1), run("RPUSH", "k", "job"));
    assertEquals(Result.error("lease expired"), run("FILL", "k", token, "0", "v"));
    assertEquals(new Result.Array(List.of(Result.bulk("job"))), run("LRANGE", "k", "0", "-1"));
  }
}
