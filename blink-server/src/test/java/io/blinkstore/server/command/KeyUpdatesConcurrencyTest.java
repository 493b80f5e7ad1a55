package io.blinkstore.server.command;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespRequest;
import io.blinkstore.server.protocol.resp.RespSession;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The read-then-write commands are atomic per key ({@link KeyUpdates}) against other connections and against
 * in-process callers of the same store: several threads race on one key, and nothing written is lost or seen
 * twice. Each failed with the read and the write as two steps (the swap not comparing): values were answered
 * twice, appends lost. Bounded by counts, not by time.
 */
@Timeout(120)
class KeyUpdatesConcurrencyTest {
  private static final int THREADS = 4;
  private static final int ROUNDS = 20_000;

  private final BlinkStore store = BlinkStore.builder().memoryLimit(64 << 20).build();
  private final Dispatcher dispatcher = new Dispatcher(store);

  @AfterEach
  void closeStore() {
    store.close();
  }

  /** Each value a {@code GETSET} writes is answered by exactly one later {@code GETSET}, or is the last one left. */
  @Test
  void getsetAnswersEachValueWrittenExactlyOnce() throws Exception {
    store.set("k", "initial");
    List<List<String>> answered = race(thread -> {
      RespSession session = new RespSession(dispatcher);
      List<String> seen = new ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        seen.add(text(run(session, "GETSET", "k", thread + ":" + i)));
      }
      return seen;
    });
    List<String> all = flatten(answered);
    all.add(store.getString("k"));
    assertEachOnce(all, "initial");
  }

  /**
   * Values put by {@code SET ... NX} over RESP and by {@code setIfAbsent} in process are each taken by exactly one
   * {@code GETDEL}, or left in the key at the end: a {@code GETDEL} never deletes a value it did not answer.
   */
  @Test
  void getdelTakesEachValueExactlyOnceFromRespAndInProcessWriters() throws Exception {
    List<List<String>> results = race(thread -> {
      RespSession session = new RespSession(dispatcher);
      List<String> events = new ArrayList<>();
      for (int i = 0; i < ROUNDS; i++) {
        String token = thread + ":" + i;
        boolean put = thread % 2 == 0
            ? run(session, "SET", "k", token, "NX").equals(Result.OK)
            : store.setIfAbsent("k", token);
        if (put) {
          events.add("put " + token);
        }
        String taken = text(run(session, "GETDEL", "k"));
        if (taken != null) {
          events.add("took " + taken);
        }
      }
      return events;
    });
    List<String> put = new ArrayList<>();
    List<String> taken = new ArrayList<>();
    for (String event : flatten(results)) {
      (event.startsWith("put ") ? put : taken).add(event.substring(event.indexOf(' ') + 1));
    }
    String left = store.getString("k");
    if (left != null) {
      taken.add(left);
    }
    assertEquals(List.of(), unmatched(put, taken), "values put but never taken, or taken twice");
  }

  /** Every {@code APPEND} of every connection is in the value, once, and each one's in the order it sent them. */
  @Test
  void appendsFromManyConnectionsAreNeverLost() throws Exception {
    List<List<String>> lengths = race(thread -> {
      RespSession session = new RespSession(dispatcher);
      for (int i = 0; i < ROUNDS / 4; i++) {
        run(session, "APPEND", "log", Character.toString('a' + thread));
      }
      return List.of();
    });
    assertEquals(List.of(), flatten(lengths));
    String log = store.getString("log");
    assertEquals(THREADS * (ROUNDS / 4), log.length());
    for (int thread = 0; thread < THREADS; thread++) {
      char mark = (char) ('a' + thread);
      assertEquals(ROUNDS / 4, log.chars().filter(c -> c == mark).count(), "appends of connection " + thread);
    }
  }

  /** A task run by a thread, given its number. */
  private interface Task {
    List<String> run(int thread) throws Exception;
  }

  private static List<List<String>> race(Task task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<List<String>>> futures = new ArrayList<>();
      for (int thread = 0; thread < THREADS; thread++) {
        int number = thread;
        futures.add(pool.submit((Callable<List<String>>) () -> task.run(number)));
      }
      List<List<String>> results = new ArrayList<>();
      for (Future<List<String>> future : futures) {
        results.add(future.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }

  private static Result run(RespSession session, String... args) {
    byte[][] bytes = new byte[args.length][];
    for (int i = 0; i < args.length; i++) {
      bytes[i] = args[i].getBytes(US_ASCII);
    }
    return RespTester.copied(session.execute(new RespRequest.Command(bytes)));
  }

  private static String text(Result result) {
    ByteBuffer bytes = ((Result.Bulk) result).bytes();
    return bytes == null ? null : US_ASCII.decode(bytes.duplicate()).toString();
  }

  private static List<String> flatten(List<List<String>> lists) {
    List<String> all = new ArrayList<>();
    lists.forEach(all::addAll);
    return all;
  }

  /** What {@code put} and {@code taken} do not have in common, once each: none if each value put was taken once. */
  private static List<String> unmatched(List<String> put, List<String> taken) {
    Map<String, Integer> counts = new HashMap<>();
    put.forEach(value -> counts.merge(value, 1, Integer::sum));
    taken.forEach(value -> counts.merge(value, -1, Integer::sum));
    List<String> unmatched = new ArrayList<>();
    counts.forEach((value, count) -> {
      if (count != 0) {
        unmatched.add(value + (count > 0 ? " never taken" : " taken " + (1 - count) + " times"));
      }
    });
    return unmatched.subList(0, Math.min(unmatched.size(), 10));
  }

  /** Asserts that {@code answered} holds {@code initial} and every token written, each exactly once. */
  private static void assertEachOnce(List<String> answered, String initial) {
    Map<String, Integer> counts = new HashMap<>();
    answered.forEach(value -> counts.merge(value, 1, Integer::sum));
    assertEquals(1, counts.remove(initial), initial);
    for (int thread = 0; thread < THREADS; thread++) {
      for (int i = 0; i < ROUNDS; i++) {
        String token = thread + ":" + i;
        assertEquals(1, counts.remove(token), token);
      }
    }
    assertEquals(Map.of(), counts);
  }
}
