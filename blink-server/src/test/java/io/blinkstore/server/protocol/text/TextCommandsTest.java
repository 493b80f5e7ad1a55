package io.blinkstore.server.protocol.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.BlinkServer;
import io.blinkstore.server.command.Dispatcher;
import io.blinkstore.server.command.EntrySizeLimits;
import io.blinkstore.server.command.HeapGuard;
import io.blinkstore.server.command.Leases;
import io.blinkstore.server.command.ServerCounters;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The text words run the command table's operations through the one dispatcher, and are rendered as the
 * original's lines.
 */
class TextCommandsTest {
  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final ServerCounters counters = new ServerCounters();
  private final HeapGuard heapGuard = new HeapGuard(0.5);
  private final TextCommands text = new TextCommands(new Dispatcher(store, new Leases(), Clock.systemUTC(), counters,
      heapGuard, null, BlinkServer.DEFAULT_MAX_OUTPUT_BYTES, EntrySizeLimits.NONE));

  @AfterEach
  void close() {
    store.close();
  }

  private Reply run(String line) {
    return text.execute(CommandParser.parse(line));
  }

  @Test
  void everyWordIsCountedOnceWhetherAnOperationOrTheCodecAnswersIt() {
    run("SET k v");
    run("GET k");
    run("GET a b");
    run("USAGE");
    run("NOPE");
    assertEquals(5, counters.commands());
  }

  @Test
  void aTextWriteIsRefusedByTheHeapGuardOfItsOperationAndReadsGoOn() {
    run("SET k v");
    heapGuard.afterCollection(90, 100);
    assertEquals(Reply.OUT_OF_MEMORY, run("SET k2 v"));
    assertEquals(Reply.OUT_OF_MEMORY, run("INCR n"));
    assertEquals(Reply.OUT_OF_MEMORY, run("SETEX k3 10 v"));
    assertEquals(new Reply.Value("v".getBytes()), run("GET k"));
    assertEquals(Reply.Status.OK, run("DELETE k"));
  }

  @Test
  void anEntryLargerThanTheMemoryLimitIsTheCapacityErrorNotTheHeapError() {
    assertEquals(Reply.AT_CAPACITY, run("SET big " + "x".repeat(2 << 20)));
  }

  /** Issue 18: a key a RESP client made a hash answers string words with the kind first; SET and DELETE replace it. */
  @Test
  void aHashKeyIsTheWrongTypeForStringWords() {
    store.hash("h").set("f", "v".getBytes());
    assertEquals(Reply.WRONG_TYPE, run("GET h"));
    assertEquals(Reply.WRONG_TYPE, run("INCR h"));
    assertEquals("WRONGTYPE Operation against a key holding the wrong kind of value", Reply.WRONG_TYPE.message());
    assertEquals(Reply.Status.OK, run("DELETE h"));
    store.hash("h").set("f", "v".getBytes());
    assertEquals(Reply.Status.OK, run("SET h now-a-string"));
    assertEquals(new Reply.Value("now-a-string".getBytes()), run("GET h"));
  }

  @Test
  void aGetAnswersTheStoredValue() {
    run("SET k value");
    assertEquals(new Reply.Value("value".getBytes()), run("GET k"));
    run("SET k VALUE"); // written in place: the earlier reply was a copy
    assertEquals(new Reply.Value("VALUE".getBytes()), run("GET k"));
  }

  @Test
  void eachWordIsRenderedAsTheOriginalsLine() {
    assertEquals(Reply.Status.NOT_FOUND, run("GET k"));
    assertEquals(Reply.Status.NOT_FOUND, run("DELETE k"));
    assertEquals(Reply.Status.OK, run("SET k 41"));
    assertEquals(new Reply.Counter(42), run("INCR k"));
    assertEquals(new Reply.TimeToLive(false, -1), run("TTL k"));
    assertEquals(Reply.Status.NOT_FOUND, run("PERSIST k"));
    assertEquals(Reply.Status.OK, run("EXPIRE k 100"));
    Reply.TimeToLive left = (Reply.TimeToLive) run("PTTL k");
    assertTrue(left.inMillis() && left.amount() > 90_000 && left.amount() <= 100_000, left.toString());
    assertEquals(Reply.Status.OK, run("PERSIST k"));
    assertEquals(Reply.Status.EXISTS, run("ADD64 k 0 eA=="));
    assertEquals(Reply.Status.NOT_FOUND, run("TTL absent"));
    assertEquals(Reply.Status.PONG, run("PING"));
    assertEquals(Reply.Status.OK, run("FLUSH"));
    assertEquals(Reply.Status.NOT_FOUND, run("GET k"));
  }
}
