package io.blinkstore.examples;

import io.blinkstore.BlinkStore;
import io.blinkstore.client.BlinkClient;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One Java worker process of {@link SidecarExample}: looks up every product through the shared sidecar cache,
 * asking the "database" only on a miss, and prints one summary line.
 *
 * <p>Arguments: the Unix socket path, the worker's name, its index and the number of workers (to start at a
 * different product than the others), and the notice: {@code write:TEXT} to publish it, {@code read} to read it.
 */
public final class SidecarWorker {
  /**
   * How long a reader waits for the notice. The writer is another process, which may still be starting (a JVM
   * among others on a busy machine): the wait ends as soon as the notice is there, so it can be generous.
   */
  private static final Duration NOTICE_WAIT = Duration.ofSeconds(30);
  private static final long NOTICE_POLL_MILLIS = 10;

  private SidecarWorker() {}

  public static void main(String[] args) throws InterruptedException {
    String name = args[1];
    int index = Integer.parseInt(args[2]);
    int workers = Integer.parseInt(args[3]);
    String notice = args[4];
    try (BlinkStore cache = BlinkClient.connect(Path.of(args[0]))) {
      if (notice.startsWith("write:")) {
        cache.set("notice", notice.substring("write:".length()));
      }
      int databaseCalls = 0;
      int verified = 0;
      for (int n = 0; n < Products.COUNT; n++) {
        int id = (n + index * Products.COUNT / workers) % Products.COUNT;
        String row = cache.getString(Products.key(id));
        if (row == null) {
          databaseCalls++;
          cache.set(Products.key(id), Products.row(id));
        } else if (row.equals(Products.row(id))) {
          verified++;
        }
      }
      String read = cache.getString("notice");
      long deadline = System.nanoTime() + NOTICE_WAIT.toNanos();
      while (read == null && System.nanoTime() - deadline < 0) {
        Thread.sleep(NOTICE_POLL_MILLIS); // the writer is another process, which may still be starting
        read = cache.getString("notice");
      }
      System.out.println("worker=" + name + " lookups=" + Products.COUNT + " db_calls=" + databaseCalls
          + " verified=" + verified + " notice=" + read);
    }
  }
}
