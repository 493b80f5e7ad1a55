package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Scale;

/**
 * {@link Geohashes} against a model of what a cell is: a position encodes to a 52-bit score whose decoded centre is
 * within half a cell of it (360 / 2^26 degrees of longitude, 170.1 / 2^26 of latitude), the score orders by the
 * interleaved cells, and the texts are Redis's ({@code %.17Lf} trimmed, {@code %.4f} rounded half to even, C's
 * {@code %f}). Byte parity with Redis itself is {@code GeoParityIT}'s.
 */
class GeohashesProperties {
  private static final double LONG_CELL = 360.0 / (1 << 26);
  private static final double LAT_CELL = (Geohashes.LAT_MAX - Geohashes.LAT_MIN) / (1 << 26);

  @Property(tries = 2000)
  void aPositionDecodesToTheCentreOfItsCell(@ForAll @Scale(10) @DoubleRange(min = -180, max = 180) double longitude,
      @ForAll @Scale(10) @DoubleRange(min = -85.05112878, max = 85.05112878) double latitude) {
    // The top edges (180, 85.05112878) fall one cell past the grid, as in Redis: GeoParityIT compares them
    Assume.that(longitude < Geohashes.LONG_MAX && latitude < Geohashes.LAT_MAX);
    long score = Geohashes.encode(longitude, latitude);
    assertTrue(score >= 0 && score < 1L << 52, Long.toString(score));
    double[] xy = Geohashes.decode(score);
    assertTrue(Math.abs(xy[0] - longitude) <= LONG_CELL / 2 + 1e-9, longitude + " -> " + xy[0]);
    assertTrue(Math.abs(xy[1] - latitude) <= LAT_CELL / 2 + 1e-9, latitude + " -> " + xy[1]);
    assertEquals(score, Geohashes.encode(xy[0], xy[1]), "the centre is in the same cell");
  }

  @Property(tries = 1000)
  void theDistanceIsSymmetricAndZeroToItself(@ForAll @Scale(10) @DoubleRange(min = -180, max = 180) double lon1,
      @ForAll @Scale(10) @DoubleRange(min = -85, max = 85) double lat1,
      @ForAll @Scale(10) @DoubleRange(min = -180, max = 180) double lon2,
      @ForAll @Scale(10) @DoubleRange(min = -85, max = 85) double lat2) {
    assertEquals(0, Geohashes.distance(lon1, lat1, lon1, lat1));
    double distance = Geohashes.distance(lon1, lat1, lon2, lat2);
    assertEquals(distance, Geohashes.distance(lon2, lat2, lon1, lat1), 1e-6);
    assertTrue(distance <= Math.PI * Geohashes.EARTH_RADIUS_METERS + 1e-6, Double.toString(distance));
  }

  @Property(tries = 1000)
  void humanTextIsTheValueAtSeventeenDecimals(@ForAll @Scale(10) @DoubleRange(min = -180, max = 180) double value) {
    String text = Geohashes.human(value);
    assertEquals(0, new BigDecimal(text).compareTo(new BigDecimal(value).setScale(17,
        java.math.RoundingMode.HALF_EVEN)), text);
    assertTrue(!text.endsWith("0") || !text.contains("."), text);
  }

  @Example
  void knownPositionsEncodeAsRedisStoresThem() {
    // Redis 7.0.15: GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania, then ZSCORE and GEOHASH
    assertEquals(3479099956230698L, Geohashes.encode(13.361389, 38.115556));
    assertEquals(3479447370796909L, Geohashes.encode(15.087269, 37.502669));
    assertEquals("sqc8b49rny0", Geohashes.standard(3479099956230698L));
    assertEquals("sqdtr74hyu0", Geohashes.standard(3479447370796909L));
    assertEquals("166274.1516", Geohashes.fixed4(distanceOf(3479099956230698L, 3479447370796909L)));
    assertEquals("13.36138933897018433", Geohashes.human(Geohashes.decode(3479099956230698L)[0]));
  }

  @Example
  void textsAreRedisAndC() {
    assertEquals("0.0000", Geohashes.fixed4(0));
    assertEquals("0.0005", Geohashes.fixed4(0.00049999999999999));
    assertEquals("12.3457", Geohashes.fixed4(12.34567));
    assertEquals("0", Geohashes.human(-0.0));
    assertEquals("0", Geohashes.human(-1e-20));
    assertEquals("-180", Geohashes.human(-180));
    assertEquals("-0.000000", Geohashes.cFixed6(-0.0000001));
    assertEquals("200.000000", Geohashes.cFixed6(200));
    assertEquals("-inf", Geohashes.cFixed6(Double.NEGATIVE_INFINITY));
  }

  private static double distanceOf(long from, long to) {
    double[] a = Geohashes.decode(from);
    double[] b = Geohashes.decode(to);
    return Geohashes.distance(a[0], a[1], b[0], b[1]);
  }
}
