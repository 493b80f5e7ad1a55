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
}
