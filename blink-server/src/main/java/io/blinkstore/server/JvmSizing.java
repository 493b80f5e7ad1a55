package io.blinkstore.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * The process budget, derived from the memory limit alone: the whole process stays within
 * {@code 2 x limit + 64 MiB}. {@code bin/blink-store} gives the JVM exactly these figures; a server started with
 * {@code java -jar} and no sizing of its own gets from {@link #boundRuntime} what can still be set once the JVM
 * runs. docs/operations.md ("Sizing") states the formulas:
 *
 * <pre>
 *   budget        B = 2 L + 64 MiB
 *   direct memory D = L / 8, at least 16 MiB, at most 256 MiB      (Netty's socket buffers)
 *   heap          H = B - D - 64 MiB, at least 24 MiB              (64 MiB: the JVM's code, classes, threads)
 *   entries       E = (70% of H - L) / 160 bytes, at least 1,024   (--max-entries' default)
 * </pre>
 *
 * <p>160 bytes per entry: a margin over the JVM's cost of an entry beyond its key and value bytes, about 114
 * bytes (224.6 in all for an 11-byte key and a 100-byte value on Java 17, docs/BENCHMARKS.md), a little more for
 * tiny entries, and ~75 more for an entry with a time to live (its holder and its node in the expiry index). The
 * other 30% of the heap is the collector's room and the requests in flight.
 */
final class JvmSizing {
  static final long MIB = 1L << 20;

  /** Heap one entry costs beyond its key and value bytes, with margin for entries with a time to live. */
  static final int HEAP_BYTES_PER_ENTRY = 160;

  /** The share of the heap planned for the store; the rest is the collector's room. */
  static final double HEAP_SHARE = 0.7;

  /**
   * What the JVM itself takes beside heap and direct memory, planned in the budget: an idle server's RSS is
   * 61-75 MiB, of which 10-15 MiB is heap (docs/BENCHMARKS.md).
   */
  static final long JVM_OWN = 64 * MIB;

  /** The least heap planned, whatever the limit: below it the server's own objects crowd out the store. */
  static final long MIN_HEAP = 24 * MIB;

  /** The system property {@code bin/blink-store} sets when it has sized the JVM itself. */
  static final String SIZED_PROPERTY = "blink.jvm.sized";

  private JvmSizing() {}

  /** The most the whole process may use for a memory limit: 2 x limit + 64 MiB. */
  static long budget(long limit) {
    return saturatedAdd(saturatedAdd(limit, limit), 64 * MIB);
  }

  /** Direct memory for Netty's buffers: limit / 8, from 16 MiB to 256 MiB. */
  static long directMemory(long limit) {
    return Math.min(256 * MIB, Math.max(16 * MIB, limit / 8));
  }

  /**
   * The heap the budget leaves: budget - direct memory - the JVM's own, but at least {@link #MIN_HEAP}, the server's
   * own working room.
   */
  static long heap(long limit) {
    return Math.max(MIN_HEAP, budget(limit) - directMemory(limit) - JVM_OWN);
  }

  /**
   * Whether a JVM's maximum heap is small for {@code limit}: under nine tenths of the heap {@code bin/blink-store}
   * gives that limit ({@link #heap}; the JVM reports a little less than {@code -Xmx} under the serial collector,
   * one survivor space). The launcher's own sizing is never small.
   */
  static boolean heapSmallFor(long maxHeapBytes, long limit) {
    return maxHeapBytes < heap(limit) / 10 * 9;
  }

  /**
   * The default entry bound: the entries that fit in 70% of the heap the store may use (the JVM's maximum, but no
   * more than the budget's heap) once the limit's own bytes are set aside, at least 1,024. Without it, a client
   * setting millions of distinct tiny keys would fill the heap long before the byte limit is reached.
   */
  static long defaultMaxEntries(long maxHeapBytes, long memoryLimit) {
    long usable = (long) (Math.min(maxHeapBytes, heap(memoryLimit)) * HEAP_SHARE) - memoryLimit;
    return Math.max(1024, usable / HEAP_BYTES_PER_ENTRY);
  }

  /**
   * Refuses a heap too small for the store: {@code memoryLimit} bytes of keys and values, plus
   * {@link #HEAP_BYTES_PER_ENTRY} for each of up to {@code entries} entries, must fit in 70% of the maximum heap.
   *
   * @throws IllegalArgumentException naming the heap needed, in one line
   */
  static void requireHeapHolds(long maxHeapBytes, long memoryLimit, long entries) {
    long needed = memoryLimit + Math.min(entries, Long.MAX_VALUE / 2 / HEAP_BYTES_PER_ENTRY) * HEAP_BYTES_PER_ENTRY;
    if (needed > maxHeapBytes * HEAP_SHARE) {
      throw new IllegalArgumentException("the JVM heap (" + (maxHeapBytes >> 20) + " MiB) cannot hold a memory limit"
          + " of " + memoryLimit + " bytes and " + entries + " entries at ~" + HEAP_BYTES_PER_ENTRY + " bytes each:"
          + " give it at least " + ((long) (needed / HEAP_SHARE) / MIB + 1) + " MiB (-Xmx, BLINK_HEAP with"
          + " bin/blink-store), or lower --memory-limit / --max-entries");
    }
  }

  /**
   * For a JVM that {@code bin/blink-store} did not size ({@code java -jar} alone), bounds what can still be bounded
   * at run time, before Netty starts: Netty's direct memory (its own counter, {@code io.netty.maxDirectMemory}, when
   * no {@code -XX:MaxDirectMemorySize} was given) and the heap the collector keeps committed (the manageable
   * {@code SoftMaxHeapSize}, which Shenandoah and ZGC follow, and the free ratios after a collection, which G1,
   * Serial and Parallel follow). The maximum heap itself cannot change once the JVM runs; the entry bound is
   * derived from the budget, not from it ({@link #defaultMaxEntries}).
   *
   * @return what was set, for the start-up log; empty if nothing needed setting
   */
  static String boundRuntime(long limit) {
    if (Boolean.getBoolean(SIZED_PROPERTY)) {
      return "";
    }
    StringBuilder set = new StringBuilder();
    List<String> flags = ManagementFactory.getRuntimeMXBean().getInputArguments();
    if (System.getProperty("io.netty.maxDirectMemory") == null
        && flags.stream().noneMatch(flag -> flag.startsWith("-XX:MaxDirectMemorySize"))) {
      System.setProperty("io.netty.maxDirectMemory", Long.toString(directMemory(limit)));
      set.append("direct memory ").append(directMemory(limit) >> 20).append(" MiB");
    }
    HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    long softMax = Math.min(Runtime.getRuntime().maxMemory(), heap(limit));
    if (followsSoftMax() && setIfDefault(hotspot, "SoftMaxHeapSize", Long.toString(softMax))) {
      set.append(set.length() > 0 ? ", " : "").append("soft max heap ").append(softMax >> 20).append(" MiB");
    }
    if (setIfDefault(hotspot, "MinHeapFreeRatio", "10") & setIfDefault(hotspot, "MaxHeapFreeRatio", "20")) {
      set.append(set.length() > 0 ? ", " : "").append("heap free ratio 10-20%");
    }
    return set.toString();
  }

  /** Whether the JVM's collector sizes the heap by {@code SoftMaxHeapSize} (on Java 17: Shenandoah and ZGC). */
  private static boolean followsSoftMax() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .anyMatch(gc -> gc.getName().startsWith("Shenandoah") || gc.getName().startsWith("ZGC"));
  }

  /** Sets a manageable VM flag the user left at its default. @return whether it was set */
  private static boolean setIfDefault(HotSpotDiagnosticMXBean hotspot, String flag, String value) {
    try {
      if (hotspot.getVMOption(flag).getOrigin() != com.sun.management.VMOption.Origin.DEFAULT
          && hotspot.getVMOption(flag).getOrigin() != com.sun.management.VMOption.Origin.ERGONOMIC) {
        return false;
      }
      hotspot.setVMOption(flag, value);
      return true;
    } catch (IllegalArgumentException | SecurityException e) {
      return false; // not a flag of this JVM, or not writeable
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
