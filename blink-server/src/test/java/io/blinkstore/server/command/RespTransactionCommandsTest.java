package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** MULTI/EXEC/WATCH on one dispatcher: the queue's bound, and a watched key that expires before EXEC. */
class RespTransactionCommandsTest {
  @RegisterExtension final RespTester tester = new RespTester();

  @Test
  void aWatchedKeyThatExpiresBeforeExecAbortsIt() throws Exception {
    assertEquals(Result.OK, tester.run("SET", "k", "v", "PX", "500"));
    assertEquals(Result.OK, tester.run("WATCH", "k"));
    assertTrue(((Result.Int) tester.run("PTTL", "k")).value() > 0, "live after WATCH, so live when watched");
    for (int i = 0; i < 100 && ((Result.Int) tester.run("PTTL", "k")).value() != -2; i++) {
      Thread.sleep(20); // lets the key expire; nothing is timed
    }
    assertEquals(Result.OK, tester.run("MULTI"));
    assertEquals(new Result.Simple("QUEUED"), tester.run("GET", "k"));
    assertEquals(new Result.NullArray(), tester.run("EXEC"));
  }

  @Test
  void aKeyAlreadyExpiredWhenWatchedDoesNotAbort() throws Exception {
    assertEquals(Result.OK, tester.run("SET", "k", "v", "PX", "20"));
    Thread.sleep(100);
    assertEquals(Result.OK, tester.run("WATCH", "k"));
    assertEquals(Result.OK, tester.run("MULTI"));
    assertEquals(new Result.Simple("QUEUED"), tester.run("SET", "k", "w"));
    assertEquals(new Result.Array(List.of(Result.OK)), tester.run("EXEC"));
    assertEquals(bulk("w"), tester.run("GET", "k"));
  }

  /** A transaction holds at most Transaction.MAX_COMMANDS: the next is refused, and EXEC aborts. */
  @Test
  void theQueueIsBoundedInCount() {
    assertEquals(Result.OK, tester.run("MULTI"));
    for (int i = 0; i < Transaction.MAX_COMMANDS; i++) {
      assertEquals(new Result.Simple("QUEUED"), tester.run("PING"));
    }
    assertEquals(RespTester.error("ERR too many commands in the transaction (at most 100000)"), tester.run("PING"));
    assertEquals(RespTransactionCommands.EXECABORT, tester.run("EXEC"));
    assertEquals(new Result.Simple("PONG"), tester.run("PING"));
  }

  /**
   * As Redis when out of memory: while the heap guard refuses writes, a command queued in MULTI is refused with
   * -OOM (DISCARD still works), an EXEC of a transaction that queued a write is discarded with -EXECABORT and the
   * -OOM, and one of reads only runs.
   */
  @Test
  void whileTheHeapGuardRefusesWritesExecOfAQueuedWriteAbortsAndReadsRun() {
    HeapGuard guard = new HeapGuard(0.5);
    try (RespTester oom = new RespTester(guard)) {
      assertEquals(Result.OK, oom.run("SET", "x", "value"));
      assertEquals(Result.OK, oom.run("MULTI"));
      assertEquals(new Result.Simple("QUEUED"), oom.run("SET", "x", "1"));
      assertEquals(new Result.Simple("QUEUED"), oom.run("GET", "x"));
      guard.afterCollection(90, 100); // over half of the heap in use after a collection: writes refused
      assertEquals(RespTester.error("EXECABORT Transaction discarded because of: OOM command not allowed when used"
          + " memory > 'maxmemory'."), oom.run("EXEC"));
      assertEquals(bulk("value"), oom.run("GET", "x"), "nothing ran");
      assertEquals(Result.OK, oom.run("MULTI"));
      assertEquals(Dispatcher.OOM, oom.run("SET", "y", "1"));
      assertEquals(Result.OK, oom.run("DISCARD"));
      assertEquals(Result.OK, oom.run("MULTI"));
      guard.afterCollection(10, 100);
      assertEquals(new Result.Simple("QUEUED"), oom.run("GET", "x"));
      assertEquals(new Result.Simple("QUEUED"), oom.run("PING"));
      guard.afterCollection(90, 100);
      assertEquals(new Result.Array(List.of(bulk("value"), Result.PONG)), oom.run("EXEC"));
    }
  }
}
