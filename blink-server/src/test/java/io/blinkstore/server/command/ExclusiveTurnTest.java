package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The turn to hold the gate exclusive: an event loop's {@link ExclusiveTurn#tryRun} gives up (without running its
 * body) once the holder makes the server busy, asks again between slices until then, and runs its body once the
 * holder is done; the script thread's {@link ExclusiveTurn#await} waits as long as it takes.
 */
@Timeout(30)
class ExclusiveTurnTest {
  private final ExclusiveTurn turn = new ExclusiveTurn();

  @Test
  void anEventLoopGivesUpWhenTheHolderIsBusyAndRunsOnceItIsDone() throws Exception {
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread script = new Thread(() -> turn.await(() -> {
      held.countDown();
      awaitQuietly(release);
      return Result.OK;
    }));
    script.start();
    held.await();
    AtomicInteger asked = new AtomicInteger();
    AtomicBoolean ran = new AtomicBoolean();
    assertNull(turn.tryRun(() -> asked.incrementAndGet() >= 3, () -> {
      ran.set(true);
      return Result.OK;
    }));
    assertEquals(3, asked.get(), "asked between slices until busy");
    assertEquals(false, ran.get(), "the body does not run without the turn");
    release.countDown();
    assertEquals(Result.OK, turn.tryRun(() -> false, () -> Result.OK), "the holder done: the turn is had");
    script.join();
    assertEquals(Result.OK, turn.tryRun(() -> true, () -> Result.OK), "a free turn is had at once");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
