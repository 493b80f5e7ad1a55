package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.TestServers.Endpoint;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every row of the command and error tables in {@code protocol.md} (and the framing rules around them), checked
 * on a real socket: over TCP and the Unix socket, on the NIO and the epoll transport. Each row gets a fresh
 * server, so counts such as {@code USAGE} are exact.
 */
@Timeout(30)
class ProtocolConformanceIT {
  /** Small, so that the capacity rows need no long lines; every other row stays far below it. */
  private static final long MEMORY_LIMIT = 4096;

  /** An expected reply starting with this is a regular expression, not an exact line. */
  private static final String PATTERN = "~";

  /** Base64 of the bytes 0x00 to 0xFF in order. */
  private static final String ALL_BYTES_BASE64 = Base64.getEncoder().encodeToString(allBytes());

  @TempDir Path dir;

  private static byte[] allBytes() {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    return all;
  }

  /**
   * One exchange: {@code input} is written in one go on a fresh connection and must be answered by exactly
   * {@code expected}; then the connection must either be closed by the server ({@code closes}) or still answer.
   * If {@code followUp} is given, it is sent on a second connection afterwards and must be answered by
   * {@code followUpExpected}.
   */
  record Row(String name, byte[] input, List<String> expected, boolean closes, String followUp,
      List<String> followUpExpected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> rowsOnEveryTransportAndEndpoint() {
    List<Arguments> all = new ArrayList<>();
    for (Arguments config : TestServers.transportsAndEndpoints()) {
      for (Row row : rows()) {
        all.add(Arguments.of(config.get()[0], config.get()[1], row));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "[{0} {1}] {2}")
  @MethodSource("rowsOnEveryTransportAndEndpoint")
  void answersEveryRowOfTheProtocolTablesExactly(BlinkServer.Transport transport, Endpoint endpoint, Row row)
      throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, MEMORY_LIMIT)) {
      try (LineClient client = endpoint.connect(server)) {
        client.send(row.input());
        List<String> replies = client.readLines(row.expected().size());
        assertReplies(row.expected(), replies, row.name());
        if (row.closes()) {
          client.assertEndOfStream();
        } else {
          String sentinel = client.request("USAGE");
          assertTrue(sentinel != null && sentinel.matches("USAGE \\d+"),
              "after the row's replies, the connection still answers USAGE and nothing else was sent; got: "
                  + sentinel);
        }
      }
      if (row.followUp() != null) {
        try (LineClient client = endpoint.connect(server)) {
          client.send(row.followUp());
          assertReplies(row.followUpExpected(), client.readLines(row.followUpExpected().size()),
              row.name() + " (follow-up on a new connection)");
        }
      }
    }
  }

  static Stream<Arguments> transportsAndEndpoints() {
    return TestServers.transportsAndEndpoints().stream();
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void aRequestSentOneByteAtATimeIsOneRequest(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, MEMORY_LIMIT);
        LineClient client = endpoint.connect(server)) {
      byte[] request = "SET split h\u00e9llo \u20ac\nGET split\n".getBytes(UTF_8); // multi-byte chars split too
      for (byte b : request) {
        client.send(new byte[] {b});
      }
      assertEquals(List.of("OK", "VALUE " + base64("h\u00e9llo \u20ac")), client.readLines(2));
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource("transportsAndEndpoints")
  void everyReplyEndsWithALoneLineFeed(BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    try (BlinkServer server = TestServers.start(transport, dir, MEMORY_LIMIT);
        LineClient client = endpoint.connect(server)) {
      client.send("SET k v\r\nGET k\r\nGET nope\r\nUSAGE\r\nFOO\r\n\r\n");
      List<String> replies = client.readLines(6);
      assertEquals(List.of("OK", "VALUE dg==", "NOT_FOUND", "USAGE 2", "ERROR unknown command",
          "ERROR unknown command"), replies);
      for (String reply : replies) {
        assertTrue(reply.indexOf('\r') < 0, () -> "a reply holds a carriage return: " + reply);
      }
    }
  }

  static List<Row> rows() {
    String exactLimitValue = "x".repeat((int) MEMORY_LIMIT - 1);
    String innerSpaces = "hello   big \t world";
    String unicode = "h\u00e9llo \u20ac \ud83d\ude00";
    String unicodeKey = "\u043a\u043b\u044e\u0447\ud83d\udd11";
    return List.of(
        // The command table.
        row("SET answers OK", "SET k v\n", "OK"),
        row("GET of a stored key answers VALUE and its base64", "SET mykey hello\nGET mykey\n",
            "OK", "VALUE aGVsbG8="),
        row("GET of a missing key answers NOT_FOUND", "GET nothing\n", "NOT_FOUND"),
        row("SET replaces the previous value", "SET k one\nSET k two\nGET k\n", "OK", "OK", "VALUE dHdv"),
        row("DELETE of a stored key answers OK and removes it", "SET k v\nDELETE k\nGET k\n",
            "OK", "OK", "NOT_FOUND"),
        row("DELETE of a missing key answers NOT_FOUND", "DELETE nothing\nSET k v\nDELETE k\nDELETE k\n",
            "NOT_FOUND", "OK", "OK", "NOT_FOUND"),
        row("USAGE of an empty store is 0", "USAGE\n", "USAGE 0"),
        row("USAGE sums key and value UTF-8 bytes", "SET mykey hello\nSET \u043a\u043b\u044e\u0447 \u00e9\nUSAGE\n",
            "OK", "OK", "USAGE 20"),
        row("USAGE drops deleted and replaced entries", "SET a bb\nSET c dd\nDELETE a\nSET c d\nUSAGE\n",
            "OK", "OK", "OK", "OK", "USAGE 2"),
        closing("QUIT closes the connection without a reply", "QUIT\n"),
        row("command words are ASCII case-insensitive",
            "set k v\nSeT j w\nGet k\ngEt j\ndelete k\nDeLeTe j\nusage\nUsage\n",
            "OK", "OK", "VALUE dg==", "VALUE dw==", "OK", "OK", "USAGE 0", "USAGE 0"),
        closing("quit in lower case quits", "quit\n"),
        closing("Quit in mixed case quits", "Quit\n"),
        row("\u017fet with a long s is an unknown command, not SET", "\u017fet k v\nGET k\n",
            "ERROR unknown command", "NOT_FOUND"),
        row("QU\u0130T with a dotted capital I is an unknown command and does not quit", "QU\u0130T\n",
            "ERROR unknown command"),
        row("u\u017fage and \u017ftat\u017f with a long s are unknown commands", "u\u017fage\n\u017ftat\u017f\n",
            "ERROR unknown command", "ERROR unknown command"),
        row("GET a b looks up the key 'a b' and answers NOT_FOUND", "SET a b\nGET a b\nGET a\n",
            "OK", "NOT_FOUND", "VALUE Yg=="),
        row("DELETE a b looks up the key 'a b' and answers NOT_FOUND", "SET a b\nDELETE a b\nGET a\n",
            "OK", "NOT_FOUND", "VALUE Yg=="),
        row("SET k with no value stores an empty value, answered as 'VALUE '", "SET k\nGET k\nUSAGE\n",
            "OK", "VALUE ", "USAGE 1"),
        row("SET k with only whitespace after the key stores an empty value", "SET k \t \nGET k\n",
            "OK", "VALUE "),
        row("SET keeps the value's inner whitespace and drops the trailing", "SET k  " + innerSpaces + " \t \nGET k\n",
            "OK", "VALUE " + base64(innerSpaces)),
        row("SET takes the first token as the key and the rest as the value", "SET k k v\nGET k\n",
            "OK", "VALUE " + base64("k v")),
        row("whitespace around a request is trimmed", "  \tSET   k \t  v  \n \t GET k \t \n", "OK", "VALUE dg=="),
        row("CRLF line ends work", "SET k v\r\nGET k\r\nUSAGE\r\n", "OK", "VALUE dg==", "USAGE 2"),
        row("a lone CR does not end a line", "SET k v\nGET k\rGET k\n", "OK", "NOT_FOUND"),
        row("Unicode whitespace separates the command word, the key and the value",
            "SET\u3000k\u2003v\nGET\u00a0k\nDELETE\u2028k\nGET\u1680k\n", "OK", "VALUE dg==", "OK", "NOT_FOUND"),
        row("every Unicode White_Space character is trimmed",
            "SET k v\u0085\u00a0\nGET k\u00a0\u2007\u202f\u205f\u3000\u1680\u2028\u2029\u000b\u000c\n",
            "OK", "VALUE dg=="),
        row("control characters outside White_Space are not trimmed (unlike String.trim)",
            "SET k v\nGET k\u001f\nSET j v\u001c\nGET j\n", "OK", "NOT_FOUND", "OK", "VALUE dhw="),
        row("base64 uses the standard alphabet and = padding",
            "SET a x\nSET b xy\nSET c xyz\nSET d \u00ff\u00fe?>\nGET a\nGET b\nGET c\nGET d\n",
            "OK", "OK", "OK", "OK", "VALUE eA==", "VALUE eHk=", "VALUE eHl6", "VALUE " + base64("\u00ff\u00fe?>")),
        row("values are stored as UTF-8 bytes", "SET k " + unicode + "\nGET k\nUSAGE\n",
            "OK", "VALUE " + base64(unicode), "USAGE " + (1 + unicode.getBytes(UTF_8).length)),
        row("keys may be any non-whitespace UTF-8", "SET " + unicodeKey + " v\nGET " + unicodeKey + "\n",
            "OK", "VALUE dg=="),
        row("USAGE with trailing words still answers", "SET mykey hello\nUSAGE now please\n", "OK", "USAGE 10"),
        closing("QUIT with trailing words still quits", "QUIT now please\n"),
        new Row("data pipelined after QUIT is discarded", "SET q 1\nQUIT\nSET r 2\nGET q\n".getBytes(UTF_8),
            List.of("OK"), true, "GET r\nGET q\n", List.of("NOT_FOUND", "VALUE MQ==")),
        row("many pipelined requests are answered in order",
            "SET a 1\nGET a\nSET a 2\nGET a\nDELETE a\nGET a\nSET b 3\nUSAGE\n",
            "OK", "VALUE MQ==", "OK", "VALUE Mg==", "OK", "NOT_FOUND", "OK", "USAGE 2"),
        // Extensions.
        row("DEL is an alias of DELETE", "SET k v\nDEL k\nGET k\nDEL k\ndel j\n",
            "OK", "OK", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND"),
        row("STATS answers one line starting with the number of keys", "SET a 1\nSET b 2\nSTATS\n",
            "OK", "OK", PATTERN + "STATS keys=2(\\s.*)?"),
        row("stats is case-insensitive too", "stats\n", PATTERN + "STATS keys=0(\\s.*)?"),
        row("SET64 stores the base64-decoded bytes, every byte value included",
            "SET64 k " + ALL_BYTES_BASE64 + "\nGET k\nUSAGE\n", "OK", "VALUE " + ALL_BYTES_BASE64, "USAGE 257"),
        row("SET64 with no value stores the empty value", "SET64 k\nGET k\nUSAGE\n", "OK", "VALUE ", "USAGE 1"),
        row("SET64 errors leave the connection usable and store nothing",
            "SET64\nSET64 k aGVsbG8\nSET64 k a b\nGET k\n",
            "ERROR SET64 requires key", "ERROR SET64 value is not valid base64",
            "ERROR SET64 value is not valid base64", "NOT_FOUND"),
        row("SET64 of an entry over the memory limit is refused",
            "SET64 k " + Base64.getEncoder().encodeToString(new byte[(int) MEMORY_LIMIT]) + "\nUSAGE\n",
            "ERROR storage is at capacity and eviction failed", "USAGE 0"),
        row("FLUSH removes every entry and keeps the counters", "SET a 1\nSET b 2\nGET a\nflush\nUSAGE\nGET b\nSTATS\n",
            "OK", "OK", "VALUE MQ==", "OK", "USAGE 0", "NOT_FOUND",
            PATTERN + "STATS keys=0 usage=0 limit=4096 hits=1 misses=1 evictions=0(\\s.*)?"),
        row("PING answers PONG, whatever follows it", "PING\nping now\n", "PONG", "PONG"),
        row("STATS has the expiration count after the evictions", "STATS\n",
            PATTERN + "STATS keys=0 .* evictions=0 expirations=0( .*)?"),
        // Extensions: time to live and counters.
        row("SETEX stores a value with a TTL in seconds", "SETEX k 100 hello world\nGET k\nTTL k\nUSAGE\n",
            "OK", "VALUE " + base64("hello world"), "TTL 100", "USAGE 12"),
        row("PSETEX stores a value with a TTL in milliseconds", "PSETEX k 100000 v\nTTL k\nPTTL k\n",
            "OK", "TTL 100", PATTERN + "PTTL (100000|9\\d{4})"),
        row("PSETEX64 stores the base64-decoded bytes with a TTL in milliseconds",
            "PSETEX64 k 100000 " + ALL_BYTES_BASE64 + "\nGET k\nTTL k\nUSAGE\nPSETEX64 e 5000\nGET e\n",
            "OK", "VALUE " + ALL_BYTES_BASE64, "TTL 100", "USAGE 257", "OK", "VALUE "),
        row("PSETEX64 errors store nothing", "PSETEX64\nPSETEX64 k\nPSETEX64 k 0 aGk=\nPSETEX64 k 10 aGk\nGET k\n",
            "ERROR PSETEX64 requires key", "ERROR wrong number of arguments for PSETEX64",
            "ERROR invalid expire time", "ERROR invalid base64", "NOT_FOUND"),
        row("PSETEX64 of an entry over the memory limit is refused and the old value stays",
            "SET k v\nPSETEX64 k 1000 " + Base64.getEncoder().encodeToString(new byte[(int) MEMORY_LIMIT])
                + "\nGET k\nTTL k\n",
            "OK", "ERROR storage is at capacity and eviction failed", "VALUE dg==", "TTL -1"),
        row("ADD64 stores only where the key has no value, with or without a TTL",
            "ADD64 lock 0 dzE=\nADD64 lock 0 dzI=\nGET lock\nTTL lock\nADD64 t 100000 dg==\nADD64 t 5 dw==\nTTL t\n"
                + "USAGE\nADD64 e 0\nGET e\n",
            "OK", "EXISTS", "VALUE dzE=", "TTL -1", "OK", "EXISTS", "TTL 100", "USAGE 8", "OK", "VALUE "),
        row("ADD64 of an entry over the memory limit is refused and stores nothing",
            "ADD64 k 0 " + Base64.getEncoder().encodeToString(new byte[(int) MEMORY_LIMIT]) + "\nGET k\nUSAGE\n",
            "ERROR storage is at capacity and eviction failed", "NOT_FOUND", "USAGE 0"),
        row("TTL and PTTL: NOT_FOUND when absent, -1 when the entry never expires",
            "TTL k\nPTTL k\nSET k v\nTTL k\nPTTL k\n", "NOT_FOUND", "NOT_FOUND", "OK", "TTL -1", "PTTL -1"),
        row("EXPIRE and PEXPIRE answer OK for a present key and NOT_FOUND for an absent one",
            "EXPIRE k 10\nSET k v\nEXPIRE k 10\nTTL k\nPEXPIRE k 20000\nTTL k\n",
            "NOT_FOUND", "OK", "OK", "TTL 10", "OK", "TTL 20"),
        row("PERSIST answers OK only when it removed a TTL", "PERSIST k\nSETEX k 10 v\nPERSIST k\nTTL k\nPERSIST k\n",
            "NOT_FOUND", "OK", "OK", "TTL -1", "NOT_FOUND"),
        row("SET drops a TTL", "SETEX k 10 v\nSET k w\nTTL k\n", "OK", "OK", "TTL -1"),
        row("INCR, DECR, INCRBY and DECRBY answer INTEGER and store decimal text",
            "INCR n\nINCRBY n 10\nDECR n\nDECRBY n 15\nGET n\nUSAGE\n",
            "INTEGER 1", "INTEGER 11", "INTEGER 10", "INTEGER -5", "VALUE LTU=", "USAGE 3"),
        row("counters keep the TTL", "SETEX n 100 41\nINCR n\nTTL n\n", "OK", "INTEGER 42", "TTL 100"),
        row("a counter over a value that is not an integer is refused and the value kept",
            "SET n 1.5\nINCR n\nGET n\n", "OK", "ERROR value is not an integer or out of range", "VALUE MS41"),
        row("counter overflow is refused", "SET n 9223372036854775807\nINCR n\nGET n\n",
            "OK", "ERROR increment or decrement would overflow", "VALUE " + base64("9223372036854775807")),
        row("TTL and counter words without a key", "SETEX\nTTL\nINCR\nDECRBY\n", "ERROR SETEX requires key",
            "ERROR TTL requires key", "ERROR INCR requires key", "ERROR DECRBY requires key"),
        row("TTL and counter words with the wrong number of arguments", "EXPIRE k\nINCR a b\nSETEX k\n",
            "ERROR wrong number of arguments for EXPIRE", "ERROR wrong number of arguments for INCR",
            "ERROR wrong number of arguments for SETEX"),
        row("a TTL that is not a positive integer, or past the maximum, is refused",
            "SETEX k 0 v\nPSETEX k -5 v\nEXPIRE k 1.5\nSETEX k 3153600001 v\nGET k\n",
            "ERROR invalid expire time", "ERROR invalid expire time", "ERROR invalid expire time",
            "ERROR invalid expire time", "NOT_FOUND"),
        row("a delta that is not an integer is refused", "INCRBY n ten\nGET n\n",
            "ERROR value is not an integer or out of range", "NOT_FOUND"),
        // Extensions: fill leases.
        row("GETL of a missing key grants a lease, then tells the next caller to wait",
            "GETL k 30000\nGETL k 30000\n", PATTERN + "LEASE \\d+", PATTERN + "WAIT ([1-9]|10)"),
        row("GETL of a present key answers its VALUE", "SET k hello\nGETL k 30000\n", "OK", "VALUE aGVsbG8="),
        row("FILL and RELEASE with a token that holds no lease are refused",
            "FILL k 1 0 aGk=\nRELEASE k 1\nGET k\n", "ERROR lease expired", "NOT_FOUND", "NOT_FOUND"),
        row("lease words with bad arguments", "GETL\nGETL k 0\nFILL k x 0 aGk=\nFILL k 1 0 !!\nRELEASE k\n",
            "ERROR GETL requires key", "ERROR invalid lease time", "ERROR invalid lease token",
            "ERROR invalid base64", "ERROR wrong number of arguments for RELEASE"),
        row("the original words keep their meaning where the extension words appear",
            "SET TTL 5\nGET TTL\nGET INCR n\nDELETE PERSIST k\nGET GETL\nSET FILL x\n",
            "OK", "VALUE NQ==", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "OK"),
        // The error table.
        row("an empty line is an unknown command", "\n", "ERROR unknown command"),
        row("a CRLF-only line is an unknown command", "\r\n", "ERROR unknown command"),
        row("a whitespace-only line is an unknown command", " \t\u00a0\u3000\n", "ERROR unknown command"),
        row("unknown command words answer ERROR unknown command",
            "FOO\nGETS k\nSETX k v\nDELET k\nPINGS\nGET-k\n",
            "ERROR unknown command", "ERROR unknown command", "ERROR unknown command", "ERROR unknown command",
            "ERROR unknown command", "ERROR unknown command"),
        row("GET with no key is an error", "GET\nget \t \n", "ERROR GET requires key", "ERROR GET requires key"),
        row("SET with no key is an error", "SET\nset  \t\n", "ERROR SET requires key", "ERROR SET requires key"),
        row("DELETE with no key is an error", "DELETE\ndelete \n",
            "ERROR DELETE requires key", "ERROR DELETE requires key"),
        row("DEL with no key is an error", "DEL\n", PATTERN + "ERROR DEL(ETE)? requires key"),
        row("an entry exactly as large as the memory limit is stored",
            "SET k " + exactLimitValue + "\nUSAGE\n", "OK", "USAGE " + MEMORY_LIMIT),
        row("an entry one byte over the memory limit is refused and the old value stays",
            "SET k small\nSET k " + exactLimitValue + "x\nGET k\nUSAGE\n",
            "OK", "ERROR storage is at capacity and eviction failed", "VALUE c21hbGw=", "USAGE 6"),
        row("a key alone over the memory limit is refused", "SET " + "k".repeat((int) MEMORY_LIMIT + 1) + "\nUSAGE\n",
            "ERROR storage is at capacity and eviction failed", "USAGE 0"),
        row("GET and DELETE of a key over the memory limit answer NOT_FOUND",
            "GET " + "k".repeat((int) MEMORY_LIMIT + 1) + "\nDELETE " + "k".repeat((int) MEMORY_LIMIT + 1) + "\n",
            "NOT_FOUND", "NOT_FOUND"),
        new Row("invalid UTF-8 answers ERROR invalid UTF-8 and keeps the connection",
            bytes("SET k \u00c3(\nGET k\n", 6, 0xC3), List.of("ERROR invalid UTF-8", "NOT_FOUND"), false, null,
            null));
  }

  private static Row row(String name, String input, String... expected) {
    return new Row(name, input.getBytes(UTF_8), List.of(expected), false, null, null);
  }

  private static Row closing(String name, String input, String... expected) {
    return new Row(name, input.getBytes(UTF_8), List.of(expected), true, null, null);
  }

  /** The UTF-8 bytes of {@code text}, with the byte at {@code index} (a one-byte char there) set to {@code raw}. */
  private static byte[] bytes(String text, int index, int raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String before = text.substring(0, index);
    String after = text.substring(index + 1);
    out.writeBytes(before.getBytes(UTF_8));
    out.write(raw);
    out.writeBytes(after.getBytes(UTF_8));
    return out.toByteArray();
  }

  static String base64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(UTF_8));
  }

  static void assertReplies(List<String> expected, List<String> actual, String what) {
    assertEquals(expected.size(), actual.size(), what);
    for (int i = 0; i < expected.size(); i++) {
      String want = expected.get(i);
      String got = actual.get(i);
      if (want.startsWith(PATTERN)) {
        assertTrue(got.matches(want.substring(PATTERN.length())),
            what + ": reply " + (i + 1) + " should match " + want.substring(1) + " but was: " + got);
      } else {
        assertEquals(want, got, what + ": reply " + (i + 1) + " of " + Arrays.toString(expected.toArray()));
      }
    }
  }
}
