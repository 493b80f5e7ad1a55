package io.blinkstore.spring;

import io.blinkstore.BlinkStore;
import io.blinkstore.client.BlinkClient;
import io.blinkstore.server.BlinkServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.springframework.cache.Cache;

/**
 * A measurement, not a test (docs/BENCHMARKS.md, "Spring's cache on Blink Store"): the time of a cache hit through
 * {@link BlinkCache} beside the store's own {@code get} of the same 100-byte value, on the in-process store and on
 * the sidecar over loopback TCP, with the default codec (Java serialization) and with one that passes a
 * {@code byte[]} through. Five rounds of {@code args[0]} calls of each, alternating; medians and their ratios.
 * The first round of each warms the JIT and is the slowest.
 */
public final class CacheLatency {
  private static final int ROUNDS = 5;

  private CacheLatency() {}

  public static void main(String[] args) {
    int calls = Integer.parseInt(args[0]);
    try (BlinkStore local = BlinkStore.builder().memoryLimit(64L << 20).build();
        BlinkServer server = BlinkServer.builder().store(BlinkStore.builder().memoryLimit(64L << 20).build())
            .tcp(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).build().start();
        BlinkClient remote = BlinkClient.connect("127.0.0.1", server.tcpAddress().getPort())) {
      measure("in-process", local, calls);
      measure("sidecar over TCP", remote, calls);
    }
  }

  private static void measure(String where, BlinkStore store, int calls) {
    Cache serialized = BlinkCacheManager.builder(store).build().getCache("serialized");
    Cache bytes = BlinkCacheManager.builder(store).codec(new PassBytes()).build().getCache("bytes");
    byte[] value = new byte[100];
    store.set("k", value);
    serialized.put("k", value);
    bytes.put("k", value);
    double[][] micros = new double[3][ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      micros[0][round] = time(calls, () -> store.get("k"));
      micros[1][round] = time(calls, () -> serialized.get("k"));
      micros[2][round] = time(calls, () -> bytes.get("k"));
    }
    double get = median(micros[0]);
    System.out.printf("%s: store.get %.2f us; BlinkCache.get %.2f us (%.2fx), with a byte[] codec %.2f us (%.2fx)%n",
        where, get, median(micros[1]), median(micros[1]) / get, median(micros[2]), median(micros[2]) / get);
  }

  private static double time(int calls, Runnable call) {
    long start = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      call.run();
    }
    return (System.nanoTime() - start) / 1000.0 / calls;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  /** Values that are byte arrays already, stored as they are. */
  private static final class PassBytes implements ValueCodec {
    @Override
    public byte[] encode(Object value) {
      return (byte[]) value;
    }

    @Override
    public Object decode(byte[] bytes) {
      return bytes;
    }
  }
}
