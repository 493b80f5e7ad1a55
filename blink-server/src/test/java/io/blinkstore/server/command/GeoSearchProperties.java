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
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;

/**
 * {@code GEOSEARCH} against a brute-force model: every member's position (the centre of its cell, as
 * {@code GEOPOS} answers) is tested against the shape with Redis's rule ({@code geohashGetDistanceIfInRadiusWGS84}:
 * haversine distance at most the radius; a box: along the meridian at most half the height, along the member's
 * parallel at most half the width). Between latitudes -70 and 70 (where Redis's own fuzz test holds it exact) the
 * search finds exactly those members, nearest first, with their distances; anywhere (poles, the antimeridian,
 * radii past half the earth) it finds no member outside the shape and none twice; {@code COUNT n} is the first n of
 * the whole answer, {@code COUNT n ANY} n members of it.
 */
class GeoSearchProperties {
  private record Place(String name, double longitude, double latitude) {}

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
      double[] xy = Geohashes.decode(Geohashes.encode(longitude, latitude));
      places.add(new Place(name, xy[0], xy[1]));
    }
    if (count > 0) {
      assertEquals(new Result.Int(count), resp.run(args.toArray(String[]::new)));
    }
    return places;
  }

  /** The members within the shape, by the model's rule, nearest first (ties by name), with distances in km. */
  private static List<String> model(List<Place> places, double lon, double lat, double radiusKm, double widthKm,
      double heightKm, boolean box) {
    List<Place> within = new ArrayList<>();
    for (Place place : places) {
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

  @Property(tries = 150)
  void betweenSeventyDegreesASearchFindsExactlyTheMembersWithinItsShape(@ForAll long seed,
      @ForAll @IntRange(max = 400) int count, @ForAll @Scale(8) @DoubleRange(min = -180, max = 180) double lon,
      @ForAll @Scale(8) @DoubleRange(min = -70, max = 70) double lat, @ForAll @Scale(8) @DoubleRange(max = 5000) double radiusKm,
      @ForAll @Scale(8) @DoubleRange(max = 5000) double heightKm, @ForAll boolean box) {
    try (GeoStore resp = new GeoStore(BlinkServer.DEFAULT_MAX_OUTPUT_BYTES)) {
      List<Place> places = places(resp, seed, count, 70);
      List<String> expected = model(places, lon, lat, radiusKm, radiusKm, heightKm, box);
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
