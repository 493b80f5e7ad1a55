package io.blinkstore.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A worker that hangs or dies fails the example with a message naming it, in bounded time, and is killed. */
@Timeout(30)
class WorkerProcessesTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @BeforeAll
  static void needsAShell() {
    assumeTrue(WorkerProcesses.onPath("sh") && WorkerProcesses.onPath("cat"), "sh and cat are needed");
  }

  @Test
  void linesGoToEachWorkerAndComeBackByName() throws Exception {
    try (WorkerProcesses workers = WorkerProcesses.create()) {
      workers.start("a", List.of("cat"));
      workers.start("b", List.of("cat"));
      workers.sendToEach("go");
      assertEquals(Map.of("a", "go", "b", "go"), workers.nextLineOfEach("echo", WAIT));
      workers.finish(WAIT);
    }
  }

  @Test
  void aHungWorkerFailsTheWaitInTimeAndIsKilledWithItsChildren() throws Exception {
    Set<Long> before = descendants();
    long start = System.nanoTime();
    IllegalStateException failure;
    try (WorkerProcesses workers = WorkerProcesses.create()) {
      workers.start("hung", List.of("sh", "-c", "echo ready; sleep 60; echo never"));
      assertEquals("ready", workers.nextLineOfEach("ready line", WAIT).get("hung"));
      failure = assertThrows(IllegalStateException.class,
          () -> workers.nextLineOfEach("summary line", Duration.ofSeconds(1)));
    }
    assertEquals("worker hung printed no summary line within 1 s", failure.getMessage());
    assertTrue(System.nanoTime() - start < WAIT.toNanos(), "the wait was bounded");
    Set<Long> left = descendants();
    left.removeAll(before);
    assertEquals(Set.of(), left, "the worker and its sleep were killed");
  }

  @Test
  void aWorkerThatDiesFailsWithItsExitStatusAndStandardError() throws Exception {
    try (WorkerProcesses workers = WorkerProcesses.create()) {
      workers.start("broken", List.of("sh", "-c", "echo 'no such table' >&2; exit 3"));
      IllegalStateException failure =
          assertThrows(IllegalStateException.class, () -> workers.nextLineOfEach("ready line", WAIT));
      assertEquals("worker broken ended before it printed its ready line (exit status 3); its standard error:\n"
          + "no such table", failure.getMessage());
    }
  }

  @Test
  void aWorkerThatFailsAtTheEndFailsTheFinish() throws Exception {
    try (WorkerProcesses workers = WorkerProcesses.create()) {
      workers.start("late", List.of("sh", "-c", "cat >/dev/null; exit 1"));
      IllegalStateException failure = assertThrows(IllegalStateException.class, () -> workers.finish(WAIT));
      assertEquals("worker late failed (exit status 1)", failure.getMessage());
    }
  }

  private static Set<Long> descendants() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
        .collect(Collectors.toSet());
  }
}
