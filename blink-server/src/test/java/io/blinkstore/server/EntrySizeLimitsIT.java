package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.blinkstore.server.TestServers.Endpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --max-key-bytes} and {@code --max-value-bytes} over real sockets, in both protocols: a key or value at its
 * limit is stored, one byte past it is refused with an error, stores nothing, changes nothing, and leaves the
 * connection usable.
 */
@Timeout(30)
class EntrySizeLimitsIT {
  private static final int MAX_KEY = 8;
  private static final int MAX_VALUE = 16;

  @TempDir Path dir;

  private BlinkServer start(BlinkServer.Transport transport) {
    return TestServers.start(transport, dir, 1 << 20,
        builder -> builder.maxKeyBytes(MAX_KEY).maxValueBytes(MAX_VALUE));
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void textWritesAtTheLimitsAreStoredAndOneBytePastIsRefused(BlinkServer.Transport transport, Endpoint endpoint)
      throws Exception {
    try (BlinkServer server = start(transport); LineClient client = endpoint.connect(server)) {
      String key = "k".repeat(MAX_KEY);
      String value = "v".repeat(MAX_VALUE);
      assertEquals("OK", client.request("SET " + key + " " + value), "a key and a value of exactly the limits");
      assertEquals("ERROR key too long", client.request("SET " + key + "x 1"));
      assertEquals("ERROR key too long", client.request("SET " + "\u00e9".repeat(MAX_KEY / 2) + "x 1"),
          "the key is measured in UTF-8 bytes (9 here, in 5 chars)");
      assertEquals("OK", client.request("SET " + "\u00e9".repeat(MAX_KEY / 2) + " 1"), "8 UTF-8 bytes");
      assertEquals("ERROR value too long", client.request("SET " + key + " " + value + "w"));
      assertEquals("ERROR key too long", client.request("SETEX " + key + "x 60 1"));
      assertEquals("ERROR value too long", client.request("SETEX " + key + " 60 " + value + "w"));
      assertEquals("ERROR key too long", client.request("INCR " + key + "x"));
      assertEquals("VALUE " + ConnectionLimitsIT.base64(value), client.request("GET " + key),
          "the refused writes changed nothing");
      assertEquals("NOT_FOUND", client.request("GET " + key + "x"));
      assertEquals("USAGE " + (MAX_KEY + MAX_VALUE + MAX_KEY + 1), client.request("USAGE"));
    }
  }

  @ParameterizedTest(name = "[{0} {1}]")
  @MethodSource(TestServers.ALL)
  void respWritesPastTheLimitsAreRefusedAndAnMsetWithOneStoresNone(
      BlinkServer.Transport transport, Endpoint endpoint) throws Exception {
    try (BlinkServer server = start(transport); LineClient client = endpoint.connect(server)) {
      String key = "k".repeat(MAX_KEY);
      String value = "v".repeat(MAX_VALUE);
      assertEquals("+OK\r", respCommand(client, "SET", key, value));
      assertEquals("-ERR key too long\r", respCommand(client, "SET", key + "x", "1"));
      assertEquals("-ERR value too long\r", respCommand(client, "SET", key, value + "w"));
      assertEquals("-ERR key too long\r", respCommand(client, "SETNX", key + "x", "1"));
      assertEquals("-ERR key too long\r", respCommand(client, "INCR", key + "x"));
      assertEquals("-ERR value too long\r", respCommand(client, "MSET", "first", "1", "second", value + "w"));
      assertEquals("$-1\r", respCommand(client, "GET", "first"), "an MSET refused stores none of its entries");
      assertEquals("$" + MAX_VALUE + "\r", respCommand(client, "GET", key));
      assertEquals(value, client.readLine().strip());
    }
  }

  @Test
  void limitsThatAreNotPositiveAreRefusedByTheBuilder() {
    assertThrows(IllegalArgumentException.class,
        () -> BlinkServer.builder().maxKeyBytes(0));
    assertThrows(IllegalArgumentException.class,
        () -> BlinkServer.builder().maxValueBytes(-1));
  }

  private static String respCommand(LineClient client, String... args) throws Exception {
    client.send(RespIT.resp(args));
    return client.readLine();
  }
}
