package io.blinkstore.internal;

/**
 * What an array wastes of a region-based collector's heap (G1's): an array of half a region or more ("humongous")
 * takes whole regions of its own, and smaller ones are packed a whole number to a region, the rest of it unused.
 * The store weighs it against its limit (its {@code HeapRegions}); the server's heap guard counts it for what
 * scripts build, which the collector's figures of the heap in use leave out.
 */
public final class RegionWaste {
  /** An array's header on the heap: 16 bytes on Java 17 (12 with compact headers; the larger is counted). */
  private static final int ARRAY_HEADER = 16;

  private RegionWaste() {}

  /**
   * The heap an array of {@code length} bytes leaves unused beyond itself in regions of {@code regionBytes} (0:
   * no regions, no waste): for an array of half a region or more, the rest of its last region; for one of an eighth
   * of a region or more, its share of the space a region of such arrays cannot use; 0 for smaller ones, whose waste
   * is a few percent at most.
   */
  public static long of(long length, int regionBytes) {
    long size = length + ARRAY_HEADER;
    if (regionBytes == 0 || size < regionBytes / 8) {
      return 0;
    }
    if (size >= regionBytes / 2) {
      long regions = (size + regionBytes - 1) / regionBytes;
      return regions * regionBytes - size;
    }
    return regionBytes / (regionBytes / size) - size;
  }
}
