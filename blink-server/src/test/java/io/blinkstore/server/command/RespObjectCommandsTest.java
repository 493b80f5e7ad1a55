package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@code OBJECT} and {@code MEMORY} answer where Blink Store differs from Redis on purpose (docs/resp.md); the
 * rest is compared with Redis byte for byte ({@code RedisParityIT}).
 */
class RespObjectCommandsTest {
  /** The heap figure per entry the server gives the store on Java 17 ({@code JvmSizing.ENTRY_BYTES}). */
  private static final int ENTRY_BYTES = 120;

  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).heapCapacity(1 << 30, ENTRY_BYTES)
      .build();
  private final RespSession session = new RespSession(new Dispatcher(store));

  @AfterEach
  void close() {
    store.close();
  }

  private Result run(String... args) {
    return RespTester.run(session, args);
  }

  /**
   * {@code MEMORY USAGE} is the store's own reckoning of the entry: key and value bytes, the heap figure per entry it
   * was built with, and 80 more for a time to live's holder; in any database.
   */
  @Test
  void memoryUsageIsTheEntrysCostByTheStoresReckoning() {
    run("SET", "k", "hello");
    assertEquals(integer(1 + 5 + ENTRY_BYTES), run("MEMORY", "USAGE", "k"));
    run("SET", "k", "hello", "PX", "100000");
    assertEquals(integer(1 + 5 + ENTRY_BYTES + 80), run("MEMORY", "USAGE", "k", "SAMPLES", "0"));
    run("SELECT", "2");
    assertEquals(Result.NULL, run("MEMORY", "USAGE", "k"));
    run("SET", "k", "hi");
    assertEquals(integer(6 + 1 + 2 + ENTRY_BYTES), run("MEMORY", "USAGE", "k"), "the database's prefix counts");
  }

  /** Blink Store reports the LFU policy: IDLETIME gets Redis's error for it; FREQ ours (no count to read). */
  @Test
  void freqAndIdletimeOfAKeyAreErrorsNamingWhy() {
    run("SET", "k", "v");
    assertEquals(new Result.Error("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that "
        + "when switching between policies at runtime LRU and LFU data will take some time to adjust."),
        run("OBJECT", "IDLETIME", "k"));
    assertEquals(new Result.Error("ERR Blink Store's eviction (W-TinyLFU) keeps no per-key access count to report"),
        run("OBJECT", "FREQ", "k"));
    assertEquals(integer(1), run("OBJECT", "REFCOUNT", "k"), "no value is shared");
    run("INCR", "counter");
    assertEquals(RespTester.bulk("int"), run("OBJECT", "ENCODING", "counter"), "a counter is Redis's int");
  }

  @Test
  void memoryHelpListsOnlyWhatThereIs() {
    assertEquals(new Result.Array(List.of(
        new Result.Simple("MEMORY <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"),
        new Result.Simple("USAGE <key> [SAMPLES <count>]"),
        new Result.Simple("    Return memory in bytes used by <key> and its value. Nested values are"),
        new Result.Simple("    sampled up to <count> times (default: 5, 0 means sample all)."),
        new Result.Simple("HELP"),
        new Result.Simple("    Prints this help."))), run("MEMORY", "HELP"));
  }
}
