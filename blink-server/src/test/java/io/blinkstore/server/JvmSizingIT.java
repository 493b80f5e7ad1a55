package io.blinkstore.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server started as {@code java -jar} would be, with no sizing of its own (the JVM's default heap, a quarter of
 * RAM): it derives its store's heap capacity from the budget's heap, not from that larger one, bounds Netty's direct
 * memory and the heap its collector keeps and with it the client memory, says so in one line, warns in one line of
 * a heap far larger than its limit needs, and still refuses a heap that cannot hold its limit.
 */
@Timeout(60)
class JvmSizingIT {
  @TempDir Path dir;

  @Test
  void anUnsizedJvmIsBoundedByTheBudgetOfItsLimit() throws Exception {
    String text = readyLog(List.of("-XX:+UseG1GC"), "64MB");
    Matcher capacity = Pattern.compile("heap capacity (\\d+) bytes at 120 bytes per entry, max entries none,")
        .matcher(text);
    assertTrue(capacity.find(), text);
    long limit = 64L << 20;
    assertEquals(JvmSizing.heapCapacity(JvmSizing.heap(limit), limit, false), Long.parseLong(capacity.group(1)), text);
    assertTrue(text.contains("bounded at run time to direct memory 16 MiB, heap free ratio 10-20%, a collection every"
        + " 30 s when idle (budget 192 MiB)"), text);
  }

  /**
   * A 1 GiB heap for a 64 MiB limit (the budget's heap is 92 MiB): warned of in one line, and what depends on the
   * heap is sized from the budget: the heap capacity from 92 MiB, the client memory from 16 MiB of direct memory (half
   * of it), not from the 1 GiB heap and Netty's default direct memory (as large as the heap), which gave 128 MiB of
   * client memory while the direct memory bound was set after Netty had read its own.
   */
  @Test
  void aHeapFarTooLargeIsWarnedOfAndWhatCanBeSizedIsSizedFromTheBudget() throws Exception {
    String text = readyLog(List.of("-Xmx1g"), "64MB");
    assertTrue(text.contains("[WARN] BlinkStoreCli - the JVM heap (1024 MiB) is far larger than the 92 MiB a memory"
        + " limit of 67108864 bytes needs, and the collector may grow the process to it under churn: start with"
        + " bin/blink-store, or give -Xmx94m -Xmn11m -XX:+UseSerialGC -XX:MaxInlineLevel=9 -XX:MaxDirectMemorySize=16m"
        + " (docs/operations.md, Sizing)"), text);
    assertTrue(text.contains("heap capacity " + JvmSizing.heapCapacity(1L << 30, 64L << 20, false) + " bytes"), text);
    assertTrue(text.contains("max client memory " + (8L << 20) + " bytes"), text);
  }

  /** The budget's own heap, or one up to twice it: no warning, and the same sizing at run time. */
  @Test
  void aHeapNearTheBudgetsIsNotWarnedOf() throws Exception {
    for (String heap : List.of("-Xmx92m", "-Xmx184m")) {
      String text = readyLog(List.of(heap), "64MB");
      assertTrue(!text.contains("WARN"), text);
      assertTrue(text.contains("bounded at run time to direct memory 16 MiB"), text);
      long capacity = JvmSizing.heapCapacity(92L << 20, 64L << 20, false);
      assertTrue(text.contains("heap capacity " + capacity + " bytes"), text);
    }
  }

  @Test
  void aJvmSizedByTheLauncherIsLeftAsItIs() throws Exception {
    String text = readyLog(List.of("-Xmx100m", "-D" + JvmSizing.SIZED_PROPERTY + "=true"), "10MB");
    assertTrue(!text.contains("bounded at run time"), text);
  }

  /** The log of a server started with {@code jvmOptions} and {@code limit}, once it is ready; then it is stopped. */
  private String readyLog(List<String> jvmOptions, String limit) throws Exception {
    Path log = dir.resolve("server.log");
    Process server = start(log, jvmOptions, "serve", "--tcp", "127.0.0.1:0", "--memory-limit", limit);
    try {
      return awaitReady(server, log);
    } finally {
      server.destroy();
      server.waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void aHeapThatCannotHoldTheLimitIsRefusedInOneLine() throws Exception {
    Path log = dir.resolve("small.log");
    Process server = start(log, List.of("-Xmx64m"), "serve", "--tcp", "127.0.0.1:0", "--memory-limit", "64MB");
    assertTrue(server.waitFor(30, TimeUnit.SECONDS));
    assertEquals(1, server.exitValue());
    List<String> lines = Files.readAllLines(log);
    assertEquals(1, lines.size(), String.join("\n", lines));
    assertTrue(lines.get(0).startsWith("blink-store: the JVM heap (") && lines.get(0).contains("give it at least"),
        lines.get(0));
  }

  private static Process start(Path log, List<String> jvmOptions, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), BlinkStoreCli.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(log.toFile());
    builder.environment().remove("BLINK_AUTH_TOKEN");
    builder.environment().remove("BLINK_MEMORY_LIMIT");
    return builder.start();
  }

  private static String awaitReady(Process server, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      String text = Files.readString(log);
      if (text.contains("ready in")) {
        return text;
      }
      assertTrue(server.isAlive(), text);
      Thread.sleep(20);
    }
    throw new AssertionError("not ready in 30 s:\n" + Files.readString(log));
  }
}
