package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.blinkstore.BlinkStore;
import io.blinkstore.server.protocol.resp.RespSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code SORT} that reads other keys, or stores, does it at one instant, as Redis's single thread does: while
 * another client rewrites 50 weights in one {@code MSET} (all to the same value), {@code SORT ... GET w_*} always
 * answers 50 equal values; and while one client stores a 50-element list again and again with
 * {@code SORT ... STORE}, another never sees the destination missing or short ({@code LLEN}).
 */
class SortIsolationTest {
  private static final int KEYS = 50;
  private static final int ROUNDS = 3_000;

  private final BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build();
  private final Dispatcher dispatcher = new Dispatcher(store);

  @AfterEach
  void close() {
    store.close();
  }

  private RespSession withIds() {
    RespSession session = new RespSession(dispatcher);
    List<String> push = new ArrayList<>(List.of("RPUSH", "ids"));
    List<String> weights = new ArrayList<>(List.of("MSET"));
    for (int i = 0; i < KEYS; i++) {
      push.add(Integer.toString(i));
      weights.addAll(List.of("w_" + i, "0"));
    }
    RespTester.run(session, push.toArray(String[]::new));
    RespTester.run(session, weights.toArray(String[]::new));
    return session;
  }

  @Test
  void getPatternsReadEveryKeyAtOneInstant() throws Exception {
    RespSession sorter = withIds();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicBoolean done = new AtomicBoolean();
    try {
      Future<?> writer = pool.submit(() -> {
        RespSession session = new RespSession(dispatcher);
        for (int round = 1; !done.get(); round++) {
          List<String> mset = new ArrayList<>(List.of("MSET"));
          for (int i = 0; i < KEYS; i++) {
            mset.addAll(List.of("w_" + i, Integer.toString(round)));
          }
          RespTester.run(session, mset.toArray(String[]::new));
        }
      });
      for (int round = 0; round < ROUNDS; round++) {
        List<Result> values = ((Result.Array) RespTester.run(sorter, "SORT", "ids", "BY", "nosort", "GET", "w_*"))
            .elements();
        assertEquals(KEYS, values.stream().filter(values.get(0)::equals).count(), "round " + round + ": " + values);
      }
      done.set(true);
      writer.get();
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
  }

  @Test
  void aStoredListIsNeverSeenMissingOrShort() throws Exception {
    RespSession sorter = withIds();
    RespTester.run(sorter, "SORT", "ids", "STORE", "out");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicBoolean done = new AtomicBoolean();
    try {
      Future<String> reader = pool.submit(() -> {
        RespSession session = new RespSession(dispatcher);
        while (!done.get()) {
          Result length = RespTester.run(session, "LLEN", "out");
          if (!length.equals(new Result.Int(KEYS))) {
            return "LLEN out = " + length;
          }
        }
        return "";
      });
      for (int round = 0; round < ROUNDS; round++) {
        assertEquals(new Result.Int(KEYS), RespTester.run(sorter, "SORT", "ids", "DESC", "STORE", "out"));
      }
      done.set(true);
      assertEquals("", reader.get());
    } finally {
      done.set(true);
      pool.shutdownNow();
    }
  }
}
