package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.BlinkStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SAVE}, {@code BGSAVE}, {@code LASTSAVE}, {@code SHUTDOWN}'s errors and {@code INFO persistence} beside a
 * real {@code redis-server} 7.0.15 (which writes its {@code dump.rdb} in the test's folder): the same bytes where the replies are meant to
 * match (texts, errors, arity, the refusal inside {@code MULTI}), the same reply type where the value is the clock's
 * ({@code LASTSAVE}), and Redis 7.0's {@code INFO persistence} field names, in its order, before ours. Skipped where
 * {@code redis-server} is not installed.
 */
@Timeout(60)
class PersistenceParityIT {
  @TempDir Path dir;

  @RegisterExtension final RedisOnSocket redis = new RedisOnSocket();

  private static final List<List<String>> SAME_BYTES = List.of(
      List.of("SAVE", "extra"),
      List.of("LASTSAVE", "extra"),
      List.of("BGSAVE", "NOW"),
      List.of("BGSAVE", "SCHEDULE", "x"),
      List.of("SHUTDOWN", "nope"),
      List.of("SHUTDOWN", "SAVE", "NOSAVE"),
      List.of("SHUTDOWN", "ABORT"),
      List.of("SHUTDOWN", "abort", "now"),
      List.of("SHUTDOWN", "NOSAVE", "ABORT"),
      List.of("SET", "k", "v"),
      List.of("BGSAVE"));

  private BlinkServer ours() {
    return BlinkServer.builder()
        .store(BlinkStore.builder().memoryLimit(16 << 20).build())
        .tcp(new InetSocketAddress("127.0.0.1", 0))
        .unix(dir.resolve("blink.sock"))
        .snapshot(dir.resolve("blink.snapshot"))
        .build()
        .start();
  }

  private static List<String> exchange(Path socket, List<List<String>> requests) throws Exception {
    try (RawRespClient client = RawRespClient.unix(socket)) {
      return client.exchange(requests);
    }
  }

  @Test
  void repliesMatchRedisByteForByte() throws Exception {
    try (BlinkServer server = ours()) {
      assertEquals(exchange(redis.socket(), SAME_BYTES), exchange(server.unixPath(), SAME_BYTES));
      awaitNoSave(redis.socket());
      awaitNoSave(server.unixPath());
      List<List<String>> after = List.of(List.of("SAVE"), List.of("MULTI"), List.of("SAVE"), List.of("EXEC"),
          List.of("MULTI"), List.of("SET", "k", "w"), List.of("SHUTDOWN", "NOSAVE"), List.of("EXEC"), List.of("GET", "k"));
      assertEquals(exchange(redis.socket(), after), exchange(server.unixPath(), after));
    }
  }

  @Test
  void lastsaveIsAnIntegerOfTheClockAsRedissIs() throws Exception {
    try (BlinkServer server = ours()) {
      long now = System.currentTimeMillis() / 1000;
      for (Path socket : List.of(redis.socket(), server.unixPath())) {
        String reply = exchange(socket, List.of(List.of("LASTSAVE"))).get(0);
        assertTrue(reply.matches(":\\d+\\\\r\\\\n"), reply);
        long seconds = Long.parseLong(reply.substring(1, reply.length() - 4));
        assertTrue(Math.abs(seconds - now) < 120, reply);
      }
    }
  }

  @Test
  void infoPersistenceHasRedissFieldsInItsOrderThenOurs() throws Exception {
    try (BlinkServer server = ours()) {
      List<String> theirs = fieldNames(redis.socket());
      List<String> mine = fieldNames(server.unixPath());
      assertEquals(theirs, mine.stream().filter(name -> !name.startsWith("blink_")).toList());
      assertTrue(mine.containsAll(List.of("blink_snapshot_path", "blink_snapshot_last_entries",
          "blink_snapshot_last_bytes", "blink_snapshot_last_extra_heap_bytes", "blink_snapshot_last_error")), mine
          .toString());
    }
  }

  private static List<String> fieldNames(Path socket) throws Exception {
    String info = exchange(socket, List.of(List.of("INFO", "persistence"))).get(0);
    return Arrays.stream(info.split("\\\\r\\\\n"))
        .filter(line -> line.contains(":") && !line.startsWith("$"))
        .map(line -> line.substring(0, line.indexOf(':')))
        .collect(Collectors.toList());
  }

  /** Waits until {@code INFO persistence} says no save runs (a BGSAVE's child, or our snapshot thread). */
  private static void awaitNoSave(Path socket) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (exchange(socket, List.of(List.of("INFO", "persistence"))).get(0)
        .contains("rdb_bgsave_in_progress:1")) {
      assertTrue(System.nanoTime() < deadline, "a save still runs after 20 s");
      Thread.sleep(20);
    }
  }
}
