package io.blinkstore.bench;

import io.blinkstore.BlinkStore;
import io.blinkstore.redis.BlinkRedis;
import io.blinkstore.redis.BlinkRedisOptions;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisAdvancedClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code blink-bench cluster-throughput}: the same GET/SET load on a Redis Cluster through {@code BlinkRedis} and
 * through Lettuce alone (same codec, same timeout and topology refresh): its synchronous cluster API, and its
 * asynchronous one with each call awaited (what BlinkRedis does beneath its checks). In one JVM, rotating which goes
 * first each round, so that the cost of the wrapper is measured on the same machine state.
 * Every thread shares one connection per node, on which Lettuce pipelines whatever the threads have in flight.
 */
@Command(
    name = "cluster-throughput",
    description = "Measures GET/SET throughput on a Redis or Valkey Cluster through BlinkRedis and through Lettuce"
        + " alone (sync, and async awaited), rotating, and prints each round and the median of the rounds' ratios.")
final class ClusterThroughputCommand implements Callable<Integer> {
  @Mixin Help help;

  @Option(names = "--address", required = true, description = "The cluster, as BlinkRedis reads it:"
      + " redis-cluster://host:port[,host:port...] (no credentials, no TLS).")
  String address;

  @Option(names = {"-t", "--threads"}, defaultValue = "32", description = "Client threads. Default: ${DEFAULT-VALUE}.")
  int threads;

  @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds of each. Default: ${DEFAULT-VALUE}.")
  int rounds;

  @Option(names = "--duration", defaultValue = "5", description = "Seconds per run. Default: ${DEFAULT-VALUE}.")
  double seconds;

  @Option(names = {"-r", "--keyspace"}, defaultValue = "10000", description = "Distinct keys, preloaded."
      + " Default: ${DEFAULT-VALUE}.")
  int keys;

  @Option(names = {"-d", "--value-size"}, defaultValue = "100", description = "Value bytes. Default: ${DEFAULT-VALUE}.")
  int valueBytes;

  @Option(names = "--read-percent", defaultValue = "80", description = "Percent of GETs; the rest are SETs."
      + " Default: ${DEFAULT-VALUE}.")
  int readPercent;

  /** One operation of the load on one store: GET or SET of a key. */
  private interface Target {
    void get(String key);

    void set(String key, byte[] value);
  }

  @Override
  public Integer call() throws Exception {
    Duration timeout = BlinkRedisOptions.DEFAULT_COMMAND_TIMEOUT;
    Duration refresh = BlinkRedisOptions.DEFAULT_TOPOLOGY_REFRESH_PERIOD;
    RedisClusterClient client = RedisClusterClient.create(seeds());
    client.setOptions(ClusterClientOptions.builder()
        .timeoutOptions(TimeoutOptions.enabled(timeout))
        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enablePeriodicRefresh(refresh)
            .enableAllAdaptiveRefreshTriggers().adaptiveRefreshTriggersTimeout(refresh).build())
        .build());
    try (StatefulRedisClusterConnection<String, byte[]> connection =
            client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        BlinkStore store = BlinkRedis.connect(address)) {
      RedisAdvancedClusterCommands<String, byte[]> lettuce = connection.sync();
      Target alone = new Target() {
        @Override
        public void get(String key) {
          lettuce.get(key);
        }

        @Override
        public void set(String key, byte[] value) {
          lettuce.set(key, value);
        }
      };
      Target wrapped = new Target() {
        @Override
        public void get(String key) {
          store.get(key);
        }

        @Override
        public void set(String key, byte[] value) {
          store.set(key, value);
        }
      };
      byte[] value = new byte[valueBytes];
      Arrays.fill(value, (byte) 'v');
      for (int k = 0; k < keys; k++) {
        lettuce.set(key(k), value);
      }
      List<String> names = List.of("BlinkRedis", "Lettuce sync", "Lettuce async");
      List<Target> targets = List.of(wrapped, alone, awaited(connection.async()));
      System.out.printf(Locale.ROOT, "%d threads, %d keys of %d-byte values, %d%% GET, %.0f s per run%n", threads,
          keys, valueBytes, readPercent, seconds);
      for (int i = 0; i < targets.size(); i++) {
        System.out.printf(Locale.ROOT, "warm-up: %s %.0f ops/s%n", names.get(i),
            run(targets.get(i), value).opsPerSecond);
      }
      List<List<Double>> ratios = List.of(new ArrayList<>(), new ArrayList<>());
      List<List<Double>> cpuRatios = List.of(new ArrayList<>(), new ArrayList<>());
      for (int round = 0; round < rounds; round++) {
        Run[] runs = new Run[targets.size()];
        StringBuilder line = new StringBuilder("round " + (round + 1) + ":");
        for (int step = 0; step < targets.size(); step++) {
          int i = (round + step) % targets.size();
          runs[i] = run(targets.get(i), value);
          line.append(String.format(Locale.ROOT, " %s %.0f ops/s (client CPU %.0f%%, %.1f us/op);", names.get(i),
              runs[i].opsPerSecond, runs[i].cpuPercent, runs[i].cpuMicrosPerOp()));
        }
        for (int i = 0; i < ratios.size(); i++) {
          ratios.get(i).add(runs[0].opsPerSecond / runs[i + 1].opsPerSecond);
          cpuRatios.get(i).add(runs[0].cpuMicrosPerOp() / runs[i + 1].cpuMicrosPerOp());
        }
        System.out.println(line + String.format(Locale.ROOT, " throughput BlinkRedis/sync %.3f, /async %.3f;"
            + " client CPU per op BlinkRedis/sync %.3f, /async %.3f", ratios.get(0).get(round),
            ratios.get(1).get(round), cpuRatios.get(0).get(round), cpuRatios.get(1).get(round)));
      }
      System.out.printf(Locale.ROOT, "median of the rounds' ratios: throughput BlinkRedis/Lettuce sync %.3f,"
          + " BlinkRedis/Lettuce async %.3f; client CPU per op BlinkRedis/Lettuce sync %.3f,"
          + " BlinkRedis/Lettuce async %.3f%n", median(ratios.get(0)), median(ratios.get(1)),
          median(cpuRatios.get(0)), median(cpuRatios.get(1)));
    } finally {
      client.shutdown();
    }
    return 0;
  }

  /** Lettuce's asynchronous API, each call awaited: the path BlinkRedis takes under its wrapper. */
  private static Target awaited(RedisAdvancedClusterAsyncCommands<String, byte[]> async) {
    return new Target() {
      @Override
      public void get(String key) {
        LettuceFutures.awaitOrCancel(async.get(key), 10, TimeUnit.SECONDS);
      }

      @Override
      public void set(String key, byte[] value) {
        LettuceFutures.awaitOrCancel(async.set(key, value), 10, TimeUnit.SECONDS);
      }
    };
  }

  private List<RedisURI> seeds() {
    String hosts = address.substring(address.indexOf("://") + 3);
    return Arrays.stream(hosts.split(",")).map(host -> RedisURI.create("redis://" + host)).toList();
  }

  private static String key(int k) {
    return "key:" + k;
  }

  private record Run(double opsPerSecond, double cpuPercent) {
    /** The client's CPU time per operation: what the wrapper costs, less sensitive to a busy machine. */
    double cpuMicrosPerOp() {
      return cpuPercent / 100 / opsPerSecond * 1e6;
    }
  }

  /** Runs the load on {@code target} for the set duration; a failed call ends the run with its exception. */
  private Run run(Target target, byte[] value) throws InterruptedException {
    AtomicBoolean stop = new AtomicBoolean();
    LongAdder done = new LongAdder();
    List<Thread> workers = new ArrayList<>();
    List<RuntimeException> failures = Collections.synchronizedList(new ArrayList<>());
    long cpuBefore = processCpuNanos();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      SplittableRandom random = new SplittableRandom(t);
      Thread worker = new Thread(() -> {
        try {
          while (!stop.get()) {
            String key = key(random.nextInt(keys));
            if (random.nextInt(100) < readPercent) {
              target.get(key);
            } else {
              target.set(key, value);
            }
            done.increment();
          }
        } catch (RuntimeException e) {
          failures.add(e);
        }
      });
      workers.add(worker);
      worker.start();
    }
    Thread.sleep((long) (seconds * 1000));
    stop.set(true);
    for (Thread worker : workers) {
      worker.join();
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    double cpu = (processCpuNanos() - cpuBefore) / 1e9 / elapsed * 100;
    return new Run(done.sum() / elapsed, cpu);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
