package io.blinkstore.examples;

import io.blinkstore.BlinkStore;
import io.blinkstore.client.BlinkClient;
import io.blinkstore.redis.BlinkRedis;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * One Java worker process of {@link SidecarExample}: looks up every product through the shared sidecar cache,
 * asking the "database" only on a miss, and prints one summary line. Then it obeys the lines on its standard
 * input until it ends: {@code write TEXT} stores {@code TEXT} under the key {@code notice} and prints
 * {@code wrote}; {@code read} reads that key once and prints {@code notice=} and what it read
 * ({@code NOT_FOUND} if nothing).
 *
 * <p>Arguments: where the cache is (the sidecar's Unix socket path, or the address of a Redis or Valkey Cluster:
 * {@link ScaleOutExample}), the worker's name, and its index and the number of workers (to start at a different
 * product than the others).
 */
public final class SidecarWorker {
  private SidecarWorker() {}

  public static void main(String[] args) throws IOException {
    String name = args[1];
    int index = Integer.parseInt(args[2]);
    int workers = Integer.parseInt(args[3]);
    try (BlinkStore cache = connect(args[0])) {
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
      System.out.println("worker=" + name + " lookups=" + Products.COUNT + " db_calls=" + databaseCalls
          + " verified=" + verified);
      BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String command = commands.readLine(); command != null; command = commands.readLine()) {
        if (command.startsWith("write ")) {
          cache.set("notice", command.substring("write ".length()));
          System.out.println("wrote");
        } else if (command.equals("read")) {
          String notice = cache.getString("notice");
          System.out.println("notice=" + (notice == null ? "NOT_FOUND" : notice));
        } else {
          throw new IllegalArgumentException("unknown command: " + command);
        }
      }
    }
  }

  /**
   * The one line that differs between the sidecar and a Redis or Valkey Cluster: how the store is made. Every
   * other line of this worker is the same {@link BlinkStore} code on both.
   */
  static BlinkStore connect(String where) {
    return where.contains("://") ? BlinkRedis.connect(where) : BlinkClient.connect(Path.of(where));
  }
}
