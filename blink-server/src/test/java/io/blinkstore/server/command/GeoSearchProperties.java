package io.blinkstore.server.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.blinkstore.server.BlinkServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

/**
 * {@code GEOSEARCH} against a brute-force model: every member's position (the centre of its cell, as
 * {@code GEOPOS} answers) is tested against the shape with Redis's rule ({@code geohashGetDistanceIfInRadiusWGS84}:
 * haversine distance at most the radius; a box: along the meridian at most half the height, along the member's
 * parallel at most half the width). Between latitudes -70 and 70 (where Redis's own fuzz test holds it exact) the
 * search finds exactly those members, nearest first, with their distances, but for Redis's miss from longitude 180
 * exactly (see {@link #columnMissedFrom}); anywhere (poles, the antimeridian,
 * radii past half the earth) it finds no member outside the shape and none twice; {@code COUNT n} is the first n of
 * the whole answer, {@code COUNT n ANY} n members of it.
 */
class GeoSearchProperties {
  private record Place(String name, long score, double longitude, double latitude) {}

  /** Up to {@code count} members at positions drawn from {@code seed}, added to {@code geo}. */
  private static List<Place> places(GeoStore resp, long seed, int count, double maxLatitude) {
    Random random = new Random(seed);
    List<Place> places = new ArrayList<>();
    List<String> args = new ArrayList<>(List.of("GEOADD", "geo"));
    for (int i = 0; i < count; i++) {
      double longitude = -180 + random.nextDouble() * 360;
      double latitude = -maxLatitude + random.nextDouble() * 2 * maxLatitude;
      String name = "p" + i;
      args.addAll(List.of(Double.toString(longitude), Double.toString(latitude), name));
      long score = Geohashes.encode(longitude, latitude);
      double[] xy = Geohashes.decode(score);
      places.add(new Place(name, score, xy[0], xy[1]));
    }
    if (count > 0) {
      assertEquals(new Result.Int(count), resp.run(args.toArray(String[]::new)));
    }
    return places;
  }

  /**
   * The step Redis searches at when the centre's longitude is 180 exactly, where it never reads the grid's first
   * column at that step; 0 for any other centre. From 180 Redis's {@code geohashEncode} gives the centre the
   * longitude cell 2^step, one past the grid's last: the centre's cell and its north and south neighbours keep that
   * bit and hold no score, its eastern neighbours wrap to the grid's second column, and the first column (the cells
   * from -180 eastwards) is not read. The step is the one estimated from the radius
   * ({@code geohashEstimateStepsByRadius}, {@link GeoAreas#steps}), always one coarser: the eastern neighbour's east
   * edge falls short of the bounding box's, which lies past 180.
   */
  private static int columnMissedFrom(double lon, double lat, double radiusKm, double heightKm, boolean box) {
    if (lon != 180) {
      return 0;
    }
    double radiusMeters = (box ? Math.sqrt((radiusKm / 2) * (radiusKm / 2) + (heightKm / 2) * (heightKm / 2))
        : radiusKm) * 1000;
    int step = GeoAreas.steps(radiusMeters, lat);
    return step > 1 ? step - 1 : step;
  }

  /** Whether the place is in the grid's first column (longitude cell 0) at {@code step}. */
  private static boolean inFirstColumn(Place place, int step) {
    long longitudeCell = Geohashes.deinterleave(place.score()) >>> 32;
    return longitudeCell >>> (26 - step) == 0;
  }

  /**
   * The members within the shape, by the model's rule, nearest first (ties by name), with distances in km; none in
   * the grid's first column at {@code missedStep} if it is not 0.
   */
  private static List<String> model(List<Place> places, double lon, double lat, double radiusKm, double widthKm,
      double heightKm, boolean box, int missedStep) {
    List<Place> within = new ArrayList<>();
    for (Place place : places) {
      if (missedStep > 0 && inFirstColumn(place, missedStep)) {
        continue;
      }
      if (box ? Geohashes.latDistance(place.latitude(), lat) <= heightKm * 1000 / 2
          && Geohashes.distance(place.longitude(), place.latitude(), lon, place.latitude()) <= widthKm * 1000 / 2
          : Geohashes.distance(lon, lat, place.longitude(), place.latitude()) <= radiusKm * 1000) {
        within.add(place);
      }
    }
    within.sort((a, b) -> Double.compare(distance(a, lon, lat), distance(b, lon, lat)));
    List<String> lines = new ArrayList<>();
    for (Place place : within) {
      lines.add(Geohashes.fixed4(distance(place, lon, lat) / 1000));
    }
    return lines;
  }

  private static double distance(Place place, double lon, double lat) {
    return Geohashes.distance(lon, lat, place.longitude(), place.latitude());
  }

  /** The members of a search reply with {@code WITHDIST}, and their distances. */
  private static List<String[]> answer(Result reply) {
    List<String[]> found = new ArrayList<>();
    for (Result item : ((Result.Array) reply).elements()) {
      List<Result> parts = ((Result.Array) item).elements();
      found.add(new String[] {text(parts.get(0)), text(parts.get(1))});
    }
    return found;
  }

  private static String text(Result bulk) {
    return StandardCharsets.ISO_8859_1.decode(((Result.Bulk) bulk).bytes().duplicate()).toString();
  }

  /**
   * The same from longitude 180 exactly, where the model leaves out what Redis never reads (a longitude drawn at
   * random is 180 exactly only now and then).
   */
  @Property(tries = 100)
  void fromLongitudeOneEightyASearchFindsTheMembersWithinItsShapeButTheFirstColumn(@ForAll long seed,
      @ForAll("counts") int count, @ForAll("latitudes") double lat, @ForAll("kilometres") double radiusKm,
      @ForAll("kilometres") double heightKm, @ForAll boolean box) {
    betweenSeventyDegreesASearchFindsExactlyTheMembersWithinItsShape(seed, count, 180, lat, radiusKm, heightKm, box);
  }

  /*
   * Counts, positions and sizes drawn uniformly: the annotations' draws favour values near 0 (most radii under a
   * few kilometres, so most searches found nothing), which is why CI met the miss from 180 only once.
   */
  @Provide
  Arbitrary<Integer> counts() {
    return Arbitraries.integers().between(0, 400).withDistribution(RandomDistribution.uniform());
  }

  @Provide
  Arbitrary<Double> longitudes() {
    return Arbitraries.doubles().between(-180, 180).ofScale(8).withDistribution(RandomDistribution.uniform());
  }

  @Provide
  Arbitrary<Double> latitudes() {
    return Arbitraries.doubles().between(-70, 70).ofScale(8).withDistribution(RandomDistribution.uniform());
  }

  @Provide
  Arbitrary<Double> kilometres() {
    return Arbitraries.doubles().between(0, 5000).ofScale(8).withDistribution(RandomDistribution.uniform());
  }

  @Property(tries = 150)
  void betweenSeventyDegreesASearchFindsExactlyTheMembersWithinItsShape(@ForAll long seed,
      @ForAll("counts") int count, @ForAll("longitudes") double lon, @ForAll("latitudes") double lat,
      @ForAll("kilometres") double radiusKm, @ForAll("kilometres") double heightKm, @ForAll boolean box) {
    try (GeoStore resp = new GeoStore(BlinkServer.DEFAULT_MAX_OUTPUT_BYTES)) {
      List<Place> places = places(resp, seed, count, 70);
      List<String> expected = model(places, lon, lat, radiusKm, radiusKm, heightKm, box,
          columnMissedFrom(lon, lat, radiusKm, heightKm, box));
      Result reply = box
          ? resp.run("GEOSEARCH", "geo", "FROMLONLAT", Double.toString(lon), Double.toString(lat), "BYBOX",
              Double.toString(radiusKm), Double.toString(heightKm), "km", "ASC", "WITHDIST")
          : resp.run("GEOSEARCH", "geo", "FROMLONLAT", Double.toString(lon), Double.toString(lat), "BYRADIUS",
              Double.toString(radiusKm), "km", "ASC", "WITHDIST");
      List<String[]> found = answer(reply);
      assertEquals(expected, found.stream().map(pair -> pair[1]).toList(), "the distances, nearest first");
      Set<String> names = new HashSet<>();
      for (String[] pair : found) {
        assertTrue(names.add(pair[0]), "found twice: " + pair[0]);
      }
    }
  }

  /**
   * CI's failure of 2026-12-06 (seed -1445252365385841964), shrunk: around (180, 0) within 3658.44047201 km, Redis
   * 7.0.15 answers p10 and p15 but not p18 at (-154.26, -21.22), 3658.4405 km away, which the same search around
   * (-180, 0) finds. The radius gives step 2, one coarser from 180 ({@link #columnMissedFrom}): the grid's first
   * column at step 1 is the western hemisphere, which Redis does not read from 180. {@code GeoParityIT} compares
   * such searches with {@code redis-server}.
   */
  @Example
  void fromLongitudeOneEightyASearchMissesTheFirstColumnEastOfTheAntimeridianAsRedisDoes() {
    try (GeoStore resp = new GeoStore(BlinkServer.DEFAULT_MAX_OUTPUT_BYTES)) {
      places(resp, 0, 19, 70);
      assertEquals(List.of("p10 421.2737", "p15 3556.7926"), names(resp.run("GEOSEARCH", "geo", "FROMLONLAT",
          "180.0", "0.0", "BYRADIUS", "3658.44047201", "km", "ASC", "WITHDIST")));
      assertEquals(List.of("p10 421.2737", "p15 3556.7926", "p18 3658.4405"), names(resp.run("GEOSEARCH", "geo",
          "FROMLONLAT", "-180.0", "0.0", "BYRADIUS", "3658.44047201", "km", "ASC", "WITHDIST")));
    }
  }

  private static List<String> names(Result reply) {
    return answer(reply).stream().map(pair -> pair[0] + " " + pair[1]).toList();
  }

  @Property(tries = 150)
  void anywhereASearchFindsNoMemberOutsideItsShapeAndNoneTwice(@ForAll long seed,
      @ForAll @IntRange(max = 300) int count, @ForAll @Scale(8) @DoubleRange(min = -180, max = 180) double lon,
      @ForAll @Scale(8) @DoubleRange(min = -85.05112878, max = 85.05112878) double lat,
      @ForAll @Scale(8) @DoubleRange(max = 25000) double radiusKm) {
    try (GeoStore resp = new GeoStore(BlinkServer.DEFAULT_MAX_OUTPUT_BYTES)) {
      List<Place> places = places(resp, seed, count, 85.05112878);
      Set<String> expected = new TreeSet<>();
      for (Place place : places) {
        if (distance(place, lon, lat) <= radiusKm * 1000) {
          expected.add(place.name());
        }
      }
      List<String[]> found = answer(resp.run("GEORADIUS", "geo", Double.toString(lon), Double.toString(lat),
          Double.toString(radiusKm), "km", "WITHDIST"));
      Set<String> names = new TreeSet<>();
      for (String[] pair : found) {
        assertTrue(names.add(pair[0]), "found twice: " + pair[0]);
      }
      assertTrue(expected.containsAll(names), () -> "outside the radius: " + names + " vs " + expected);
    }
  }

  @Property(tries = 100)
  void countIsTheNearestOfTheWholeAnswerAndAnyIsSomeOfIt(@ForAll long seed, @ForAll @IntRange(max = 300) int count,
      @ForAll @Scale(8) @DoubleRange(min = -180, max = 180) double lon, @ForAll @Scale(8) @DoubleRange(min = -70, max = 70) double lat,
      @ForAll @Scale(8) @DoubleRange(max = 5000) double radiusKm, @ForAll @IntRange(min = 1, max = 50) int n) {
    try (GeoStore resp = new GeoStore(BlinkServer.DEFAULT_MAX_OUTPUT_BYTES)) {
      places(resp, seed, count, 70);
      String[] base = {"GEOSEARCH", "geo", "FROMLONLAT", Double.toString(lon), Double.toString(lat), "BYRADIUS",
          Double.toString(radiusKm), "km", "WITHDIST"};
      List<String> all = answer(resp.run(with(base, "ASC"))).stream().map(pair -> pair[1]).toList();
      List<String> nearest = answer(resp.run(with(base, "COUNT", Integer.toString(n)))).stream()
          .map(pair -> pair[1]).toList();
      assertEquals(all.subList(0, Math.min(n, all.size())), nearest);
      Set<String> allNames = new HashSet<>();
      answer(resp.run(base)).forEach(pair -> allNames.add(pair[0]));
      List<String[]> any = answer(resp.run(with(base, "COUNT", Integer.toString(n), "ANY")));
      assertEquals(Math.min(n, all.size()), any.size());
      any.forEach(pair -> assertTrue(allNames.contains(pair[0]), pair[0]));
    }
  }

  private static String[] with(String[] base, String... more) {
    String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, args, base.length, more.length);
    return args;
  }
}
