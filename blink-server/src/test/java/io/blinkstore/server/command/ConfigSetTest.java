package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code CONFIG SET} of the settings that change while the server runs: {@code maxmemory} (the store's memory
 * limit: INFO, CONFIG GET and the store agree afterwards), the transport's {@code timeout} and {@code maxclients},
 * {@code maxmemory-policy}'s two policies, Redis's parse and range errors, and all or nothing across settings.
 */
class ConfigSetTest {
  @RegisterExtension final RespTester tester = new RespTester();

  private Result run(String... args) {
    return tester.run(args);
  }

  private String configGet(String name) {
    return text(((Result.Map) run("CONFIG", "GET", name)).keysAndValues().get(1));
  }

  private static String text(Result reply) {
    return reply instanceof Result.Bulk bulk ? StandardCharsets.ISO_8859_1.decode(bulk.bytes().duplicate())
        .toString() : ((Result.Verbatim) reply).text();
  }

  /** A live setting that records what it applied, and refuses values over {@code most}. */
  private static final class Recorded implements LiveSetting {
    final List<Long> applied = new ArrayList<>();
    private final long most;

    Recorded(long most) {
      this.most = most;
    }

    @Override
    public @Nullable String refusal(long value) {
      return value > most ? "over " + most : null;
    }

    @Override
    public void apply(long value) {
      applied.add(value);
    }
  }

  @Test
  void loweringMaxmemoryEvictsDownToItAndEveryReportAgrees() {
    for (int i = 0; i < 50; i++) {
      run("SET", "key:" + i, "0123456789");
    }
    assertTrue(tester.store.usage() > 512, () -> "filled: " + tester.store.usage());
    assertEquals(Result.OK, run("CONFIG", "SET", "maxmemory", "200"));
    assertTrue(tester.store.usage() <= 200, () -> "usage " + tester.store.usage());
    assertEquals("200", configGet("maxmemory"));
    String memory = text(run("INFO", "memory"));
    assertTrue(memory.contains("maxmemory:200\r\n"), memory);
    assertEquals(200, tester.store.memoryLimit());
    assertEquals(Result.OK, run("CONFIG", "SET", "maxmemory", "1kb"));
    assertEquals("1024", configGet("maxmemory"));
  }

  @Test
  void maxmemoryOverWhatTheHeapHoldsIsRefusedAndZeroIsTheMost() {
    long heapShare = (long) (Runtime.getRuntime().maxMemory() * 0.7);
    Result refused = run("CONFIG", "SET", "maxmemory", Long.toString(heapShare + 1));
    assertTrue(refused instanceof Result.Error e && e.line().startsWith("ERR CONFIG SET failed (possibly related"
        + " to argument 'maxmemory') - the heap cannot hold a memory limit of " + (heapShare + 1) + " bytes"),
        refused::toString);
    assertEquals(Long.toString(RespTester.MEMORY_LIMIT), configGet("maxmemory"), "unchanged");
    assertEquals(Result.OK, run("CONFIG", "SET", "maxmemory", "0"));
    assertEquals(Long.toString(heapShare), configGet("maxmemory"));
  }

  @Test
  void valuesAreCheckedAsRedisChecksThem() {
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory"
        + " value"), run("CONFIG", "SET", "maxmemory", "bla"));
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'timeout') - argument couldn't be parsed"
        + " into an integer"), run("CONFIG", "SET", "timeout", "1s"));
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'timeout') - argument must be between 0"
        + " and 2147483647 inclusive"), run("CONFIG", "SET", "timeout", "-1"));
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between"
        + " 1 and 4294967295 inclusive"), run("CONFIG", "SET", "maxclients", "0"));
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be"
        + " one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru,"
        + " allkeys-lfu, allkeys-random, noeviction"), run("CONFIG", "SET", "maxmemory-policy", "lru"));
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
        + ServerConfig.ONE_POLICY), run("CONFIG", "SET", "maxmemory-policy", "allkeys-lru"));
    assertEquals(Result.OK, run("CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LFU"));
  }

  /**
   * noeviction, live: a lowered limit evicts nothing, CONFIG GET and INFO report the policy, DENYOOM commands get
   * -OOM while the store is over the limit and reads and deletes still work; back to allkeys-lfu evicts down to it.
   */
  @Test
  void noevictionRefusesWritesOverTheLimitAndAllkeysLfuEvictsAgain() {
    for (int i = 0; i < 50; i++) {
      run("SET", "key:" + i, "0123456789");
    }
    assertEquals(Result.OK, run("CONFIG", "SET", "maxmemory", "200", "maxmemory-policy", "noeviction"));
    assertEquals("noeviction", configGet("maxmemory-policy"));
    assertTrue(text(run("INFO", "memory")).contains("maxmemory_policy:noeviction\r\n"));
    assertEquals(50, tester.store.size(), "nothing evicted, also with the limit lowered in the same CONFIG SET");
    assertEquals(Dispatcher.OOM, run("SET", "new", "1"));
    assertEquals(Dispatcher.OOM, run("INCR", "key:1"));
    assertEquals(bulk("0123456789"), run("GET", "key:1"));
    assertEquals(new Result.Int(1), run("DEL", "key:1"), "DEL is not denyoom");
    assertEquals(Result.OK, run("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"));
    assertTrue(tester.store.usage() <= 200, () -> "evicted down to the limit: " + tester.store.usage());
    assertEquals("allkeys-lfu", configGet("maxmemory-policy"));
    assertEquals(Result.OK, run("SET", "new", "1"));
  }

  @Test
  void transportSettingsChangeThroughTheirLiveSetting() {
    Recorded timeout = new Recorded(Long.MAX_VALUE);
    Recorded clients = new Recorded(500);
    tester.commands.liveSetting("timeout", timeout);
    tester.commands.liveSetting("maxclients", clients);
    assertEquals(Result.OK, run("CONFIG", "SET", "timeout", "30", "maxclients", "100"));
    assertEquals(List.of(30L), timeout.applied);
    assertEquals(List.of(100L), clients.applied);
    assertEquals("30", configGet("timeout"));
    assertEquals("100", configGet("maxclients"));
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'maxclients') - over 500"),
        run("CONFIG", "SET", "maxclients", "501"));
    assertEquals("100", configGet("maxclients"));
  }

  /** As Redis 7: one value refused, nothing applied, the settings before it included. */
  @Test
  void aMultiSettingChangeIsAllOrNothing() {
    Recorded timeout = new Recorded(Long.MAX_VALUE);
    tester.commands.liveSetting("timeout", timeout);
    run("SET", "k", "v");
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - "
        + ServerConfig.ONE_POLICY), run("CONFIG", "SET", "timeout", "5", "maxmemory", "1",
        "maxmemory-policy", "volatile-lru"));
    assertEquals(List.of(), timeout.applied);
    assertEquals("0", configGet("timeout"));
    assertEquals(Long.toString(RespTester.MEMORY_LIMIT), configGet("maxmemory"));
    assertEquals(bulk("v"), run("GET", "k"), "nothing evicted");
    assertEquals(Result.OK, run("CONFIG", "SET", "timeout", "5", "maxmemory", "100"));
    assertEquals(List.of(5L), timeout.applied);
    assertEquals("100", configGet("maxmemory"));
  }

  @Test
  void withoutALiveSettingOnlyTheCurrentValueIsTaken() {
    assertEquals(Result.OK, run("CONFIG", "SET", "timeout", "0"));
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'timeout') - " + ServerConfig.NOT_LIVE),
        run("CONFIG", "SET", "timeout", "10"));
  }

  @Test
  void listEncodingSettingsAreTakenInRedissRangesAndReportedWithNoEffect() {
    assertEquals(Result.OK, run("CONFIG", "SET", "list-max-ziplist-size", "1", "list-compress-depth", "2"));
    assertEquals("1", configGet("list-max-ziplist-size"));
    assertEquals("2", configGet("list-compress-depth"));
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'list-compress-depth') - argument must "
        + "be between 0 and 2147483647 inclusive"), run("CONFIG", "SET", "list-compress-depth", "-1"));
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'list-max-listpack-size') - argument "
        + "couldn't be parsed into an integer"), run("CONFIG", "SET", "list-max-listpack-size", "x"));
    assertEquals("2", configGet("list-compress-depth"));
  }
}
