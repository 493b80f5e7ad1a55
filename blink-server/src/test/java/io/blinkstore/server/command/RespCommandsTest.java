package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.error;
import static io.blinkstore.server.command.RespTester.integer;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespRequest;
import io.blinkstore.server.protocol.resp.RespSession;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RespCommandsTest {
  private static final long MEMORY_LIMIT = RespTester.MEMORY_LIMIT;
  private static final Result EMPTY_MAP = new Result.Map(List.of());
  /** The settings CONFIG GET reports. */
  private static final int SETTINGS = 63;

  @RegisterExtension final RespTester tester = new RespTester();
  private final BlinkStore store = tester.store;
  private final Dispatcher commands = tester.commands;
  private final RespSession session = tester.session;

  private Result run(String... args) {
    return tester.run(args);
  }

  private Result run(byte[]... args) {
    return RespTester.copied(session.execute(new RespRequest.Command(args)));
  }

  @Test
  void pingAnswersPongOrItsArgument() {
    assertEquals(Result.PONG, run("PING"));
    assertEquals(bulk("hi"), run("ping", "hi"));
    assertEquals(error("ERR wrong number of arguments for 'ping' command"), run("PING", "a", "b"));
  }

  @Test
  void echoAnswersItsArgument() {
    assertEquals(bulk("x y"), run("ECHO", "x y"));
    assertEquals(error("ERR wrong number of arguments for 'echo' command"), run("ECHO"));
  }

  @Test
  void setThenGetReturnsTheValueAndAbsentKeysAreNil() {
    assertEquals(Result.OK, run("SET", "k", "v"));
    assertEquals(bulk("v"), run("GET", "k"));
    assertEquals(Result.NULL, run("GET", "absent"));
  }

  @Test
  void valuesAreBinarySafe() {
    byte[] value = {0, '\r', '\n', (byte) 0xff, ' '};
    run("SET".getBytes(UTF_8), "k".getBytes(UTF_8), value);
    assertArrayEquals(value, store.get("k"));
    assertEquals(new Result.Bulk(value), run("GET", "k"));
  }

  @Test
  void utf8KeysAreTheSameEntriesAsInTheStore() {
    run("SET".getBytes(UTF_8), "clé".getBytes(UTF_8), "v".getBytes(UTF_8));
    assertEquals("v", store.getString("clé"));
    store.set("ключ", "w");
    assertEquals(bulk("w"), run("GET".getBytes(UTF_8), "ключ".getBytes(UTF_8)));
  }

  @Test
  void setNxWritesOnlyAnAbsentKey() {
    assertEquals(Result.OK, run("SET", "k", "1", "NX"));
    assertEquals(Result.NULL, run("SET", "k", "2", "nx"));
    assertEquals("1", store.getString("k"));
  }

  @Test
  void setXxWritesOnlyAPresentKey() {
    assertEquals(Result.NULL, run("SET", "k", "1", "XX"));
    assertNull(store.get("k"));
    store.set("k", "0");
    assertEquals(Result.OK, run("SET", "k", "1", "XX"));
    assertEquals("1", store.getString("k"));
  }

  @Test
  void setGetReturnsThePreviousValue() {
    assertEquals(Result.NULL, run("SET", "k", "1", "GET"));
    assertEquals(bulk("1"), run("SET", "k", "2", "GET"));
    assertEquals(bulk("2"), run("SET", "k", "3", "NX", "GET")); // not written, as in Redis 7
    assertEquals("2", store.getString("k"));
  }

  @Test
  void setOptionsThatConflictOrAreUnknownAreASyntaxError() {
    for (String[] args : List.of(
        new String[] {"SET", "k", "v", "NX", "XX"},
        new String[] {"SET", "k", "v", "EX"},
        new String[] {"SET", "k", "v", "EX", "1", "PX", "1"},
        new String[] {"SET", "k", "v", "KEEPTTL", "EX", "1"},
        new String[] {"SET", "k", "v", "EX", "1", "KEEPTTL"},
        new String[] {"SET", "k", "v", "EXAT", "1", "EX", "1"},
        new String[] {"SET", "k", "v", "PXAT", "1", "PX", "1"},
        new String[] {"SET", "k", "v", "PERSIST"},
        new String[] {"SET", "k", "v", "EX", "x", "NX", "XX"},
        new String[] {"SET", "k", "v", "bogus"})) {
      assertEquals(error("ERR syntax error"), run(args), String.join(" ", args));
    }
    assertNull(store.get("k"));
  }

  @Test
  void anEntryOverTheMemoryLimitGetsRedisOomError() {
    assertEquals(Dispatcher.OOM, run("SET", "k", "x".repeat((int) MEMORY_LIMIT)));
    assertEquals(error("OOM command not allowed when used memory > 'maxmemory'."), Dispatcher.OOM);
  }

  /** {@code args} as UTF-8 bulk strings (the tester's {@code run(String...)} sends Latin-1). */
  private Result runUtf8(String... args) {
    byte[][] bytes = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      bytes[i] = args[i].getBytes(UTF_8);
    }
    return run(bytes);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a b", "tab\tkey", "line\nkey", "\uFDD0starts-with-the-escape"})
  void keysTheTextProtocolCannotCarryAreBinarySafeOverResp(String key) {
    assertEquals(Result.OK, runUtf8("SET", key, "v"));
    assertEquals(Result.OK, runUtf8("MSET", "ok", "1", key, "w"));
    assertEquals(bulk("w"), runUtf8("GET", key));
    assertEquals(new Result.Array(List.of(bulk("w"), bulk("1"))), runUtf8("MGET", key, "ok"));
    assertEquals(integer(1), runUtf8("EXISTS", key));
    assertEquals(integer(1), runUtf8("EXPIRE", key, "100"));
    assertEquals(integer(100), runUtf8("TTL", key));
    assertEquals(integer(1), runUtf8("DEL", key));
    assertEquals(integer(0), runUtf8("EXISTS", key));
    assertEquals(integer(1), runUtf8("INCR", key));
    // Stored under the escape and the bytes' base64url, which no other RESP key maps to.
    String escaped = "\uFDD0" + Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(UTF_8));
    assertEquals("1", store.getString(escaped));
    assertEquals(2, store.size(), "ok and the escaped key");
  }

  @Test
  void keysOfAnyBytesAreDistinctEntriesAndUtf8OnesWithoutWhitespaceAreTheTextProtocolsKeys() {
    byte[] malformed = {'k', (byte) 0xc3};
    byte[] other = {'k', (byte) 0xc4};
    assertEquals(Result.OK, run("SET".getBytes(UTF_8), malformed, "1".getBytes(UTF_8)));
    assertEquals(Result.OK, run("SET".getBytes(UTF_8), other, "2".getBytes(UTF_8)));
    assertEquals(bulk("1"), run("GET".getBytes(UTF_8), malformed));
    assertEquals(bulk("2"), run("GET".getBytes(UTF_8), other));
    assertEquals(Result.OK, runUtf8("SET", "ключ", "3"));
    assertEquals("3", store.getString("ключ"));
    assertEquals(Result.OK, runUtf8("SET", "user:42", "4"));
    assertEquals("4", store.getString("user:42"));
    assertEquals(4, store.size());
  }

  @Test
  void msetAndMgetWorkOnManyKeys() {
    assertEquals(Result.OK, run("MSET", "a", "1", "b", "2"));
    assertEquals(new Result.Array(List.of(bulk("1"), Result.NULL, bulk("2"))), run("MGET", "a", "x", "b"));
    assertEquals(error("ERR wrong number of arguments for 'mset' command"), run("MSET", "a", "1", "b"));
  }

  @Test
  void delAndExistsCountKeys() {
    run("MSET", "a", "1", "b", "2");
    assertEquals(integer(3), run("EXISTS", "a", "b", "a", "c"));
    assertEquals(integer(2), run("DEL", "a", "b", "c"));
    assertEquals(integer(0), run("EXISTS", "a"));
  }

  @Test
  void dbsizeAndFlushallWorkOnTheWholeStore() {
    run("MSET", "a", "1", "b", "2");
    assertEquals(integer(2), run("DBSIZE"));
    assertEquals(Result.OK, run("FLUSHALL"));
    assertEquals(integer(0), run("DBSIZE"));
    run("SET", "a", "1");
    assertEquals(Result.OK, run("FLUSHDB", "ASYNC"));
    assertEquals(Result.OK, run("flushdb", "sync"));
    assertEquals(error("ERR syntax error"), run("FLUSHALL", "later"));
    assertEquals(0, store.size());
  }

  @Test
  void selectAcceptsTheSixteenDatabases() {
    assertEquals(Result.OK, run("SELECT", "0"));
    assertEquals(Result.OK, run("SELECT", "15"));
    assertEquals(error("ERR DB index is out of range"), run("SELECT", "16"));
    assertEquals(error("ERR value is not an integer or out of range"), run("SELECT", "x"));
  }

  @Test
  void clientNamesAndIdsArePerConnection() {
    assertEquals(Result.NULL, run("CLIENT", "GETNAME"));
    assertEquals(Result.OK, run("CLIENT", "SETNAME", "worker-1"));
    assertEquals(bulk("worker-1"), run("client", "getname"));
    assertEquals(error("ERR Client names cannot contain spaces, newlines or special characters."),
        run("CLIENT", "SETNAME", "a b"));
    assertEquals(Result.OK, run("CLIENT", "SETINFO", "LIB-NAME", "jedis"));
    assertEquals(integer(session.client().id()), run("CLIENT", "ID"));
    assertNotEquals(session.client().id(), new RespSession(commands).client().id());
  }

  /** Issue 16: a name of any length was kept, so names of a megabyte on many connections filled the heap. */
  @Test
  void aClientNameIsAtMostMaxNameBytesLong() {
    String longest = "n".repeat(RespServerCommands.MAX_NAME_BYTES);
    assertEquals(Result.OK, run("CLIENT", "SETNAME", longest));
    assertEquals(bulk(longest), run("CLIENT", "GETNAME"));
    assertEquals(error("ERR Client names cannot be longer than 1024 bytes."), run("CLIENT", "SETNAME", longest + "n"));
    assertEquals(error("ERR Client names cannot be longer than 1024 bytes."),
        run("HELLO", "2", "SETNAME", longest + "n"));
    assertEquals(bulk(longest), run("CLIENT", "GETNAME"), "the name set before is kept");
  }

  @Test
  void unknownSubcommandsAndWrongArityUseRedisTexts() {
    assertEquals(error("ERR unknown subcommand 'nope'. Try CLIENT HELP."), run("client", "nope"));
    assertEquals(error("ERR wrong number of arguments for 'client|setname' command"), run("CLIENT", "SETNAME"));
    assertEquals(error("ERR wrong number of arguments for 'client' command"), run("CLIENT"));
    assertEquals(error("ERR wrong number of arguments for 'get' command"), run("GET"));
    assertEquals(error("ERR wrong number of arguments for 'get' command"), run("GET", "a", "b"));
  }

  @Test
  void unknownCommandsUseRedis7Text() {
    assertEquals(error("ERR unknown command 'foo', with args beginning with: "), run("foo"));
    assertEquals(error("ERR unknown command 'XADD', with args beginning with: 'a' 'b' "),
        run("XADD", "a", "b"));
    String longArg = "x".repeat(200);
    assertEquals(error("ERR unknown command 'foo', with args beginning with: '" + "x".repeat(128) + "' "),
        run("foo", longArg, "more"));
    // Each CR and each LF becomes a space, so the error stays one line.
    assertEquals(error("ERR unknown command 'a  b', with args beginning with: 'c d' "), run("a\r\nb", "c\nd"));
  }

  @Test
  void helloAnswersAMapOfTheServersDetailsAndSwitchesTheProtocol() {
    Result.Map hello = (Result.Map) run("HELLO", "2", "SETNAME", "me");
    assertEquals(List.of(bulk("server"), bulk("redis")), hello.keysAndValues().subList(0, 2));
    assertEquals(List.of(bulk("proto"), integer(2)), hello.keysAndValues().subList(4, 6));
    assertEquals(bulk("me"), run("CLIENT", "GETNAME"));
    assertEquals(hello.keysAndValues().size(), ((Result.Map) run("HELLO")).keysAndValues().size());
    Result.Map three = (Result.Map) run("HELLO", "3");
    assertEquals(List.of(bulk("proto"), integer(3)), three.keysAndValues().subList(4, 6));
    assertEquals(3, session.client().protocol());
    assertEquals(List.of(bulk("proto"), integer(3)), ((Result.Map) run("HELLO")).keysAndValues().subList(4, 6),
        "HELLO without a version keeps the protocol");
    assertEquals(error("NOPROTO unsupported protocol version"), run("HELLO", "4"));
    assertEquals(error("NOPROTO unsupported protocol version"), run("HELLO", "1"));
    assertEquals(3, session.client().protocol(), "a refused HELLO changes nothing");
    run("HELLO", "2");
    assertEquals(2, session.client().protocol());
    assertEquals(error("ERR Protocol version is not an integer or out of range"), run("HELLO", "x"));
    assertEquals(error("ERR Syntax error in HELLO option 'bogus'"), run("HELLO", "2", "bogus"));
  }

  /** {@code TIME}: Unix seconds and the microseconds within that second, read from the wall clock. */
  @Test
  void timeAnswersTheWallClockInSecondsAndMicroseconds() {
    long before = System.currentTimeMillis();
    Result.Array time = (Result.Array) run("TIME");
    long after = System.currentTimeMillis();
    long seconds = Long.parseLong(text(time.elements().get(0)));
    long micros = Long.parseLong(text(time.elements().get(1)));
    assertTrue(micros >= 0 && micros < 1_000_000, time::toString);
    long millis = seconds * 1000 + micros / 1000;
    assertTrue(millis >= before && millis <= after, () -> before + " <= " + millis + " <= " + after);
  }

  /** {@code CLIENT|ID} is no name of {@code CLIENT ID} (B1: the lookup once found subcommand entries by it). */
  @Test
  void subcommandNamesAreUnknownCommands() {
    assertEquals(error("ERR unknown command 'CLIENT|ID', with args beginning with: 'x' "), run("CLIENT|ID", "x"));
  }

  @Test
  void authAnswersAsARedisWithoutPassword() {
    assertEquals(error("ERR AUTH <password> called without any password configured for the default user. "
        + "Are you sure your configuration is correct?"), run("AUTH", "secret"));
    assertEquals(Result.OK, run("AUTH", "default", "anything"));
    assertEquals(error("WRONGPASS invalid username-password pair or user is disabled."), run("AUTH", "bob", "x"));
  }

  @Test
  void configGetAnswersWhatBenchmarksAskAndNothingElse() {
    assertEquals(new Result.Map(List.of(bulk("save"), bulk(""))), run("CONFIG", "GET", "save"));
    assertEquals(new Result.Map(List.of(bulk("appendonly"), bulk("no"))), run("CONFIG", "GET", "appendonly"));
    assertEquals(new Result.Map(List.of(bulk("maxmemory"), bulk(Long.toString(MEMORY_LIMIT)),
        bulk("maxmemory-policy"), bulk("allkeys-lfu"))), run("CONFIG", "GET", "maxmemory", "maxmemory-p*"));
    assertEquals(EMPTY_MAP, run("CONFIG", "GET", "no-such-setting"));
    assertEquals(2 * SETTINGS, ((Result.Map) run("CONFIG", "GET", "*")).keysAndValues().size());
  }

  /** The settings tools ask for, with the values a server without a TCP port and an idle timeout reports. */
  @Test
  void configGetReportsWhatRedisToolsAsk() {
    assertEquals(new Result.Map(List.of(bulk("maxclients"), bulk("10000"), bulk("timeout"), bulk("0"),
        bulk("databases"), bulk("16"), bulk("port"), bulk("0"), bulk("bind"), bulk(""))),
        run("CONFIG", "GET", "timeout", "databases", "port", "bind", "maxclients"));
    commands.reportSettings(java.util.Map.of("timeout", "30", "bind", "127.0.0.1"));
    assertEquals(new Result.Map(List.of(bulk("timeout"), bulk("30"), bulk("bind"), bulk("127.0.0.1"))),
        run("CONFIG", "GET", "timeout", "bind"));
  }

  /**
   * A setting that does not change while the server runs accepts its current value and refuses any other with
   * Redis's error and our reason, and Redis's own errors for an odd count, an unknown name, an immutable one and a
   * duplicate, in Redis's order (the names in order, then the values). (maxmemory changes: ConfigSetTest.)
   */
  @Test
  void configSetAcceptsTheCurrentValueAndRefusesChangesWithRedissErrors() {
    assertEquals(Result.OK, run("CONFIG", "SET", "maxmemory", Long.toString(MEMORY_LIMIT)));
    assertEquals(Result.OK, run("CONFIG", "SET", "MAXMEMORY", "1kb", "save", "", "appendonly", "NO"));
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'maxmemory-clients') - "
        + ServerConfig.NOT_LIVE), run("CONFIG", "SET", "maxmemory-clients", "2kb"));
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'appendonly') - " + ServerConfig.NOT_LIVE),
        run("CONFIG", "SET", "save", "", "appendonly", "yes"));
    assertEquals(error("ERR Unknown option or number of arguments for CONFIG SET - 'Bogus'"),
        run("CONFIG", "SET", "Bogus", "1", "databases", "3"));
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'Databases') - can't set immutable "
        + "config"), run("CONFIG", "SET", "save", "x", "Databases", "1"));
    assertEquals(error("ERR CONFIG SET failed (possibly related to argument 'SAVE') - duplicate parameter"),
        run("CONFIG", "SET", "save", "", "SAVE", ""));
    assertEquals(error("ERR syntax error"), run("CONFIG", "SET", "save", "", "appendonly"));
    assertEquals(error("ERR wrong number of arguments for 'config|set' command"), run("CONFIG", "SET", "save"));
    assertEquals(bulk(Long.toString(MEMORY_LIMIT)),
        ((Result.Map) run("CONFIG", "GET", "maxmemory")).keysAndValues().get(1), "unchanged");
  }

  /** {@code CONFIG RESETSTAT} zeroes INFO's counters, as Redis's, and leaves STATS's (the text protocol's). */
  @Test
  void configResetStatStartsInfosCountersAgain() {
    run("SET", "k", "v");
    run("GET", "k");
    run("GET", "absent");
    assertEquals(Result.OK, run("CONFIG", "RESETSTAT"));
    String stats = text(run("INFO", "stats"));
    assertTrue(stats.contains("\r\ntotal_commands_processed:1\r\n"), "this INFO: " + stats);
    assertTrue(stats.contains("\r\nkeyspace_hits:0\r\nkeyspace_misses:0\r\n"), stats);
    assertTrue(stats.contains("\r\nblink_hit_ratio:0.0000\r\n"), stats);
    assertEquals("# Commandstats\r\ncmdstat_info:calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0\r\n"
        + "cmdstat_config|resetstat:calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=0\r\n",
        text(run("INFO", "commandstats")), "RESETSTAT counts itself, as in Redis");
    assertEquals(1, tester.store.stats().hits(), "the store's own figures go on");
    assertEquals(error("ERR wrong number of arguments for 'config|resetstat' command"),
        run("CONFIG", "RESETSTAT", "x"));
  }

  @Test
  void configGetAnswersANameWithoutWildcardsAsAskedAndAGlobsMatchesInLowerCase() {
    assertEquals(new Result.Map(List.of(bulk("SAVE"), bulk(""))), run("CONFIG", "GET", "SAVE"));
    assertEquals(new Result.Map(List.of(bulk("appendonly"), bulk("no"))), run("CONFIG", "GET", "APPEND*"));
  }

  /**
   * Regression: the glob was a java.util.regex of one {@code .*} per star, which backtracks through every way of
   * splitting a name among the stars when the pattern cannot match: {@code CONFIG GET **************z} (14 stars,
   * 17 bytes) held an event loop 1.2 s, and each further star about doubled it, so one short request stopped
   * every connection of that loop for good. The timeout only bounds a hang; the request takes milliseconds.
   */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void configGetOfAPatternOfManyStarsThatCannotMatchAnswersWithoutBacktrackingForever() {
    assertEquals(EMPTY_MAP, run("CONFIG", "GET", "*".repeat(40) + "z"));
    assertEquals(EMPTY_MAP, run("CONFIG", "GET", "*".repeat(100_000) + "z"));
    assertEquals(2 * SETTINGS, ((Result.Map) run("CONFIG", "GET", "*".repeat(100_000))).keysAndValues().size());
  }

  @Test
  void commandAnswersEnoughForRedisCli() {
    assertEquals(commands.count(), ((Result.Array) run("COMMAND")).elements().size());
    // Every command's documentation (Redis's, for redis-cli 7's hints; CommandDocsTest, RedisParityIT).
    assertEquals(2 * commands.count(), ((Result.Map) run("COMMAND", "DOCS")).keysAndValues().size());
    assertEquals(integer(commands.count()), run("COMMAND", "COUNT"));
    assertEquals(213, commands.count(), "every command of docs/resp.md is counted");
  }

  @Test
  void infoReportsTheStoresFigures() {
    run("MSET", "a", "1", "b", "22");
    run("GET", "a");
    run("GET", "zz");
    String info = text(run("INFO"));
    assertTrue(info.startsWith("# Server\r\nredis_version:7.0.0\r\n"), info);
    assertTrue(info.contains("\r\nused_memory:" + store.usage() + "\r\nused_memory_human:5B\r\n"), info);
    assertTrue(info.contains("\r\nmaxmemory:" + MEMORY_LIMIT + "\r\nmaxmemory_human:1.00K\r\n"), info);
    assertTrue(info.contains("\r\nexpired_keys:" + store.stats().expirations()
        + "\r\nevicted_keys:0\r\nevicted_clients:0\r\nkeyspace_hits:1\r\nkeyspace_misses:1\r\n"), info);
    assertTrue(info.contains("\r\nblink_hit_ratio:0.5000\r\n"), info);
    assertTrue(info.endsWith("# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=0\r\n"), info);
    run("EXPIRE", "b", "100");
    assertEquals("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n", text(run("INFO", "keyspace")));
    assertTrue(text(run("INFO", "memory")).contains("\r\nused_memory:5\r\n"));
    assertTrue(text(run("INFO", "memory")).contains("\r\nmem_clients_normal:0\r\n"));
    assertEquals("", text(run("INFO", "nosuchsection")));
  }

  @Test
  void infoReportsConnectionsAndCommandsUnderRedisNames() {
    ServerCounters counters = tester.counters;
    counters.connectionOpened();
    counters.connectionOpened();
    counters.connectionOpened();
    counters.connectionClosed();
    run("SET", "k", "v");
    run("GET", "k");
    run("GET", "k");
    run("GET", "absent");
    assertTrue(text(run("INFO", "clients")).startsWith("# Clients\r\nconnected_clients:2\r\n"));
    String stats = text(run("INFO", "stats"));
    assertTrue(stats.startsWith("# Stats\r\ntotal_connections_received:3\r\ntotal_commands_processed:6\r\n"),
        "SET, three GETs and both INFOs, this one included as STATS counts itself: " + stats);
    assertTrue(stats.contains("\r\nkeyspace_hits:2\r\nkeyspace_misses:1\r\n"), stats);
  }

  /** What redis-cli --stat reads: every field there, none missing (it printed -9223372036854775808). */
  @Test
  void infoHasEveryFieldRedisCliStatReads() {
    String info = text(run("INFO"));
    for (String field : List.of("used_memory", "connected_clients", "blocked_clients", "total_commands_processed",
        "total_connections_received", "bgsave_in_progress", "aof_rewrite_in_progress", "loading")) {
      assertTrue(info.contains(field + ":"), field);
    }
    assertTrue(info.contains("\r\narch_bits:64\r\n"), info);
    assertTrue(info.contains("# Cluster\r\ncluster_enabled:0\r\n"), info);
  }

  /** Redis 7.0's choice of sections, as its own suite (unit/info-command) checks it. */
  @Test
  void infoChoosesSectionsAsRedisDoes() {
    run("GET", "k");
    for (String[] args : List.of(new String[] {"INFO"}, new String[] {"INFO", "default"})) {
      String info = text(run(args));
      assertTrue(info.contains("used_cpu_user") && info.contains("used_memory") && info.contains("# Cluster"));
      assertFalse(info.contains("rejected_calls") || info.contains("# Commandstats"), info);
    }
    for (String all : List.of("all", "everything")) {
      String info = text(run("INFO", all));
      assertTrue(info.contains("# Commandstats\r\ncmdstat_get:calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,"
          + "failed_calls=0\r\n"), info);
    }
    String cpu = text(run("INFO", "cpu"));
    assertTrue(cpu.startsWith("# CPU\r\nused_cpu_sys:") && !cpu.contains("used_memory"), cpu);
    assertTrue(text(run("INFO", "commandSTATS")).contains("rejected_calls"));
    String twice = text(run("INFO", "cpu", "default"));
    assertEquals(twice.indexOf("used_cpu_user_children"), twice.lastIndexOf("used_cpu_user_children"), twice);
    assertTrue(twice.contains("master_repl_offset") && !twice.contains("rejected_calls"), twice);
  }

  /** {@code INFO commandstats} counts calls, refusals before a call (arity) and error replies, per subcommand. */
  @Test
  void commandStatsCountCallsRejectionsAndFailures() {
    run("INCR", "n");
    run("SET", "s", "x");
    run("INCR", "s");
    run("INCR");
    run("CLIENT", "GETNAME");
    String stats = text(run("INFO", "commandstats"));
    assertTrue(stats.contains("\r\ncmdstat_incr:calls=2,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=1\r\n"),
        stats);
    assertTrue(stats.contains("\r\ncmdstat_client|getname:calls=1,"), stats);
  }

  @Test
  void infoOmitsTheDatabaseLineWhenEmpty() {
    assertEquals("# Keyspace\r\n", text(run("INFO", "keyspace")));
  }

  @Test
  void quitAnswersOkAndEndsTheConnection() {
    RespRequest quit = new RespRequest.Command(RespTester.toBytes("quit"));
    assertEquals(Result.OK, session.execute(quit));
    assertTrue(session.endsConnection(quit));
    assertFalse(session.endsConnection(new RespRequest.Command(RespTester.toBytes("PING"))));
  }

  @Test
  void aProtocolErrorIsAnsweredAndEndsTheConnection() {
    RespRequest error = new RespRequest.ProtocolError("invalid bulk length");
    assertEquals(error("ERR Protocol error: invalid bulk length"), session.execute(error));
    assertTrue(session.endsConnection(error));
  }

  private static String text(Result reply) {
    return reply instanceof Result.Bulk bulk ? java.nio.charset.StandardCharsets.ISO_8859_1.decode(bulk.bytes().duplicate())
        .toString() : ((Result.Verbatim) reply).text();
  }

  @Test
  void debugQuicklistPackedThresholdIsCheckedAsRedisAndChangesNothing() {
    assertEquals(Result.OK, run("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1b"));
    assertEquals(Result.OK, run("DEBUG", "quicklist-packed-threshold", "0"));
    Result refused = error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
    assertEquals(refused, run("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5gb"));
    assertEquals(refused, run("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "x"));
  }
}
