package io.blinkstore.redis;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.blinkstore.BlinkStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A read/write load on a store for the failover and resharding tests, bounded in time and in calls: each thread
 * writes its own keys in turn ({@code SET}) and reads each back ({@code GET}), recording every call's start, end
 * and outcome, and every read that did not return the last value whose write was acknowledged.
 */
final class BoundedLoad implements AutoCloseable {
  /** One call: when it started and ended (nanoTime), whether it was a write, and what failed it (null: none). */
  record Call(long start, long end, boolean write, String key, String failure) {
    boolean failed() {
      return failure != null;
    }
  }

  /** The most calls one thread makes, whatever the time: bounds memory and load. */
  static final int MAX_CALLS_PER_THREAD = 400_000;

  private final BlinkStore store;
  private final int keysPerThread;
  private final long deadline;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final List<Thread> threads = new ArrayList<>();
  private final List<List<Call>> calls = new ArrayList<>();
  private final List<List<String>> staleReads = new ArrayList<>();

  /** Starts {@code threadCount} threads on {@code store}, each stopping at {@link #close()} or after {@code most}. */
  BoundedLoad(BlinkStore store, int threadCount, int keysPerThread, Duration most) {
    this.store = store;
    this.keysPerThread = keysPerThread;
    this.deadline = System.nanoTime() + most.toNanos();
    for (int t = 0; t < threadCount; t++) {
      List<Call> mine = new ArrayList<>();
      List<String> stale = new ArrayList<>();
      calls.add(mine);
      staleReads.add(stale);
      int thread = t;
      Thread worker = new Thread(() -> run(thread, mine, stale), "load-" + t);
      worker.setDaemon(true);
      threads.add(worker);
      worker.start();
    }
  }

  private void run(int thread, List<Call> mine, List<String> stale) {
    String[] acknowledged = new String[keysPerThread];
    for (int i = 0; i < MAX_CALLS_PER_THREAD / 2 && !stop.get() && System.nanoTime() - deadline < 0; i++) {
      int k = i % keysPerThread;
      String key = "load:" + thread + ":" + k;
      String value = "v" + i;
      long start = System.nanoTime();
      try {
        store.set(key, value);
        acknowledged[k] = value;
        mine.add(new Call(start, System.nanoTime(), true, key, null));
      } catch (RuntimeException e) {
        mine.add(new Call(start, System.nanoTime(), true, key, e.toString()));
      }
      start = System.nanoTime();
      try {
        byte[] read = store.get(key);
        mine.add(new Call(start, System.nanoTime(), false, key, null));
        String seen = read == null ? null : new String(read, UTF_8);
        if (acknowledged[k] != null && !acknowledged[k].equals(seen)) {
          stale.add(key + ": wrote " + acknowledged[k] + ", read " + seen);
          acknowledged[k] = seen;
        }
      } catch (RuntimeException e) {
        mine.add(new Call(start, System.nanoTime(), false, key, e.toString()));
      }
    }
  }

  /** Stops the threads, waits for them, and returns every call, in no particular order. */
  List<Call> calls() throws InterruptedException {
    close();
    return calls.stream().flatMap(List::stream).toList();
  }

  /** The reads that did not see their key's last acknowledged write (after {@link #calls()}). */
  List<String> staleReads() {
    return staleReads.stream().flatMap(List::stream).toList();
  }

  @Override
  public void close() throws InterruptedException {
    stop.set(true);
    for (Thread thread : threads) {
      thread.join(TimeUnit.MINUTES.toMillis(1));
    }
  }
}
