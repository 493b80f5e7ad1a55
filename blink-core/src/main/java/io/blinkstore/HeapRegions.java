package io.blinkstore;

import io.blinkstore.internal.RegionWaste;

/**
 * What an array wastes of a region-based collector's heap (G1's), measured on a 92 MiB heap with 2 MiB regions:
 * 512 KiB string values killed the JVM with an OutOfMemoryError at a 64 MiB limit, and 1.1 MiB ones left writes
 * refused at 42 MiB of it, since G1 keeps an array of half a region or more ("humongous") in whole regions of its own
 * and packs smaller ones a whole number to a region, the rest of the region unused (docs/BENCHMARKS.md).
 */
final class HeapRegions {
  /**
   * The JVM's region size for typed values' elements, set by a store built with one
   * ({@code BlinkStore.Builder.heapRegionBytes}): the collector's regions are the JVM's, not a store's. 0: none.
   */
  private static volatile int regionBytes;

  private HeapRegions() {}

  /** Makes {@link #waste(long)} weigh elements against regions of {@code bytes} (0: not at all). */
  static void use(int bytes) {
    regionBytes = bytes;
  }

  /** What an element's array of {@code length} bytes wastes of the regions {@link #use} set; 0 without. */
  static long waste(long length) {
    int region = regionBytes;
    return region == 0 ? 0 : waste(length, region);
  }

  /** The heap an array of {@code length} bytes leaves unused beyond itself in regions of {@code regionBytes}. */
  static long waste(long length, int regionBytes) {
    return RegionWaste.of(length, regionBytes);
  }
}
