package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.KeyDirectoryProperties.Item;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyDirectory#scan}'s guarantee while other threads write: two writers add and remove entries in waves
 * large enough to grow and shrink the table over and over, during the walks (not only between calls, as in
 * {@link KeyDirectoryProperties}); every walk must return every stable entry. Bounded in walks, not in time.
 */
class KeyDirectoryRaceTest {
  private static final int STABLE = 2_000;
  private static final int WALKS = 200;

  @Test
  void walksMissNoStableEntryWhileWritersResizeTheTable() throws Exception {
    KeyDirectory<Item> directory = new KeyDirectory<>();
    Random random = new Random(23);
    Set<Item> stable = new HashSet<>();
    for (int i = 0; i < STABLE; i++) {
      Item item = new Item(random.nextInt());
      stable.add(item);
      directory.add(item);
    }
    Set<Item> everAdded = ConcurrentHashMap.newKeySet();
    everAdded.addAll(stable);
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch started = new CountDownLatch(2);
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      int writer = w;
      Thread thread = new Thread(() -> {
        Random own = new Random(writer);
        List<Item> mine = new ArrayList<>();
        started.countDown();
        while (!done.get()) {
          for (int i = 0; i < 5_000; i++) {
            Item item = new Item(own.nextInt());
            everAdded.add(item);
            mine.add(item);
            directory.add(item);
          }
          while (!mine.isEmpty()) {
            directory.remove(mine.remove(mine.size() - 1));
          }
        }
      });
      writers.add(thread);
      thread.start();
    }
    started.await();
    try {
      for (int walk = 0; walk < WALKS; walk++) {
        Set<Item> returned = new HashSet<>();
        long cursor = 0;
        do {
          cursor = directory.scan(cursor, 1 + walk % 50, returned::add);
        } while (cursor != 0);
        assertTrue(everAdded.containsAll(returned), "returned an entry never added");
        Set<Item> missed = new HashSet<>(stable);
        missed.removeAll(returned);
        assertEquals(0, missed.size(), "stable entries walk " + walk + " missed");
      }
    } finally {
      done.set(true);
      for (Thread thread : writers) {
        thread.join();
      }
    }
    assertEquals(STABLE, directory.size());
  }
}
