package io.blinkstore.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import io.blinkstore.server.command.HeapGuard;
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
 *   heap          H = B - D - 96 MiB                               (96 MiB: the JVM's own memory)
 *                     but at least what holds L and 1,024 entries: (L + 1,024 x 160 bytes) / 70%, and 24 MiB
 *   capacity      C = 70% of the JVM's maximum heap                (the store's heap capacity; with java -jar,
 *                     of H at most)
 * </pre>
 *
 * <p>The store keeps two bounds together: key and value bytes within L (its memory limit, {@code USAGE}), and key
 * and value bytes + {@link #entryBytes} per entry (about 80 more for one with a time to live) within C. Large
 * entries are bounded by L, many tiny ones by what they really cost the heap, and a larger limit never holds fewer
 * entries. {@code --max-entries}, when given, caps the count besides. The other 30% of the heap is the collector's
 * room and the requests in flight.
 *
 * <p>96 MiB: the most the JVM itself was measured to hold beside the heap and Netty's buffers (RSS less the
 * committed heap, the heap full; docs/BENCHMARKS.md, "Issue 17, tenth round": 100 MiB with 4 of direct memory in use
 * under G1 at a 128 MiB limit): the class-data archive and libjvm (37 MiB, all resident at idle), the JIT's code and
 * its compiler's arenas (up to 27 MiB during one C2 compilation), metaspace, threads, the collector's structures
 * and the C heap. From a limit of 85 MiB the heap H leaves that room whatever is in use; below it H is the heap that
 * holds the limit, and the process fits by measurement, not by this sum (from 64 MiB: Serial, and the launcher's
 * shallower inlining for heaps up to 128 MiB).
 */
final class JvmSizing {
  static final long MIB = 1L << 20;

  /**
   * Heap the least heap leaves beside the limit for each of {@link #MIN_ENTRIES} entries: 160 KiB in all, so that a
   * store full to its limit still holds a thousand or so entries within its capacity.
   */
  static final int HEAP_BYTES_PER_ENTRY = 160;

  /**
   * What an entry costs the heap beyond its key and value bytes on Java 17: 113.6 bytes measured for an 11-byte key
   * and a 100-byte value (224.6 in all, docs/BENCHMARKS.md), of which its array's header and padding are 17 bytes;
   * up to 23 for other lengths (a 16-byte header and 7 of padding), so 120.
   */
  static final int ENTRY_BYTES = 120;

  /**
   * The same with compact object headers (Java 25, {@code -XX:+UseCompactObjectHeaders}): 105.7 measured (216.7 in
   * all), arrays with a 12-byte header, so up to 108.
   */
  static final int ENTRY_BYTES_COMPACT = 108;

  /** The share of the heap planned for the store; the rest is the collector's room. */
  static final double HEAP_SHARE = 0.7;

  /**
   * What the JVM itself takes beside heap and direct memory, planned in the budget: measured up to 96 MiB at its
   * peak (a C2 compilation over a full G1 heap; docs/BENCHMARKS.md, tenth round), 55 MiB at idle.
   */
  static final long JVM_OWN = 96 * MIB;

  /** The least entries a store is sized for, whatever its limit. */
  static final long MIN_ENTRIES = 1024;

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
   * The heap the budget leaves: budget - direct memory - the JVM's own, but at least the heap that holds the limit
   * ({@link #heapToHold}) and {@link #MIN_HEAP}, the server's own working room.
   */
  static long heap(long limit) {
    return Math.max(Math.max(MIN_HEAP, heapToHold(limit)), budget(limit) - directMemory(limit) - JVM_OWN);
  }

  /**
   * The JVM options {@code bin/blink-store} gives for {@code limit}, for a server started with {@code java -jar}: the
   * heap and direct memory, and up to a 128 MiB heap its Serial collector (with the survivor space Serial leaves out
   * of the heap it reports, and the launcher's young generation) and inlining 9 calls deep. REV9: {@code -Xmx92m}
   * alone at a 64 MiB limit ran G1 with the JIT's defaults, and a mixed load peaked at 208 MiB of its 192.
   */
  static String launcherOptions(long limit) {
    long heap = heap(limit) / MIB;
    String direct = "-XX:MaxDirectMemorySize=" + directMemory(limit) / MIB + "m";
    if (heap > 128) {
      return "-Xmx" + heap + "m " + direct;
    }
    long young = Math.min(16, Math.max(2, heap / 8));
    return "-Xmx" + (heap + (young + 9) / 10) + "m -Xmn" + young + "m -XX:+UseSerialGC -XX:MaxInlineLevel=9 " + direct;
  }

  /**
   * The least heap that {@link #requireHeapHolds} accepts for {@code limit} and {@link #MIN_ENTRIES} entries, in
   * whole MiB. (Under the serial collector the JVM reports its heap a survivor space less than {@code -Xmx}, which
   * the launcher adds to {@code -Xmx}.)
   */
  static long heapToHold(long limit) {
    long needed = saturatedAdd(limit, MIN_ENTRIES * HEAP_BYTES_PER_ENTRY);
    return (long) Math.ceil(needed / HEAP_SHARE / MIB) * MIB;
  }

  /**
   * Whether a JVM's maximum heap is far larger than the budget's for {@code limit} (more than twice it): under
   * churn the collector may grow the process to the heap, far past the budget.
   */
  static boolean heapFarTooLargeFor(long maxHeapBytes, long limit) {
    return maxHeapBytes / 2 > heap(limit);
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
   * The store's heap capacity ({@code BlinkStore.Builder.heapCapacity}): 70% of the heap the store may use. In a JVM
   * {@code bin/blink-store} sized ({@code sizedByLauncher}) that is its maximum heap, the budget's or the one the
   * user chose with {@code BLINK_HEAP}; in any other ({@code java -jar}, whose default heap is a quarter of RAM) the
   * JVM's maximum but no more than the budget's heap.
   */
  static long heapCapacity(long maxHeapBytes, long memoryLimit, boolean sizedByLauncher) {
    long heap = sizedByLauncher ? maxHeapBytes : Math.min(maxHeapBytes, heap(memoryLimit));
    return (long) (heap * HEAP_SHARE);
  }

  /** What an entry costs this JVM's heap beyond its key and value bytes: with compact object headers or not. */
  static int entryBytes() {
    try {
      HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      return Boolean.parseBoolean(hotspot.getVMOption("UseCompactObjectHeaders").getValue())
          ? ENTRY_BYTES_COMPACT : ENTRY_BYTES;
    } catch (IllegalArgumentException e) {
      return ENTRY_BYTES; // no such flag before Java 24: full headers
    }
  }

  /**
   * G1's heap region size when G1 collects this JVM, for the store to weigh what large values waste of it
   * ({@code BlinkStore.Builder.heapRegionBytes}); 0 under any other collector or where the JVM does not say.
   */
  static int regionBytes() {
    return HeapGuard.jvmRegionBytes();
  }


  /**
   * Refuses a {@code --max-client-memory} of {@code clientBytes} that leaves the store no room: what clients hold is
   * on the heap at worst (decoded requests, a request's large bulk), beside the store's {@code storeCapacity}
   * ({@link #heapCapacity}), and the two together must stay within the heap guard's {@code threshold} of
   * {@code maxHeapBytes}, where writes are refused before the JVM runs out. The default ({@code defaultBytes}, an
   * eighth of the heap at most) is never refused.
   *
   * @throws IllegalArgumentException naming the most the heap allows and the heap needed, in one line
   */
  static void requireClientMemoryFits(long maxHeapBytes, long storeCapacity, double threshold, long clientBytes,
      long defaultBytes) {
    long room = Math.max(defaultBytes, (long) (maxHeapBytes * threshold) - storeCapacity);
    if (clientBytes > room) {
      double storeShare = (double) storeCapacity / maxHeapBytes; // the launcher's store grows with the heap
      long heapNeeded = (long) Math.ceil((threshold > storeShare ? clientBytes / (threshold - storeShare)
          : (clientBytes + storeCapacity) / threshold) / MIB);
      throw new IllegalArgumentException("--max-client-memory " + clientBytes + " bytes leaves the store no room: the"
          + " JVM heap (" + (maxHeapBytes >> 20) + " MiB) holds at most " + room + " bytes of client memory beside"
          + " the store's " + (storeCapacity >> 20) + " MiB within " + Math.round(threshold * 100) + "% of it"
          + " (--heap-threshold); give it at least " + heapNeeded + " MiB (-Xmx, BLINK_HEAP with bin/blink-store),"
          + " or lower --max-client-memory");
    }
  }

  /**
   * Refuses a heap too small for the store: {@code memoryLimit} bytes of keys and values and {@link #MIN_ENTRIES}
   * entries at {@link #HEAP_BYTES_PER_ENTRY} must fit in 70% of the maximum heap.
   *
   * @throws IllegalArgumentException naming the heap needed, in one line
   */
  static void requireHeapHolds(long maxHeapBytes, long memoryLimit) {
    long needed = saturatedAdd(memoryLimit, MIN_ENTRIES * HEAP_BYTES_PER_ENTRY);
    if (needed > maxHeapBytes * HEAP_SHARE) {
      throw new IllegalArgumentException("the JVM heap (" + (maxHeapBytes >> 20) + " MiB) cannot hold a memory limit"
          + " of " + memoryLimit + " bytes: give it at least " + ((long) (needed / HEAP_SHARE) / MIB + 1) + " MiB"
          + " (-Xmx, BLINK_HEAP with bin/blink-store), or lower --memory-limit");
    }
  }

  /**
   * For a JVM that {@code bin/blink-store} did not size ({@code java -jar} alone), bounds what can still be bounded
   * at run time, before Netty starts: Netty's direct memory (its own counter, {@code io.netty.maxDirectMemory}, when
   * no {@code -XX:MaxDirectMemorySize} was given) and the heap the collector keeps committed (the manageable
   * {@code SoftMaxHeapSize}, which Shenandoah and ZGC follow, the free ratios after a collection, which G1,
   * Serial and Parallel follow, and G1's periodic collection when idle). The maximum heap itself cannot change once
   * the JVM runs; the store's heap capacity is derived from the budget, not from it ({@link #heapCapacity}). Run before
   * anything reads Netty's direct memory bound, which Netty reads once.
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
    if (isG1() && setIfDefault(hotspot, "G1PeriodicGCInterval", "30000")) {
      set.append(set.length() > 0 ? ", " : "").append("a collection every 30 s when idle");
    }
    return set.toString();
  }

  /** Whether the JVM runs G1, whose periodic collection gives an idle server's free heap back. */
  private static boolean isG1() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(gc -> gc.getName().startsWith("G1"));
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
