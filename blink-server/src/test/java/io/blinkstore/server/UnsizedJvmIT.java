package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar blink-store.jar serve} without the launcher (run here as the jar's main class on this build's class
 * path, with only {@code -Xmx}): the server sizes from the memory limit what it still can (the entry bound, Netty's
 * direct memory and so the client memory, the collector's free ratios and periodic collection), warns in one line
 * of a heap far larger than the limit needs, and refuses in one line a heap that cannot hold the limit.
 */
@Timeout(60)
class UnsizedJvmIT {
  private static final long MIB = 1 << 20;

  @TempDir Path dir;

  /**
   * A 1 GiB heap for a 64 MiB limit (the budget's heap is 92 MiB): warned of, and what depends on the heap is sized
   * from the budget's: the entry bound from 92 MiB, the client memory from 16 MiB of direct memory (half of it), not
   * from the 1 GiB heap and Netty's default direct memory (as large as the heap), which gave 128 MiB of client memory
   * while the direct memory bound was set after Netty had read its own.
   */
  @Test
  void aHeapFarTooLargeIsWarnedOfAndWhatCanBeSizedIsSizedFromTheBudget() throws Exception {
    String log = startAndStop("-Xmx1g", "64MB");
    assertTrue(log.contains("[WARN] BlinkStoreCli - the JVM heap (1024 MiB) is far larger than the 92 MiB a memory"
        + " limit of 67108864 bytes needs"), log);
    assertTrue(log.contains("bounded at run time to direct memory 16 MiB, heap free ratio 10-20%"), log);
    assertTrue(log.contains("max entries " + JvmSizing.defaultMaxEntries(1024 * MIB, 64 * MIB) + ","), log);
    assertTrue(log.contains("max client memory " + 8 * MIB + " bytes"), log);
  }

  /** The budget's own heap, or one up to twice it: no warning, and the same sizing at run time. */
  @Test
  void aHeapNearTheBudgetsIsNotWarnedOf() throws Exception {
    for (String heap : List.of("-Xmx92m", "-Xmx184m")) {
      String log = startAndStop(heap, "64MB");
      assertFalse(log.contains("WARN"), log);
      assertTrue(log.contains("bounded at run time to direct memory 16 MiB"), log);
      assertTrue(log.contains("max entries " + JvmSizing.defaultMaxEntries(92 * MIB, 64 * MIB) + ","), log);
    }
  }

  /** A heap that cannot hold the limit: one line naming the heap it needs, exit status 1. */
  @Test
  void aHeapThatCannotHoldTheLimitIsRefusedInOneLine() throws Exception {
    Path log = dir.resolve("small.log");
    Process server = ServerProcess.command(List.of(), System.getProperty("java.class.path"), List.of("-Xmx64m"), log,
        "serve", "--tcp", "127.0.0.1:0", "--memory-limit", "64MB").start();
    assertTrue(server.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, server.exitValue());
    List<String> lines = Files.readAllLines(log);
    assertEquals(1, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).matches("blink-store: the JVM heap \\(6[0-4] MiB\\) cannot hold a memory limit of"
        + " 67108864 bytes and 1024 entries at ~160 bytes each: give it at least 92 MiB .*"), lines.get(0));
  }

  private String startAndStop(String heap, String limit) throws Exception {
    Path log = dir.resolve(heap + ".log");
    Process server = ServerProcess.command(List.of(), System.getProperty("java.class.path"), List.of(heap), log,
        "serve", "--tcp", "127.0.0.1:0", "--memory-limit", limit).start();
    try {
      ServerProcessIT.awaitPort(server, log);
    } finally {
      ServerProcessIT.stop(server);
    }
    return Files.readString(log);
  }
}
