package io.blinkstore.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replies of a 6 MiB value, past the default output cap of 4 MiB, against a real {@code redis-server}, byte for
 * byte in RESP2 and RESP3: {@code GET}, {@code GETRANGE}, {@code SET ... GET}, {@code GETSET}, {@code GETEX},
 * {@code GETDEL}, {@code LINDEX}, {@code HGET} and a string's {@code DUMP}, each sent in slices here as the client
 * reads (before, the connection was closed without a reply, or {@code DUMP} refused). {@code MGET} of it stays
 * refused here ({@link LargeReplyIT}). One request at a time, so that what the server holds is one value's
 * request and one reply. Skipped where {@code redis-server} is not installed.
 */
@Timeout(120)
class LargeReplyParityIT {
  private static final int VALUE_BYTES = 6 << 20;

  @TempDir Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  /** {@code VALUE_BYTES} bytes of {@code seed}, one character per byte. */
  private static String value(long seed) {
    byte[] bytes = new byte[VALUE_BYTES];
    new Random(seed).nextBytes(bytes);
    return new String(bytes, ISO_8859_1);
  }

  private static List<List<String>> requests() {
    String one = value(1);
    String two = value(2);
    return List.of(
        List.of("SET", "big", one),
        List.of("STRLEN", "big"),
        List.of("GET", "big"),
        List.of("GETRANGE", "big", "0", "15"),
        List.of("GETRANGE", "big", "0", "-1"),
        List.of("SET", "big", two, "GET"),
        List.of("GETSET", "big", one),
        List.of("GETEX", "big", "PX", "100000"),
        List.of("GETEX", "big", "PERSIST"),
        List.of("DUMP", "big"),
        List.of("GETDEL", "big"),
        List.of("GET", "big"),
        List.of("RPUSH", "list", "a", two),
        List.of("LINDEX", "list", "1"),
        List.of("HSET", "hash", "field", one),
        List.of("HGET", "hash", "field"),
        List.of("ECHO", "end"));
  }

  private void assertRepliesMatchRedis(boolean resp3) throws Exception {
    List<List<String>> requests = new ArrayList<>(requests());
    if (resp3) {
      requests.add(0, List.of("HELLO", "3"));
    }
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64 << 20,
            builder -> builder.maxClientMemory(32 << 20));
        RawRespClient ours = RawRespClient.unix(Objects.requireNonNull(server.unixPath()));
        RawRespClient theirs = RawRespClient.unix(redis.socket())) {
      for (List<String> request : requests) {
        String expected = theirs.exchange(List.of(request)).get(0);
        String actual = ours.exchange(List.of(request)).get(0);
        if (request.get(0).equals("HELLO")) {
          continue;
        }
        if (!expected.equals(actual)) { // not the 6 MiB texts in the message
          assertEquals(expected.substring(0, Math.min(80, expected.length())) + "... (" + expected.length() + ")",
              actual.substring(0, Math.min(80, actual.length())) + "... (" + actual.length() + ")",
              request.get(0) + " " + request.get(1));
        }
      }
    }
  }

  @Test
  void largeValueRepliesMatchRedisByteForByte() throws Exception {
    assertRepliesMatchRedis(false);
  }

  @Test
  void largeValueRepliesMatchRedisByteForByteInRespThree() throws Exception {
    assertRepliesMatchRedis(true);
  }
}
