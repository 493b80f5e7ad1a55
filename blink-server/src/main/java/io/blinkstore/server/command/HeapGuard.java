package io.blinkstore.server.command;

import com.sun.management.GarbageCollectionNotificationInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.blinkstore.internal.RegionWaste;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongUnaryOperator;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses writes while the heap is nearly full after a garbage collection, so that the JVM does not run out of
 * memory while reads keep working (as Redis answers {@code -OOM} and goes on serving reads). After each
 * collection, the heap still in use is compared with a fraction of the maximum heap; writes are refused until a
 * later collection leaves less. Measuring after collection, not at any moment, ignores garbage that the next
 * collection would free; a young collection leaves the old generation's, so only a collection of the whole heap may
 * refuse ({@link CollectionWatcher}). Thread-safe; {@link #writesAllowed} is one volatile read.
 */
public class HeapGuard implements AutoCloseable {
  /** Writes are refused when more than this fraction of the maximum heap is in use after a collection. */
  public static final double DEFAULT_THRESHOLD = 0.90;

  /** A guard that never refuses (the REPL, which a person drives). */
  public static final HeapGuard NONE = new HeapGuard(1.0);

  /**
   * The share of the heap {@link #roomFor} keeps free beyond the threshold: with 2 MiB regions in a 92 MiB heap, a
   * script building 4 MB strings at 88% in use still ended in an OutOfMemoryError (one run in four, by hand).
   */
  static final double ROOM_MARGIN = 0.10;

  private static final Logger log = LoggerFactory.getLogger(HeapGuard.class);

  private final double threshold;
  private volatile boolean low;
  /** The collector's heap region size (G1's), 0 for none or not known yet: what large arrays waste of it. */
  volatile int regionBytes;
  /** The longest string a script may build in one piece, beside its own bounds ({@link #holdScriptStringsTo}). */
  private volatile int scriptStringBytes = Integer.MAX_VALUE;
  /** What gives heap back from the store while writes are refused ({@link #relieveWith}), or null. */
  private volatile @Nullable Relief relief;
  /** The last reading: the heap in use after a collection, and the maximum heap. */
  private volatile long lastUsed;
  private volatile long lastMax;
  /** Whether the store holds heap back now ({@link #relieveWith}). */
  private volatile boolean relieving;

  /**
   * The store's side of a heap that stays nearly full while the store is within its own bounds (memory outside it:
   * scripts, functions, clients' buffers): evicting would make room, refusing writes alone never would (REV9: a
   * function library holding 9 strings of 1 MiB + 1 byte in a 100 MB limit's G1 heap refused every write from 61%
   * of the limit for good).
   */
  private record Relief(LongUnaryOperator evict, Runnable release) {}

  /**
   * The share of the heap under the threshold {@link #relieveWith} aims for, and, at twice it, the reading under
   * which the store gets its capacity back.
   */
  static final double RELIEF_MARGIN = 0.05;

  public HeapGuard(double threshold) {
    this.threshold = requireThreshold(threshold);
  }

  /**
   * Returns {@code threshold} if it is a fraction of the heap in (0, 1].
   *
   * @throws IllegalArgumentException if it is not
   */
  public static double requireThreshold(double threshold) {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException("the heap threshold must be in (0, 1], but was " + threshold);
    }
    return threshold;
  }

  /**
   * Starts a guard that learns the heap in use from the JVM's garbage-collection notifications. It subscribes on a
   * thread of its own: the JVM's management beans take 50-120 ms to start, which the server's first reply need not
   * wait for (the guard acts only after a collection, and it will have subscribed long before the heap fills).
   */
  public static HeapGuard watchingCollections(double threshold) {
    CollectionWatcher watcher = new CollectionWatcher(threshold, null, Runtime.getRuntime().maxMemory());
    Thread subscriber = new Thread(watcher::subscribe, "blink-heap-guard");
    subscriber.setDaemon(true);
    subscriber.start();
    return watcher;
  }

  /** Whether writes are allowed now. */
  public final boolean writesAllowed() {
    return !low;
  }

  /**
   * Whether {@code bytes} more fit under the threshold now, for a caller about to allocate them faster than the
   * collections' notifications come (a script building strings in a loop): the heap in use is read at once, and
   * if that passes the threshold, after a full collection (what is in use may be garbage) it is read again. So a
   * collection is forced only when the heap is nearly full, where the JVM would soon collect anyway. It keeps
   * {@link #ROOM_MARGIN} of the heap more than the threshold free, and counts {@code bytes} twice: a large array
   * takes whole regions (G1's, Shenandoah's), which a collection does not move, so the free space is in pieces.
   */
  public final boolean roomFor(long bytes) {
    return roomFor(bytes, used -> 0);
  }

  /**
   * As {@link #roomFor(long)}, counting {@code unseen.applyAsLong(used)} bytes beyond the {@code used} bytes the JVM
   * reports in use: what the caller's arrays waste of the collector's regions, which its figures leave out
   * ({@link #regionWaste}).
   */
  public final boolean roomFor(long bytes, LongUnaryOperator unseen) {
    if (low) {
      return false;
    }
    Runtime runtime = Runtime.getRuntime();
    double limit = (threshold - ROOM_MARGIN) * runtime.maxMemory() - 2.0 * bytes;
    long used = runtime.totalMemory() - runtime.freeMemory();
    if (used + unseen.applyAsLong(used) <= limit) {
      return true;
    }
    System.gc();
    used = runtime.totalMemory() - runtime.freeMemory();
    return used + unseen.applyAsLong(used) <= limit;
  }

  /**
   * What an array of {@code bytes} wastes of the collector's regions beyond itself (0 without regions): G1 reports
   * the heap in use without it, and 512 KiB strings, three to a 2 MiB region, take a third more heap than it says.
   */
  public final long regionWaste(long bytes) {
    return RegionWaste.of(bytes, regionBytes);
  }

  /**
   * The longest array this JVM surely finds room for when its heap has room: under G1 before Java 21, one region
   * less an array's header, since that G1 never moves an array of more than a region (it takes whole adjacent
   * regions, and a full collection leaves them where they are: JDK-8191565, in Java 21, moves them in the last full
   * collection before an OutOfMemoryError). Values of 1.1 to 5 MB built by {@code APPEND}s ended a 64 MiB limit's
   * 92 MiB G1 heap at the 16th on Java 17, not on Temurin 25 nor under Serial. {@link Integer#MAX_VALUE} elsewhere.
   */
  public static int largestPlacedArray() {
    return LargestArray.BYTES;
  }

  /** G1's heap region size in this JVM ({@link #g1RegionBytes}), read once; 0 under any other collector. */
  public static int jvmRegionBytes() {
    return LargestArray.REGION;
  }

  /** Read once, at the first use. */
  private static final class LargestArray {
    static final int REGION = g1RegionBytes();
    static final int BYTES = largestPlacedArray(REGION, Runtime.version().feature());
  }

  /** {@link #largestPlacedArray()} for a G1 region of {@code regionBytes} (0: not G1) on Java {@code feature}. */
  static int largestPlacedArray(int regionBytes, int feature) {
    return regionBytes > 0 && feature < 21 ? regionBytes - 16 : Integer.MAX_VALUE;
  }

  /**
   * Holds every string a script of this guard's server builds in one piece (Lua's {@code string.rep},
   * concatenation, the libraries' results) to {@code bytes}: the server sets it to its RESP bulk bound where that
   * is less than Redis's ({@code serve} under G1 before Java 21: one region, where a longer array may find no
   * adjacent free regions). {@link #NONE}, which every unwatched server shares, keeps no bound.
   */
  public final void holdScriptStringsTo(long bytes) {
    if (this != NONE) {
      scriptStringBytes = (int) Math.min(Integer.MAX_VALUE, bytes);
    }
  }

  /** What {@link #holdScriptStringsTo} set; {@link Integer#MAX_VALUE} if nothing did. */
  final int scriptStringBytes() {
    return scriptStringBytes;
  }

  /**
   * G1's heap region size when G1 collects this JVM; 0 under any other collector or where the JVM does not say.
   * Reads a management bean (the first takes 50-120 ms).
   */
  private static int g1RegionBytes() {
    try {
      HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
      if (!Boolean.parseBoolean(hotspot.getVMOption("UseG1GC").getValue())) {
        return 0;
      }
      long region = Long.parseLong(hotspot.getVMOption("G1HeapRegionSize").getValue());
      return region >= 1 << 20 && region <= 1 << 30 && Long.bitCount(region) == 1 ? (int) region : 0;
    } catch (IllegalArgumentException e) {
      return 0;
    }
  }

  /** Records the heap in use right after a collection; writes are refused while it is over the threshold. */
  /**
   * While writes are refused, {@code evict} holds the store's entries to its argument's bytes less than they cost
   * now and returns what it removed; {@code release} lets the store use its whole capacity again. Ignored by
   * {@link #NONE}.
   */
  public final void relieveWith(LongUnaryOperator evict, Runnable release) {
    if (this != NONE) {
      this.relief = new Relief(Objects.requireNonNull(evict, "evict"), Objects.requireNonNull(release, "release"));
    }
  }

  /** Whether a store gives heap back ({@link #relieveWith}). */
  final boolean hasRelief() {
    return relief != null;
  }

  /**
   * While writes are refused: asks the store to give back what the last reading had over the threshold and
   * {@link #RELIEF_MARGIN} more (the caller then collects and reads again). Logs what it removed.
   */
  final void relieve() {
    Relief store = relief;
    long excess = (long) (lastUsed - (threshold - RELIEF_MARGIN) * lastMax);
    if (store == null || excess <= 0) {
      return;
    }
    relieving = true;
    long freed = store.evict().applyAsLong(excess);
    if (freed > 0) {
      log.warn("heap nearly full with the store within its bounds: evicted the coldest entries ({} bytes by the heap"
          + " capacity's reckoning) and holds the store that much under its capacity", freed);
    }
  }

  public final void afterCollection(long usedBytes, long maxBytes) {
    lastUsed = usedBytes;
    lastMax = maxBytes;
    Relief store = relief;
    if (relieving && store != null && usedBytes < (threshold - 2 * RELIEF_MARGIN) * maxBytes) {
      relieving = false;
      store.release().run();
      log.info("heap {} MiB of {} MiB in use after a collection: the store may use its whole capacity again",
          usedBytes >> 20, maxBytes >> 20);
    }
    boolean nowLow = overThreshold(usedBytes, maxBytes);
    if (nowLow != low) {
      low = nowLow;
      log.warn(nowLow
              ? "heap {} MiB of {} MiB in use after a collection: refusing writes until it falls"
              : "heap {} MiB of {} MiB in use after a collection: accepting writes again",
          usedBytes >> 20, maxBytes >> 20);
      if (nowLow) {
        refusing();
      }
    }
  }

  /** Whether {@code usedBytes} of {@code maxBytes} is over the threshold. */
  final boolean overThreshold(long usedBytes, long maxBytes) {
    return usedBytes > threshold * maxBytes;
  }

  /** Called when writes start being refused; a guard fed by hand does nothing more. */
  void refusing() {}

  /** The daemon thread rechecks run on, shared by the guards of one JVM, started at the first one. */
  private static final class Rechecker implements CollectionWatcher.Later {
    static final Rechecker INSTANCE = new Rechecker();

    private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, task -> {
      Thread thread = new Thread(task, "blink-heap-recheck");
      thread.setDaemon(true);
      return thread;
    });

    private Rechecker() {
      executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public void run(Runnable task, long millis) {
      executor.schedule(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          log.warn("heap recheck failed", e);
        }
      }, millis, TimeUnit.MILLISECONDS);
    }
  }

  /** Stops listening to the JVM; a guard that does not listen has nothing to stop. */
  @Override
  public void close() {}

  /**
   * The guard fed by {@code GarbageCollectorMXBean} notifications. Only a notification that carries the heap's
   * figures counts. The concurrent collectors report each cycle several times: once per pause ("Shenandoah
   * Pauses", "ZGC Pauses"), with every pool at zero because the JVM records no usage for a pause, and once when
   * the cycle ends ("Shenandoah Cycles", "ZGC Cycles"), with the real figures. Taking a pause's zero for a reading
   * would accept writes again a few milliseconds after each cycle refused them. A real reading always has memory
   * committed to the heap, a pause's never does, whatever the collector calls itself (G1, Serial and Parallel
   * report figures with every notification).
   */
  static final class CollectionWatcher extends HeapGuard implements NotificationListener {
    /** The first wait before a collection is asked for while writes are refused; it doubles up to the next. */
    static final long FIRST_RECHECK_MILLIS = 1_000;

    /** The longest wait between two collections asked for while writes stay refused. */
    static final long LAST_RECHECK_MILLIS = 8_000;

    /** Runs {@code task} after {@code millis}, on a thread other than the caller's. */
    @FunctionalInterface
    interface Later {
      void run(Runnable task, long millis);
    }

    /** The heap's memory pools; found by {@link #subscribe} when not given. */
    private volatile @Nullable Set<String> heapPools;
    private final long maxBytes;
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private boolean closed;
    private final Runnable collect;
    private final Later later;
    /** Whether a recheck is scheduled or running: at most one at a time. */
    private final AtomicBoolean rechecking = new AtomicBoolean();

    /**
     * A watcher summing {@code heapPools} (null: the JVM's heap pools, found when subscribing) against
     * {@code maxBytes}, not yet listening ({@link #subscribe}), rechecking with {@code System.gc()} on a daemon
     * thread of its own while writes are refused.
     */
    CollectionWatcher(double threshold, @Nullable Set<String> heapPools, long maxBytes) {
      this(threshold, heapPools, maxBytes, System::gc, Rechecker.INSTANCE);
    }

    /** As above, with the collection asked for and the scheduling of rechecks given (tests). */
    CollectionWatcher(double threshold, @Nullable Set<String> heapPools, long maxBytes, Runnable collect, Later later) {
      super(threshold);
      this.heapPools = heapPools == null ? null : Set.copyOf(heapPools);
      this.maxBytes = maxBytes;
      this.collect = collect;
      this.later = later;
    }

    /**
     * Writes are refused until a collection finds the heap below the threshold, but with writes refused the heap
     * may fill too slowly for the JVM to collect again soon, while a flush, deletes or closed connections have
     * already freed it: writes were seen refused for 44 and 90 s after {@code FLUSHALL} and {@code FUNCTION FLUSH}
     * on a 92 MiB heap. So a collection is asked for after {@link #FIRST_RECHECK_MILLIS}, then after twice as long
     * each time up to {@link #LAST_RECHECK_MILLIS}, until one finds the heap below the threshold (its
     * notification accepts writes again). A heap that stays full pays one full collection every 8 s; a JVM run
     * with {@code -XX:+DisableExplicitGC} ignores the request and waits for its own collections, as before.
     */
    @Override
    void refusing() {
      if (rechecking.compareAndSet(false, true)) {
        // With a store to give heap back, at once: the refusal lasts one eviction and one collection.
        later.run(() -> recheck(FIRST_RECHECK_MILLIS), hasRelief() ? 0 : FIRST_RECHECK_MILLIS);
      }
    }

    private void recheck(long waited) {
      if (writesAllowed() || isClosed()) {
        rechecking.set(false);
        if (!writesAllowed() && !isClosed()) {
          refusing(); // refused again between the check and the reset
        }
        return;
      }
      relieve();
      collect.run();
      long next = Math.min(2 * waited, LAST_RECHECK_MILLIS);
      later.run(() -> recheck(next), next);
    }

    private boolean isClosed() {
      synchronized (emitters) {
        return closed;
      }
    }

    private void subscribe() {
      synchronized (emitters) {
        if (closed) {
          return;
        }
        regionBytes = jvmRegionBytes();
        if (heapPools == null) {
          heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(pool -> pool.getType() == MemoryType.HEAP)
              .map(MemoryPoolMXBean::getName)
              .collect(Collectors.toUnmodifiableSet());
        }
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
          if (collector instanceof NotificationEmitter emitter) {
            emitter.addNotificationListener(this, null, null);
            emitters.add(emitter);
          }
        }
      }
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
      if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
        GarbageCollectionNotificationInfo info =
            GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        afterCollection(info.getGcInfo().getMemoryUsageAfterGc(), wholeHeap(info.getGcName(), info.getGcAction()));
      }
    }

    /**
     * Whether a collection reported as {@code action} by the collector {@code name} collected the whole heap: a full
     * collection ("end of major GC": Serial's, Parallel's, G1's) or a concurrent cycle of the whole heap
     * ("end of GC cycle": Shenandoah's, ZGC's, but not generational ZGC's minor cycles). A young collection
     * ("end of minor GC", G1's mixed ones among them) leaves the garbage of the old generation in its figures.
     */
    static boolean wholeHeap(String name, String action) {
      return "end of major GC".equals(action) || "end of GC cycle".equals(action) && !name.contains("Minor");
    }

    /** Records one collection of the whole heap's figures ({@link #afterCollection(Map, boolean)}). */
    public void afterCollection(Map<String, MemoryUsage> poolsAfter) {
      afterCollection(poolsAfter, true);
    }

    /**
     * Records one notification's figures per memory pool (non-heap pools are ignored), unless its heap pools
     * have no memory committed: then it reports a pause, not the heap. A young collection's reading
     * ({@code wholeHeap} false) over the threshold refuses nothing: the old generation's garbage is in it. A fill of
     * 100-byte values by {@code redis-benchmark} had writes refused at 80, 112 and 150 MiB limits (G1, the
     * launcher's heaps) when young collections found 90% of the heap in use, a fifth of it garbage; and asking for
     * a full collection then instead cost pauses of 0.24-0.9 s every few seconds where G1 itself made one. The
     * JVM collects the whole heap itself before it would run out, and that reading refuses; under the threshold,
     * any reading accepts.
     */
    void afterCollection(Map<String, MemoryUsage> poolsAfter, boolean wholeHeap) {
      // Set before the listener is added, so before any collection is reported to it.
      Set<String> heap = Objects.requireNonNull(heapPools, "heap pools known");
      long used = 0;
      long committed = 0;
      for (Map.Entry<String, MemoryUsage> pool : poolsAfter.entrySet()) {
        if (heap.contains(pool.getKey())) {
          used += pool.getValue().getUsed();
          committed += pool.getValue().getCommitted();
        }
      }
      if (committed == 0) {
        return;
      }
      if (wholeHeap || !overThreshold(used, maxBytes)) {
        afterCollection(used, maxBytes);
      }
    }

    @Override
    public void close() {
      synchronized (emitters) {
        closed = true;
      }
      for (NotificationEmitter emitter : emitters) {
        try {
          emitter.removeNotificationListener(this);
        } catch (ListenerNotFoundException alreadyGone) {
          // nothing to remove
        }
      }
    }
  }
}
