package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.error;
import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.internal.Isolation;
import io.blinkstore.server.BlinkServer;
import io.blinkstore.server.protocol.resp.RespSession;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code DEBUG} behind {@code enable-debug-command}: refused but for its three safe subcommands while the setting
 * is {@code no} (also inside {@code MULTI}, where the refusal aborts the transaction as Redis's does), and with
 * {@code yes} the subcommands Redis's suite uses, on the in-process store.
 */
@Timeout(60)
class DebugCommandTest {
  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final Dispatcher dispatcher = new Dispatcher(store, new Leases(), Clock.systemUTC(), new ServerCounters(),
      HeapGuard.NONE, null, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, EntrySizeLimits.NONE);
  private final RespSession session = new RespSession(dispatcher);

  @AfterEach
  void close() {
    dispatcher.close();
    store.close();
  }

  private Result run(String... args) {
    return RespTester.run(session, args);
  }

  private void enable() {
    dispatcher.reportSettings(Map.of("enable-debug-command", "yes"));
  }

  @Test
  void offByDefaultOnlyTheSafeSubcommandsAnswer() {
    assertEquals(List.of(bulk("enable-debug-command"), bulk("no")),
        ((Result.Map) run("CONFIG", "GET", "enable-debug-command")).keysAndValues());
    for (String[] refused : List.of(new String[] {"DEBUG", "SLEEP", "0"}, new String[] {"DEBUG", "SET-ACTIVE-EXPIRE",
        "0"}, new String[] {"DEBUG", "OBJECT", "k"}, new String[] {"DEBUG", "HELP"}, new String[] {"DEBUG", "x"})) {
      assertEquals(DebugCommand.NOT_ALLOWED, run(refused), String.join(" ", refused));
    }
    assertEquals(bulk("Hello World"), run("DEBUG", "PROTOCOL", "string"));
    assertEquals(Result.OK, run("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"));
  }

  @Test
  void aRefusedDebugInMultiAbortsTheTransactionAsRedis() {
    assertEquals(Result.OK, run("MULTI"));
    assertEquals(DebugCommand.NOT_ALLOWED, run("DEBUG", "SLEEP", "0"));
    assertEquals(error("EXECABORT Transaction discarded because of previous errors."), run("EXEC"));
  }

  @Test
  void theSettingCannotChangeWhileTheServerRuns() {
    enable();
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'enable-debug-command') - can't set"
        + " immutable config"), run("CONFIG", "SET", "enable-debug-command", "no"));
    assertEquals(Result.OK, run("DEBUG", "CHANGE-REPL-ID"));
  }

  @Test
  void withActiveExpireOffAnExpiredKeyStaysCountedUntilACommandTouchesIt() throws InterruptedException {
    enable();
    assertEquals(Result.OK, run("DEBUG", "SET-ACTIVE-EXPIRE", "0"));
    run("PSETEX", "k1", "1", "a");
    run("PSETEX", "k2", "1", "a");
    Thread.sleep(5); // both expired: after their deadline, whatever the machine's load
    assertEquals(integer(2), run("DBSIZE"));
    assertEquals(integer(0), run("EXISTS", "k1"));
    assertEquals(integer(1), run("DBSIZE"), "EXISTS removed the one it touched");
    assertEquals(Result.OK, run("DEBUG", "set-active-expire", "1"));
    assertEquals(integer(0), run("DBSIZE"));
  }

  @Test
  void objectShowsRedisLineWithAnAddressThatAnInPlaceIncrementKeeps() {
    enable();
    assertEquals(error("ERR no such key"), run("DEBUG", "OBJECT", "counter"));
    run("SET", "counter", "20000");
    String before = ((Result.Simple) run("DEBUG", "OBJECT", "counter")).text();
    assertTrue(before.matches("Value at:0x[0-9a-f]+ refcount:1 encoding:int serializedlength:\\d+ lru:0"
        + " lru_seconds_idle:0"), before);
    run("INCR", "counter");
    assertEquals(before.split(" ")[1], ((Result.Simple) run("DEBUG", "OBJECT", "counter")).text().split(" ")[1]);
    run("HSET", "h", "f", "x".repeat(100));
    assertTrue(((Result.Simple) run("DEBUG", "OBJECT", "h")).text().contains(" encoding:hashtable "));
  }

  @Test
  void populateWritesRedisKeysAndValuesLeavingExistingKeysAlone() {
    enable();
    run("SET", "key:1", "mine");
    assertEquals(Result.OK, run("DEBUG", "POPULATE", "3"));
    assertEquals(bulk("value:0"), run("GET", "key:0"));
    assertEquals(bulk("mine"), run("GET", "key:1"));
    assertEquals(integer(3), run("DBSIZE"));
    assertEquals(Result.OK, run("DEBUG", "POPULATE", "2", "p", "9"));
    assertEquals(bulk("value:1\0\0"), run("GET", "p:1"));
    assertEquals(Result.OK, run("DEBUG", "POPULATE", "1", "q", "3"));
    assertEquals(bulk("val"), run("GET", "q:0"));
    Result notPositive = error("ERR value is out of range, must be positive");
    assertEquals(notPositive, run("DEBUG", "POPULATE", "-1"));
    assertEquals(notPositive, run("DEBUG", "POPULATE", "x"));
    assertEquals(notPositive, run("DEBUG", "POPULATE", "1", "k", "-5"));
    assertEquals(Dispatcher.OOM, run("DEBUG", "POPULATE", "100000000"), "past the memory limit: nothing written");
    assertEquals(Dispatcher.OOM, run("DEBUG", "POPULATE", "1", "big", Long.toString(2 << 20)));
    assertEquals(Dispatcher.OOM, run("DEBUG", "POPULATE", "1", "huge", Long.toString(1L << 40)));
    assertEquals(integer(6), run("DBSIZE"));
  }

  @Test
  void unknownSubcommandsGetRedisErrorAndHelpListsWhatIsBuilt() {
    enable();
    assertEquals(error("ERR unknown subcommand or wrong number of arguments for 'digest'. Try DEBUG HELP."),
        run("DEBUG", "digest"));
    assertEquals(error("ERR unknown subcommand or wrong number of arguments for 'SLEEP'. Try DEBUG HELP."),
        run("DEBUG", "SLEEP"));
    List<Result> help = ((Result.Array) run("DEBUG", "HELP")).elements();
    assertEquals(new Result.Simple("DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"), help.get(0));
    assertTrue(help.contains(new Result.Simple("SET-ACTIVE-EXPIRE <0|1>")));
  }

  @Test
  void reloadWithoutASnapshotAnswersAsRedisWhenItCannotSave() {
    enable();
    assertEquals("ERR", ((Result.Error) run("DEBUG", "RELOAD")).line());
    assertEquals(error("ERR Error trying to load the RDB dump"), run("DEBUG", "RELOAD", "NOSAVE"));
    assertEquals(error("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options."),
        run("DEBUG", "RELOAD", "x"));
  }

  @Test
  void sleepHoldsEveryOtherCommandOffUntilItEndsOrTheServerStops() throws Exception {
    enable();
    RespSession other = new RespSession(dispatcher);
    CompletableFuture<Result> sleeping = CompletableFuture.supplyAsync(() -> run("DEBUG", "SLEEP", "3600"));
    // The sleep has the gate once a probe of it from this thread cannot enter it.
    Isolation gate = ((Isolation.Source) store).isolation();
    for (long stamp = gate.tryEnter(0); stamp != 0; stamp = gate.tryEnter(0)) {
      gate.exit(stamp);
      Thread.sleep(1);
    }
    CompletableFuture<Result> get = CompletableFuture.supplyAsync(() -> RespTester.run(other, "SET", "k", "v"));
    try {
      get.get(200, TimeUnit.MILLISECONDS);
      throw new AssertionError("a SET ran while DEBUG SLEEP held the server");
    } catch (TimeoutException expected) {
      assertFalse(sleeping.isDone());
    }
    dispatcher.close(); // the server stops: the sleep ends, then the SET runs
    assertEquals(Result.OK, sleeping.get(10, TimeUnit.SECONDS));
    assertEquals(Result.OK, get.get(10, TimeUnit.SECONDS));
  }

  @Test
  void sleepReadsSecondsAsStrtodAndAZeroOrBadValueReturnsAtOnce() {
    enable();
    assertEquals(Result.OK, run("DEBUG", "SLEEP", "0"));
    assertEquals(Result.OK, run("DEBUG", "SLEEP", "abc"));
    assertEquals(Result.OK, run("DEBUG", "SLEEP", "-5"));
    assertEquals(Result.OK, run("DEBUG", "SLEEP", "0.001x"));
    assertEquals(Result.OK, run("DEBUG", "SLEEP", "nan"));
  }
}
