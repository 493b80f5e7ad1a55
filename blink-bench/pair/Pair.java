import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs Loop in two builds' blink-core jars, each in its own class loader in one JVM, alternating rep by rep (and
 * which goes first), so that both see the same machine: on a noisy 2-vCPU machine two processes run minutes apart
 * differ by 3x, two loops run a second apart much less. Prints each side's median thread CPU per operation and the
 * median of the per-rep ratios B/A.
 *
 * <p>Arguments: op (get|set), operations per rep, reps, loop classes dir, caffeine jar, A jar[:view], B jar[:view].
 */
public class Pair {
  public static void main(String[] a) throws Exception {
    String op = a[0];
    int n = Integer.parseInt(a[1]);
    int reps = Integer.parseInt(a[2]);
    String[] sides = {a[5], a[6]};
    Method[] run = new Method[2];
    for (int j = 0; j < 2; j++) {
      String[] jarMode = sides[j].split(":");
      URL[] urls = {Path.of(a[3]).toUri().toURL(), Path.of(jarMode[0]).toUri().toURL(), Path.of(a[4]).toUri().toURL()};
      Class<?> loop = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader()).loadClass("Loop");
      loop.getMethod("setup", int.class, int.class, String.class)
          .invoke(null, 1 << 14, 100, jarMode.length > 1 ? jarMode[1] : "");
      run[j] = loop.getMethod("run", String.class, int.class);
    }
    int warmup = 3;
    double[][] cpu = new double[2][reps];
    for (int r = 0; r < reps + warmup; r++) {
      for (int k = 0; k < 2; k++) {
        int j = (r + k) % 2;
        long[] took = (long[]) run[j].invoke(null, op, n);
        if (r >= warmup) {
          cpu[j][r - warmup] = took[0] / (double) n;
        }
      }
    }
    double[] ratio = new double[reps];
    for (int r = 0; r < reps; r++) {
      ratio[r] = cpu[1][r] / cpu[0][r];
    }
    for (int j = 0; j < 2; j++) {
      double[] sorted = cpu[j].clone();
      Arrays.sort(sorted);
      System.out.printf("%s %s: median %.0f ns/op of thread CPU (min %.0f)%n", j == 0 ? "A" : "B", op,
          sorted[reps / 2], sorted[0]);
    }
    Arrays.sort(ratio);
    System.out.printf("%s B/A per rep: median %.2f (%.2f-%.2f)%n", op, ratio[reps / 2], ratio[0], ratio[reps - 1]);
  }
}
