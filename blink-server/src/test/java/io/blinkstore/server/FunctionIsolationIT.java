package io.blinkstore.server;

import static io.blinkstore.server.RespIT.resp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A function's writes are one atomic step for every other client, as a script's: four clients call a function that
 * increments {@code a}, then copies it to {@code b}, while a reader reads both with {@code MGET}; the reader never
 * sees them apart, and no increment is lost.
 */
@Timeout(120)
class FunctionIsolationIT {
  private static final String LIBRARY = "#!lua name=pairs\n"
      + "redis.register_function('bump', function(keys, args)\n"
      + "  local n = redis.call('INCR', keys[1])\n"
      + "  for i = 1, 200 do redis.call('GET', keys[1]) end\n"
      + "  redis.call('SET', keys[2], n)\n"
      + "  return n\n"
      + "end)";
  private static final int WRITERS = 4;
  private static final int CALLS = 250;

  @TempDir Path dir;

  @Test
  void aFunctionsWritesAreNeverSeenHalfDoneAndNoneIsLost() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(WRITERS + 1);
    try (BlinkServer server = TestServers.start(BlinkServer.Transport.NIO, dir, 64 << 20);
        LineClient setup = LineClient.unix(server.unixPath())) {
      assertEquals("$5\r", setup.send(resp("FUNCTION", "LOAD", LIBRARY)).readLine());
      assertEquals("pairs\r", setup.readLine());
      AtomicBoolean writing = new AtomicBoolean(true);
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        writers.add(threads.submit(() -> {
          try (LineClient client = LineClient.unix(server.unixPath())) {
            for (int i = 0; i < CALLS; i++) {
              String reply = client.send(resp("FCALL", "bump", "2", "a", "b")).readLine();
              if (!reply.startsWith(":")) {
                throw new AssertionError("FCALL answered " + reply);
              }
            }
          }
          return null;
        }));
      }
      Future<Integer> reader = threads.submit(() -> {
        int reads = 0;
        try (LineClient client = LineClient.unix(server.unixPath())) {
          while (writing.get()) {
            String reply = RespIT.readReply(client.send(resp("MGET", "a", "b")));
            String[] lines = reply.split("\r\n");
            String a = lines[1].equals("$-1") ? null : lines[2];
            String b = a == null ? (lines[2].equals("$-1") ? null : lines[3]) : (lines[3].equals("$-1") ? null
                : lines[4]);
            if (b != null && !b.equals(a)) {
              throw new AssertionError("a function's writes seen half done: a=" + a + " b=" + b);
            }
            reads++;
          }
        }
        return reads;
      });
      for (Future<?> writer : writers) {
        writer.get();
      }
      writing.set(false);
      reader.get();
      setup.send(resp("GET", "a")).readLine(); // the bulk string's length
      assertEquals(WRITERS * CALLS + "\r", setup.readLine(), "every increment counted");
    } finally {
      threads.shutdownNow();
    }
  }
}
