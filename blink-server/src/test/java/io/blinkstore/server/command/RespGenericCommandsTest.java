package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.error;
import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.server.protocol.resp.RespSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code TYPE}, {@code TOUCH}, {@code UNLINK}, {@code RENAME}, {@code RENAMENX} and {@code COPY}: what they answer
 * beyond the byte-for-byte comparison with Redis ({@code RedisParityIT}), and what they do to the fill leases and
 * watched keys of the keys they write, to the memory limit, and to other databases.
 */
class RespGenericCommandsTest {
  private static final Result LEASE_EXPIRED = error("ERR lease expired");

  @RegisterExtension final RespTester tester = new RespTester();

  private Result run(String... args) {
    return tester.run(args);
  }

  private String lease(String key) {
    return tester.lease(key);
  }

  /**
   * As {@code DEL} ends a key's lease, {@code RENAME}, {@code RENAMENX} and {@code COPY} end the lease of the key
   * they write: a later {@code FILL} of data read before them gets {@code lease expired} instead of overwriting
   * the value they put there. (A source key holds a value, so no lease is out on it.)
   */
  @Test
  void renameAndCopyEndTheLeaseOfTheKeyTheyWrite() {
    for (String command : new String[] {"RENAME", "RENAMENX", "COPY"}) {
      run("DEL", "a", "b");
      String token = lease("b");
      run("SET", "a", "v");
      run(command, "a", "b");
      assertEquals(LEASE_EXPIRED, run("FILL", "b", token, "0", "stale"), command);
      assertEquals(bulk("v"), run("GET", "b"), command);
    }
  }

  /** WATCH on either key of a RENAME, or on COPY's destination, aborts the EXEC, as Redis marks both. */
  @Test
  void renameMarksTheWatchersOfBothKeysAndCopyOfItsDestination() {
    RespSession watcher = new RespSession(tester.commands);
    for (String[] change : new String[][] {{"RENAME", "a", "b"}, {"RENAME", "b", "a"}, {"COPY", "a", "c"}}) {
      for (String watched : new String[] {change[1], change[2]}) {
        run("SET", "a", "1");
        run("DEL", "b", "c");
        if (change[1].equals("b")) {
          run("RENAME", "a", "b");
        }
        RespTester.run(watcher, "WATCH", watched);
        run(change);
        RespTester.run(watcher, "MULTI");
        Result exec = RespTester.run(watcher, "EXEC");
        boolean aborts = !(change[0].equals("COPY") && watched.equals("a"));
        assertEquals(aborts ? new Result.NullArray() : new Result.Array(java.util.List.of()), exec,
            String.join(" ", change) + " watching " + watched);
      }
    }
  }

  @Test
  void copyToAnotherDatabaseCarriesValueAndDeadline() {
    run("SET", "k", "v", "PXAT", "4000000000000");
    assertEquals(integer(1), run("COPY", "k", "k", "DB", "3"));
    assertEquals(integer(0), run("COPY", "k", "k", "DB", "3"));
    run("SELECT", "3");
    assertEquals(bulk("v"), run("GET", "k"));
    assertEquals(integer(4_000_000_000_000L), run("PEXPIRETIME", "k"));
    assertEquals(error("ERR DB index is out of range"), run("COPY", "k", "x", "DB", "16"));
  }

  /** A copy is a new entry, held to the memory limit: past it, Redis's -OOM and nothing stored. */
  @Test
  void aCopyPastTheMemoryLimitIsRefusedWithOom() {
    String big = "x".repeat((int) RespTester.MEMORY_LIMIT - 10);
    assertEquals(Result.OK, run("SET", "k", big));
    Result copied = run("COPY", "k", "a-much-longer-key-name");
    assertEquals(error("OOM command not allowed when used memory > 'maxmemory'."), copied);
    assertEquals(integer(0), run("EXISTS", "a-much-longer-key-name"));
  }
}
