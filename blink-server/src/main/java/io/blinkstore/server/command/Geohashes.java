package io.blinkstore.server.command;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Redis 7.0's geohash arithmetic ({@code geohash.c}, {@code geohash_helper.c}, written anew): a position is stored as
 * the score of a sorted-set member, the 52-bit interleave of 26 bits of latitude (within Web Mercator's
 * +-85.05112878 degrees) and 26 of longitude, exact as a double. Decoding gives the centre of the member's cell, as
 * Redis does, so {@code GEOPOS} answers the same digits; the doubles are computed in the same order as Redis's C on
 * x86-64 (SSE2, no extended precision) so that the texts match byte for byte.
 */
final class Geohashes {
  static final double LONG_MIN = -180;
  static final double LONG_MAX = 180;
  static final double LAT_MIN = -85.05112878;
  static final double LAT_MAX = 85.05112878;
  /** Redis's earth radius (WGS-84's quadratic mean), which every distance it answers uses. */
  static final double EARTH_RADIUS_METERS = 6372797.560856;
  private static final int STEP = 26;
  private static final double CELLS = 1L << STEP;
  private static final double TWO_TO_63 = 0x1p63;
  private static final String BASE32 = "0123456789bcdefghjkmnpqrstuvwxyz";

  private Geohashes() {}

  /** Whether {@code GEOADD} accepts the pair (Redis's {@code extractLongLatOrReply}). */
  static boolean valid(double longitude, double latitude) {
    return longitude >= LONG_MIN && longitude <= LONG_MAX && latitude >= LAT_MIN && latitude <= LAT_MAX;
  }

  /** The 52-bit score of a valid position. */
  static long encode(double longitude, double latitude) {
    return encode(longitude, latitude, LAT_MIN, LAT_MAX);
  }

  private static long encode(double longitude, double latitude, double latMin, double latMax) {
    double latOffset = (latitude - latMin) / (latMax - latMin) * CELLS;
    double longOffset = (longitude - LONG_MIN) / (LONG_MAX - LONG_MIN) * CELLS;
    return interleave((long) latOffset & 0xffffffffL, (long) longOffset & 0xffffffffL);
  }

  /** The longitude and latitude of the centre of the cell {@code score} names, clamped to the valid ranges. */
  static double[] decode(double score) {
    long separated = deinterleave(toUint64(score));
    long latCell = separated & 0xffffffffL;
    long longCell = separated >>> 32;
    double latScale = LAT_MAX - LAT_MIN;
    double longScale = LONG_MAX - LONG_MIN;
    double latLow = LAT_MIN + (latCell * 1.0 / CELLS) * latScale;
    double latHigh = LAT_MIN + (((latCell + 1) & 0xffffffffL) * 1.0 / CELLS) * latScale;
    double longLow = LONG_MIN + (longCell * 1.0 / CELLS) * longScale;
    double longHigh = LONG_MIN + (((longCell + 1) & 0xffffffffL) * 1.0 / CELLS) * longScale;
    double longitude = Math.max(LONG_MIN, Math.min(LONG_MAX, (longLow + longHigh) / 2));
    double latitude = Math.max(LAT_MIN, Math.min(LAT_MAX, (latLow + latHigh) / 2));
    return new double[] {longitude, latitude};
  }

  /**
   * The standard 11-character geohash of the position {@code score} names: re-encoded over latitudes +-90 (Redis's
   * own cells stop at +-85.05), the eleventh character always {@code 0} as Redis writes it.
   */
  static String standard(double score) {
    double[] xy = decode(score);
    long bits = encode(xy[0], xy[1], -90, 90);
    char[] hash = new char[11];
    for (int i = 0; i < 10; i++) {
      hash[i] = BASE32.charAt((int) (bits >>> (52 - (i + 1) * 5)) & 0x1f);
    }
    hash[10] = BASE32.charAt(0);
    return new String(hash);
  }

  /** The great-circle distance in metres (Redis's haversine, its shortcut along a meridian). */
  static double distance(double lon1, double lat1, double lon2, double lat2) {
    double lon1r = radians(lon1);
    double lon2r = radians(lon2);
    double v = Math.sin((lon2r - lon1r) / 2);
    if (v == 0.0) {
      return latDistance(lat1, lat2);
    }
    double lat1r = radians(lat1);
    double lat2r = radians(lat2);
    double u = Math.sin((lat2r - lat1r) / 2);
    double a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
    return 2.0 * EARTH_RADIUS_METERS * Math.asin(Math.sqrt(a));
  }

  /** The distance in metres along a meridian between two latitudes. */
  static double latDistance(double lat1, double lat2) {
    return EARTH_RADIUS_METERS * Math.abs(radians(lat2) - radians(lat1));
  }

  private static double radians(double degrees) {
    return degrees * (Math.PI / 180.0);
  }

  /** {@code value} as Redis writes a coordinate ({@code %.17Lf} with its trailing zeros and point removed). */
  static String human(double value) {
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    String text = new BigDecimal(value).setScale(17, RoundingMode.HALF_EVEN).toPlainString();
    int end = text.length();
    while (text.charAt(end - 1) == '0') {
      end--;
    }
    if (text.charAt(end - 1) == '.') {
      end--;
    }
    text = text.substring(0, end);
    return text.equals("-0") ? "0" : text;
  }

  /** A distance as Redis writes it: rounded half to even at four decimals, always four. */
  static String fixed4(double value) {
    long scaled = (long) Math.rint(value * 10000.0);
    String digits = Long.toString(Math.abs(scaled));
    if (digits.length() < 5) {
      digits = "0".repeat(5 - digits.length()) + digits;
    }
    int point = digits.length() - 4;
    return (scaled < 0 ? "-" : "") + digits.substring(0, point) + '.' + digits.substring(point);
  }

  /** {@code value} as C's {@code printf("%f")} writes it (in {@code GEOADD}'s error). */
  static String cFixed6(double value) {
    if (Double.isNaN(value)) {
      return Math.copySign(1, value) < 0 ? "-nan" : "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    String text = new BigDecimal(value).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
    boolean negative = Math.copySign(1, value) < 0;
    return negative && text.charAt(0) != '-' ? '-' + text : text;
  }

  /** C's {@code (uint64_t) score} on x86-64, which Redis decodes a score through. */
  private static long toUint64(double score) {
    return score >= TWO_TO_63 ? (long) (score - TWO_TO_63) ^ Long.MIN_VALUE : CDoubles.toLongLong(score);
  }

  /** Latitude bits at the even positions, longitude bits at the odd ones. */
  static long interleave(long latitude, long longitude) {
    return spread(latitude) | spread(longitude) << 1;
  }

  private static long spread(long value) {
    long x = value;
    x = (x | x << 16) & 0x0000FFFF0000FFFFL;
    x = (x | x << 8) & 0x00FF00FF00FF00FFL;
    x = (x | x << 4) & 0x0F0F0F0F0F0F0F0FL;
    x = (x | x << 2) & 0x3333333333333333L;
    return (x | x << 1) & 0x5555555555555555L;
  }

  /** The even bits in the low word, the odd bits in the high word. */
  static long deinterleave(long bits) {
    return squeeze(bits) | squeeze(bits >>> 1) << 32;
  }

  private static long squeeze(long value) {
    long x = value & 0x5555555555555555L;
    x = (x | x >>> 1) & 0x3333333333333333L;
    x = (x | x >>> 2) & 0x0F0F0F0F0F0F0F0FL;
    x = (x | x >>> 4) & 0x00FF00FF00FF00FFL;
    x = (x | x >>> 8) & 0x0000FFFF0000FFFFL;
    return (x | x >>> 16) & 0x00000000FFFFFFFFL;
  }
}
