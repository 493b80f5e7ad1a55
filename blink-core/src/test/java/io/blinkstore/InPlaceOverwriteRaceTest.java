package io.blinkstore;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Readers racing writers that overwrite values in place: no read may ever return a value that no writer wrote.
 * Every value written to the key is one byte repeated (each writer its own byte), 4 KiB long so that a copy takes
 * long enough to be overtaken, so a torn read (the start of one write and the end of another) shows as a value
 * with two different bytes. Every read path is raced: those that copy ({@code get}, {@code getString},
 * {@code getBuffer}, {@code getOrLoad}) and a {@link BlinkStore.StoredValue} copied into a direct buffer, as the
 * server's replies are. Each reader makes a fixed number of reads while the writers write (at most a fixed number
 * of times); the timeout only turns a hang into a failure. (Counters are written in place by the same code; a
 * counter's 20 bytes at most are copied too fast for a race test to catch a tear even with the lock broken, so
 * {@link InPlaceOverwriteTest} only checks that they are written in place.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InPlaceOverwriteRaceTest {
  private static final int VALUE_BYTES = 4096;
  private static final int WRITERS = 2;
  private static final int READERS = 2;
  private static final int READS_PER_READER = 20_000;
  /** The most writes a writer makes, should the readers take a very long time. */
  private static final int MAX_WRITES = 50_000_000;
  /** Each reader's direct buffer, reused as a server reuses its output buffers. */
  private static final ThreadLocal<ByteBuffer> DIRECT =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(VALUE_BYTES));

  /** The ways to read one key, each returning the bytes read (or null if absent). */
  enum ReadPath {
    GET((store, key) -> store.get(key)),
    GET_STRING((store, key) -> {
      String value = store.getString(key);
      return value == null ? null : value.getBytes(US_ASCII);
    }),
    GET_BUFFER((store, key) -> {
      ByteBuffer value = store.getBuffer(key);
      if (value == null) {
        return null;
      }
      byte[] bytes = new byte[value.remaining()];
      value.get(bytes);
      return bytes;
    }),
    GET_STORED((store, key) -> {
      BlinkStore.StoredValue value = store.getStored(key);
      if (value == null) {
        return null;
      }
      ByteBuffer target = DIRECT.get();
      value.copyTo(target, 0);
      byte[] bytes = new byte[value.length()];
      target.get(0, bytes);
      return bytes;
    }),
    GET_OR_LOAD((store, key) -> store.getOrLoad(key, missing -> null));

    private final BiFunction<BlinkStore, String, byte[]> read;

    ReadPath(BiFunction<BlinkStore, String, byte[]> read) {
      this.read = read;
    }
  }

  @ParameterizedTest
  @EnumSource(ReadPath.class)
  void readersNeverSeeAValueThatNoWriterWrote(ReadPath path) throws Exception {
    try (BlinkStore store = BlinkStore.builder().memoryLimit(1 << 20).build()) {
      store.set("k", filled('a'));
      AtomicBoolean reading = new AtomicBoolean(true);
      AtomicLong writes = new AtomicLong();
      List<Callable<Void>> tasks = new ArrayList<>();
      for (int r = 0; r < READERS; r++) {
        tasks.add(() -> {
          for (int i = 0; i < READS_PER_READER; i++) {
            assertWritten(path.read.apply(store, "k"));
          }
          return null;
        });
      }
      for (int w = 0; w < WRITERS; w++) {
        byte[] mine = filled('a' + w);
        byte[] theirs = filled('A' + w); // two values per writer: consecutive writes of one writer differ too
        tasks.add(() -> {
          for (int i = 0; i < MAX_WRITES && reading.get(); i++) {
            store.set("k", i % 2 == 0 ? mine : theirs);
            writes.incrementAndGet();
          }
          return null;
        });
      }
      runUntilReadersAreDone(tasks, READERS, reading);
      assertTrue(writes.get() > READS_PER_READER, "the writes did not race the reads: " + writes);
      assertWritten(store.get("k"));
      assertEquals(1 + VALUE_BYTES, store.usage());
    }
  }

  /** Runs the tasks, the first {@code readers} of them readers; the others stop once the readers are done. */
  private static void runUntilReadersAreDone(List<Callable<Void>> tasks, int readers, AtomicBoolean reading)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      List<Future<Void>> futures = new ArrayList<>();
      for (Callable<Void> task : tasks) {
        futures.add(pool.submit(task));
      }
      try {
        for (int i = 0; i < readers; i++) {
          futures.get(i).get();
        }
      } finally {
        reading.set(false);
      }
      for (Future<Void> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static byte[] filled(int b) {
    byte[] value = new byte[VALUE_BYTES];
    Arrays.fill(value, (byte) b);
    return value;
  }

  /** Fails unless {@code value} is one byte repeated, the byte of a writer. */
  private static void assertWritten(byte[] value) {
    if (value == null) {
      throw new AssertionError("the key vanished");
    }
    assertEquals(VALUE_BYTES, value.length);
    byte first = value[0];
    assertTrue(first >= 'a' && first < 'a' + WRITERS || first >= 'A' && first < 'A' + WRITERS, "byte " + first);
    for (int i = 1; i < value.length; i++) {
      if (value[i] != first) {
        throw new AssertionError("a torn read: byte 0 is " + (char) first + ", byte " + i + " is " + (char) value[i]);
      }
    }
  }
}
