package io.blinkstore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.blinkstore.bench.KeyDistribution;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * {@link BlinkStore} get, set and delete beside the same operation on a bare Caffeine cache built as
 * {@link CaffeineBlinkStore} builds its own (the same weigher, {@link Utf8#validKeyBytes} plus value length, with
 * {@code maximumWeight}, a same-thread executor and stats on); it lives in blink-core's package to share that weigher.
 * the difference is what our API and its exact memory accounting cost. Keys are 16 bytes; the store holds every
 * key, so gets hit and sets replace without evicting. Run with {@code -t 1} and {@code -t 2} for one and two
 * threads (README of this module).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class StoreBenchmark {
  /** Keys in the store: enough to spill the CPU caches, few enough that 4 KiB values fit in a 1 GiB heap. */
  static final int KEYS = 1 << 14;
  /** Precomputed key choices per thread, so drawing a key costs one array read inside the measured call. */
  static final int CHOICES = 1 << 16;
  /** Every key a benchmark reads is set in its setup. */
  private static final String PRELOADED = "a key the setup stored";

  @Param({"blink", "caffeine"})
  public String impl;

  @Param({"100", "4096"})
  public int valueBytes;

  @Param({"uniform", "zipf"})
  public String keys;

  Target target;
  String[] keyNames;
  byte[] value;

  @Setup(Level.Trial)
  public void setUp() {
    keyNames = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      keyNames[i] = String.format("key:%012d", i);
    }
    value = new byte[valueBytes];
    Arrays.fill(value, (byte) 'x');
    long limit = (long) KEYS * (16 + valueBytes) * 2;
    target = impl.equals("blink") ? new BlinkTarget(limit) : new CaffeineTarget(limit);
    // Every key gets a value array of its own, as in any real cache. One array shared by every entry (as once
    // here) let bare Caffeine's 16,384 entries fit in a few cache lines and GC regions, and flattered it 2-3x on
    // reads of 4 KiB values: our store copies on the way in, so its values were spread over 64 MiB.
    for (String key : keyNames) {
      target.set(key, value.clone());
    }
    // A cache's entries live long: in the old generation, where Caffeine's reference writes on every read (its
    // read buffer, its LRU order) pay G1's card marking. Without this collection the bare cache, which allocates
    // nothing while measured, stayed all young and skipped that cost, while our store (which had collected once
    // while loading its copies) paid it: in a profile, half its read time was G1 refining cards.
    System.gc();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    target.close();
  }

  /** The key sequence of one benchmark thread, drawn once from a fixed seed. */
  @State(Scope.Thread)
  public static class Choices {
    String[] sequence;
    int next;
    /** A reply buffer, reused as the server reuses its pooled buffers. */
    final ByteBuffer reply = ByteBuffer.allocateDirect(8192);

    @Setup(Level.Trial)
    public void setUp(StoreBenchmark benchmark, ThreadParams thread) {
      KeyDistribution.Chooser chooser = KeyDistribution.valueOf(benchmark.keys.toUpperCase(Locale.ROOT))
          .over(KEYS);
      SplittableRandom random = new SplittableRandom(42 + thread.getThreadIndex());
      sequence = new String[CHOICES];
      for (int i = 0; i < CHOICES; i++) {
        sequence[i] = benchmark.keyNames[(int) chooser.next(random)];
      }
    }

    String key() {
      return sequence[next++ & (CHOICES - 1)];
    }
  }

  @Benchmark
  public byte @Nullable [] get(Choices choices) {
    return target.get(choices.key());
  }

  /**
   * A read as the server's RESP {@code GET} makes it: {@link BlinkStore#getStored}, copied once into a direct buffer
   * (the reply's), beside Caffeine's {@code get} copied into the same buffer.
   */
  @Benchmark
  public int getStored(Choices choices) {
    return target.copyInto(choices.key(), choices.reply);
  }

  @Benchmark
  public void set(Choices choices) {
    target.set(choices.key(), value);
  }

  /** Delete then set back the same key: a delete that always finds its key, and a store that stays full. */
  @Benchmark
  public boolean deleteThenSet(Choices choices) {
    String key = choices.key();
    boolean deleted = target.delete(key);
    target.set(key, value);
    return deleted;
  }

  /** The operations under test, so one benchmark method serves both implementations. */
  interface Target {
    byte @Nullable [] get(String key);

    /** Copies the value into {@code target} from its start, returning its length. */
    int copyInto(String key, ByteBuffer target);

    void set(String key, byte[] value);

    boolean delete(String key);

    void close();
  }

  static final class BlinkTarget implements Target {
    private final BlinkStore store;

    BlinkTarget(long limit) {
      store = BlinkStore.builder().memoryLimit(limit).build();
    }

    @Override
    public byte @Nullable [] get(String key) {
      return store.get(key);
    }

    @Override
    public int copyInto(String key, ByteBuffer target) {
      BlinkStore.StoredValue value = Objects.requireNonNull(store.getStored(key), PRELOADED);
      value.copyTo(target, 0);
      return value.length();
    }

    @Override
    public void set(String key, byte[] value) {
      store.set(key, value);
    }

    @Override
    public boolean delete(String key) {
      return store.delete(key);
    }

    @Override
    public void close() {
      store.close();
    }
  }

  /** Caffeine as {@code CaffeineBlinkStore} configures it, minus our accounting: no copies, no byte counter. */
  static final class CaffeineTarget implements Target {
    private final Cache<String, byte[]> cache;

    CaffeineTarget(long limit) {
      cache = Caffeine.newBuilder()
          .maximumWeight(limit)
          .weigher((String key, byte[] value) -> Utf8.validKeyBytes(key) + value.length)
          .executor(Runnable::run)
          .recordStats()
          .build();
    }

    @Override
    public byte @Nullable [] get(String key) {
      return cache.getIfPresent(key);
    }

    @Override
    public int copyInto(String key, ByteBuffer target) {
      byte[] value = Objects.requireNonNull(cache.getIfPresent(key), PRELOADED);
      target.put(0, value, 0, value.length);
      return value.length;
    }

    @Override
    public void set(String key, byte[] value) {
      cache.put(key, value);
    }

    @Override
    public boolean delete(String key) {
      return cache.asMap().remove(key) != null;
    }

    @Override
    public void close() {
      cache.invalidateAll();
    }
  }
}
