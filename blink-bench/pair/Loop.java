import io.blinkstore.BlinkStore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One build's side of inprocess-pair.sh, loaded in that build's own class loader: a store of 16,384 keys and values
 * of {@code valueBytes}, and timed loops of get or set over a fixed uniform sequence of those keys. The lookups use
 * their own {@code String} objects (equal to the stored keys, not the same objects), as a server's decoded keys are.
 */
public class Loop {
  static BlinkStore store;
  static String[] sequence;
  static byte[] value;
  static long sink;

  /** {@code mode} "view": the store's operations without the transactions' gate (builds that have one). */
  public static void setup(int keys, int valueBytes, String mode) throws Exception {
    String[] names = new String[keys];
    for (int i = 0; i < keys; i++) {
      names[i] = String.format("key:%012d", i);
    }
    value = new byte[valueBytes];
    Arrays.fill(value, (byte) 'x');
    store = BlinkStore.builder().memoryLimit((long) keys * (16 + valueBytes) * 2).build();
    if (mode.equals("view")) {
      Object isolation = Class.forName("io.blinkstore.internal.Isolation$Source", true, Loop.class.getClassLoader())
          .getMethod("isolation").invoke(store);
      store = (BlinkStore) Class.forName("io.blinkstore.internal.Isolation", true, Loop.class.getClassLoader())
          .getMethod("view").invoke(isolation);
    }
    for (String name : names) {
      store.set(name, value.clone());
    }
    sequence = new String[1 << 16];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < sequence.length; i++) {
      sequence[i] = new String(names[random.nextInt(keys)].toCharArray());
    }
  }

  /** Runs {@code n} operations; returns {thread CPU ns, wall ns}. */
  public static long[] run(String op, int n) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu = threads.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    if (op.equals("set")) {
      for (int i = 0; i < n; i++) {
        store.set(sequence[i & 0xffff], value);
      }
    } else {
      for (int i = 0; i < n; i++) {
        sink += store.get(sequence[i & 0xffff]).length;
      }
    }
    return new long[] {threads.getCurrentThreadCpuTime() - cpu, System.nanoTime() - wall};
  }
}
