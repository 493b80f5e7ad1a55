package io.blinkstore.examples;

import io.blinkstore.BlinkStats;
import io.blinkstore.BlinkStore;
import io.blinkstore.EntryTooLargeException;

/**
 * Blink Store in-process: a byte-bounded cache inside your JVM.
 *
 * <pre>{@code mvn -q -B install -DskipTests && mvn -q -pl blink-examples exec:java}</pre>
 * or run {@code main} from an IDE.
 */
public final class EmbeddedExample {
  private EmbeddedExample() {}

  public static void main(String[] args) {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1024 * 1024).build()) {
      store.set("greeting", "hello");
      System.out.println("greeting = " + store.getString("greeting"));
      System.out.println("usage    = " + store.usage() + " bytes (8 key + 5 value)");
      System.out.println("deleted greeting: " + store.delete("greeting"));
      System.out.println("greeting = " + store.getString("greeting"));

      // Fill well past the 1 MiB limit: entries are evicted, usage never passes the limit.
      byte[] kilobyte = new byte[1024];
      for (int i = 0; i < 4_000; i++) {
        store.set("item:" + i, kilobyte);
      }
      System.out.println("after 4000 x 1 KiB: usage = " + store.usage() + " of " + store.memoryLimit()
          + " bytes, " + store.size() + " entries");

      try {
        store.set("huge", new byte[2 * 1024 * 1024]);
      } catch (EntryTooLargeException e) {
        System.out.println("refused: " + e.getMessage());
      }

      BlinkStats stats = store.stats();
      System.out.println("stats    = " + stats + ", hit ratio " + stats.hitRatio());
    }
  }
}
