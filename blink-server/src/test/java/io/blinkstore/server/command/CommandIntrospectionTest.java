package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code COMMAND} and its subcommands describe the one command table: each entry's shape, flags, categories and
 * key specifications as Redis 7.0 writes them (byte for byte against redis-server in {@code RedisParityIT}), the
 * list and its filters, and the keys of a command line with Redis's errors.
 */
class CommandIntrospectionTest {
  @RegisterExtension final RespTester tester = new RespTester();

  private String run(String... args) {
    return show(tester.run(args));
  }

  /** A compact rendering: arrays {@code [..]}, sets {@code ~[..]}, maps {@code {k=v}}, statuses {@code +x}. */
  private static String show(Result result) {
    if (result instanceof Result.Array array) {
      return array.elements().stream().map(CommandIntrospectionTest::show).collect(Collectors.joining(" ", "[", "]"));
    }
    if (result instanceof Result.Set set) {
      return set.elements().stream().map(CommandIntrospectionTest::show).collect(Collectors.joining(" ", "~[", "]"));
    }
    if (result instanceof Result.Map map) {
      StringBuilder text = new StringBuilder("{");
      List<Result> pairs = map.keysAndValues();
      for (int i = 0; i < pairs.size(); i += 2) {
        text.append(i == 0 ? "" : " ").append(show(pairs.get(i))).append('=').append(show(pairs.get(i + 1)));
      }
      return text.append('}').toString();
    }
    if (result instanceof Result.Bulk bulk) {
      return bulk.bytes() == null ? "nil" : StandardCharsets.ISO_8859_1.decode(bulk.bytes().duplicate()).toString();
    }
    if (result instanceof Result.Simple simple) {
      return "+" + simple.text();
    }
    if (result instanceof Result.Int integer) {
      return Long.toString(integer.value());
    }
    if (result instanceof Result.Error error) {
      return "-" + error.line();
    }
    return result instanceof Result.Nil ? "null" : result.toString();
  }

  @Test
  void infoDescribesACommandAsRedisDoes() {
    assertEquals("[[get 2 ~[+readonly +fast] 1 1 1 ~[+@read +@string +@fast] ~[] ~[{flags=~[+RO +access]"
        + " begin_search={type=index spec={index=1}} find_keys={type=range spec={lastkey=0 keystep=1 limit=0}}}]"
        + " ~[]]]", run("COMMAND", "INFO", "get"));
    assertEquals("[[mset -3 ~[+write +denyoom] 1 -1 2 ~[+@write +@string +@slow]"
        + " ~[request_policy:multi_shard response_policy:all_succeeded] ~[{flags=~[+OW +update]"
        + " begin_search={type=index spec={index=1}} find_keys={type=range spec={lastkey=-1 keystep=2 limit=0}}}]"
        + " ~[]]]", run("command", "info", "MSET"));
    assertEquals("[[quit -1 ~[+noscript +loading +stale +fast +no_auth +allow_busy] 0 0 0 ~[+@fast +@connection]"
        + " ~[] ~[] ~[]]]", run("COMMAND", "INFO", "quit"));
    assertEquals("[[config|resetstat 2 ~[+admin +noscript +loading +stale] 0 0 0 ~[+@admin +@slow +@dangerous]"
        + " ~[] ~[] ~[]]]", run("COMMAND", "INFO", "config|resetstat"));
  }

  @Test
  void infoOfAnUnknownNameIsNullAndAContainerListsItsSubcommands() {
    assertEquals("[null null null]", run("COMMAND", "INFO", "nosuch", "client|nosuch", "get|x"));
    String client = run("COMMAND", "INFO", "client");
    assertTrue(client.startsWith("[[client -2 ~[] 0 0 0 ~[+@slow] ~[] ~[] [[client|id 2 "), client);
  }

  @Test
  void commandAndInfoWithoutNamesDescribeEveryCommand() {
    int count = tester.commands.count();
    assertEquals(count, ((Result.Array) tester.run("COMMAND")).elements().size());
    assertEquals(count, ((Result.Array) tester.run("COMMAND", "INFO")).elements().size());
    assertEquals(Integer.toString(count), run("COMMAND", "COUNT"));
  }

  @Test
  void listNamesEveryCommandAndSubcommandAndFilters() {
    String all = run("COMMAND", "LIST");
    for (String name : List.of("get", "client", "client|id", "command|getkeysandflags", "getl")) {
      assertTrue((" " + all.substring(1, all.length() - 1) + " ").contains(" " + name + " "), name);
    }
    String connection = run("COMMAND", "LIST", "FILTERBY", "ACLCAT", "Connection");
    assertTrue(connection.contains("ping") && connection.contains("client|id"), connection);
    assertFalse(connection.contains("mget"), connection);
    assertEquals("[config|get config|set config|resetstat config|help config|rewrite]",
        run("COMMAND", "LIST", "FILTERBY", "PATTERN", "CONFIG|*"));
    assertEquals("[]", run("COMMAND", "LIST", "FILTERBY", "MODULE", "x"));
    assertEquals("[]", run("COMMAND", "LIST", "FILTERBY", "ACLCAT", "nosuch"));
    assertEquals("-ERR syntax error", run("COMMAND", "LIST", "FILTERBY", "ACLCAT"));
    assertEquals("-ERR syntax error", run("COMMAND", "LIST", "FILTERBY", "BOGUS", "x"));
    assertEquals("-ERR syntax error", run("COMMAND", "LIST", "x"));
  }

  @Test
  void getKeysFindsTheKeysOfACommandLine() {
    assertEquals("[a c]", run("COMMAND", "GETKEYS", "MSET", "a", "1", "c", "2"));
    assertEquals("[a b k]", run("COMMAND", "GETKEYS", "del", "a", "b", "k"));
    assertEquals("[k]", run("COMMAND", "GETKEYS", "GET", "k"));
    assertEquals("[[k ~[+OW +update]]]", run("COMMAND", "GETKEYSANDFLAGS", "SET", "k", "v"));
    assertEquals("[[k ~[+RW +access +update]]]", run("COMMAND", "GETKEYSANDFLAGS", "SET", "k", "v", "gEt"));
    assertEquals("[[k ~[+RW +access +delete]]]", run("COMMAND", "GETKEYSANDFLAGS", "GETDEL", "k"));
    assertEquals("-ERR Invalid command specified", run("COMMAND", "GETKEYS", "nosuch", "k"));
    assertEquals("-ERR Invalid command specified", run("COMMAND", "GETKEYS", "client", "nosuch"));
    assertEquals("-ERR The command has no key arguments", run("COMMAND", "GETKEYS", "ECHO", "k"));
    assertEquals("-ERR Invalid number of arguments specified for command", run("COMMAND", "GETKEYS", "GET", "a",
        "b"));
    assertEquals("-ERR wrong number of arguments for 'command|getkeys' command", run("COMMAND", "GETKEYS", "GET"));
  }

  @Test
  void debugAnswersOnlyProtocolAndRefusesTheRestAsADisabledDebug() {
    assertEquals(new Result.Verbatim("txt", "This is a verbatim\nstring"),
        tester.run("DEBUG", "PROTOCOL", "verbatim"));
    assertEquals("[0 1 2]", run("debug", "protocol", "ARRAY"));
    for (List<String> refused : List.of(List.of("DEBUG", "SLEEP", "0"), List.of("DEBUG", "SEGFAULT"),
        List.of("DEBUG", "PROTOCOL", "push"), List.of("DEBUG", "POPULATE", "1000000000"))) {
      assertEquals("-" + DebugCommand.NOT_ALLOWED.line(), run(refused.toArray(String[]::new)), refused.toString());
    }
  }
}
