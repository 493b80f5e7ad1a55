package io.blinkstore.server.command;

import java.util.Arrays;

/**
 * The score ranges a geo search reads, as Redis 7.0 chooses them ({@code geohashCalculateAreasByShapeWGS84} in
 * {@code src/geohash_helper.c}, written anew): the cell of the centre at a precision (a step: bits of latitude and
 * of longitude) estimated from the radius, one coarser if a neighbour does not reach the shape's bounding box, the
 * eight neighbours around it (wrapping at the edges of the grid), and, from step 2, the neighbours on a side the
 * centre's cell already covers left out. A cell of step s is the 52-bit scores whose first 2s bits are its bits.
 * The doubles are computed in Redis's order so that the same cells come out.
 */
final class GeoAreas {
  /** Redis's {@code MERCATOR_MAX}: a radius is doubled up to it to estimate the step. */
  private static final double MERCATOR_MAX = 20037726.37;
  private static final double DEGREES_TO_RADIANS = Math.PI / 180.0;
  private static final long EVEN_BITS = 0x5555555555555555L;
  private static final long ODD_BITS = 0xaaaaaaaaaaaaaaaaL;
  /** The order Redis reads the cells in: centre, N, S, E, W, NE, NW, SE, SW (as moves in longitude, latitude). */
  private static final int[][] MOVES = {{0, 0}, {0, 1}, {0, -1}, {1, 0}, {-1, 0}, {1, 1}, {-1, 1}, {1, -1}, {-1, -1}};

  private GeoAreas() {}

  /**
   * The {@code [min, max)} score ranges to read for {@code shape}, in Redis's order, as pairs: up to nine, none for
   * a neighbour left out, none for one that is the same cell as the one read just before it (at a coarse step
   * neighbours on opposite sides are one cell, as Redis skips them).
   */
  static long[] ranges(GeoShape shape) {
    double[] bounds = boundingBox(shape);
    double radiusMeters = (shape.box()
        ? Math.sqrt((shape.width() / 2) * (shape.width() / 2) + (shape.height() / 2) * (shape.height() / 2))
        : shape.radius()) * shape.conversion();
    int step = steps(radiusMeters, shape.latitude());
    long centre = encode(shape.longitude(), shape.latitude(), step);
    if (step > 1 && neighboursFallShort(centre, step, bounds)) {
      step--;
      centre = encode(shape.longitude(), shape.latitude(), step);
    }
    boolean[] skip = new boolean[MOVES.length];
    if (step >= 2) {
      double[] area = area(centre, step);
      for (int i = 1; i < MOVES.length; i++) {
        int dx = MOVES[i][0];
        int dy = MOVES[i][1];
        skip[i] = dy < 0 && area[2] < bounds[1] || dy > 0 && area[3] > bounds[3]
            || dx < 0 && area[0] < bounds[0] || dx > 0 && area[1] > bounds[2];
      }
    }
    long[] ranges = new long[2 * MOVES.length];
    int used = 0;
    long last = -1;
    int shift = 52 - 2 * step;
    for (int i = 0; i < MOVES.length; i++) {
      if (skip[i]) {
        continue;
      }
      long cell = moveY(moveX(centre, step, MOVES[i][0]), step, MOVES[i][1]);
      if (i > 0 && cell == last) {
        continue;
      }
      ranges[used++] = cell << shift;
      ranges[used++] = (cell + 1) << shift;
      last = cell;
    }
    return Arrays.copyOf(ranges, used);
  }

  /**
   * Whether a cell north, south, east or west of {@code centre} falls short of the bounding box's edge on its side
   * (a comparison with an edge that is not a number is false, as in C): then Redis searches one step coarser.
   */
  private static boolean neighboursFallShort(long centre, int step, double[] bounds) {
    return area(moveY(centre, step, 1), step)[3] < bounds[3] || area(moveY(centre, step, -1), step)[2] > bounds[1]
        || area(moveX(centre, step, 1), step)[1] < bounds[2] || area(moveX(centre, step, -1), step)[0] > bounds[0];
  }

  /** The step Redis estimates for a radius: doubling it up to the Mercator width, coarser towards the poles. */
  static int steps(double radiusMeters, double latitude) {
    if (radiusMeters == 0) {
      return 26;
    }
    double range = radiusMeters;
    int step = 1;
    while (range < MERCATOR_MAX) {
      range *= 2;
      step++;
    }
    step -= 2;
    if (latitude > 66 || latitude < -66) {
      step--;
      if (latitude > 80 || latitude < -80) {
        step--;
      }
    }
    return Math.max(1, Math.min(26, step));
  }

  /** Longitudes and latitudes the shape can reach: west, south, east, north (Redis's {@code geohashBoundingBox}). */
  static double[] boundingBox(GeoShape shape) {
    double height = shape.conversion() * (shape.box() ? shape.height() / 2 : shape.radius());
    double width = shape.conversion() * (shape.box() ? shape.width() / 2 : shape.radius());
    double latitude = shape.latitude();
    double latDelta = height / Geohashes.EARTH_RADIUS_METERS / DEGREES_TO_RADIANS;
    double longDeltaTop =
        width / Geohashes.EARTH_RADIUS_METERS / Math.cos((latitude + latDelta) * DEGREES_TO_RADIANS)
            / DEGREES_TO_RADIANS;
    double longDeltaBottom =
        width / Geohashes.EARTH_RADIUS_METERS / Math.cos((latitude - latDelta) * DEGREES_TO_RADIANS)
            / DEGREES_TO_RADIANS;
    double longDelta = latitude < 0 ? longDeltaBottom : longDeltaTop;
    return new double[] {shape.longitude() - longDelta, latitude - latDelta, shape.longitude() + longDelta,
        latitude + latDelta};
  }

  /** The cell of {@code step} bits of latitude and longitude holding a valid position. */
  static long encode(double longitude, double latitude, int step) {
    double cells = 1L << step;
    double latOffset = (latitude - Geohashes.LAT_MIN) / (Geohashes.LAT_MAX - Geohashes.LAT_MIN) * cells;
    double longOffset = (longitude - Geohashes.LONG_MIN) / (Geohashes.LONG_MAX - Geohashes.LONG_MIN) * cells;
    return Geohashes.interleave((long) latOffset & 0xffffffffL, (long) longOffset & 0xffffffffL);
  }

  /** A cell's west, east, south and north edges. */
  static double[] area(long cell, int step) {
    long separated = Geohashes.deinterleave(cell);
    long latCell = separated & 0xffffffffL;
    long longCell = separated >>> 32;
    double cells = 1L << step;
    double latScale = Geohashes.LAT_MAX - Geohashes.LAT_MIN;
    double longScale = Geohashes.LONG_MAX - Geohashes.LONG_MIN;
    return new double[] {
        Geohashes.LONG_MIN + (longCell * 1.0 / cells) * longScale,
        Geohashes.LONG_MIN + ((longCell + 1) * 1.0 / cells) * longScale,
        Geohashes.LAT_MIN + (latCell * 1.0 / cells) * latScale,
        Geohashes.LAT_MIN + ((latCell + 1) * 1.0 / cells) * latScale};
  }

  /** The cell {@code d} (-1, 0, 1) cells east of {@code cell}, wrapping around the grid. */
  static long moveX(long cell, int step, int d) {
    return move(cell, step, d, ODD_BITS, EVEN_BITS);
  }

  /** The cell {@code d} (-1, 0, 1) cells north of {@code cell}, wrapping around the grid. */
  static long moveY(long cell, int step, int d) {
    return move(cell, step, d, EVEN_BITS, ODD_BITS);
  }

  /**
   * Adds {@code d} to the coordinate held in the {@code mine} bits of {@code cell}: the {@code other} bits in
   * between are filled with ones so that a carry (or borrow) runs through them, then masked away.
   */
  private static long move(long cell, int step, int d, long mine, long other) {
    if (d == 0) {
      return cell;
    }
    long own = cell & mine;
    long rest = cell & ~mine;
    long fill = other >>> (64 - step * 2);
    if (d > 0) {
      own = own + (fill + 1);
    } else {
      own = (own | fill) - (fill + 1);
    }
    return (own & (mine >>> (64 - step * 2))) | rest;
  }
}
