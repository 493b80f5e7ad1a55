package io.blinkstore.examples;

import io.blinkstore.BlinkStore;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The sidecar example's workers, unchanged but for the line that makes their store, on a Redis or Valkey
 * Cluster instead of one host's sidecar: the step a team takes when it outgrows one host. Java worker processes
 * ({@link SidecarWorker}, through {@code BlinkRedis}) look up the same 300 products through the cluster, asking the
 * "database" only on a miss; then one writes a notice and, once its write has returned, every other reads it
 * once. With no address it starts a local cluster of three primaries ({@link LocalCluster}) when
 * {@code redis-server} and {@code redis-cli} are installed, and says what to install when they are not. On a
 * given cluster it deletes only its own keys ({@code product:0} to {@code product:299} and {@code notice}), at
 * the start, so that every run starts from a cold cache.
 *
 * <pre>{@code bin/blink-example scale-out [ADDRESS [JAVA_WORKERS]]}</pre>
 * (for example {@code redis-cluster://10.0.0.1:7000,10.0.0.2:7000}, or {@code rediss-cluster://user:password@...};
 * default 3 Java workers).
 */
public final class ScaleOutExample {
  private static final Duration WORKER_TIMEOUT = Duration.ofSeconds(90);

  private ScaleOutExample() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    String address = args.length > 0 ? args[0] : null;
    int javaWorkers = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    if (address == null && !LocalCluster.installed()) {
      System.err.println("scale-out needs a Redis or Valkey Cluster: give its address (bin/blink-example"
          + " scale-out redis-cluster://host:7000,host:7001), or install redis-server and redis-cli (on Debian:"
          + " apt-get install redis-server redis-tools) for a local one");
      System.exit(2);
    }
    if (address != null) {
      System.out.println("cluster: " + address.replaceFirst("//[^@/]*@", "//***@"));
      run(address, javaWorkers);
      return;
    }
    try (LocalCluster local = LocalCluster.start()) {
      System.out.println("cluster: local, " + LocalCluster.PRIMARIES + " primaries, " + local.address());
      run(local.address(), javaWorkers);
    }
  }

  private static void run(String where, int javaWorkers) throws IOException, InterruptedException {
    String notice = "prices-v" + ProcessHandle.current().pid() + "-" + System.nanoTime() % 100_000;
    try (BlinkStore store = SidecarWorker.connect(where); WorkerProcesses workers = WorkerProcesses.create()) {
      for (int id = 0; id < Products.COUNT; id++) {
        store.delete(Products.key(id));
      }
      store.delete("notice");
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= javaWorkers; i++) {
        String name = "java-" + i;
        names.add(name);
        workers.start(name, WorkerProcesses.javaCommand(SidecarWorker.class, where, name, Integer.toString(i - 1),
            Integer.toString(javaWorkers)));
      }
      System.out.println("started " + javaWorkers + " worker processes at once: " + String.join(", ", names)
          + " (the sidecar example's SidecarWorker; its Python and bash workers speak the sidecar's text protocol,"
          + " so they stay out)");
      List<SidecarExample.Summary> summaries = SidecarExample.summaries(workers, WORKER_TIMEOUT);
      Map<String, String> read = SidecarExample.shareNotice(workers, notice, WORKER_TIMEOUT);
      workers.finish(WORKER_TIMEOUT);
      SidecarExample.printWorkers(summaries, notice, read);
      SidecarExample.printSharing(summaries, notice, read);
      System.out.println("the cluster now holds " + store.size() + " keys over its primaries (DBSIZE of each)");
    }
  }
}
