package io.blinkstore.server.command;

import static io.blinkstore.server.command.RespTester.bulk;
import static io.blinkstore.server.command.RespTester.error;
import static io.blinkstore.server.command.RespTester.integer;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
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
    assertEquals(error("ERR unknown command 'HSET', with args beginning with: 'a' 'b' "),
        run("HSET", "a", "b"));
    String longArg = "x".repeat(200);
    assertEquals(error("ERR unknown command 'foo', with args beginning with: '" + "x".repeat(128) + "' "),
        run("foo", longArg, "more"));
    // Each CR and each LF becomes a space, so the error stays one line.
    assertEquals(error("ERR unknown command 'a  b', with args beginning with: 'c d' "), run("a\r\nb", "c\nd"));
  }

  @Test
  void helloAnswersRespTwoAndRefusesThree() {
    Result.Array hello = (Result.Array) run("HELLO", "2", "SETNAME", "me");
    assertEquals(List.of(bulk("server"), bulk("redis")), hello.elements().subList(0, 2));
    assertEquals(List.of(bulk("proto"), integer(2)), hello.elements().subList(4, 6));
    assertEquals(bulk("me"), run("CLIENT", "GETNAME"));
    assertEquals(hello.elements().size(), ((Result.Array) run("HELLO")).elements().size());
    assertEquals(error("NOPROTO unsupported protocol version"), run("HELLO", "3"));
    assertEquals(error("ERR Protocol version is not an integer or out of range"), run("HELLO", "x"));
    assertEquals(error("ERR Syntax error in HELLO option 'bogus'"), run("HELLO", "2", "bogus"));
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
    assertEquals(new Result.Array(List.of(bulk("save"), bulk(""))), run("CONFIG", "GET", "save"));
    assertEquals(new Result.Array(List.of(bulk("appendonly"), bulk("no"))), run("CONFIG", "GET", "appendonly"));
    assertEquals(new Result.Array(List.of(bulk("maxmemory"), bulk(Long.toString(MEMORY_LIMIT)),
        bulk("maxmemory-policy"), bulk("allkeys-lfu"))), run("CONFIG", "GET", "max*"));
    assertEquals(Result.EMPTY_ARRAY, run("CONFIG", "GET", "no-such-setting"));
    assertEquals(10, ((Result.Array) run("CONFIG", "GET", "*")).elements().size());
  }

  @Test
  void configGetAnswersANameWithoutWildcardsAsAskedAndAGlobsMatchesInLowerCase() {
    assertEquals(new Result.Array(List.of(bulk("SAVE"), bulk(""))), run("CONFIG", "GET", "SAVE"));
    assertEquals(new Result.Array(List.of(bulk("appendonly"), bulk("no"))), run("CONFIG", "GET", "APPEND*"));
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
    assertEquals(Result.EMPTY_ARRAY, run("CONFIG", "GET", "*".repeat(40) + "z"));
    assertEquals(Result.EMPTY_ARRAY, run("CONFIG", "GET", "*".repeat(100_000) + "z"));
    assertEquals(10, ((Result.Array) run("CONFIG", "GET", "*".repeat(100_000))).elements().size());
  }

  @Test
  void commandAnswersEnoughForRedisCli() {
    assertEquals(Result.EMPTY_ARRAY, run("COMMAND"));
    // Redis 6.2's answer, which makes redis-cli 7 fall back to its own command help for its hints; an empty
    // array (what this once answered) left redis-cli with no hints at all.
    assertEquals(error("ERR unknown subcommand 'DOCS'. Try COMMAND HELP."), run("COMMAND", "DOCS"));
    assertEquals(integer(commands.count()), run("COMMAND", "COUNT"));
    assertEquals(45, commands.count(), "every command of docs/resp.md is counted");
  }

  @Test
  void infoReportsTheStoresFigures() {
    run("MSET", "a", "1", "b", "22");
    run("GET", "a");
    run("GET", "zz");
    String info = text(run("INFO"));
    assertTrue(info.contains("# Server\r\nredis_version:7.0.0\r\n"), info);
    assertTrue(info.contains("\r\nused_memory:" + store.usage() + "\r\n"), info);
    assertTrue(info.contains("\r\nmaxmemory:" + MEMORY_LIMIT + "\r\n"), info);
    assertTrue(info.contains("\r\nexpired_keys:" + store.stats().expirations()
        + "\r\nevicted_keys:0\r\nevicted_clients:0\r\nkeyspace_hits:1\r\nkeyspace_misses:1"
        + "\r\nblink_hit_ratio:0.5000\r\n"), info);
    assertTrue(info.endsWith("# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=0\r\n"), info);
    run("EXPIRE", "b", "100");
    assertEquals("# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n", text(run("INFO", "keyspace")));
    assertEquals(
        "# Memory\r\nused_memory:5\r\nmem_clients_normal:0\r\nmaxmemory:1024\r\nmaxmemory_policy:allkeys-lfu\r\n",
        text(run("INFO", "memory")));
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
    assertEquals("# Clients\r\nconnected_clients:2\r\n", text(run("INFO", "clients")));
    assertEquals("# Stats\r\ntotal_connections_received:3\r\ntotal_commands_processed:6\r\nexpired_keys:0\r\n"
        + "evicted_keys:0\r\nevicted_clients:0\r\nkeyspace_hits:2\r\nkeyspace_misses:1\r\nblink_hit_ratio:0.6667\r\n",
        text(run("INFO", "stats")), "SET, three GETs and both INFOs, this one included as STATS counts itself");
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
    return ISO_8859_1.decode(((Result.Bulk) reply).bytes().duplicate()).toString();
  }
}
