package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Deadlines;
import io.blinkstore.server.protocol.resp.RespSession;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The time-to-live commands and the generic ones on a store that has no {@link Deadlines} of its own (a server
 * given a {@code BlinkClient}, say): {@link RelativeDeadlines} turns deadlines into times left, so a Unix time
 * read back is close to the one set, not exact, and the conditions still hold.
 */
class RelativeDeadlinesTest {
  private final BlinkStore real = BlinkStore.builder().memoryLimit(1 << 20).build();
  /** Only the {@code BlinkStore} interface of the real store: no gate, no keyspace, no deadlines. */
  private final BlinkStore plain = (BlinkStore) Proxy.newProxyInstance(BlinkStore.class.getClassLoader(),
      new Class<?>[] {BlinkStore.class}, (proxy, method, args) -> {
        try {
          return method.invoke(real, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });
  private final RespSession session = new RespSession(new Dispatcher(plain));

  @AfterEach
  void close() {
    real.close();
  }

  private Result run(String... args) {
    return RespTester.run(session, args);
  }

  @Test
  void unixTimesAreReadBackCloseToTheOneSet() {
    assertFalse(plain instanceof Deadlines);
    long t = System.currentTimeMillis() + 60_000;
    assertEquals(Result.OK, run("SET", "k", "v", "PXAT", Long.toString(t)));
    long read = ((Result.Int) run("PEXPIRETIME", "k")).value();
    // Never earlier than T but for a millisecond's rounding; later by whatever time passed between the two clock
    // readings of the write (a pause), which the bound of a second leaves room for on a loaded machine.
    assertTrue(read >= t - 1 && read < t + 1000, t + " read back as " + read);
    assertEquals(integer(0), run("PEXPIREAT", "k", Long.toString(t + 10_000), "NX"));
    assertEquals(integer(1), run("PEXPIREAT", "k", Long.toString(t + 10_000), "GT"));
    assertEquals(integer(1), run("EXPIRE", "k", "0"));
    assertEquals(integer(-2), run("PEXPIRETIME", "k"));
  }

  @Test
  void genericCommandsWorkWithoutTheGate() {
    run("SET", "a", "1", "PX", "100000");
    assertEquals(Result.OK, run("RENAME", "a", "b"));
    assertEquals(new Result.Simple("string"), run("TYPE", "b"));
    assertEquals(integer(1), run("COPY", "b", "c"));
    assertEquals(integer(100), run("TTL", "c"));
    assertTrue(((Result.Int) run("MEMORY", "USAGE", "c")).value() >= 2);
  }
}
