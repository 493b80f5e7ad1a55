package io.blinkstore;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Single-flight loading of the in-process store, where waiting threads can be observed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GetOrLoadTest {
  private static final int CALLERS = 50;

  private final BlinkStore store = BlinkStore.builder().build();

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aFailureWhileFortyNineCallersWaitReachesAllOfThemFromOneLoad() throws Exception {
    AtomicInteger loads = new AtomicInteger();
    List<Thread> callers = new CopyOnWriteArrayList<>();
    IllegalStateException failure = new IllegalStateException("database down");
    List<Callable<Throwable>> tasks = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      tasks.add(() -> {
        callers.add(Thread.currentThread());
        try {
          store.getOrLoad("hot", key -> {
            loads.incrementAndGet();
            awaitOthersWaiting(callers);
            throw failure;
          });
          return null;
        } catch (IllegalStateException e) {
          return e;
        }
      });
    }
    for (Throwable thrown : BlinkStoreContract.runAll(tasks)) {
      assertSame(failure, thrown);
    }
    assertEquals(1, loads.get());
    assertNull(store.get("hot"));
  }

  /** Polls, up to a deadline, until every other caller is parked (waiting for the load). */
  private static void awaitOthersWaiting(List<Thread> callers) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      long waiting = callers.stream()
          .filter(t -> t != Thread.currentThread() && t.getState() == Thread.State.WAITING)
          .count();
      if (callers.size() == CALLERS && waiting == CALLERS - 1) {
        return;
      }
      Thread.sleep(1);
    }
    throw new AssertionError("the other callers did not all wait for the load");
  }

  @Test
  void aLoaderThatLoadsItsOwnKeyAgainFailsInsteadOfWaitingForever() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> store.getOrLoad("k", key -> store.getOrLoad("k", again -> new byte[1])));
    assertTrue(e.getMessage().contains("recursive"), e.getMessage());
    assertEquals(0, store.size());
  }

  @Test
  void aLoaderMayReadAndLoadOtherKeys() {
    byte[] value = store.getOrLoad("outer", key -> {
      store.set("side", "effect");
      return store.getOrLoad("inner", inner -> new byte[] {2});
    });
    assertArrayEquals(new byte[] {2}, value);
    assertArrayEquals(new byte[] {2}, store.get("outer"));
    assertEquals("effect", store.getString("side"));
  }

  @Test
  void anInterruptedWaiterKeepsWaitingAndKeepsItsInterruptFlag() throws Exception {
    List<Thread> callers = new CopyOnWriteArrayList<>();
    List<Callable<Boolean>> tasks = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      tasks.add(() -> {
        callers.add(Thread.currentThread());
        byte[] value = store.getOrLoad("k", key -> {
          Thread other = awaitOtherWaiting(callers);
          other.interrupt();
          return new byte[] {1};
        });
        assertArrayEquals(new byte[] {1}, value);
        return Thread.interrupted();
      });
    }
    List<Boolean> interrupted = BlinkStoreContract.runAll(tasks);
    assertEquals(1, interrupted.stream().filter(b -> b).count());
  }

  private static Thread awaitOtherWaiting(List<Thread> callers) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (Thread t : callers) {
        if (t != Thread.currentThread() && t.getState() == Thread.State.WAITING) {
          return t;
        }
      }
      Thread.sleep(1);
    }
    throw new AssertionError("the other caller did not wait for the load");
  }
}
