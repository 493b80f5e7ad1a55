package io.blinkstore.server.command;

import io.blinkstore.internal.ListReplies;
import io.blinkstore.internal.SortedSets.Members;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The members a geo search finds, read as Redis reads them ({@code membersOfAllNeighbors} in {@code src/geo.c}):
 * the score ranges of {@link GeoAreas} in order, each member in a range tested against the {@link GeoShape}, the
 * reading stopped once {@code limit} are found ({@code COUNT n ANY}); then ordered by distance if asked (ties in the
 * order read, as glibc's stable {@code qsort} leaves them) and cut to {@code count}. With a count and an order, only
 * the best {@code count} are kept while reading (a bounded heap), so a search holds no more than it returns; without
 * a count, every match is returned, and the reply is refused once it would pass {@code maxBytes}.
 */
final class GeoMatches {
  /** How a search orders its matches. */
  enum Order { NONE, ASC, DESC }

  /**
   * A member found: its bytes (the set's, never changed), score, distance in metres, decoded position, the metres of
   * the request's unit, and its place in the order read.
   */
  record Point(byte[] member, double score, double distance, double longitude, double latitude, double conversion,
      long seq) {}

  /** What a reply adds to a point's member bytes, at most: array headers, a distance, a hash, two coordinates. */
  static final int PER_POINT = ListReplies.ELEMENT_OVERHEAD + 160;

  private GeoMatches() {}

  /**
   * The points of {@code set} within {@code shape}, ordered by {@code order}, at most {@code count} (0: all);
   * {@code any}: the first {@code count} read, not the nearest.
   *
   * @throws ListReplies.TooLarge if the points' reply would pass {@code maxBytes}
   */
  static List<Point> find(Members set, GeoShape shape, Order order, long count, boolean any, long maxBytes) {
    Comparator<Point> byDistance = comparator(order);
    boolean keepBest = count > 0 && !any && order != Order.NONE;
    PriorityQueue<Point> best = keepBest ? new PriorityQueue<>(byDistance.reversed()) : null;
    List<Point> found = new ArrayList<>();
    long[] ranges = GeoAreas.ranges(shape);
    long limit = any ? count : 0;
    long[] read = {0, 0};
    for (int r = 0; r < ranges.length && (limit == 0 || read[0] < limit); r += 2) {
      double min = ranges[r];
      double max = ranges[r + 1];
      set.walk(set.countBelow(min, false), false, (member, score) -> {
        if (score >= max) {
          return false;
        }
        double[] xy = Geohashes.decode(score);
        double distance = shape.distanceIfWithin(xy[0], xy[1]);
        if (distance >= 0) {
          Point point = new Point(member, score, distance, xy[0], xy[1], shape.conversion(), read[0]++);
          if (best == null) {
            read[1] += member.length + PER_POINT;
            if (read[1] > maxBytes) {
              throw new ListReplies.TooLarge(read[1], maxBytes);
            }
            found.add(point);
          } else if (best.size() < count) {
            best.add(point);
          } else if (byDistance.compare(point, best.peek()) < 0) {
            best.poll();
            best.add(point);
          }
        }
        return limit == 0 || read[0] < limit;
      });
    }
    if (best != null) {
      found.addAll(best);
      long bytes = 0;
      for (Point point : found) {
        bytes += point.member().length + PER_POINT;
      }
      if (bytes > maxBytes) {
        throw new ListReplies.TooLarge(bytes, maxBytes);
      }
    }
    if (order != Order.NONE) {
      found.sort(byDistance);
    }
    return count > 0 && found.size() > count ? found.subList(0, (int) count) : found;
  }

  /** Nearest first (or farthest), then in the order read. */
  private static Comparator<Point> comparator(Order order) {
    Comparator<Point> byDistance = (a, b) -> a.distance() > b.distance() ? 1 : a.distance() < b.distance() ? -1 : 0;
    Comparator<Point> ordered = order == Order.DESC ? byDistance.reversed() : byDistance;
    return ordered.thenComparingLong(Point::seq);
  }
}
